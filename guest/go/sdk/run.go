package temporal

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// instance is the state of the one run an instance serves. It is small and bounded: the info,
// the scheduler, and a source per open channel name.
type instance struct {
	info         *Info
	sched        scheduler
	signals      map[string]*source
	updates      map[string]any
	cancellation *source
}

// current is the run's state (one run per wasm instance; reset per run by the test host).
var current instance

// Run runs a workflow function as the run's workflow and ends the run with its outcome. Call it
// from the bundle's exported run function:
//
//	//go:wasmexport run
//	func run() { temporal.Run(ProcessOrder) }
//
// The input is the first start argument decoded into In (a missing argument leaves In's zero
// value; one that does not decode fails the workflow with a non-retryable "InvalidInput"
// failure). Take In = Payloads to get every argument undecoded, and answer bad ones in your own
// words.
//
// The outcome: a nil error completes the workflow with out as one json/plain payload. A
// *ContinueAsNewError continues it as new. An error for which IsCanceledError holds ends it as
// cancelled if its cancellation was requested, with that failure's details. Any other error fails
// it, as AsFailure converts it (return a *Failure to choose its type, details and retryability).
//
// Run does not return: the host ends the run inside it. A panic (in the workflow function or any
// goroutine started with Go) is a bug, not a failure: its message and stack are logged at error
// level and the workflow task fails, to be retried once a fixed bundle is deployed.
func Run[In, Out any](workflow func(In) (Out, error)) {
	defer crashOnPanic()
	var input In
	params := GetInfo().Params
	if all, ok := any(&input).(*Payloads); ok {
		*all = params
	} else if len(params) > 0 {
		if err := params[0].Decode(&input); err != nil {
			Fail(NewNonRetryableFailure(fmt.Sprintf("workflow input does not decode into %T: %v", input, err), "InvalidInput"))
		}
	}
	output, err := workflow(input)
	if err != nil {
		end(err)
	}
	payload, encodeErr := NewPayload(output)
	if encodeErr != nil {
		Fail(NewNonRetryableFailure(encodeErr.Error(), "InvalidOutput"))
	}
	hostComplete(mustJSON(Payloads{payload}))
}

// crashOnPanic, deferred on every workflow goroutine, turns a panic into a guest bug with the
// panic's message and stack.
func crashOnPanic() {
	if recovered := recover(); recovered != nil {
		hostCrash(fmt.Sprintf("panic: %v", recovered), debug.Stack())
	}
}

// end ends the run with a workflow function's error.
func end(err error) {
	var continued *ContinueAsNewError
	if errors.As(err, &continued) {
		ContinueAsNew(continued)
	}
	if IsCanceledError(err) && CancellationChannel().Requested() {
		failure := AsFailure(err)
		for f := failure; f != nil; f = f.Cause {
			if f.Kind == "cancelled" {
				CompleteAsCancelled(f.Details)
			}
		}
	}
	Fail(err)
}

// Complete ends the run at once, completing the workflow with result as one json/plain payload
// (nil: no result). Nothing after the call runs. Returning from the function given to Run does
// the same; Complete is for ending from deeper down, or from another goroutine.
func Complete(result any) {
	payloads := Payloads{}
	if result != nil {
		payload, err := NewPayload(result)
		if err != nil {
			Fail(NewNonRetryableFailure(err.Error(), "InvalidOutput"))
		}
		payloads = Payloads{payload}
	}
	hostComplete(mustJSON(payloads))
}

// Fail ends the run at once, failing the workflow with err (converted with AsFailure). Nothing
// after the call runs.
func Fail(err error) {
	failure := AsFailure(err)
	if failure == nil {
		failure = &Failure{Message: "workflow failed"}
	}
	hostCompleteWithFailure(mustJSON(failure))
}

// continueAsNewJSON is the JSON of continue_as_new.
type continueAsNewJSON struct {
	Args             Payloads           `json:"args,omitempty"`
	WorkflowType     string             `json:"workflow_type,omitempty"`
	TaskQueue        string             `json:"task_queue,omitempty"`
	RunTimeoutMs     uint64             `json:"run_timeout_ms,omitempty"`
	TaskTimeoutMs    uint64             `json:"task_timeout_ms,omitempty"`
	Memo             map[string]Payload `json:"memo,omitempty"`
	SearchAttributes map[string]any     `json:"search_attributes,omitempty"`
	RetryPolicy      *retryPolicyJSON   `json:"retry_policy,omitempty"`
}

// ContinueAsNew ends the run at once and continues the workflow as new, as returning the
// *ContinueAsNewError from the workflow function does. Nothing after the call runs.
func ContinueAsNew(next *ContinueAsNewError) {
	if next.err != nil {
		Fail(NewNonRetryableFailure(next.Error(), "InvalidInput"))
	}
	memo, err := payloadMap(next.Options.Memo)
	if err != nil {
		Fail(NewNonRetryableFailure("continue as new: "+err.Error(), "InvalidInput"))
	}
	options := next.Options
	hostContinueAsNew(mustJSON(continueAsNewJSON{
		Args:             next.Args,
		WorkflowType:     options.WorkflowType,
		TaskQueue:        options.TaskQueue,
		RunTimeoutMs:     millis(options.RunTimeout),
		TaskTimeoutMs:    millis(options.TaskTimeout),
		Memo:             memo,
		SearchAttributes: options.SearchAttributes,
		RetryPolicy:      options.RetryPolicy.toJSON(),
	}))
}

// CompleteAsCancelled ends the run at once as cancelled, with details (values, or a Payloads).
// Only after the workflow's cancellation was requested (wait for it with CancellationChannel
// or OnCancel): at any other time the worker treats it as a bug. Nothing after the call runs.
func CompleteAsCancelled(details ...any) {
	var payloads Payloads
	if len(details) == 1 {
		if given, ok := details[0].(Payloads); ok {
			payloads = given
			details = nil
		}
	}
	if details != nil {
		encoded, err := NewPayloads(details...)
		if err != nil {
			Fail(NewNonRetryableFailure(err.Error(), "InvalidOutput"))
		}
		payloads = encoded
	}
	hostCompleteAsCancelled(mustJSON(struct {
		Details Payloads `json:"details,omitempty"`
	}{payloads}))
}
