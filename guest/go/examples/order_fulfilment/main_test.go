//go:build !wasip1

package main

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

const orderJSON = `{"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}],
	"payment_url": "http://127.0.0.1:8080/charges", "approval_timeout_ms": 5000}`

// world answers the workflow's commands as the inventory service and the payment service
// would, and, once the workflow waits for approval, does what the test says.
type world struct {
	t *testing.T
	// charge answers the HTTP activity: a result JSON for the handle.
	charge string
	// atApproval runs once when the workflow waits for approval (signal, update, cancel...);
	// it returns false to leave the workflow blocked there.
	atApproval func(h *temporal.TestHost) bool
	// fireTimer makes the approval timer fire.
	fireTimer bool
	// cancelWithCharge requests cancellation while the payment runs.
	cancelWithCharge bool
	// activities are the activity calls, as "type arg-json".
	activities []string
	reached    bool
}

func (w *world) onWait(h *temporal.TestHost, _ []uint32) bool {
	progressed := false
	for _, call := range h.Pending() {
		switch call.Name {
		case "start_activity":
			var request struct {
				ActivityType string            `json:"activity_type"`
				Args         temporal.Payloads `json:"args"`
			}
			call.Decode(&request)
			w.activities = append(w.activities, request.ActivityType+" "+string(request.Args[0].Data))
			result := map[string]any{
				"reserve_stock": map[string]string{"reservation_id": "R-1"},
				"ship":          map[string]string{"tracking": "TRK-9"},
			}[request.ActivityType]
			h.CompleteActivity(call.Handle, result)
			progressed = true
		case "start_http_activity":
			w.activities = append(w.activities, "http "+call.JSON)
			if w.cancelWithCharge {
				h.RequestCancellation()
			}
			h.Resolve(call.Handle, w.charge)
			progressed = true
		case "start_timer":
			if w.fireTimer {
				h.FireTimer(call.Handle)
				progressed = true
			}
		}
	}
	if !progressed && !w.reached && len(h.CallsNamed("set_current_details")) > 0 {
		w.reached = true
		return w.atApproval != nil && w.atApproval(h)
	}
	return progressed
}

func completedWith(value any) string {
	payload, _ := temporal.NewPayload(value)
	data, _ := json.Marshal(map[string]any{"completed": temporal.Payloads{payload}})
	return string(data)
}

// chargedOK is a 200 response with a charge id, as the HTTP activity hands it back.
var chargedOK = completedWith(map[string]any{"status": 200, "headers": map[string]string{},
	"body": []byte(`{"charge_id":"ch_1"}`)})

func (w *world) run(orderText string) (*temporal.TestHost, temporal.Outcome) {
	param := temporal.Payload{Metadata: map[string][]byte{temporal.EncodingKey: []byte(temporal.JSONPlain)}, Data: []byte(orderText)}
	host := &temporal.TestHost{Info: temporal.Info{Params: temporal.Payloads{param}}, OnWait: w.onWait}
	return host, host.Run(run)
}

func approve(by string) func(h *temporal.TestHost) bool {
	return func(h *temporal.TestHost) bool {
		h.Signal("approve", Approval{ApprovedBy: by})
		return true
	}
}

func TestAnApprovedOrderShipsWithItsNotes(t *testing.T) {
	w := &world{t: t, charge: chargedOK, atApproval: func(h *temporal.TestHost) bool {
		h.Update("n1", "add_note", Note{"gift wrap"})
		h.Update("n2", "add_note", Note{""})
		h.Update("n3", "add_note", Note{"leave at door"})
		h.Signal("approve", Approval{ApprovedBy: "ops"})
		return true
	}}
	host, outcome := w.run(orderJSON)
	var receipt Receipt
	if outcome.Status != "completed" || outcome.Decode(&receipt) != nil {
		t.Fatalf("%+v", outcome)
	}
	want := Receipt{OrderID: "A-17", ReservationID: "R-1", ChargeID: "ch_1", ApprovedBy: "ops", Tracking: "TRK-9",
		TotalCents: 375, Notes: []string{"gift wrap", "leave at door"}}
	if !reflect.DeepEqual(receipt, want) {
		t.Errorf("receipt %+v", receipt)
	}
	wantActivities := []string{
		`reserve_stock {"order_id":"A-17","items":[{"sku":"apple","quantity":3,"unit_price_cents":125}]}`,
		"http", `ship {"order_id":"A-17","reservation_id":"R-1"}`,
	}
	if len(w.activities) != 3 || w.activities[0] != wantActivities[0] || !strings.HasPrefix(w.activities[1], "http ") || w.activities[2] != wantActivities[2] {
		t.Errorf("activities %v", w.activities)
	}
	answers := map[string]string{
		"n1": completedWith(NoteCount{1}),
		"n2": `{"rejected":{"message":"a note must not be empty","type":"EmptyNote"}}`,
		"n3": completedWith(NoteCount{2}),
	}
	for id, answer := range answers {
		if got := host.UpdateAnswer(id); got != answer {
			t.Errorf("update %s: %s, want %s", id, got, answer)
		}
	}
	if got := host.QueryResult("status"); got != `[`+mustPayload(Status{"shipped", "A-17", "ch_1", "TRK-9"})+`]` {
		t.Errorf("status %s", got)
	}
	metrics := host.CallsNamed("emit_metric")
	if len(metrics) != 1 || metrics[0].JSON != `{"name":"orders_completed","kind":"counter","value":1,"labels":{"outcome":"shipped"}}` {
		t.Errorf("metrics %v", metrics)
	}
	if cancels := host.CallsNamed("cancel"); len(cancels) != 1 {
		t.Errorf("the approval timer was not cancelled: %v", cancels)
	}
}

