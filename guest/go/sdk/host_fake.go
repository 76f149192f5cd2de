//go:build !wasip1

// The TestHost: on the build machine, the worker and Temporal for a workflow under `go test`, no
// worker and no wasm involved. This file holds what it is and its handles; the host calls it
// answers (the same wrappers as host_wasip1.go) are in host_fake_calls.go, and what a test does
// as Temporal (resolving handles, sending signals and updates) in host_fake_temporal.go.

package temporal

import (
	"encoding/json"
	"fmt"
	"runtime"
	"time"
)

// TestHost stands in for the worker and Temporal when a workflow runs on the build machine
// (`go test`; it does not exist in a wasm build). It answers every host call as the worker
// does, records what the workflow asked for, and applies the worker's rules, so misuse fails the
// test as it would fail a workflow task. Run one workflow at a time (not in parallel tests).
//
//	host := &temporal.TestHost{Info: temporal.Info{Params: params}}
//	host.OnWait = func(h *temporal.TestHost, waiting []uint32) bool {
//		for _, call := range h.Pending() {
//			h.CompleteActivity(call.Handle, map[string]string{"reservation_id": "R-1"})
//		}
//		return true
//	}
//	outcome := host.Run(func() { temporal.Run(ProcessOrder) })
type TestHost struct {
	// Info is what the run sees: its start arguments and workflow info.
	Info Info
	// OnWait stands for Temporal: it is called when the workflow waits and nothing it waits for
	// is ready, with the handles it waits for. It may resolve handles, send signals and updates
	// or request cancellation (the next workflow task), and returns false to stop the run as
	// blocked, like `temporal-wasm-worker exec` does after the first workflow task.
	OnWait func(host *TestHost, waiting []uint32) bool
	// Time is the workflow time (Now); zero means 2026-01-01T00:00:00Z.
	Time time.Time
	// Replaying makes IsReplaying true and LogLevel LevelNone.
	Replaying bool
	// OldPatches are patch ids history says the run started before: Patched answers false.
	OldPatches []string

	// Calls are the workflow's calls that Temporal would see, in order: every command (with the
	// handle it got), query result, update answer, search attribute and memo upsert, metric,
	// current details, and the ending call.
	Calls []HostCall
	// Logs are the workflow's log lines, as "LEVEL message".
	Logs []string
	// Outcome is how the run ended; Run returns it too.
	Outcome Outcome

	handles     []*testHandle
	channels    map[string]uint32
	heldSignals map[string][]string
	updateNames map[string]string // update id -> name
	answered    map[string]bool
	cancelled   bool
	done        chan struct{}
	seed        uint64
}

// HostCall is one call the workflow made.
type HostCall struct {
	// Name is the ABI call, such as "start_activity" or "respond_update".
	Name string
	// Handle is the handle a command got (0 for other calls).
	Handle uint32
	// Target is the name or id the call is about: a query, update id, channel or patch name.
	Target string
	// JSON is the call's input.
	JSON string
}

// Decode decodes the call's JSON input into value.
func (c HostCall) Decode(value any) error { return json.Unmarshal([]byte(c.JSON), value) }

// Outcome is how a test run ended.
type Outcome struct {
	// Status: "completed", "failed", "continued_as_new", "cancelled", "blocked" (OnWait stopped
	// it), "guest_bug" (the worker would fail the workflow task: a misused call, or a panic) or
	// "returned" (the function given to Run returned without ending the run, which the worker
	// also treats as a bug).
	Status string
	// JSON is the ending call's input (for "guest_bug": the problem, or the panic and its stack).
	JSON string
	// Result is what a completed workflow returned.
	Result Payloads
	// Failure is what a failed workflow failed with.
	Failure *Failure
}

// Decode decodes the first payload of a completed workflow's result into value.
func (o Outcome) Decode(value any) error { return o.Result.Decode(0, value) }

// testHandle is one handle the test host issued.
type testHandle struct {
	call    HostCall
	channel bool
	results []string
	taken   bool
}

// testHost runs the current test workflow.
var testHost *TestHost

// Run runs entry (typically func() { temporal.Run(MyWorkflow) }) as the bundle's run export and
// returns the outcome once it ends or blocks.
func (h *TestHost) Run(entry func()) Outcome {
	current = instance{}
	testHost = h
	h.done = make(chan struct{})
	h.ensure()
	go func() {
		entry()
		h.end(Outcome{Status: "returned"})
	}()
	<-h.done
	return h.Outcome
}

// ensure makes the host's tables, so that signals can be sent before the run starts.
func (h *TestHost) ensure() {
	if h.channels == nil {
		h.channels = map[string]uint32{}
		h.heldSignals = map[string][]string{}
		h.updateNames = map[string]string{}
		h.answered = map[string]bool{}
	}
}

// end records the outcome and stops the calling workflow goroutine: nothing after an ending call
// or a bug runs, as in the worker (other workflow goroutines stay parked, dropped with the run).
func (h *TestHost) end(outcome Outcome) {
	h.Outcome = outcome
	close(h.done)
	runtime.Goexit()
}

// bug ends the run as the worker ends it for a guest bug.
func (h *TestHost) bug(call, format string, args ...any) {
	h.end(Outcome{Status: "guest_bug", JSON: call + ": " + fmt.Sprintf(format, args...)})
}

// hostCrash ends the run as the worker ends it after a panic: a guest bug with the message.
func hostCrash(message string, stack []byte) {
	h := host()
	h.end(Outcome{Status: "guest_bug", JSON: message + "\n\n" + string(stack)})
}

func host() *TestHost {
	if testHost == nil {
		panic("temporal: a host call outside TestHost.Run (on the build machine, run the workflow in a TestHost)")
	}
	return testHost
}

// issue gives out the next handle for call.
func (h *TestHost) issue(call HostCall, channel bool) uint32 {
	handle := uint32(len(h.handles) + 1)
	call.Handle = handle
	h.handles = append(h.handles, &testHandle{call: call, channel: channel})
	if !channel {
		h.Calls = append(h.Calls, call)
	}
	return handle
}

// handle looks up a handle the workflow passed, applying the worker's rules.
func (h *TestHost) handle(call string, handle uint32) *testHandle {
	if handle == 0 || int(handle) > len(h.handles) {
		h.bug(call, "handle %d was never issued", handle)
	}
	entry := h.handles[handle-1]
	if entry.taken {
		h.bug(call, "the result of handle %d was already taken", handle)
	}
	return entry
}

// push makes result ready on handle.
func (h *TestHost) push(handle uint32, result string) {
	if handle == 0 || int(handle) > len(h.handles) {
		panic(fmt.Sprintf("temporal test host: handle %d was never issued", handle))
	}
	entry := h.handles[handle-1]
	if !entry.channel && (entry.taken || len(entry.results) > 0) {
		panic(fmt.Sprintf("temporal test host: handle %d (%s) is already resolved", handle, entry.call.Name))
	}
	entry.results = append(entry.results, result)
}
