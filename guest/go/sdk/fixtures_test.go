//go:build !wasip1

package temporal

// The golden ABI fixtures of guest/fixtures, shared with the worker's own tests: every request
// shape this SDK writes is compared with requests/<call>.json, and every result and channel item
// shape in results/ is read through the public API.

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

// The structs keep the fixtures' member order, so the payloads' base64 matches byte for byte.
type skuQuantity struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

type orderRef struct {
	OrderID string `json:"order_id"`
}

func TestStartActivityRequestMatchesTheFixture(t *testing.T) {
	host, _ := run(func() {
		StartActivity[any](ActivityOptions{
			Type: "reserve_stock", TaskQueue: "inventory", ActivityID: "reserve-1",
			ScheduleToCloseTimeout: time.Minute, ScheduleToStartTimeout: 10 * time.Second,
			StartToCloseTimeout: 5 * time.Second, HeartbeatTimeout: 2 * time.Second,
			RetryPolicy: &RetryPolicy{
				InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 2.0,
				MaximumInterval: 10 * time.Second, MaximumAttempts: 5,
				NonRetryableErrorTypes: []string{"OutOfStock"},
			},
			CancellationType: WaitCancellationCompleted,
			Summary:          "reserve 3 apples",
		}, skuQuantity{"apple", 3}).Get()
	})
	assertSameJSON(t, "start_activity", onlyCall(t, host, "start_activity").JSON, fixture(t, "requests/start_activity.json"))
}

func TestStartTimerRequestMatchesTheFixture(t *testing.T) {
	host, _ := run(func() { NewTimerWithSummary(5*time.Second, "wait for the warehouse").Get() })
	assertSameJSON(t, "start_timer", onlyCall(t, host, "start_timer").JSON, fixture(t, "requests/start_timer.json"))
}

func TestStartHTTPActivityRequestMatchesTheFixture(t *testing.T) {
	host, _ := run(func() {
		ExecuteHTTP(HTTPRequest{
			Method: "POST", URL: "http://127.0.0.1:8080/charges",
			Headers: map[string]string{
				"content-type":  "application/json",
				"authorization": "Bearer {{secret PAYMENTS_TOKEN}}",
			},
			Body:                []byte(`{"order_id":"A-17","amount_cents":375}`),
			StartToCloseTimeout: 10 * time.Second,
			RetryPolicy:         &RetryPolicy{MaximumAttempts: 3},
			MaxResponseBytes:    65536,
		})
	})
	assertSameJSON(t, "start_http_activity", onlyCall(t, host, "start_http_activity").JSON, fixture(t, "requests/start_http_activity.json"))
}

func TestStartChildWorkflowRequestMatchesTheFixture(t *testing.T) {
	host, _ := run(func() {
		ExecuteChildWorkflow[any](ChildWorkflowOptions{
			Type: "Ship", WorkflowID: "ship-A-17", TaskQueue: "wasm-workflows", Namespace: "default",
			ExecutionTimeout: time.Hour, RunTimeout: 10 * time.Minute, TaskTimeout: 10 * time.Second,
			IDReusePolicy: "reject_duplicate", ParentClosePolicy: "request_cancel",
			RetryPolicy:      &RetryPolicy{MaximumAttempts: 2},
			Memo:             map[string]any{"owner": "ops"},
			SearchAttributes: map[string]any{"CustomKeywordField": "ship"},
			CancellationType: "wait_cancellation_completed",
		}, orderRef{"A-17"})
	})
	assertSameJSON(t, "start_child_workflow", onlyCall(t, host, "start_child_workflow").JSON, fixture(t, "requests/start_child_workflow.json"))
}

func TestExternalWorkflowRequestsMatchTheFixtures(t *testing.T) {
	host, _ := run(func() {
		SignalExternalWorkflow(WorkflowExecution{Namespace: "default", WorkflowID: "batch-3", RunID: "run-0"},
			"order_done", orderRef{"A-17"})
		CancelExternalWorkflow(WorkflowExecution{WorkflowID: "reminder-A-17"}).Get()
	})
	assertSameJSON(t, "signal_external_workflow", onlyCall(t, host, "signal_external_workflow").JSON, fixture(t, "requests/signal_external_workflow.json"))
	assertSameJSON(t, "cancel_external_workflow", onlyCall(t, host, "cancel_external_workflow").JSON, fixture(t, "requests/cancel_external_workflow.json"))
}

func TestCompleteMatchesTheFixture(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) {
			return struct {
				Receipt string `json:"receipt"`
			}{"R-17"}, nil
		})
	})
	if outcome.Status != "completed" {
		t.Fatalf("%+v", outcome)
	}
	assertSameJSON(t, "complete", outcome.JSON, fixture(t, "requests/complete.json"))
}

func TestCompleteWithFailureMatchesTheFixture(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) {
			return nil, NewNonRetryableFailure("order 17 is invalid", "InvalidOrder", struct {
				OrderID int `json:"order_id"`
			}{17})
		})
	})
	if outcome.Status != "failed" {
		t.Fatalf("%+v", outcome)
	}
	assertSameJSON(t, "complete_with_failure", outcome.JSON, fixture(t, "requests/complete_with_failure.json"))
}

