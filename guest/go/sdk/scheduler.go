package temporal

// How blocking works, and why goroutines stay deterministic.
//
// Everything the workflow can wait for is a *source*: a host handle (a timer, an activity, a
// child, a signal or update channel, cancellation) or a local one (a Future that a goroutine
// resolves, a Channel). A blocking call (Future.Get, Signals.Receive, Select, Sleep, ...) parks
// the calling goroutine on its sources. Only one workflow goroutine runs at a time: it holds
// the *baton*. When it parks, the baton goes to the next goroutine that is ready, in FIFO order;
// when none is, the parking goroutine *drives*: it calls the host's `wait` once with the handles
// every parked goroutine waits for (in the order they parked), takes the one result that comes
// back, and marks ready the goroutines that waited for it. The host parks the whole instance in
// that `wait` until Temporal resolves something.
//
// Since the baton, not Go's scheduler, decides which workflow goroutine runs, the order in which
// goroutines issue commands depends only on the workflow's code and what Temporal resolved: a
// replay of the same history issues the same commands, as Temporal requires. Goroutines must
// therefore be started with Go (or Async), and coordinate through the SDK (Futures, Channel,
// Select), never through Go channels or sync primitives, which would block the baton holder and
// leave the Go runtime with nothing to run.
//
// Memory: results are copied out of linear memory into fresh slices, decoded once and dropped;
// the scheduler keeps only the goroutines that are parked or ready, and a source per open
// channel name. Nothing grows with the number of results, so a workflow that takes ten thousand
// activity results needs no more memory than one that takes ten.

// source is one thing a goroutine can wait for.
type source struct {
	// handle is the host's handle, 0 for a local source.
	handle uint32
	// channel marks a host channel (signals, updates): each take yields one item, and it becomes
	// ready again with the next.
	channel bool
	// accept, when set, handles each item of a channel at once, in the driver (updates run
	// their validator there, in the activation the update arrived in, as Temporal requires).
	accept func(item []byte)

	// settled: a future's result is in (result holds it until the Future decodes it).
	settled bool
	result  []byte
	// items are a channel's items taken from the host and not yet received.
	items [][]byte
	// pending counts items a typed wrapper queued itself (a Channel's values, accepted updates).
	pending int
	// closed marks a closed Channel: receivers are ready and get ok == false.
	closed bool
}

// ready reports whether a goroutine waiting on the source can go on.
func (s *source) ready() bool {
	return s.settled || len(s.items) > 0 || s.pending > 0 || s.closed
}

// deliver hands the source a result the driver took from the host.
func (s *source) deliver(result []byte) {
	switch {
	case s.accept != nil:
		s.accept(result)
	case s.channel:
		s.items = append(s.items, result)
	default:
		s.settled, s.result = true, result
	}
}

// poll takes the source's result or next item if the host has one ready, without blocking.
func (s *source) poll() {
	if s.handle == 0 || s.settled || !hostIsReady(s.handle) {
		return
	}
	s.deliver(hostTakeResult(s.handle))
	current.sched.wakeReady()
}

// popItem removes and returns a channel's oldest item, leaving nothing behind for the GC to keep.
func (s *source) popItem() []byte {
	item := s.items[0]
	s.items[0] = nil
	s.items = s.items[1:]
	if len(s.items) == 0 {
		s.items = nil
	}
	return item
}

// coroutine is one workflow goroutine as the scheduler sees it.
type coroutine struct {
	// wake passes it the baton.
	wake chan struct{}
	// waitingOn are the sources it is parked on.
	waitingOn []*source
}

func newCoroutine() *coroutine { return &coroutine{wake: make(chan struct{}, 1)} }

// scheduler passes the baton between the run's workflow goroutines.
type scheduler struct {
	// running holds the baton.
	running *coroutine
	// ready may run, in the order they became ready.
	ready []*coroutine
	// parked wait on sources, in the order they parked: the order of handles given to `wait`.
	parked []*coroutine
	// background sources are in every `wait` (update channels, whose validators must run in the
	// activation an update arrives in, whatever the workflow waits for).
	background []*source
	// inValidator is set while an update validator runs, which must not block.
	inValidator bool
}

// self is the goroutine holding the baton: the one calling into the SDK.
func (s *scheduler) self() *coroutine {
	if s.running == nil {
		s.running = newCoroutine()
	}
	return s.running
}