func mustPayload(value any) string {
	payload, _ := temporal.NewPayload(value)
	data, _ := json.Marshal(payload)
	return string(data)
}

func TestThePaymentRequestIsTheFixturesRequest(t *testing.T) {
	w := &world{t: t, charge: chargedOK}
	host, _ := w.run(`{"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}],
		"payment_url": "http://127.0.0.1:8080/charges"}`)
	fixture, err := os.ReadFile("../../../fixtures/requests/start_http_activity.json")
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	json.Unmarshal(fixture, &want)
	delete(want, "max_response_bytes") // the fixture also caps the response
	delete(want, "local")
	json.Unmarshal([]byte(host.CallsNamed("start_http_activity")[0].JSON), &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	var status Status
	var published temporal.Payloads
	json.Unmarshal([]byte(host.QueryResult("status")), &published)
	published.Decode(0, &status)
	if status != (Status{State: "awaiting_approval", OrderID: "A-17", ChargeID: "ch_1"}) {
		t.Errorf("status %+v", status)
	}
	if details := host.CallsNamed("set_current_details"); details[0].JSON != "awaiting approval of order A-17" {
		t.Errorf("details %v", details)
	}
	var timer struct {
		DurationMs int `json:"duration_ms"`
	}
	host.CallsNamed("start_timer")[0].Decode(&timer)
	if timer.DurationMs != 60000 {
		t.Errorf("default approval timeout %d", timer.DurationMs)
	}
}

func TestAFailedPaymentReleasesTheStockAndFails(t *testing.T) {
	failed := `{"failed": {"message": "Activity task failed", "kind": "activity", "retry_state": "non_retryable_failure",
		"cause": {"message": "HTTP 402 Payment Required", "kind": "application", "non_retryable": true}}}`
	w := &world{t: t, charge: failed}
	_, outcome := w.run(orderJSON)
	f := outcome.Failure
	if outcome.Status != "failed" || f.Type != "PaymentFailed" || !f.NonRetryable ||
		f.Message != "payment for order A-17 failed: HTTP 402 Payment Required" {
		t.Fatalf("%+v %+v", outcome, f)
	}
	if len(w.activities) != 3 || w.activities[2] != `release_stock {"reservation_id":"R-1"}` {
		t.Errorf("%v", w.activities)
	}
}

func TestATimedOutPaymentReportsTheTimeout(t *testing.T) {
	timedOut := `{"failed": {"message": "Activity task timed out", "kind": "activity", "retry_state": "timeout",
		"cause": {"message": "activity StartToClose timeout", "kind": "timeout", "timeout_type": "start_to_close"}}}`
	w := &world{t: t, charge: timedOut}
	_, outcome := w.run(orderJSON)
	if outcome.Failure == nil || outcome.Failure.Message != "payment for order A-17 failed: activity StartToClose timeout" {
		t.Fatalf("%+v", outcome)
	}
}

func TestAPaymentWithoutAChargeIDFails(t *testing.T) {
	w := &world{t: t, charge: completedWith(map[string]any{"status": 200, "headers": map[string]string{}, "body": []byte(`{}`)})}
	_, outcome := w.run(orderJSON)
	if outcome.Failure == nil || outcome.Failure.Message != "payment for order A-17 failed: the payment service answered 200 without a charge_id" {
		t.Fatalf("%+v", outcome)
	}
}

func TestAnOrderNotApprovedInTimeIsRefundedReleasedAndFails(t *testing.T) {
	w := &world{t: t, charge: chargedOK, fireTimer: true}
	_, outcome := w.run(orderJSON)
	f := outcome.Failure
	if outcome.Status != "failed" || f.Type != "ApprovalTimedOut" || !f.NonRetryable ||
		f.Message != "order A-17 was not approved within 5000 ms" {
		t.Fatalf("%+v", outcome)
	}
	if len(w.activities) != 4 || w.activities[2] != `refund {"charge_id":"ch_1"}` || w.activities[3] != `release_stock {"reservation_id":"R-1"}` {
		t.Errorf("%v", w.activities)
	}
}

func TestACancelledOrderIsRefundedReleasedAndCancelled(t *testing.T) {
	w := &world{t: t, charge: chargedOK, atApproval: func(h *temporal.TestHost) bool {
		h.RequestCancellation()
		return true
	}}
	_, outcome := w.run(orderJSON)
	if outcome.Status != "cancelled" || outcome.JSON != `{"details":[`+mustPayload("order A-17 cancelled")+`]}` {
		t.Fatalf("%+v", outcome)
	}
	if len(w.activities) != 4 || !strings.HasPrefix(w.activities[2], "refund ") || !strings.HasPrefix(w.activities[3], "release_stock ") {
		t.Errorf("%v", w.activities)
	}
}

func TestAnApprovalThatDoesNotDecodeIsIgnored(t *testing.T) {
	w := &world{t: t, charge: chargedOK, atApproval: func(h *temporal.TestHost) bool {
		h.Signal("approve", "yes")
		h.Signal("approve", Approval{ApprovedBy: "ops"})
		return true
	}}
	_, outcome := w.run(orderJSON)
	var receipt Receipt
	if outcome.Decode(&receipt) != nil || receipt.ApprovedBy != "ops" || receipt.Notes != nil {
		t.Fatalf("%+v", outcome)
	}
	if strings.Contains(outcome.JSON, "notes") {
		t.Errorf("no notes, no key: %s", outcome.JSON)
	}
}

func TestAnInvalidOrderFailsAsValidateOrderDoes(t *testing.T) {
	w := &world{t: t}
	host, outcome := w.run(`{"order_id": "B-2", "items": [], "payment_url": "http://x"}`)
	f := outcome.Failure
	if outcome.Status != "failed" || f.Type != "InvalidOrder" || f.Message != "invalid order: order has no items" || len(host.CallsNamed("start_activity")) != 0 {
		t.Fatalf("%+v", outcome)
	}
}

func TestAMissingPaymentURLOrABadTimeoutIsAnInvalidOrder(t *testing.T) {
	for extra, problems := range map[string]string{
		`"payment_url": 5`:  "payment_url is required",
		`"payment_url": ""`: "payment_url is required",
		`"payment_url": "http://x", "approval_timeout_ms": 0`:   "approval_timeout_ms must be a positive integer",
		`"payment_url": "http://x", "approval_timeout_ms": 5e3`: "approval_timeout_ms must be a positive integer",
		`"approval_timeout_ms": "x"`:                            "payment_url is required; approval_timeout_ms must be a positive integer",
	} {
		w := &world{t: t}
		host, outcome := w.run(`{"order_id": "A", "items": [{"sku": "s", "quantity": 1, "unit_price_cents": 1}], ` + extra + `}`)
		if outcome.Status != "failed" || outcome.Failure.Type != "InvalidOrder" || outcome.Failure.Message != "invalid order: "+problems ||
			len(host.CallsNamed("start_activity")) != 0 {
			t.Errorf("%s: %+v", extra, outcome)
		}
	}
	w := &world{t: t}
	_, outcome := w.run(`{"items": [], "approval_timeout_ms": 0}`)
	if outcome.Failure.Message != "invalid order: order_id is required; order has no items; payment_url is required; approval_timeout_ms must be a positive integer" {
		t.Errorf("%+v", outcome.Failure)
	}
}

func TestANullTimeoutTakesTheDefault(t *testing.T) {
	w := &world{t: t, charge: chargedOK}
	host, _ := w.run(`{"order_id": "A", "items": [{"sku": "s", "quantity": 1, "unit_price_cents": 1}], "payment_url": "http://x", "approval_timeout_ms": null}`)
	if timers := host.CallsNamed("start_timer"); len(timers) != 1 || !strings.Contains(timers[0].JSON, `"duration_ms":60000`) {
		t.Errorf("%v", timers)
	}
}
