package temporal

import (
	"errors"
	"reflect"
	"time"
)

// Failure is a Temporal failure, as the ABI carries it both ways: what a workflow fails with (an
// application failure: Message, Type, NonRetryable, Details, Cause) and what the host hands back
// when an activity, a child workflow, a timer or an external call fails or is cancelled.
//
// A failure from Temporal keeps everything Temporal sent: its Kind ("application", "activity",
// "child_workflow", "timeout", "cancelled", "terminated", "server", ...), the timeout type, the
// retry state and the whole Cause chain. The first application failure's Type is copied to the
// top, so code can branch on f.Type without walking the chain:
//
//	_, err := temporal.ExecuteActivity[Receipt](opts, order)
//	var failure *temporal.Failure
//	if errors.As(err, &failure) && failure.Type == "CardDeclined" { ... }
//
// Every error the SDK returns from a Temporal operation is a *Failure.
type Failure struct {
	// Message says what went wrong.
	Message string `json:"message,omitempty"`
	// Type is the application error type, such as "InvalidOrder"; Temporal's retry policies
	// match it against non_retryable_error_types.
	Type string `json:"type,omitempty"`
	// NonRetryable stops Temporal from retrying, whatever the retry policy says.
	NonRetryable bool `json:"non_retryable,omitempty"`
	// Details are values attached to the failure; read them with Details.Decode.
	Details Payloads `json:"details,omitempty"`
	// Cause is the failure this one wraps, if any.
	Cause *Failure `json:"cause,omitempty"`

	// Kind is the kind of failure Temporal reported (set by the host only).
	Kind string `json:"kind,omitempty"`
	// Source names what produced the failure, such as "PythonSDK" (set by the host only).
	Source string `json:"source,omitempty"`
	// StackTrace is the stack trace Temporal recorded, if any (set by the host only).
	StackTrace string `json:"stack_trace,omitempty"`
	// TimeoutType is "start_to_close", "schedule_to_start", "schedule_to_close" or
	// "heartbeat" for a timeout (set by the host only).
	TimeoutType string `json:"timeout_type,omitempty"`
	// RetryState says why Temporal stopped retrying an activity or child, such as
	// "maximum_attempts_reached" or "non_retryable_failure" (set by the host only).
	RetryState string `json:"retry_state,omitempty"`
	// NextRetryDelayMs is the delay an application failure asked for before the next retry.
	NextRetryDelayMs int64 `json:"next_retry_delay_ms,omitempty"`
	// LastHeartbeatDetails are the last heartbeat's details of a timed-out activity.
	LastHeartbeatDetails Payloads `json:"last_heartbeat_details,omitempty"`
	// Activity describes the activity of an "activity" failure.
	Activity *ActivityFailureInfo `json:"activity,omitempty"`
	// ChildWorkflow describes the child of a "child_workflow" failure.
	ChildWorkflow *ChildWorkflowFailureInfo `json:"child_workflow,omitempty"`
}

// ActivityFailureInfo identifies the activity an "activity" failure is about.
type ActivityFailureInfo struct {
	// ActivityType is the activity's type name.
	ActivityType string `json:"activity_type"`
	// ActivityID is its id within the workflow run.
	ActivityID string `json:"activity_id"`
	// Identity is the identity of the worker that ran its last attempt.
	Identity string `json:"identity"`
	// ScheduledEventID is the history event that scheduled it.
	ScheduledEventID int64 `json:"scheduled_event_id"`
	// StartedEventID is the history event of its last start.
	StartedEventID int64 `json:"started_event_id"`
}

// ChildWorkflowFailureInfo identifies the child of a "child_workflow" failure.
type ChildWorkflowFailureInfo struct {
	// Namespace is the child's namespace.
	Namespace string `json:"namespace"`
	// WorkflowID is the child's workflow id.
	WorkflowID string `json:"workflow_id"`
	// RunID is the child's run id ("" if it never started).
	RunID string `json:"run_id"`
	// WorkflowType is the child's workflow type.
	WorkflowType string `json:"workflow_type"`
	// InitiatedEventID is the parent's history event that started it.
	InitiatedEventID int64 `json:"initiated_event_id"`
	// StartedEventID is the parent's history event of its start.
	StartedEventID int64 `json:"started_event_id"`
}

// NewFailure returns a retryable application failure with a message, a type and details (each
// encoded as a json/plain payload; a value that cannot be encoded is dropped and named in the
// message instead, so building a failure never fails).
func NewFailure(message, failureType string, details ...any) *Failure {
	failure := &Failure{Message: message, Type: failureType}
	if len(details) > 0 {
		payloads, err := NewPayloads(details...)
		if err != nil {
			failure.Message += " (details dropped: " + err.Error() + ")"
		}
		failure.Details = payloads
	}
	return failure
}

