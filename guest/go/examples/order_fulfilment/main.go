// order_fulfilment takes an order from validation to shipping: it reserves stock, charges the
// payment through an HTTP activity, waits for a human approval (a signal) with a timeout, and
// ships, compensating what it did when payment fails, approval times out or the workflow is
// cancelled. Notes can be added while it runs, through the update add_note.
//
// Input: {"order_id": str, "items": [{"sku": str, "quantity": int, "unit_price_cents": int}],
// "payment_url": str, "approval_timeout_ms"?: int (default 60000)}.
// Result: {"order_id", "reservation_id", "charge_id", "approved_by", "tracking", "total_cents",
// "notes"?: [str]}.
// Fails: InvalidOrder (as validate_order, and also "payment_url is required" and
// "approval_timeout_ms must be a positive integer", listed after the order's problems),
// PaymentFailed, ApprovalTimedOut, all non-retryable; an activity's own failure as it came.
// Cancelled: with details ["order <id> cancelled"], after refunding and releasing the stock
// (a cancellation requested before the approval wait takes effect there).
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"temporal-wasm-worker/guest/go/examples/internal/order"

	temporal "temporal-wasm-worker/guest/go/sdk"
)

func main() {}

//go:wasmexport run
func run() { temporal.Run(OrderFulfilment) }

// Item is one line of the order.
type Item struct {
	SKU            string `json:"sku"`              // stock keeping unit
	Quantity       int64  `json:"quantity"`         // how many, at least 1
	UnitPriceCents int64  `json:"unit_price_cents"` // price of one, in cents
}

// Input is the order part of the workflow's argument, read once validation has passed
// (payment_url and approval_timeout_ms are read during validation).
type Input struct {
	OrderID string `json:"order_id"` // the order's id
	Items   []Item `json:"items"`    // what is ordered
}

// Reservation is what reserve_stock returns.
type Reservation struct {
	ReservationID string `json:"reservation_id"` // names the reservation for release_stock
}

// Charge is the payment service's response body.
type Charge struct {
	ChargeID string `json:"charge_id"` // names the charge for refund
}

// Approval is the argument of the approve signal.
type Approval struct {
	ApprovedBy string `json:"approved_by"` // who approved
}

// Shipment is what ship returns.
type Shipment struct {
	Tracking string `json:"tracking"` // the parcel's tracking number
}

// Note is the argument of the add_note update.
type Note struct {
	Note string `json:"note"` // the note's text, not empty
}

// NoteCount answers an accepted add_note.
type NoteCount struct {
	Notes int `json:"notes"` // notes accepted so far
}

// Status is the answer to the status query.
type Status struct {
	State    string `json:"state"`              // "awaiting_approval" or "shipped"
	OrderID  string `json:"order_id"`           // the order's id
	ChargeID string `json:"charge_id"`          // the payment's charge
	Tracking string `json:"tracking,omitempty"` // once shipped
}

// Receipt is the workflow's result.
type Receipt struct {
	OrderID       string   `json:"order_id"`        // the order's id
	ReservationID string   `json:"reservation_id"`  // the stock reserved
	ChargeID      string   `json:"charge_id"`       // the payment
	ApprovedBy    string   `json:"approved_by"`     // who approved
	Tracking      string   `json:"tracking"`        // the parcel
	TotalCents    int64    `json:"total_cents"`     // what was charged
	Notes         []string `json:"notes,omitempty"` // notes added, left out when none were
}

// inventory runs an activity of the inventory service: every one but reserve_stock is retried
// with Temporal's default policy, since compensation and shipping must not give up.
func inventory(activity string) temporal.ActivityOptions {
	return temporal.ActivityOptions{Type: activity, TaskQueue: "inventory", StartToCloseTimeout: 10 * time.Second}
}

const defaultApprovalTimeoutMs = 60000

