//go:build !wasip1

package temporal

// The sources that replay identically, through the test host: time, patches and randomness
// come from the host, and log lines nobody emits while replaying are not even formatted.

import (
	"reflect"
	"testing"
	"time"
)

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
