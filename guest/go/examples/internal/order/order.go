// Package order validates and totals orders, exactly as every language's validate_order does:
// the same problems, in the same words and order, for the same input. validate_order and
// order_fulfilment share it.
package order

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

// Totals is the result of an accepted order.
type Totals struct {
	// OrderID is the order's id.
	OrderID string `json:"order_id"`
	// ItemCount is the sum of the items' quantities.
	ItemCount int64 `json:"item_count"`
	// TotalCents is the sum of quantity × unit price.
	TotalCents int64 `json:"total_cents"`
}

// Rejection is the one detail of an InvalidOrder failure.
type Rejection struct {
	// OrderID is the order's id, nil when it has none (or an empty one).
	OrderID *string `json:"order_id"`
	// Problems are every problem found, in order.
	Problems []string `json:"problems"`
}

// Parse decodes a json/plain payload as a JSON object whose numbers keep their literal text
// (so that integers can be told from 1.0 and 1e2). It returns nil for anything else: a missing
// payload, another encoding, JSON that is not an object.
func Parse(payloads temporal.Payloads) map[string]any {
	if len(payloads) == 0 || payloads[0].Encoding() != temporal.JSONPlain || !json.Valid(payloads[0].Data) {
		return nil
	}
	decoder := json.NewDecoder(bytes.NewReader(payloads[0].Data))
	decoder.UseNumber()
	var value any
	if decoder.Decode(&value) != nil {
		return nil
	}
	object, _ := value.(map[string]any)
	return object
}

// Validate checks an order (Parse's result; nil for "not an object") and totals it, or returns
// the non-retryable InvalidOrder failure listing every problem.
func Validate(order map[string]any) (Totals, *temporal.Failure) {
	return ValidateWith(order, nil)
}

// ValidateWith is Validate with more checks: more returns the problems of the fields a workflow
// adds to the order, listed after the order's own.
func ValidateWith(order map[string]any, more func(order map[string]any) []string) (Totals, *temporal.Failure) {
	if order == nil {
		return Totals{}, reject(nil, []string{"order must be a JSON object"})
	}
	var problems []string
	// An empty id counts as no id: it is reported as missing, logged as `?` and sent as null.
	orderID, _ := order["order_id"].(string)
	if orderID == "" {
		problems = append(problems, "order_id is required")
	}
	items, _ := order["items"].([]any)
	if len(items) == 0 {
		problems = append(problems, "order has no items")
	}
	// Totals wrap on int64 overflow rather than fail: the specification sets no upper bound.
	var totals Totals
	for i, value := range items {
		// A non-object item has none of the fields, and so gets all three problems.
		item, _ := value.(map[string]any)
		if sku, _ := item["sku"].(string); sku == "" {
			problems = append(problems, fmt.Sprintf("items[%d].sku is required", i))
		}
		quantity, quantityOK := integer(item["quantity"])
		if !quantityOK || quantity < 1 {
			quantityOK = false
			problems = append(problems, fmt.Sprintf("items[%d].quantity must be a positive integer", i))
		}
		price, priceOK := integer(item["unit_price_cents"])
		if !priceOK || price < 0 {
			priceOK = false
			problems = append(problems, fmt.Sprintf("items[%d].unit_price_cents must be a non-negative integer", i))
		}
		if quantityOK && priceOK {
			totals.ItemCount += quantity
			totals.TotalCents += quantity * price
		}
	}
	if more != nil {
		problems = append(problems, more(order)...)
	}
	if len(problems) > 0 {
		var id *string
		if orderID != "" {
			id = &orderID
		}
		return Totals{}, reject(id, problems)
	}
	totals.OrderID = orderID
	return totals, nil
}

// Integer reads a JSON integer of a parsed order: a number written without fraction or exponent
// that fits in int64 ("-0" is 0).
func Integer(value any) (int64, bool) { return integer(value) }

func integer(value any) (int64, bool) {
	number, ok := value.(json.Number)
	if !ok || strings.ContainsAny(string(number), ".eE") {
		return 0, false
	}
	n, err := strconv.ParseInt(string(number), 10, 64)
	return n, err == nil
}

// reject logs the rejection and builds the InvalidOrder failure.
func reject(orderID *string, problems []string) *temporal.Failure {
	shown := "?"
	if orderID != nil {
		shown = *orderID
	}
	temporal.Warnf("order %s rejected", shown)
	return temporal.NewNonRetryableFailure("invalid order: "+strings.Join(problems, "; "), "InvalidOrder",
		Rejection{OrderID: orderID, Problems: problems})
}