func TestCompleteAsCancelledMatchesTheFixture(t *testing.T) {
	host := &TestHost{}
	host.RequestCancellation()
	outcome := host.Run(func() {
		Run(func(struct{}) (any, error) {
			CancellationChannel().Receive()
			return nil, NewCanceledError("cancelled by the customer")
		})
	})
	if outcome.Status != "cancelled" {
		t.Fatalf("%+v", outcome)
	}
	assertSameJSON(t, "complete_as_cancelled", outcome.JSON, fixture(t, "requests/complete_as_cancelled.json"))
}

func TestContinueAsNewMatchesTheFixture(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) {
			return nil, NewContinueAsNewError(ContinueAsNewOptions{
				WorkflowType: "OrderFulfilment", TaskQueue: "wasm-workflows",
				RunTimeout: 10 * time.Minute, TaskTimeout: 10 * time.Second,
				Memo:             map[string]any{"owner": "ops"},
				SearchAttributes: map[string]any{"CustomKeywordField": "gold"},
				RetryPolicy:      &RetryPolicy{MaximumAttempts: 1},
			}, struct {
				Page int `json:"page"`
			}{2})
		})
	})
	if outcome.Status != "continued_as_new" {
		t.Fatalf("%+v", outcome)
	}
	assertSameJSON(t, "continue_as_new", outcome.JSON, fixture(t, "requests/continue_as_new.json"))
}

func TestTellingCallsMatchTheFixtures(t *testing.T) {
	host, _ := run(func() {
		IncCounter("orders_shipped", 1, map[string]string{"region": "eu"})
		SetQueryResult("status", struct {
			State string `json:"state"`
		}{"awaiting_approval"})
		UpsertMemo(map[string]any{"note": "gift wrap", "old_note": nil})
		UpsertSearchAttributes(map[string]any{"CustomKeywordField": "shipped", "CustomIntField": 3, "Obsolete": nil})
	})
	assertSameJSON(t, "emit_metric", onlyCall(t, host, "emit_metric").JSON, fixture(t, "requests/emit_metric.json"))
	query := onlyCall(t, host, "set_query_result")
	if query.Target != "status" {
		t.Errorf("query name %q", query.Target)
	}
	assertSameJSON(t, "set_query_result", query.JSON, fixture(t, "requests/set_query_result.json"))
	assertSameJSON(t, "upsert_memo", onlyCall(t, host, "upsert_memo").JSON, fixture(t, "requests/upsert_memo.json"))
	assertSameJSON(t, "upsert_search_attributes", onlyCall(t, host, "upsert_search_attributes").JSON, fixture(t, "requests/upsert_search_attributes.json"))
}

func TestUpdateAnswersMatchTheFixtures(t *testing.T) {
	type quantity struct {
		Quantity int `json:"quantity"`
	}
	host := &TestHost{}
	host.OnWait = func(h *TestHost, _ []uint32) bool {
		if len(h.CallsNamed("respond_update")) > 0 {
			return false
		}
		h.Update("u-rejected", "change", quantity{-1})
		h.Update("u-completed", "change", quantity{1})
		h.Update("u-failed", "change", quantity{2})
		return true
	}
	host.Run(func() {
		updates := UpdateChannel("change", func(q quantity) error {
			if q.Quantity < 0 {
				return NewFailure("quantity must be positive", "InvalidQuantity")
			}
			return nil
		})
		first, _ := updates.Receive()
		first.Complete(struct {
			Approved bool `json:"approved"`
		}{true})
		second, _ := updates.Receive()
		second.Fail(NewFailure("cannot change a shipped order", "OrderShipped"))
		NewTimer(time.Hour).Get()
	})
	for id, name := range map[string]string{"u-rejected": "rejected", "u-completed": "completed", "u-failed": "failed"} {
		assertSameJSON(t, id, host.UpdateAnswer(id), fixture(t, "requests/respond_update-"+name+".json"))
	}
}

// resolvedWith runs workflow; its first command is resolved with the result fixture name.
func resolvedWith(t *testing.T, name string, workflow func()) *TestHost {
	t.Helper()
	result := fixture(t, "results/"+name+".json")
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		pending := h.Pending()
		if len(pending) == 0 {
			return false
		}
		h.Resolve(pending[0].Handle, result)
		return true
	}}
	done := false
	host.Run(func() { workflow(); done = true; NewTimer(time.Hour).Get() })
	if !done {
		t.Fatalf("%s: the workflow did not get past its wait: %+v", name, host.Outcome)
	}
	return host
}

func TestActivityCompletedResultDecodes(t *testing.T) {
	resolvedWith(t, "activity_completed", func() {
		got, err := ExecuteActivity[map[string]int](ActivityOptions{Type: "a", StartToCloseTimeout: time.Second})
		if err != nil || got["reserved"] != 3 {
			t.Errorf("got %v, %v", got, err)
		}
	})
}

