//go:build !wasip1

package temporal

// Blocking, goroutines, Select and channels, through the test host: what the workflow asks the
// host for, in which order, and what it gets back.

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var quick = ActivityOptions{Type: "work", StartToCloseTimeout: time.Second}

// activityArg is the first argument of an activity call, as JSON text.
func activityArg(t *testing.T, call HostCall) string {
	t.Helper()
	var request activityRequest
	if err := call.Decode(&request); err != nil {
		t.Fatal(err)
	}
	return string(request.Args[0].Data)
}

func TestParallelActivitiesIssueTheirCommandsBeforeTheFirstWait(t *testing.T) {
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		pending := h.Pending()
		if len(pending) == 0 {
			return false
		}
		// Temporal resolves the last one first.
		last := pending[len(pending)-1]
		h.CompleteActivity(last.Handle, "result of "+activityArg(t, last))
		return true
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) ([]string, error) {
			futures := []*Future[string]{StartActivity[string](quick, 1), StartActivity[string](quick, 2), StartActivity[string](quick, 3)}
			var results []string
			for _, f := range futures {
				result, err := f.Get()
				if err != nil {
					return nil, err
				}
				results = append(results, result)
			}
			return results, nil
		})
	})
	var results []string
	if outcome.Status != "completed" || outcome.Decode(&results) != nil {
		t.Fatalf("%+v", outcome)
	}
	if !reflect.DeepEqual(results, []string{"result of 1", "result of 2", "result of 3"}) {
		t.Errorf("%v", results)
	}
}

// racingGoroutines runs three goroutines that each run two activities in a row; Temporal
// resolves the newest pending activity first. It returns the activity arguments in command
// order and the workflow's result.
func racingGoroutines(t *testing.T) ([]string, string) {
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		pending := h.Pending()
		if len(pending) == 0 {
			return false
		}
		last := pending[len(pending)-1]
		h.CompleteActivity(last.Handle, activityArg(t, last))
		return true
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) (string, error) {
			log := NewChannel[string]()
			var futures []*Future[int]
			for g := 0; g < 3; g++ {
				futures = append(futures, Async(func() (int, error) {
					for step := 0; step < 2; step++ {
						arg := fmt.Sprintf("%q", fmt.Sprintf("g%d.%d", g, step))
						if _, err := ExecuteActivity[string](quick, arg); err != nil {
							return 0, err
						}
						log.Send(fmt.Sprintf("g%d.%d", g, step))
					}
					return g, nil
				}))
			}
			sum := 0
			for _, f := range futures {
				g, err := f.Get()
				if err != nil {
					return "", err
				}
				sum += g
			}
			log.Close()
			var order []string
			for {
				entry, ok := log.Receive()
				if !ok {
					break
				}
				order = append(order, entry)
			}
			return fmt.Sprintf("%d %s", sum, strings.Join(order, ",")), nil
		})
	})
	var result string
	if outcome.Status != "completed" || outcome.Decode(&result) != nil {
		t.Fatalf("%+v", outcome)
	}
	var args []string
	for _, call := range host.CallsNamed("start_activity") {
		args = append(args, activityArg(t, call))
	}
	return args, result
}

func TestGoroutinesTakeTurnsDeterministically(t *testing.T) {
	args, result := racingGoroutines(t)
	want := []string{`"\"g0.0\""`, `"\"g1.0\""`, `"\"g2.0\""`, `"\"g2.1\""`, `"\"g1.1\""`, `"\"g0.1\""`}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("commands in the order %v, want %v", args, want)
	}
	if result != "3 g2.0,g2.1,g1.0,g1.1,g0.0,g0.1" {
		t.Errorf("result %q", result)
	}
	for i := 0; i < 20; i++ {
		again, againResult := racingGoroutines(t)
		if !reflect.DeepEqual(again, args) || againResult != result {
			t.Fatalf("run %d differs: %v %q", i, again, againResult)
		}
	}
}

func TestSelectTakesTheSignalAndCancelsTheTimeout(t *testing.T) {
	type approval struct {
		By string `json:"by"`
	}
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		if len(h.CallsNamed("start_timer")) == 1 && len(h.CallsNamed("cancel")) == 0 {
			h.Signal("approve", approval{"ops"})
			return true
		}
		return false
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) (string, error) {
			got := ""
			chosen := Select(
				OnReceive(SignalChannel[approval]("approve"), func(a approval, ok bool) { got = a.By }),
				OnTimeout(time.Minute, func() { got = "timeout" }),
			)
			return fmt.Sprintf("%d %s", chosen, got), nil
		})
	})
	var result string
	if outcome.Decode(&result) != nil || result != "0 ops" {
		t.Fatalf("%+v", outcome)
	}
	if cancels := host.CallsNamed("cancel"); len(cancels) != 1 || cancels[0].Handle != host.CallsNamed("start_timer")[0].Handle {
		t.Errorf("the timer was not cancelled: %v", host.Calls)
	}
}

