//go:build !wasip1

package temporal

// The result fixtures of guest/fixtures/results: every result and channel item shape, handed to
// a workflow in a TestHost and read through the public API.

import (
	"errors"
	"testing"
	"time"
)

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
