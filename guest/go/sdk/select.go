package temporal

import "time"

// Case is one alternative of a Select: build it with OnFuture, OnReceive, OnTimeout or OnCancel.
type Case struct {
	// start returns the source to wait on (OnTimeout starts its timer here).
	start func() *source
	// fire runs when the case is chosen: it takes the value and calls the callback.
	fire func()
	// abandon runs when another case was chosen (OnTimeout cancels its timer).
	abandon func()
}

// Select blocks until one of cases is ready, runs that case's callback and returns its index.
// When several are ready, the first in the order given wins, so a Select is deterministic.
// Cases that were not chosen are left as they were (an item on a channel stays queued for the
// next receive), except OnTimeout's timer, which is cancelled.
//
//	temporal.Select(
//		temporal.OnReceive(approvals, func(a Approval, ok bool) { ... }),
//		temporal.OnTimeout(time.Minute, func() { ... }),
//		temporal.OnCancel(func() { ... }),
//	)
func Select(cases ...Case) int {
	if len(cases) == 0 {
		panic("temporal: Select needs at least one case")
	}
	sources := make([]*source, len(cases))
	for i, c := range cases {
		sources[i] = c.start()
	}
	chosen := await(sources...)
	for i, c := range cases {
		if i != chosen && c.abandon != nil {
			c.abandon()
		}
	}
	cases[chosen].fire()
	return chosen
}

// OnFuture is a Case that is ready when f is, and calls fn with its result.
func OnFuture[T any](f *Future[T], fn func(value T, err error)) Case {
	return Case{
		start: func() *source { return f.src },
		fire: func() {
			value, err := f.resolve()
			if fn != nil {
				fn(value, err)
			}
		},
	}
}

// Receiver is what OnReceive can receive from: *Signals, *Updates, *Channel.
type Receiver[T any] interface {
	// Receive blocks until a value arrives.
	Receive() (T, bool)
	// ReceiveAsync receives a value if one is there, without blocking.
	ReceiveAsync() (T, bool)
	receiveSource() *source
	takeReady() (T, bool)
}

// OnReceive is a Case that is ready when r has a value, and receives it: fn gets it as Receive
// would return it.
func OnReceive[T any](r Receiver[T], fn func(value T, ok bool)) Case {
	return Case{
		start: r.receiveSource,
		fire: func() {
			value, ok := r.takeReady()
			if fn != nil {
				fn(value, ok)
			}
		},
	}
}

// OnTimeout is a Case that is ready after d (a durable timer started when the Select starts,
// and cancelled if another case wins), and calls fn. A d of zero or less is ready at once.
func OnTimeout(d time.Duration, fn func()) Case {
	var timer *Future[struct{}]
	return Case{
		start: func() *source {
			timer = NewTimer(d)
			return timer.src
		},
		fire: func() {
			timer.resolve()
			if fn != nil {
				fn()
			}
		},
		abandon: func() { timer.Cancel() },
	}
}

// OnCancel is a Case that is ready once the workflow's cancellation has been requested (it opens
// the cancellation channel: see CancellationChannel), and calls fn.
func OnCancel(fn func()) Case {
	cancellation := CancellationChannel()
	return Case{
		start: func() *source { return cancellation.src },
		fire: func() {
			if fn != nil {
				fn()
			}
		},
	}
}
