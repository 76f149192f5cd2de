// validate_order checks an order and totals it, or rejects it with every problem found.
//
// Input:  params[0]: a json/plain payload holding
// {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}.
// Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}.
// Fails:  non-retryable InvalidOrder, message "invalid order: <problems joined by "; ">", and one
// detail {"order_id": <id or null>, "problems": [...]}.
package main

import (
	"temporal-wasm-worker/guest/go/examples/internal/order"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func main() {}

//go:wasmexport run
func run() { temporal.Run(ValidateOrder) }

// ValidateOrder takes its arguments undecoded (Payloads) because the order is checked field by
// field, every problem reported in the specified words, rather than decoded into a struct that
// would stop at the first.
func ValidateOrder(args temporal.Payloads) (order.Totals, error) {
	totals, failure := order.Validate(order.Parse(args))
	if failure != nil {
		return totals, failure
	}
	temporal.Infof("order %s accepted", totals.OrderID)
	return totals, nil
}
