//go:build !wasip1

package main

import (
	"reflect"
	"strings"
	"testing"

	"temporal-wasm-worker/guest/go/examples/internal/order"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func validate(orderJSON string) temporal.Outcome {
	param := temporal.Payload{Metadata: map[string][]byte{temporal.EncodingKey: []byte(temporal.JSONPlain)}, Data: []byte(orderJSON)}
	host := &temporal.TestHost{Info: temporal.Info{Params: temporal.Payloads{param}}}
	return host.Run(run)
}

// rejection checks what every rejection shares and returns its message and detail.
func rejection(t *testing.T, outcome temporal.Outcome) (string, order.Rejection) {
	t.Helper()
	f := outcome.Failure
	if outcome.Status != "failed" || f.Type != "InvalidOrder" || !f.NonRetryable || len(f.Details) != 1 {
		t.Fatalf("%+v", outcome)
	}
	var detail order.Rejection
	if err := f.Details.Decode(0, &detail); err != nil {
		t.Fatal(err)
	}
	return f.Message, detail
}

func TestTotalsAValidOrder(t *testing.T) {
	outcome := validate(`{"order_id": "A-17", "items": [
		{"sku": "apple", "quantity": 3, "unit_price_cents": 125},
		{"sku": "pear", "quantity": 2, "unit_price_cents": 80}]}`)
	var totals order.Totals
	if outcome.Decode(&totals) != nil || totals != (order.Totals{OrderID: "A-17", ItemCount: 5, TotalCents: 535}) {
		t.Fatalf("%+v", outcome)
	}
	if outcome.JSON != `[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJvcmRlcl9pZCI6IkEtMTciLCJpdGVtX2NvdW50Ijo1LCJ0b3RhbF9jZW50cyI6NTM1fQ=="}]` {
		t.Errorf("result %s", outcome.JSON)
	}
}

func TestRejectsAMissingParamOrANonObject(t *testing.T) {
	noParams := (&temporal.TestHost{}).Run(run)
	for _, outcome := range []temporal.Outcome{noParams, validate("[1]"), validate(`"A-17"`), validate("null"), validate("{} x")} {
		message, detail := rejection(t, outcome)
		if message != "invalid order: order must be a JSON object" || detail.OrderID != nil ||
			!reflect.DeepEqual(detail.Problems, []string{"order must be a JSON object"}) {
			t.Errorf("%s %+v", message, detail)
		}
	}
}

func TestReportsMissingIDAndItems(t *testing.T) {
	for _, text := range []string{`{}`, `{"order_id": "", "items": []}`, `{"order_id": 17, "items": {}}`} {
		message, detail := rejection(t, validate(text))
		if message != "invalid order: order_id is required; order has no items" || detail.OrderID != nil {
			t.Errorf("%s: %s %+v", text, message, detail)
		}
	}
}

func TestReportsEveryItemProblemInOrder(t *testing.T) {
	message, detail := rejection(t, validate(`{"order_id": "B-2", "items": [
		{"sku": "", "quantity": 0, "unit_price_cents": -1},
		{"sku": "ok", "quantity": 1.5, "unit_price_cents": 1e2},
		"not an object",
		{"sku": "ok", "quantity": 1, "unit_price_cents": 1},
		{"sku": 5, "quantity": "1", "unit_price_cents": 9223372036854775808}]}`))
	problems := []string{
		"items[0].sku is required",
		"items[0].quantity must be a positive integer",
		"items[0].unit_price_cents must be a non-negative integer",
		"items[1].quantity must be a positive integer",
		"items[1].unit_price_cents must be a non-negative integer",
		"items[2].sku is required",
		"items[2].quantity must be a positive integer",
		"items[2].unit_price_cents must be a non-negative integer",
		"items[4].sku is required",
		"items[4].quantity must be a positive integer",
		"items[4].unit_price_cents must be a non-negative integer",
	}
	if message != "invalid order: "+strings.Join(problems, "; ") || *detail.OrderID != "B-2" || !reflect.DeepEqual(detail.Problems, problems) {
		t.Errorf("%s %+v", message, detail)
	}
}

func TestNumbersWithAFractionOrExponentOrBeyondInt64AreNotIntegers(t *testing.T) {
	for _, number := range []string{"1.0", "1e0", "1E+0", "10.5", "1e400", "9223372036854775808"} {
		message, _ := rejection(t, validate(`{"order_id": "C", "items": [{"sku": "s", "quantity": `+number+`, "unit_price_cents": 1}]}`))
		if message != "invalid order: items[0].quantity must be a positive integer" {
			t.Errorf("%s: %s", number, message)
		}
	}
}

func TestMinusZeroIsTheIntegerZeroAndTotalsWrap(t *testing.T) {
	var totals order.Totals
	validate(`{"order_id": "Z", "items": [{"sku": "s", "quantity": 2, "unit_price_cents": -0}]}`).Decode(&totals)
	if totals.TotalCents != 0 {
		t.Errorf("%+v", totals)
	}
	validate(`{"order_id": "D", "items": [{"sku": "s", "quantity": 9223372036854775807, "unit_price_cents": 1}]}`).Decode(&totals)
	if totals.TotalCents != 9223372036854775807 {
		t.Errorf("%+v", totals)
	}
}

func TestLogsTheVerdict(t *testing.T) {
	host := &temporal.TestHost{}
	host.Run(run)
	if !reflect.DeepEqual(host.Logs, []string{"WARN order ? rejected"}) {
		t.Errorf("%v", host.Logs)
	}
}