func TestActivityFailedResultIsATypedFailure(t *testing.T) {
	resolvedWith(t, "activity_failed", func() {
		_, err := ExecuteActivity[any](ActivityOptions{Type: "charge", StartToCloseTimeout: time.Second})
		var failure *Failure
		if !errors.As(err, &failure) {
			t.Fatalf("not a *Failure: %v", err)
		}
		if failure.Type != "CardDeclined" || failure.Kind != "activity" || failure.RetryState != "non_retryable_failure" {
			t.Errorf("%+v", failure)
		}
		if failure.Activity == nil || failure.Activity.ActivityType != "charge" || failure.Activity.ScheduledEventID != 5 {
			t.Errorf("activity info %+v", failure.Activity)
		}
		root := failure.Root()
		var detail struct {
			Code int `json:"code"`
		}
		if err := root.Details.Decode(0, &detail); err != nil || detail.Code != 42 {
			t.Errorf("details: %v %v", detail, err)
		}
		if root.Message != "card 4242 declined" || !root.NonRetryable || root.Source != "PythonSDK" {
			t.Errorf("root %+v", root)
		}
		if IsCanceledError(err) {
			t.Error("a failure is not a cancellation")
		}
		if err.Error() != "Activity task failed: card 4242 declined" {
			t.Errorf("Error() = %q", err.Error())
		}
	})
}

func TestActivityCancelledResultIsACancellation(t *testing.T) {
	resolvedWith(t, "activity_cancelled", func() {
		_, err := ExecuteActivity[any](ActivityOptions{Type: "slow", StartToCloseTimeout: time.Second})
		var failure *Failure
		if !errors.As(err, &failure) || failure.RetryState != "cancel_requested" || !IsCanceledError(err) {
			t.Errorf("%+v", err)
		}
	})
}

func TestTimerResultsDecode(t *testing.T) {
	resolvedWith(t, "timer_fired", func() {
		if err := Sleep(time.Second); err != nil {
			t.Errorf("fired: %v", err)
		}
	})
	resolvedWith(t, "timer_cancelled", func() {
		err := Sleep(time.Second)
		if !IsCanceledError(err) || AsFailure(err).Message != "timer cancelled by the workflow" {
			t.Errorf("cancelled: %v", err)
		}
	})
}

func TestHTTPCompletedResultDecodes(t *testing.T) {
	resolvedWith(t, "http_completed", func() {
		response, err := ExecuteHTTP(HTTPRequest{Method: "GET", URL: "http://127.0.0.1/"})
		if err != nil || response.Status != 200 || response.Headers["content-type"] != "application/json" {
			t.Fatalf("%+v %v", response, err)
		}
		var charge struct {
			ChargeID string `json:"charge_id"`
		}
		if err := response.DecodeJSON(&charge); err != nil || charge.ChargeID != "ch_1" {
			t.Errorf("body %q: %v", response.Body, err)
		}
	})
}

func TestChildResultsAreTypedFailures(t *testing.T) {
	resolvedWith(t, "child_failed", func() {
		_, err := ExecuteChildWorkflow[any](ChildWorkflowOptions{Type: "Ship"})
		failure := AsFailure(err)
		if failure.Kind != "child_workflow" || failure.ChildWorkflow.RunID != "run-9" || failure.Cause.Type != "NoCourier" {
			t.Errorf("%+v", failure)
		}
	})
	resolvedWith(t, "child_already_started", func() {
		_, err := ExecuteChildWorkflow[any](ChildWorkflowOptions{Type: "Ship"})
		failure := AsFailure(err)
		if failure.Type != "WorkflowAlreadyStarted" || !failure.NonRetryable || failure.ChildWorkflow.WorkflowType != "Ship" {
			t.Errorf("%+v", failure)
		}
	})
}

// itemOn runs workflow with the channel item fixture name queued on its first channel.
func itemOn(t *testing.T, name string, workflow func()) {
	t.Helper()
	item := fixture(t, "results/"+name+".json")
	host := &TestHost{OnWait: func(h *TestHost, waiting []uint32) bool {
		if len(h.handles[waiting[0]-1].results) > 0 {
			return false
		}
		h.Resolve(waiting[0], item)
		return true
	}}
	host.Run(func() {
		workflow()
		host.end(Outcome{Status: "done"})
	})
	if host.Outcome.Status != "done" {
		t.Fatalf("%s: %+v", name, host.Outcome)
	}
}

func TestChannelItemsDecode(t *testing.T) {
	itemOn(t, "signal_item", func() {
		approval, ok := SignalChannel[struct {
			ApprovedBy string `json:"approved_by"`
		}]("approve").Receive()
		if !ok || approval.ApprovedBy != "ops" {
			t.Errorf("%+v %v", approval, ok)
		}
	})
	itemOn(t, "update_item", func() {
		update, _ := UpdateChannel[struct {
			Quantity int `json:"quantity"`
		}]("change", nil).Receive()
		if update.ID != "upd-1" || update.Value.Quantity != 4 || len(update.Args) != 1 {
			t.Errorf("%+v", update)
		}
	})
	itemOn(t, "cancellation_item", func() {
		if _, ok := CancellationChannel().Receive(); !ok {
			t.Error("not cancelled")
		}
	})
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
