package temporal

import "time"

// ChildWorkflowOptions describe a child workflow: its type and how it runs. Zero fields take
// the defaults: a workflow id derived from this run and the call (unique and stable on replay),
// this workflow's namespace and task queue, parent close policy "terminate".
type ChildWorkflowOptions struct {
	// Type is the child's workflow type (required).
	Type string
	// WorkflowID of the child.
	WorkflowID string
	// TaskQueue the child runs on.
	TaskQueue string
	// Namespace the child runs in.
	Namespace string
	// ExecutionTimeout bounds the child's whole execution, retries and continue-as-new included.
	ExecutionTimeout time.Duration
	// RunTimeout bounds one run.
	RunTimeout time.Duration
	// TaskTimeout bounds one workflow task.
	TaskTimeout time.Duration
	// IDReusePolicy: "allow_duplicate", "allow_duplicate_failed_only", "reject_duplicate" or
	// "terminate_if_running".
	IDReusePolicy string
	// ParentClosePolicy: "terminate" (default), "abandon" or "request_cancel".
	ParentClosePolicy string
	// RetryPolicy of the child.
	RetryPolicy *RetryPolicy
	// CronSchedule makes the child a cron workflow.
	CronSchedule string
	// Memo of the child; each value is encoded as a json/plain payload.
	Memo map[string]any
	// SearchAttributes of the child, as JSON values.
	SearchAttributes map[string]any
	// CancellationType says what Cancel waits for: "wait_cancellation_completed" (default),
	// "wait_cancellation_requested", "try_cancel" or "abandon".
	CancellationType string
}

// childRequest is the JSON of start_child_workflow.
type childRequest struct {
	WorkflowType       string             `json:"workflow_type"`
	WorkflowID         string             `json:"workflow_id,omitempty"`
	Args               Payloads           `json:"args,omitempty"`
	TaskQueue          string             `json:"task_queue,omitempty"`
	Namespace          string             `json:"namespace,omitempty"`
	ExecutionTimeoutMs uint64             `json:"execution_timeout_ms,omitempty"`
	RunTimeoutMs       uint64             `json:"run_timeout_ms,omitempty"`
	TaskTimeoutMs      uint64             `json:"task_timeout_ms,omitempty"`
	IDReusePolicy      string             `json:"id_reuse_policy,omitempty"`
	ParentClosePolicy  string             `json:"parent_close_policy,omitempty"`
	RetryPolicy        *retryPolicyJSON   `json:"retry_policy,omitempty"`
	CronSchedule       string             `json:"cron_schedule,omitempty"`
	Memo               map[string]Payload `json:"memo,omitempty"`
	SearchAttributes   map[string]any     `json:"search_attributes,omitempty"`
	CancellationType   string             `json:"cancellation_type,omitempty"`
}

// payloadMap encodes each value of a memo as a json/plain payload.
func payloadMap(values map[string]any) (map[string]Payload, error) {
	if len(values) == 0 {
		return nil, nil
	}
	payloads := make(map[string]Payload, len(values))
	for key, value := range values {
		payload, err := NewPayload(value)
		if err != nil {
			return nil, err
		}
		payloads[key] = payload
	}
	return payloads, nil
}

func (o ChildWorkflowOptions) request(args ...any) ([]byte, error) {
	payloads, err := NewPayloads(args...)
	if err != nil {
		return nil, err
	}
	memo, err := payloadMap(o.Memo)
	if err != nil {
		return nil, err
	}
	return marshalJSON(childRequest{
		WorkflowType:       o.Type,
		WorkflowID:         o.WorkflowID,
		Args:               payloads,
		TaskQueue:          o.TaskQueue,
		Namespace:          o.Namespace,
		ExecutionTimeoutMs: millis(o.ExecutionTimeout),
		RunTimeoutMs:       millis(o.RunTimeout),
		TaskTimeoutMs:      millis(o.TaskTimeout),
		IDReusePolicy:      o.IDReusePolicy,
		ParentClosePolicy:  o.ParentClosePolicy,
		RetryPolicy:        o.RetryPolicy.toJSON(),
		CronSchedule:       o.CronSchedule,
		Memo:               memo,
		SearchAttributes:   o.SearchAttributes,
		CancellationType:   o.CancellationType,
	})
}

// StartChildWorkflow starts a child workflow with args (each a json/plain payload) and returns
// the Future of its result, decoded into Out. If the child cannot start (its id is taken, its
// namespace does not exist) the Future fails with Type "WorkflowAlreadyStarted" or
// "NamespaceNotFound"; if it fails, with a *Failure of kind "child_workflow" whose Cause is the
// child's failure.
func StartChildWorkflow[Out any](options ChildWorkflowOptions, args ...any) *Future[Out] {
	request, err := options.request(args...)
	if err != nil {
		return failedFuture[Out](err)
	}
	return newFuture[Out](hostStartChildWorkflow(request), "child workflow "+options.Type)
}

// ExecuteChildWorkflow runs a child workflow and blocks until its result is in.
func ExecuteChildWorkflow[Out any](options ChildWorkflowOptions, args ...any) (Out, error) {
	return StartChildWorkflow[Out](options, args...).Get()
}

// signalRequest is the JSON of signal_external_workflow.
type signalRequest struct {
	WorkflowID string   `json:"workflow_id"`
	RunID      string   `json:"run_id,omitempty"`
	Namespace  string   `json:"namespace,omitempty"`
	SignalName string   `json:"signal_name"`
	Args       Payloads `json:"args,omitempty"`
}

// SignalExternalWorkflow sends the signal name with args (each a json/plain payload) to another
// workflow, and returns a Future that resolves once it was delivered (or fails: no such
// workflow).
func SignalExternalWorkflow(target WorkflowExecution, name string, args ...any) *Future[struct{}] {
	payloads, err := NewPayloads(args...)
	if err != nil {
		return failedFuture[struct{}](err)
	}
	request := mustJSON(signalRequest{
		WorkflowID: target.WorkflowID, RunID: target.RunID, Namespace: target.Namespace,
		SignalName: name, Args: payloads,
	})
	return newFuture[struct{}](hostSignalExternalWorkflow(request), "signal "+name+" to "+target.WorkflowID)
}

// CancelExternalWorkflow asks Temporal to cancel another workflow, and returns a Future that
// resolves once the cancellation was requested (or fails).
func CancelExternalWorkflow(target WorkflowExecution) *Future[struct{}] {
	request := mustJSON(target)
	return newFuture[struct{}](hostCancelExternalWorkflow(request), "cancel of "+target.WorkflowID)
}