func TestSelectTimesOut(t *testing.T) {
	host := &TestHost{OnWait: func(h *TestHost, _ []uint32) bool {
		for _, call := range h.Pending() {
			h.FireTimer(call.Handle)
			return true
		}
		return false
	}}
	outcome := host.Run(func() {
		Run(func(struct{}) (int, error) {
			return Select(
				OnReceive(SignalChannel[string]("approve"), nil),
				OnTimeout(time.Minute, nil),
				OnCancel(nil),
			), nil
		})
	})
	var chosen int
	if outcome.Decode(&chosen) != nil || chosen != 1 {
		t.Fatalf("%+v", outcome)
	}
	var timer timerRequest
	host.CallsNamed("start_timer")[0].Decode(&timer)
	if timer.DurationMs != 60000 {
		t.Errorf("%+v", timer)
	}
}

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

func TestACanceledErrorWithoutARequestFailsTheWorkflow(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) { return nil, NewCanceledError() })
	})
	if outcome.Status != "failed" || outcome.Failure.Message != "workflow cancelled" {
		t.Fatalf("%+v", outcome)
	}
}

func TestADeadlockIsAGuestBug(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (int, error) {
			v, _ := NewChannel[int]().Receive()
			return v, nil
		})
	})
	if outcome.Status != "guest_bug" || !strings.HasPrefix(outcome.JSON, "panic: temporal: deadlock: every workflow goroutine is blocked") {
		t.Errorf("%+v", outcome)
	}
}

func TestAPanicInAGoroutineIsAGuestBugWithItsStack(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (int, error) {
			Go(func() {
				var m map[string]int
				m["x"] = 1
			})
			return 0, Sleep(time.Second)
		})
	})
	if outcome.Status != "guest_bug" || !strings.HasPrefix(outcome.JSON, "panic: assignment to entry in nil map") ||
		!strings.Contains(outcome.JSON, "scheduler_test.go") {
		t.Errorf("%+v", outcome)
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

func TestInputThatDoesNotDecodeFailsAsInvalidInput(t *testing.T) {
	param, _ := NewPayload("not a number")
	host := &TestHost{Info: Info{Params: Payloads{param}}}
	outcome := host.Run(func() { Run(func(n int) (int, error) { return n, nil }) })
	if outcome.Status != "failed" || outcome.Failure.Type != "InvalidInput" || !outcome.Failure.NonRetryable {
		t.Fatalf("%+v", outcome)
	}
}

func TestAPlainErrorFailsWithItsGoTypeName(t *testing.T) {
	_, outcome := run(func() {
		Run(func(struct{}) (any, error) { return nil, fmt.Errorf("wrapped: %w", fmt.Errorf("boom")) })
	})
	if outcome.Failure.Message != "wrapped: boom" || outcome.Failure.Type != "wrapError" || outcome.Failure.NonRetryable {
		t.Fatalf("%+v", outcome.Failure)
	}
}

func TestLogfSkipsLevelsNobodyEmits(t *testing.T) {
	host := &TestHost{Replaying: true}
	formatted := false
	host.Run(func() {
		Infof("%v", stringer(func() string { formatted = true; return "x" }))
		host.end(Outcome{Status: "done"})
	})
	if formatted || len(host.Logs) != 0 {
		t.Errorf("formatted %v, logs %v", formatted, host.Logs)
	}
}

type stringer func() string

func (s stringer) String() string { return s() }

func TestDeterministicSourcesComeFromTheHost(t *testing.T) {
	host := &TestHost{Time: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), OldPatches: []string{"old"}}
	host.Run(func() {
		if !Now().Equal(host.Time) {
			t.Errorf("now %v", Now())
		}
		if Patched("old") || !Patched("new") {
			t.Error("patches")
		}
		a, b := make([]byte, 8), make([]byte, 8)
		RandomBytes(a)
		RandomBytes(b)
		if reflect.DeepEqual(a, b) || NewRand().Uint64() == NewRand().Uint64() {
			t.Error("the random stream repeats")
		}
		host.end(Outcome{Status: "done"})
	})
}

func TestZeroTimersStartNothing(t *testing.T) {
	host, _ := run(func() {
		Sleep(0)
		Select(OnTimeout(-time.Second, nil))
		NewTimer(time.Nanosecond)
	})
	timers := host.CallsNamed("start_timer")
	if len(timers) != 1 || timers[0].JSON != `{"duration_ms":1}` {
		t.Errorf("%v", timers)
	}
}
