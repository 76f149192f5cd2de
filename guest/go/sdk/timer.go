package temporal

import "time"

// timerRequest is the JSON of start_timer.
type timerRequest struct {
	DurationMs uint64 `json:"duration_ms"`
	Summary    string `json:"summary,omitempty"`
}

// NewTimer starts a durable timer of d (rounded up to whole milliseconds) and returns its
// Future, which resolves when Temporal fires it, or with a cancellation failure if it is
// cancelled. A d of zero or less gives a Future that is ready at once, and starts no timer.
func NewTimer(d time.Duration) *Future[struct{}] { return NewTimerWithSummary(d, "") }

// NewTimerWithSummary is NewTimer with a summary shown in the Temporal UI.
func NewTimerWithSummary(d time.Duration, summary string) *Future[struct{}] {
	if d <= 0 {
		return &Future[struct{}]{src: &source{settled: true}, decoded: true}
	}
	request := mustJSON(timerRequest{DurationMs: millis(d), Summary: summary})
	return newFuture[struct{}](hostStartTimer(request), "timer")
}

// Sleep blocks the calling goroutine for d of workflow time, on a durable timer: the workflow
// may be evicted and replayed, or the worker restarted, while it sleeps. Other workflow
// goroutines keep running. (time.Sleep is durable too, through the worker's WASI clock, but it
// blocks every goroutine of the workflow.)
func Sleep(d time.Duration) error {
	_, err := NewTimer(d).Get()
	return err
}