// NewNonRetryableFailure is NewFailure for a failure that retrying cannot fix, such as invalid
// input: Temporal does not retry it whatever the retry policy says.
func NewNonRetryableFailure(message, failureType string, details ...any) *Failure {
	failure := NewFailure(message, failureType, details...)
	failure.NonRetryable = true
	return failure
}

// WithCause sets the failure's cause (converted with AsFailure) and returns the failure.
func (f *Failure) WithCause(cause error) *Failure {
	f.Cause = AsFailure(cause)
	return f
}

// Error returns the message, followed by the cause's when there is one, as wrapped Go errors
// read ("payment failed: card declined").
func (f *Failure) Error() string {
	message := f.Message
	if message == "" {
		message = f.Type
	}
	if message == "" {
		message = f.Kind + " failure"
	}
	if f.Cause != nil {
		message += ": " + f.Cause.Error()
	}
	return message
}

// Unwrap returns the cause, so errors.Is and errors.As walk the chain.
func (f *Failure) Unwrap() error {
	if f.Cause == nil {
		return nil
	}
	return f.Cause
}

// Root returns the innermost failure of the chain: often the application error an activity
// raised, inside the "activity" failure that reports it.
func (f *Failure) Root() *Failure {
	for f.Cause != nil {
		f = f.Cause
	}
	return f
}

// AsFailure converts any error to a *Failure: a *Failure in err's chain is returned as is;
// any other error becomes a retryable application failure whose message is err.Error() and
// whose type is the error's Go type name (as Temporal's Go SDK names it, e.g. "errorString").
// A nil error gives nil.
func AsFailure(err error) *Failure {
	if err == nil {
		return nil
	}
	var failure *Failure
	if errors.As(err, &failure) && failure != nil {
		return failure
	}
	var continued *ContinueAsNewError
	if errors.As(err, &continued) {
		return &Failure{Message: err.Error(), Type: "ContinueAsNewError"}
	}
	return &Failure{Message: err.Error(), Type: errorTypeName(err)}
}

func errorTypeName(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// IsCanceledError reports whether err is, or wraps, a cancellation: a cancelled activity,
// timer or child workflow, or the error NewCanceledError returns. A workflow that returns such an
// error after its cancellation was requested ends as cancelled (see Run).
func IsCanceledError(err error) bool {
	var failure *Failure
	if !errors.As(err, &failure) {
		return false
	}
	for ; failure != nil; failure = failure.Cause {
		if failure.Kind == "cancelled" {
			return true
		}
	}
	return false
}

// NewCanceledError returns the error a workflow returns to end as cancelled, with details.
// Returned from the workflow function after its cancellation was requested, it makes Run end
// the run as cancelled (complete_as_cancelled) with these details; at any other time it fails
// the workflow like any other error.
func NewCanceledError(details ...any) *Failure {
	failure := NewNonRetryableFailure("workflow cancelled", "", details...)
	failure.Kind = "cancelled"
	return failure
}

// ContinueAsNewError, returned from the workflow function, ends the run and starts a new run of
// the workflow (by default the same type on the same task queue) with new arguments: the way a
// long-lived workflow keeps its history short. Build it with NewContinueAsNewError.
type ContinueAsNewError struct {
	// Options say what the new run differs in.
	Options ContinueAsNewOptions
	// Args are the new run's arguments.
	Args Payloads
	// err is why the arguments could not be encoded, if they could not.
	err error
}

// ContinueAsNewOptions say how the new run of a continue-as-new differs from this one; zero
// fields keep this run's values.
type ContinueAsNewOptions struct {
	// WorkflowType of the new run.
	WorkflowType string
	// TaskQueue of the new run.
	TaskQueue string
	// RunTimeout of the new run.
	RunTimeout time.Duration
	// TaskTimeout of each of the new run's workflow tasks.
	TaskTimeout time.Duration
	// Memo of the new run; each value is encoded as a json/plain payload.
	Memo map[string]any
	// SearchAttributes of the new run, as JSON values.
	SearchAttributes map[string]any
	// RetryPolicy of the new run.
	RetryPolicy *RetryPolicy
}

// NewContinueAsNewError returns the error that, returned from the workflow function, continues
// the workflow as new with args (each encoded as a json/plain payload).
func NewContinueAsNewError(options ContinueAsNewOptions, args ...any) *ContinueAsNewError {
	payloads, err := NewPayloads(args...)
	return &ContinueAsNewError{Options: options, Args: payloads, err: err}
}

// Error says that the workflow continues as new.
func (e *ContinueAsNewError) Error() string {
	if e.err != nil {
		return "continue as new: " + e.err.Error()
	}
	return "continue as new"
}
