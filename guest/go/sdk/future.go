package temporal

import "encoding/json"

// Future is the eventual result of something started without waiting for it: an activity
// (StartActivity), an HTTP activity (StartHTTP), a child workflow (StartChildWorkflow), a timer
// (NewTimer), an external signal or cancel, or a goroutine (Async).
//
// Get blocks the calling goroutine until the result is in; other workflow goroutines keep
// running. A Future can be read any number of times, by any goroutine, and waited for in a
// Select. Its result is decoded into T once: T = Payloads keeps every payload undecoded, and a
// result without payloads leaves T's zero value. A failure is returned as a *Failure.
type Future[T any] struct {
	src *source
	// what names the operation in messages ("activity reserve_stock").
	what    string
	decoded bool
	value   T
	err     error
}

// newFuture is the Future of a host handle.
func newFuture[T any](handle uint32, what string) *Future[T] {
	return &Future[T]{src: &source{handle: handle}, what: what}
}

// failedFuture is a Future that failed before anything was started (its options did not encode).
func failedFuture[T any](err error) *Future[T] {
	return &Future[T]{src: &source{settled: true}, decoded: true, err: AsFailure(err)}
}

// Get blocks until the result is in and returns it, or the failure as a *Failure.
func (f *Future[T]) Get() (T, error) {
	await(f.src)
	return f.resolve()
}

// IsReady reports, without blocking, whether Get would return at once.
func (f *Future[T]) IsReady() bool {
	f.src.poll()
	return f.src.ready()
}

// Cancel asks Temporal to cancel the pending timer, activity or child workflow. Its Future then
// resolves with a cancellation failure (a timer's at once), or with whatever the cancelled
// activity or child reports: see the activity's CancellationType. Cancelling something that has
// finished, or a Future of Async, does nothing.
func (f *Future[T]) Cancel() {
	if f.src.handle == 0 || f.src.ready() {
		return
	}
	hostCancel(f.src.handle)
	// A cancelled timer resolves at once: take its result now rather than leave it in the host.
	f.src.poll()
}

// resolve decodes the settled result once and drops the raw JSON.
func (f *Future[T]) resolve() (T, error) {
	if !f.decoded {
		f.value, f.err = decodeResult[T](f.src.result, f.what)
		f.decoded = true
		f.src.result = nil
	}
	return f.value, f.err
}

// resultJSON is what take_result yields for a timer, activity, HTTP activity, child workflow or
// external call: exactly one of the three.
type resultJSON struct {
	Completed *Payloads `json:"completed"`
	Failed    *Failure  `json:"failed"`
	Cancelled *Failure  `json:"cancelled"`
}

// decodeResult turns a result's JSON into T or a *Failure.
func decodeResult[T any](data []byte, what string) (T, error) {
	var zero T
	var result resultJSON
	if err := json.Unmarshal(data, &result); err != nil {
		return zero, &Failure{Message: "temporal: the host's result of " + what + " does not decode: " + err.Error(), Type: "DecodeError"}
	}
	switch {
	case result.Completed != nil:
		value, err := decodeAs[T](*result.Completed)
		if err != nil {
			return zero, &Failure{Message: "the result of " + what + " does not decode: " + err.Error(), Type: "DecodeError"}
		}
		return value, nil
	case result.Failed != nil:
		return zero, result.Failed
	case result.Cancelled != nil:
		if !IsCanceledError(result.Cancelled) && result.Cancelled.Kind == "" {
			result.Cancelled.Kind = "cancelled"
		}
		return zero, result.Cancelled
	}
	return zero, &Failure{Message: "temporal: the host's result of " + what + " is neither completed, failed nor cancelled", Type: "DecodeError"}
}
