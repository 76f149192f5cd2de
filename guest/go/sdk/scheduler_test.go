//go:build !wasip1

package temporal

// Blocking, goroutines, Select and timers, through the test host: what the workflow asks the
// host for, in which order, and what it gets back; a deadlock and a goroutine's panic as guest
// bugs. Channels are in channels_test.go.

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
