//go:build !wasip1

package temporal

// The request fixtures of guest/fixtures/requests: every request shape this SDK writes, made
// through the public API in a TestHost and compared with requests/<call>.json.

import (
	"testing"
	"time"
)

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