// OrderFulfilment is the workflow.
func OrderFulfilment(args temporal.Payloads) (Receipt, error) {
	var paymentURL string
	timeoutMs := int64(defaultApprovalTimeoutMs)
	totals, invalid := order.ValidateWith(order.Parse(args), func(fields map[string]any) []string {
		var problems []string
		paymentURL, _ = fields["payment_url"].(string)
		if paymentURL == "" {
			problems = append(problems, "payment_url is required")
		}
		if value, given := fields["approval_timeout_ms"]; given && value != nil {
			ms, ok := order.Integer(value)
			if !ok || ms < 1 {
				problems = append(problems, "approval_timeout_ms must be a positive integer")
			}
			timeoutMs = ms
		}
		return problems
	})
	if invalid != nil {
		return Receipt{}, invalid
	}
	var input Input
	if err := args.Decode(0, &input); err != nil {
		return Receipt{}, temporal.NewNonRetryableFailure("order_fulfilment: "+err.Error(), "InvalidInput")
	}
	id := input.OrderID

	// Notes may be added from now on; the validator runs in the workflow task the update
	// arrives in, and accepted notes are kept for the receipt.
	var notes []string
	temporal.HandleUpdate("add_note",
		func(note Note) error {
			if note.Note == "" {
				return temporal.NewFailure("a note must not be empty", "EmptyNote")
			}
			return nil
		},
		func(note Note) (NoteCount, error) {
			notes = append(notes, note.Note)
			return NoteCount{Notes: len(notes)}, nil
		})

	// Cancellation is handled from the start, so that a cancel during the reservation or the
	// payment is seen at the approval wait and compensated, rather than ending the run at once
	// (which the worker does for a workflow that never opens the channel).
	temporal.CancellationChannel()

	reserve := inventory("reserve_stock")
	reserve.RetryPolicy = &temporal.RetryPolicy{MaximumAttempts: 3}
	reservation, err := temporal.ExecuteActivity[Reservation](reserve, struct {
		OrderID string `json:"order_id"`
		Items   []Item `json:"items"`
	}{id, input.Items})
	if err != nil {
		return Receipt{}, err
	}
	release := func() {
		compensate("release_stock", map[string]string{"reservation_id": reservation.ReservationID})
	}

	chargeID, err := charge(paymentURL, id, totals.TotalCents)
	if err != nil {
		release()
		return Receipt{}, temporal.NewNonRetryableFailure(
			fmt.Sprintf("payment for order %s failed: %s", id, err.Error()), "PaymentFailed")
	}
	refund := func() { compensate("refund", map[string]string{"charge_id": chargeID}) }

	temporal.SetQueryResult("status", Status{State: "awaiting_approval", OrderID: id, ChargeID: chargeID})
	temporal.SetCurrentDetails("awaiting approval of order " + id)

	approval, outcome := awaitApproval(time.Duration(timeoutMs) * time.Millisecond)
	switch outcome {
	case timedOut:
		refund()
		release()
		return Receipt{}, temporal.NewNonRetryableFailure(
			fmt.Sprintf("order %s was not approved within %d ms", id, timeoutMs), "ApprovalTimedOut")
	case cancelled:
		refund()
		release()
		temporal.CompleteAsCancelled(fmt.Sprintf("order %s cancelled", id))
	}

	shipment, err := temporal.ExecuteActivity[Shipment](inventory("ship"), struct {
		OrderID       string `json:"order_id"`
		ReservationID string `json:"reservation_id"`
	}{id, reservation.ReservationID})
	if err != nil {
		return Receipt{}, err
	}
	temporal.SetQueryResult("status", Status{State: "shipped", OrderID: id, ChargeID: chargeID, Tracking: shipment.Tracking})
	temporal.IncCounter("orders_completed", 1, map[string]string{"outcome": "shipped"})
	return Receipt{
		OrderID:       id,
		ReservationID: reservation.ReservationID,
		ChargeID:      chargeID,
		ApprovedBy:    approval.ApprovedBy,
		Tracking:      shipment.Tracking,
		TotalCents:    totals.TotalCents,
		Notes:         notes,
	}, nil
}

// charge posts the payment and returns the charge id, or the reason it failed: the HTTP
// activity's failure message, or what is wrong with the response.
func charge(url, orderID string, amountCents int64) (string, error) {
	body, err := json.Marshal(struct {
		OrderID     string `json:"order_id"`
		AmountCents int64  `json:"amount_cents"`
	}{orderID, amountCents})
	if err != nil {
		return "", err
	}
	response, err := temporal.ExecuteHTTP(temporal.HTTPRequest{
		Method: "POST",
		URL:    url,
		Headers: map[string]string{
			"content-type":  "application/json",
			"authorization": "Bearer {{secret PAYMENTS_TOKEN}}",
		},
		Body:                body,
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	if err != nil {
		return "", errors.New(failureMessage(err))
	}
	var result Charge
	if err := response.DecodeJSON(&result); err != nil || result.ChargeID == "" {
		return "", fmt.Errorf("the payment service answered %d without a charge_id", response.Status)
	}
	return result.ChargeID, nil
}

// failureMessage is what an HTTP activity's failure says went wrong: the message of the
// application failure the executor raised (the "activity" failure around it only says "Activity
// task failed"), else of the innermost cause, such as a timeout.
func failureMessage(err error) string {
	failure := temporal.AsFailure(err)
	for f := failure; f != nil; f = f.Cause {
		if f.Kind == "application" && f.Message != "" {
			return f.Message
		}
	}
	if root := failure.Root(); root.Message != "" {
		return root.Message
	}
	return err.Error()
}

// compensate runs a compensating activity; if it fails for good, the failure is logged and the
// workflow goes on to report what made it compensate.
func compensate(activity string, arg any) {
	if _, err := temporal.ExecuteActivity[temporal.Payloads](inventory(activity), arg); err != nil {
		temporal.Errorf("compensation %s failed: %v", activity, err)
	}
}

type approvalOutcome int

const (
	approved approvalOutcome = iota
	timedOut
	cancelled
)

// awaitApproval waits for the approve signal, the timeout or cancellation, whichever comes
// first (a signal whose argument does not decode is ignored and the wait goes on, with the
// same deadline).
func awaitApproval(timeout time.Duration) (Approval, approvalOutcome) {
	approvals := temporal.SignalChannel[Approval]("approve")
	deadline := temporal.NewTimerWithSummary(timeout, "approval timeout")
	var approval Approval
	outcome := approvalOutcome(-1)
	for outcome < 0 {
		temporal.Select(
			temporal.OnReceive(approvals, func(a Approval, ok bool) {
				if ok {
					approval, outcome = a, approved
				}
			}),
			temporal.OnFuture(deadline, func(struct{}, error) { outcome = timedOut }),
			temporal.OnCancel(func() { outcome = cancelled }),
		)
	}
	if outcome != timedOut {
		deadline.Cancel()
	}
	return approval, outcome
}
