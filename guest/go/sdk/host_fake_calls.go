//go:build !wasip1

// The host calls on the build machine: the same wrappers as host_wasip1.go, answered by the
// TestHost running the workflow (host_fake.go) as the worker answers them, misuse included.

package temporal

import (
	"encoding/json"
	"strings"
	"time"
)

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
