//go:build !wasip1

// The host calls on the build machine: the same wrappers as host_wasip1.go, answered by the
// TestHost running the workflow, so that workflows and the SDK itself can be tested with
// `go test`, no worker and no wasm involved.

package temporal

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
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

// Resolve makes resultJSON ({"completed": [...]}, {"failed": ...} or {"cancelled": ...}) the
// result of a command's handle.
func (h *TestHost) Resolve(handle uint32, resultJSON string) { h.push(handle, resultJSON) }

// CompleteActivity resolves a command's handle as completed with value (a json/plain payload;
// nil for no payload).
func (h *TestHost) CompleteActivity(handle uint32, value any) {
	payloads := Payloads{}
	if value != nil {
		payload, err := NewPayload(value)
		if err != nil {
			panic(err)
		}
		payloads = Payloads{payload}
	}
	h.push(handle, string(mustJSON(struct {
		Completed Payloads `json:"completed"`
	}{payloads})))
}

// FailActivity resolves a command's handle as failed with failure.
func (h *TestHost) FailActivity(handle uint32, failure *Failure) {
	h.push(handle, string(mustJSON(struct {
		Failed *Failure `json:"failed"`
	}{failure})))
}

// FireTimer resolves a timer's handle as fired.
func (h *TestHost) FireTimer(handle uint32) { h.push(handle, `{"completed":[]}`) }

// Signal sends the signal name with args (json/plain payloads); it waits in the host until the
// workflow opens a channel for the name.
func (h *TestHost) Signal(name string, args ...any) {
	h.ensure()
	payloads, err := NewPayloads(args...)
	if err != nil {
		panic(err)
	}
	if payloads == nil {
		payloads = Payloads{}
	}
	item := string(mustJSON(struct {
		Completed Payloads `json:"completed"`
	}{payloads}))
	if handle, open := h.channels["signal:"+name]; open {
		h.push(handle, item)
	} else {
		h.heldSignals[name] = append(h.heldSignals[name], item)
	}
}

// Update sends the update name with id and args. With no channel of that name open it is
// rejected at once, as the worker does at the end of the workflow task; its answer is in
// UpdateAnswer either way, once given.
func (h *TestHost) Update(id, name string, args ...any) {
	h.ensure()
	payloads, err := NewPayloads(args...)
	if err != nil {
		panic(err)
	}
	if payloads == nil {
		payloads = Payloads{}
	}
	h.updateNames[id] = name
	handle, open := h.channels["update:"+name]
	if !open {
		h.Calls = append(h.Calls, HostCall{Name: "respond_update", Target: id,
			JSON: fmt.Sprintf(`{"rejected":{"message":"no update channel named %s is open"}}`, name)})
		h.answered[id] = true
		return
	}
	h.push(handle, string(mustJSON(struct {
		UpdateID string   `json:"update_id"`
		Args     Payloads `json:"args"`
	}{id, payloads})))
}

// UpdateAnswer is the JSON the update id was answered with ("" if it was not).
func (h *TestHost) UpdateAnswer(id string) string {
	for _, call := range h.Calls {
		if call.Name == "respond_update" && call.Target == id {
			return call.JSON
		}
	}
	return ""
}

// RequestCancellation requests the workflow's cancellation.
func (h *TestHost) RequestCancellation() {
	h.ensure()
	h.cancelled = true
	if handle, open := h.channels["cancellation"]; open {
		h.push(handle, `{"completed":[]}`)
	}
}

// Pending are the commands whose handles have no result yet (timers, activities, children,
// external calls), in call order.
func (h *TestHost) Pending() []HostCall {
	var pending []HostCall
	for _, entry := range h.handles {
		if !entry.channel && !entry.taken && len(entry.results) == 0 {
			pending = append(pending, entry.call)
		}
	}
	return pending
}

// QueryResult is the JSON last published for query name ("" if none).
func (h *TestHost) QueryResult(name string) string {
	result := ""
	for _, call := range h.Calls {
		if call.Name == "set_query_result" && call.Target == name {
			result = call.JSON
		}
	}
	return result
}

// CallsNamed are the calls of one ABI call name, in order.
func (h *TestHost) CallsNamed(name string) []HostCall {
	var calls []HostCall
	for _, call := range h.Calls {
		if call.Name == name {
			calls = append(calls, call)
		}
	}
	return calls
}