// await parks the calling goroutine until one of sources is ready and returns the index of the
// first ready one, in the order given (at once if one already is).
func await(sources ...*source) int {
	s := &current.sched
	for {
		for i, src := range sources {
			if src.ready() {
				return i
			}
		}
		if s.inValidator {
			panic("temporal: an update validator must not block; validate the input and return")
		}
		me := s.self()
		me.waitingOn = sources
		s.parked = append(s.parked, me)
		s.yield(me)
		me.waitingOn = nil
	}
}

// yield passes the baton on from me, which has parked or is about to end, and returns when me
// has it back (at once if me is the next ready goroutine).
func (s *scheduler) yield(me *coroutine) {
	next := s.next()
	if next == me {
		return
	}
	s.running = next
	next.wake <- struct{}{}
	<-me.wake
}

// next removes and returns the first ready goroutine, driving the host until there is one.
func (s *scheduler) next() *coroutine {
	for len(s.ready) == 0 {
		s.drive()
	}
	next := s.ready[0]
	s.ready[0] = nil
	s.ready = s.ready[1:]
	if len(s.ready) == 0 {
		s.ready = nil
	}
	return next
}

// drive waits in the host for any handle a parked goroutine (or a background source) waits for,
// delivers the result, and marks ready the goroutines it concerns.
func (s *scheduler) drive() {
	handles := make([]uint32, 0, 8)
	owners := make(map[uint32]*source, 8)
	add := func(src *source) {
		if src.handle == 0 || src.ready() {
			return
		}
		if _, seen := owners[src.handle]; !seen {
			owners[src.handle] = src
			handles = append(handles, src.handle)
		}
	}
	for _, c := range s.parked {
		for _, src := range c.waitingOn {
			add(src)
		}
	}
	for _, src := range s.background {
		add(src)
	}
	if len(handles) == 0 {
		panic("temporal: deadlock: every workflow goroutine is blocked and none waits for " +
			"anything Temporal can resolve (a Future or Channel nothing will resolve?)")
	}
	handle := hostWait(handles)
	src := owners[handle]
	if src == nil {
		panic("temporal: the host's wait returned a handle it was not given")
	}
	src.deliver(hostTakeResult(handle))
	s.wakeReady()
}

// wakeReady moves every parked goroutine with a ready source to the ready queue, in park order.
func (s *scheduler) wakeReady() {
	kept := s.parked[:0]
	for _, c := range s.parked {
		woken := false
		for _, src := range c.waitingOn {
			if src.ready() {
				woken = true
				break
			}
		}
		if woken {
			s.ready = append(s.ready, c)
		} else {
			kept = append(kept, c)
		}
	}
	for i := len(kept); i < len(s.parked); i++ {
		s.parked[i] = nil
	}
	s.parked = kept
}

// exit ends the calling goroutine's part: the baton goes to the next ready goroutine.
func (s *scheduler) exit(me *coroutine) {
	next := s.next()
	if next == me {
		panic("temporal: an ending goroutine was ready")
	}
	s.running = next
	next.wake <- struct{}{}
}

// Go starts fn on a new workflow goroutine. It starts running when the calling goroutine next
// blocks in the SDK (goroutines take turns, in a deterministic order; see the package docs), and
// it may call every blocking function of the SDK. Use Go, never the go statement, for workflow
// goroutines, and coordinate them with Futures, Channels and Select.
//
// The workflow ends when the workflow function returns, whatever other goroutines are doing.
func Go(fn func()) {
	s := &current.sched
	s.self()
	c := newCoroutine()
	s.ready = append(s.ready, c)
	go func() {
		<-c.wake
		func() {
			defer crashOnPanic()
			fn()
		}()
		// Not deferred: a goroutine that ends the run inside fn never gets here.
		s.exit(c)
	}()
}

// Async runs fn on a new workflow goroutine (see Go) and returns a Future of its result, which
// can be waited for with Get or in a Select like any other Future.
func Async[T any](fn func() (T, error)) *Future[T] {
	future := &Future[T]{src: &source{}}
	Go(func() {
		value, err := fn()
		future.value, future.err, future.decoded = value, err, true
		future.src.settled = true
		current.sched.wakeReady()
	})
	return future
}
