//go:build !wasip1

package main

import (
	"strings"
	"testing"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func TestRunsEchoOnceAfterTheOtherAndCounts(t *testing.T) {
	input, _ := temporal.NewPayload(Input{Iterations: 50})
	blob := strings.Repeat("x", 1024)
	host := &temporal.TestHost{Info: temporal.Info{Params: temporal.Payloads{input}}}
	host.OnWait = func(h *temporal.TestHost, waiting []uint32) bool {
		pending := h.Pending()
		if len(pending) != 1 {
			t.Fatalf("%d activities pending at once", len(pending))
		}
		h.CompleteActivity(pending[0].Handle, blob)
		return true
	}
	outcome := host.Run(run)
	var output Output
	if outcome.Decode(&output) != nil || output.Iterations != 50 {
		t.Fatalf("%+v", outcome)
	}
	calls := host.CallsNamed("start_activity")
	if len(calls) != 50 {
		t.Fatalf("%d activities", len(calls))
	}
	var request struct {
		ActivityType string            `json:"activity_type"`
		TaskQueue    string            `json:"task_queue"`
		Timeout      int               `json:"start_to_close_timeout_ms"`
		Args         temporal.Payloads `json:"args"`
	}
	calls[49].Decode(&request)
	if request.ActivityType != "echo" || request.TaskQueue != "inventory" || request.Timeout != 10000 || string(request.Args[0].Data) != "49" {
		t.Errorf("%+v", request)
	}
}