func (h *TestHost) record(name, target string, json []byte) {
	h.Calls = append(h.Calls, HostCall{Name: name, Target: target, JSON: string(json)})
}

func hostGetInfo() []byte {
	h := host()
	info := h.Info
	if info.Params == nil {
		info.Params = Payloads{}
	}
	if info.WorkflowInfo.WorkflowType == "" {
		info.WorkflowInfo = WorkflowInfo{WorkflowType: "Test", WorkflowID: "test-1", RunID: "run-1",
			Namespace: "default", TaskQueue: "wasm-workflows", Attempt: 1, StartTime: h.now()}
	}
	return mustJSON(info)
}

func (h *TestHost) now() time.Time {
	if h.Time.IsZero() {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return h.Time
}

func hostWriteLog(level Level, message string) {
	h := host()
	if h.Replaying {
		return
	}
	names := map[Level]string{LevelError: "ERROR", LevelWarn: "WARN", LevelInfo: "INFO", LevelDebug: "DEBUG", LevelTrace: "TRACE"}
	if name, ok := names[level]; ok {
		h.Logs = append(h.Logs, name+" "+message)
	}
}

// checkJSON ends the run as a guest bug if data is not JSON, as the worker would.
func (h *TestHost) checkJSON(call string, data []byte) {
	if !json.Valid(data) {
		h.bug(call, "the input is not JSON: %q", data)
	}
}

func hostComplete(data []byte) {
	h := host()
	h.checkJSON("complete", data)
	h.record("complete", "", data)
	var result Payloads
	json.Unmarshal(data, &result)
	h.end(Outcome{Status: "completed", JSON: string(data), Result: result})
}

func hostCompleteWithFailure(data []byte) {
	h := host()
	h.checkJSON("complete_with_failure", data)
	h.record("complete_with_failure", "", data)
	failure := &Failure{}
	json.Unmarshal(data, failure)
	h.end(Outcome{Status: "failed", JSON: string(data), Failure: failure})
}

func hostContinueAsNew(data []byte) {
	h := host()
	h.checkJSON("continue_as_new", data)
	h.record("continue_as_new", "", data)
	h.end(Outcome{Status: "continued_as_new", JSON: string(data)})
}

func hostCompleteAsCancelled(data []byte) {
	h := host()
	if !h.cancelled {
		h.bug("complete_as_cancelled", "the workflow's cancellation was not requested (wait on cancellation_channel first)")
	}
	h.record("complete_as_cancelled", "", data)
	h.end(Outcome{Status: "cancelled", JSON: string(data)})
}

// command issues a handle for a command with JSON input.
func command(name string, data []byte) uint32 {
	h := host()
	h.checkJSON(name, data)
	return h.issue(HostCall{Name: name, JSON: string(data)}, false)
}

func hostStartTimer(data []byte) uint32 {
	var request timerRequest
	json.Unmarshal(data, &request)
	if request.DurationMs == 0 {
		host().bug("start_timer", "duration_ms must be at least 1")
	}
	return command("start_timer", data)
}
func hostStartActivity(data []byte) uint32 {
	var request activityRequest
	json.Unmarshal(data, &request)
	if request.ActivityType == "" {
		host().bug("start_activity", "activity_type is empty")
	}
	if request.StartToCloseTimeoutMs == 0 && request.ScheduleToCloseTimeoutMs == 0 {
		host().bug("start_activity", "one of schedule_to_close_timeout_ms and start_to_close_timeout_ms is required")
	}
	return command("start_activity", data)
}
func hostStartHTTPActivity(data []byte) uint32 {
	var request httpRequestJSON
	json.Unmarshal(data, &request)
	if !strings.HasPrefix(request.URL, "http://") && !strings.HasPrefix(request.URL, "https://") {
		host().bug("start_http_activity", "url is required and must be an absolute http:// or https:// URL")
	}
	return command("start_http_activity", data)
}
func hostStartChildWorkflow(data []byte) uint32 { return command("start_child_workflow", data) }
func hostSignalExternalWorkflow(data []byte) uint32 {
	return command("signal_external_workflow", data)
}
func hostCancelExternalWorkflow(data []byte) uint32 {
	return command("cancel_external_workflow", data)
}

func hostCancel(handle uint32) {
	h := host()
	entry := h.handle("cancel", handle)
	if entry.channel {
		h.bug("cancel", "handle %d is a channel", handle)
	}
	h.Calls = append(h.Calls, HostCall{Name: "cancel", Handle: handle})
	if len(entry.results) == 0 && entry.call.Name == "start_timer" {
		entry.results = append(entry.results, `{"cancelled":{"message":"timer cancelled by the workflow","kind":"cancelled","source":"temporal-wasm-worker"}}`)
	}
}

func hostWait(handles []uint32) uint32 {
	h := host()
	if len(handles) == 0 {
		h.bug("wait", "count is 0")
	}
	for rounds := 0; ; rounds++ {
		for _, handle := range handles {
			if len(h.handle("wait", handle).results) > 0 {
				return handle
			}
		}
		if h.OnWait == nil || rounds == 1000 || !h.OnWait(h, handles) {
			h.end(Outcome{Status: "blocked"})
		}
	}
}

func hostIsReady(handle uint32) bool {
	h := host()
	return len(h.handle("is_ready", handle).results) > 0
}

func hostTakeResult(handle uint32) []byte {
	h := host()
	entry := h.handle("take_result", handle)
	if len(entry.results) == 0 {
		h.bug("result_len", "handle %d is not ready", handle)
	}
	result := entry.results[0]
	entry.results = entry.results[1:]
	if !entry.channel {
		entry.taken = true
	}
	return []byte(result)
}

// channel opens (or finds) the channel key.
func (h *TestHost) channel(key, target string) uint32 {
	if handle, open := h.channels[key]; open {
		return handle
	}
	handle := h.issue(HostCall{Name: strings.SplitN(key, ":", 2)[0] + "_channel", Target: target}, true)
	h.channels[key] = handle
	return handle
}

func hostCancellationChannel() uint32 {
	h := host()
	_, open := h.channels["cancellation"]
	handle := h.channel("cancellation", "")
	if !open && h.cancelled {
		h.push(handle, `{"completed":[]}`)
	}
	return handle
}

func hostSignalChannel(name string) uint32 {
	h := host()
	handle := h.channel("signal:"+name, name)
	for _, item := range h.heldSignals[name] {
		h.push(handle, item)
	}
	delete(h.heldSignals, name)
	return handle
}

func hostUpdateChannel(name string) uint32 {
	h := host()
	if name == "" {
		h.bug("update_channel", "the name is empty")
	}
	return h.channel("update:"+name, name)
}

func hostRespondUpdate(id string, data []byte) {
	h := host()
	if _, known := h.updateNames[id]; !known {
		h.bug("respond_update", "unknown update id %q", id)
	}
	if h.answered[id] {
		h.bug("respond_update", "update %q was already answered", id)
	}
	h.checkJSON("respond_update", data)
	h.answered[id] = true
	h.record("respond_update", id, data)
}

func hostSetQueryResult(name string, data []byte) {
	h := host()
	if name == "" || name == "__stack_trace" || name == "__temporal_workflow_metadata" {
		h.bug("set_query_result", "the name %q is not allowed", name)
	}
	if len(data) > 0 {
		h.checkJSON("set_query_result", data)
	}
	h.record("set_query_result", name, data)
}

func hostSetCurrentDetails(text string) { host().record("set_current_details", "", []byte(text)) }

func hostUpsertSearchAttributes(data []byte) {
	host().checkJSON("upsert_search_attributes", data)
	host().record("upsert_search_attributes", "", data)
}

func hostUpsertMemo(data []byte) {
	host().checkJSON("upsert_memo", data)
	host().record("upsert_memo", "", data)
}

func hostEmitMetric(data []byte) {
	host().checkJSON("emit_metric", data)
	host().record("emit_metric", "", data)
}

func hostNow() int64 { return host().now().UnixMilli() }

// hostRandom draws from a SplitMix64 stream: deterministic per TestHost, like the worker's.
func hostRandom(buf []byte) {
	h := host()
	for i := range buf {
		if i%8 == 0 {
			h.seed += 0x9e3779b97f4a7c15
		}
		z := h.seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		buf[i] = byte(z >> (8 * (i % 8)))
	}
}

func hostPatched(id string, deprecated bool) bool {
	h := host()
	for _, old := range h.OldPatches {
		if old == id {
			return false
		}
	}
	h.Calls = append(h.Calls, HostCall{Name: "patched", Target: id})
	return true
}

func hostIsReplaying() bool { return host().Replaying }

func hostLogLevel() Level {
	if host().Replaying {
		return LevelNone
	}
	return LevelTrace
}
