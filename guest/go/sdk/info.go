package temporal

import (
	"encoding/json"
	"time"
)

// Info is what the host tells a run about itself: its start arguments and its workflow info.
type Info struct {
	// Params are the workflow's start arguments, undecoded.
	Params Payloads `json:"params"`
	// WorkflowInfo identifies the run.
	WorkflowInfo WorkflowInfo `json:"workflow_info"`
}

// WorkflowInfo identifies a run: its type, ids, task queue and where it came from.
type WorkflowInfo struct {
	// WorkflowType is the workflow's type name, as registered in the worker's config.
	WorkflowType string `json:"workflow_type"`
	// WorkflowID is the workflow's id.
	WorkflowID string `json:"workflow_id"`
	// RunID is this run's id.
	RunID string `json:"run_id"`
	// Namespace is the workflow's namespace.
	Namespace string `json:"namespace"`
	// TaskQueue is the task queue the run is on.
	TaskQueue string `json:"task_queue"`
	// Attempt is the run's attempt number, from 1 (above 1 when a retry policy retried it).
	Attempt int `json:"attempt"`
	// StartTime is when the run started.
	StartTime time.Time `json:"start_time"`
	// Parent is the parent of a child workflow, nil for a top-level one.
	Parent *WorkflowExecution `json:"parent,omitempty"`
	// ContinuedFromRunID is the run this one continued as new from, "" if none.
	ContinuedFromRunID string `json:"continued_from_run_id,omitempty"`
	// Memo is the workflow's memo, each value a payload.
	Memo map[string]Payload `json:"memo,omitempty"`
	// SearchAttributes are the workflow's search attributes when it started, as JSON values.
	SearchAttributes map[string]json.RawMessage `json:"search_attributes,omitempty"`
}

// WorkflowExecution names a workflow run: for a child's parent, or the target of
// SignalExternalWorkflow and CancelExternalWorkflow.
type WorkflowExecution struct {
	// Namespace is the workflow's namespace ("" for this workflow's own, where it is optional).
	Namespace string `json:"namespace,omitempty"`
	// WorkflowID is the workflow's id.
	WorkflowID string `json:"workflow_id"`
	// RunID is one run of it ("" for its current run, where it is optional).
	RunID string `json:"run_id,omitempty"`
}

// GetInfo returns the run's Info. It is read from the host once per run (get_info) and the same
// value is returned afterwards: treat it as read-only.
func GetInfo() *Info {
	if current.info == nil {
		info, err := decodeInfo(hostGetInfo())
		if err != nil {
			panic("temporal: the host's info does not decode: " + err.Error())
		}
		current.info = info
	}
	return current.info
}

func decodeInfo(data []byte) (*Info, error) {
	info := &Info{}
	if err := json.Unmarshal(data, info); err != nil {
		return nil, err
	}
	return info, nil
}
