//go:build !wasip1

package temporal

// Signals, updates and cancellation through the test host: signals held until their channel
// opens, update validators that run while the workflow waits for something else (and must not
// block), and a cancelled workflow that compensates.

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSignalsBeforeTheChannelOpensAreDeliveredInOrder(t *testing.T) {
	host := &TestHost{}
	host.Signal("step", 1)
	host.Signal("step", "two")
	host.Signal("step", 3)
	outcome := host.Run(func() {
		Run(func(struct{}) ([]int, error) {
			steps := SignalChannel[int]("step")
			var got []int
			for i := 0; i < 3; i++ {
				v, ok := steps.Receive()
				if ok {
					got = append(got, v)
				}
			}
			_, more := steps.ReceiveAsync()
			if more {
				got = append(got, -1)
			}
			return got, nil
		})
	})
	var got []int
	if outcome.Decode(&got) != nil || !reflect.DeepEqual(got, []int{1, 3}) {
		t.Fatalf("%+v", outcome)
	}
	if len(host.Logs) != 1 || !strings.HasPrefix(host.Logs[0], "WARN signal step: its argument does not decode into int") {
		t.Errorf("%v", host.Logs)
	}
}

func TestUpdateValidatorsRunWhileTheWorkflowWaitsForSomethingElse(t *testing.T) {
	type note struct {
		Note string `json:"note"`
	}
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		switch len(h.CallsNamed("respond_update")) {
		case 0:
			h.Update("1", "add_note", note{""})
			h.Update("2", "add_note", note{"fragile"})
			h.Update("3", "add_note", "not an object")
			return true
		case 3:
			h.FireTimer(h.Pending()[0].Handle)
			return true
		}
		return false
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) ([]string, error) {
			var notes []string
			HandleUpdate("add_note", func(n note) error {
				if n.Note == "" {
					return NewFailure("empty", "EmptyNote")
				}
				return nil
			}, func(n note) (int, error) {
				notes = append(notes, n.Note)
				return len(notes), nil
			})
			if err := Sleep(time.Hour); err != nil {
				return nil, err
			}
			return notes, nil
		})
	})
	var notes []string
	if outcome.Decode(&notes) != nil || !reflect.DeepEqual(notes, []string{"fragile"}) {
		t.Fatalf("%+v %v", outcome, host.Calls)
	}
	answers := map[string]string{
		"1": `{"rejected":{"message":"empty","type":"EmptyNote"}}`,
		"2": `{"completed":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MQ=="}]}`,
	}
	for id, want := range answers {
		if got := host.UpdateAnswer(id); got != want {
			t.Errorf("update %s: %s, want %s", id, got, want)
		}
	}
	if got := host.UpdateAnswer("3"); !strings.Contains(got, `"rejected"`) || !strings.Contains(got, "InvalidArgument") {
		t.Errorf("update 3: %s", got)
	}
}

func TestAValidatorMustNotBlock(t *testing.T) {
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		h.Update("1", "u", 1)
		return true
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) (any, error) {
			UpdateChannel("u", func(int) error { return Sleep(time.Second) })
			return NewTimer(time.Hour).Get()
		})
	})
	if outcome.Status != "guest_bug" || !strings.Contains(outcome.JSON, "validator must not block") {
		t.Errorf("%+v", outcome)
	}
}

func TestAWorkflowCancelledWhileWaitingCompensatesAndEndsCancelled(t *testing.T) {
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		if len(h.CallsNamed("start_activity")) == 1 && !h.cancelled {
			h.RequestCancellation()
			return true
		}
		for _, call := range h.Pending() {
			h.CompleteActivity(call.Handle, nil)
		}
		return len(h.Pending()) == 0
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) (string, error) {
			work := StartActivity[string](quick, "slow")
			cancelled := false
			Select(OnFuture(work, nil), OnCancel(func() { cancelled = true }))
			if cancelled {
				work.Cancel()
				ExecuteActivity[any](ActivityOptions{Type: "undo", StartToCloseTimeout: time.Second})
				return "", NewCanceledError("undone")
			}
			return "done", nil
		})
	})
	if outcome.Status != "cancelled" || outcome.JSON != `{"details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"InVuZG9uZSI="}]}` {
		t.Fatalf("%+v", outcome)
	}
	if len(host.CallsNamed("cancel")) != 1 || len(host.CallsNamed("start_activity")) != 2 {
		t.Errorf("%v", host.Calls)
	}
}
