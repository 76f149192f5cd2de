//go:build !wasip1

package temporal

// The golden ABI fixtures of guest/fixtures, shared with the worker's own tests: every request
// shape this SDK writes is compared with requests/<call>.json (fixtures_requests_test.go), and
// every result and channel item shape in results/ is read through the public API
// (fixtures_results_test.go). This file holds the helpers they share and the info, payload and
// failure fixtures.

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const fixtures = "../../fixtures"

func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return string(data)
}

// semantic decodes JSON for comparison, dropping members whose value is "" or false: this SDK
// leaves out what equals the host's default, where a fixture may spell it out.
func semantic(t *testing.T, text string) any {
	t.Helper()
	var value any
	if err := json.Unmarshal([]byte(text), &value); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, text)
	}
	return dropDefaults(value)
}

func dropDefaults(value any) any {
	switch v := value.(type) {
	case map[string]any:
		for key, member := range v {
			if member == "" || member == false {
				delete(v, key)
			} else {
				v[key] = dropDefaults(member)
			}
		}
	case []any:
		for i := range v {
			v[i] = dropDefaults(v[i])
		}
	}
	return value
}

func assertSameJSON(t *testing.T, name, got, want string) {
	t.Helper()
	if !reflect.DeepEqual(semantic(t, got), semantic(t, want)) {
		t.Errorf("%s:\n got  %s\n want %s", name, got, want)
	}
}

// run runs workflow in a fresh TestHost that stops at its first wait.
func run(workflow func()) (*TestHost, Outcome) {
	host := &TestHost{}
	outcome := host.Run(workflow)
	return host, outcome
}

// onlyCall is the one call named name that the run made.
func onlyCall(t *testing.T, host *TestHost, name string) HostCall {
	t.Helper()
	calls := host.CallsNamed(name)
	if len(calls) != 1 {
		t.Fatalf("want one %s call, got %v (outcome %+v)", name, host.Calls, host.Outcome)
	}
	return calls[0]
}

func TestInfoFixturesDecode(t *testing.T) {
	info, err := decodeInfo([]byte(fixture(t, "info.json")))
	if err != nil {
		t.Fatal(err)
	}
	w := info.WorkflowInfo
	if w.WorkflowType != "OrderFulfilment" || w.WorkflowID != "order-17" || w.RunID != "run-1" ||
		w.Namespace != "default" || w.TaskQueue != "wasm-workflows" || w.Attempt != 1 ||
		!w.StartTime.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v", w)
	}
	if w.Parent == nil || *w.Parent != (WorkflowExecution{Namespace: "default", WorkflowID: "batch-3", RunID: "run-0"}) {
		t.Errorf("parent %+v", w.Parent)
	}
	var owner string
	if w.ContinuedFromRunID != "run-0" || w.Memo["owner"].Decode(&owner) != nil || owner != "ops" ||
		string(w.SearchAttributes["CustomKeywordField"]) != `"gold"` {
		t.Errorf("%+v", w)
	}
	var order orderRef
	var count int
	if info.Params.Decode(0, &order) != nil || order.OrderID != "A-17" || info.Params.Decode(1, &count) != nil || count != 2 {
		t.Errorf("params %+v", info.Params)
	}

	v0, err := decodeInfo([]byte(fixture(t, "info-v0.json")))
	if err != nil || len(v0.Params) != 0 || v0.WorkflowInfo.WorkflowType != "Greet" || v0.WorkflowInfo.Parent != nil {
		t.Errorf("%+v %v", v0, err)
	}
}

func TestPayloadFixturesRoundTrip(t *testing.T) {
	text := fixture(t, "payloads.json")
	var payloads Payloads
	if err := json.Unmarshal([]byte(text), &payloads); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := payloads.Decode(0, &name); err != nil || name != "Alice" {
		t.Errorf("json: %q %v", name, err)
	}
	if payloads[1].Encoding() != "binary/plain" || !reflect.DeepEqual(payloads[1].Data, []byte{0, 1, 0xfe, 0xff}) {
		t.Errorf("binary: %+v", payloads[1])
	}
	if err := payloads.Decode(1, &name); err == nil || err.Error() != `temporal: payload encoding is "binary/plain", expected "json/plain"` {
		t.Errorf("a binary payload must not decode as JSON: %v", err)
	}
	if len(payloads[2].Data) != 0 || payloads[2].Metadata != nil || payloads.Decode(2, &name) == nil {
		t.Errorf("empty: %+v", payloads[2])
	}
	encoded := string(mustJSON(payloads))
	assertSameJSON(t, "payloads", encoded, text)
	alice, _ := NewPayload("Alice")
	assertSameJSON(t, "NewPayload", string(mustJSON(alice)), string(mustJSON(payloads[0])))
}

func TestFailureFixturesRoundTrip(t *testing.T) {
	for _, name := range []string{"failure-application.json", "failure-activity.json", "failure-timeout.json"} {
		text := fixture(t, name)
		var failure Failure
		if err := json.Unmarshal([]byte(text), &failure); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		assertSameJSON(t, name, string(mustJSON(&failure)), text)
	}
	var timeout Failure
	json.Unmarshal([]byte(fixture(t, "failure-timeout.json")), &timeout)
	if timeout.Cause.Kind != "timeout" || timeout.Cause.TimeoutType != "start_to_close" || timeout.RetryState != "timeout" {
		t.Errorf("%+v", timeout)
	}
	application := NewNonRetryableFailure("card 4242 declined", "CardDeclined", struct {
		Code int `json:"code"`
	}{42}).WithCause(errors.New("issuer said no"))
	application.Cause.Type = ""
	assertSameJSON(t, "NewNonRetryableFailure", string(mustJSON(application)), fixture(t, "failure-application.json"))
}
