package temporal

import (
	"encoding/json"
	"fmt"
)

// Signals receives the signals of one name, each decoded into T (its first argument; T =
// Payloads for every argument undecoded). Signals that arrive before the channel is opened are
// queued by the host and delivered, oldest first, once it is.
//
//	approvals := temporal.SignalChannel[Approval]("approve")
//	approval, ok := approvals.Receive()
type Signals[T any] struct {
	name string
	src  *source
}

// SignalChannel opens the channel of the signals named name. Opening a name again gives a
// channel over the same queue.
func SignalChannel[T any](name string) *Signals[T] {
	src := current.signals[name]
	if src == nil {
		src = &source{handle: hostSignalChannel(name), channel: true}
		if current.signals == nil {
			current.signals = map[string]*source{}
		}
		current.signals[name] = src
	}
	return &Signals[T]{name: name, src: src}
}

// Receive blocks until a signal arrives and returns its value. ok is false when its argument
// does not decode into T: the signal is consumed, v is T's zero value, and a warning naming the
// signal and the problem is logged.
func (c *Signals[T]) Receive() (v T, ok bool) {
	await(c.src)
	return c.takeReady()
}

// ReceiveAsync returns the oldest queued signal without blocking; ok is false when there is
// none (or it does not decode, as for Receive).
func (c *Signals[T]) ReceiveAsync() (v T, ok bool) {
	c.src.poll()
	if !c.src.ready() {
		return v, false
	}
	return c.takeReady()
}

func (c *Signals[T]) receiveSource() *source { return c.src }

func (c *Signals[T]) takeReady() (T, bool) {
	var zero T
	var item struct {
		Completed Payloads `json:"completed"`
	}
	if err := json.Unmarshal(c.src.popItem(), &item); err != nil {
		Warnf("signal %s: the host's item does not decode: %v", c.name, err)
		return zero, false
	}
	value, err := decodeAs[T](item.Completed)
	if err != nil {
		Warnf("signal %s: its argument does not decode into %T: %v", c.name, zero, err)
		return zero, false
	}
	return value, true
}

// Update is one update request taken from an Updates channel, accepted by its validator. Answer
// it with Complete or Fail (once); the caller waits until then. An update still unanswered when
// the run ends is failed by the worker ("the workflow run ended first").
type Update[T any] struct {
	// ID is the update's id.
	ID string
	// Name is the update's name.
	Name string
	// Value is the first argument, decoded into T.
	Value T
	// Args are every argument, undecoded.
	Args Payloads
}

// Complete answers the update with result (encoded as a json/plain payload; nil answers with no
// value). An unencodable result fails the update instead, and the error is returned.
func (u *Update[T]) Complete(result any) error {
	var payloads Payloads
	if result != nil {
		payload, err := NewPayload(result)
		if err != nil {
			u.Fail(err)
			return err
		}
		payloads = Payloads{payload}
	}
	if payloads == nil {
		payloads = Payloads{}
	}
	hostRespondUpdate(u.ID, mustJSON(struct {
		Completed Payloads `json:"completed"`
	}{payloads}))
	return nil
}

// Fail answers the update with err as its failure (converted with AsFailure).
func (u *Update[T]) Fail(err error) {
	hostRespondUpdate(u.ID, mustJSON(struct {
		Failed *Failure `json:"failed"`
	}{AsFailure(err)}))
}

// Updates receives the updates of one name that its validator accepted.
//
// Temporal needs an update's verdict in the workflow task it arrives in, whatever the workflow
// is waiting for then. So once a channel is open, every wait of the workflow also watches it: an
// update is taken as soon as it arrives, its argument decoded into T and passed to the
// validator. One that does not decode, or that the validator returns an error for, is rejected
// (the caller gets the failure, and the update leaves no trace in history); the others are
// accepted and queued for Receive.
type Updates[T any] struct {
	name      string
	src       *source
	validator func(T) error
	queue     []*Update[T]
}

// UpdateChannel opens the channel of the updates named name. validator, if not nil, decides
// which to accept: it must not block. Opening a name again returns the same channel (with the
// first validator); opening it with another T panics.
func UpdateChannel[T any](name string, validator func(T) error) *Updates[T] {
	if existing, ok := current.updates[name]; ok {
		channel, same := existing.(*Updates[T])
		if !same {
			panic(fmt.Sprintf("temporal: update channel %q is already open with another type", name))
		}
		return channel
	}
	channel := &Updates[T]{name: name, validator: validator}
	channel.src = &source{handle: hostUpdateChannel(name), channel: true, accept: channel.accept}
	if current.updates == nil {
		current.updates = map[string]any{}
	}
	current.updates[name] = channel
	current.sched.background = append(current.sched.background, channel.src)
	return channel
}

// accept validates one update item as it arrives, rejecting or queueing it.
func (c *Updates[T]) accept(data []byte) {
	var item struct {
		UpdateID string   `json:"update_id"`
		Args     Payloads `json:"args"`
	}
	if err := json.Unmarshal(data, &item); err != nil {
		panic("temporal: the host's update item does not decode: " + err.Error())
	}
	update := &Update[T]{ID: item.UpdateID, Name: c.name, Args: item.Args}
	value, err := decodeAs[T](item.Args)
	if err != nil {
		reject(update.ID, NewNonRetryableFailure(
			fmt.Sprintf("update %s: its argument does not decode: %v", c.name, err), "InvalidArgument"))
		return
	}
	update.Value = value
	if c.validator != nil {
		s := &current.sched
		s.inValidator = true
		err = c.validator(value)
		s.inValidator = false
		if err != nil {
			reject(update.ID, AsFailure(err))
			return
		}
	}
	c.queue = append(c.queue, update)
	c.src.pending++
}

func reject(id string, failure *Failure) {
	hostRespondUpdate(id, mustJSON(struct {
		Rejected *Failure `json:"rejected"`
	}{failure}))
}

// Receive blocks until an accepted update is queued and returns it; ok is always true.
func (c *Updates[T]) Receive() (*Update[T], bool) {
	await(c.src)
	return c.takeReady()
}

// ReceiveAsync returns the oldest accepted update without blocking; ok is false when none is
// queued.
func (c *Updates[T]) ReceiveAsync() (*Update[T], bool) {
	c.src.poll()
	if c.src.pending == 0 {
		return nil, false
	}
	return c.takeReady()
}

func (c *Updates[T]) receiveSource() *source { return c.src }

func (c *Updates[T]) takeReady() (*Update[T], bool) {
	update := c.queue[0]
	c.queue[0] = nil
	c.queue = c.queue[1:]
	c.src.pending--
	return update, true
}

// HandleUpdate answers the updates named name: validator (may be nil; must not block) accepts
// or rejects each, and handler runs for each accepted one on its own workflow goroutine, so it
// may block (run activities, sleep); its result or error answers the update.
//
//	temporal.HandleUpdate("add_note", validateNote, func(n Note) (NoteCount, error) { ... })
func HandleUpdate[In, Out any](name string, validator func(In) error, handler func(In) (Out, error)) {
	channel := UpdateChannel[In](name, validator)
	Go(func() {
		for {
			update, _ := channel.Receive()
			Go(func() {
				result, err := handler(update.Value)
				if err != nil {
					update.Fail(err)
				} else {
					update.Complete(result)
				}
			})
		}
	})
}

// Cancellation tells the workflow that its cancellation was requested. Open it with
// CancellationChannel.
type Cancellation struct {
	src *source
}

// CancellationChannel opens the workflow's cancellation channel (the same one each time).
//
// A workflow that never opens it is ended as cancelled by the worker when its cancellation is
// requested, after cancelling what it waits for, as Temporal's SDKs do for a workflow that does
// not handle cancellation. One that opens it handles cancellation itself: it may clean up and
// then return NewCanceledError (or call CompleteAsCancelled), or finish its own way.
func CancellationChannel() *Cancellation {
	if current.cancellation == nil {
		current.cancellation = &source{handle: hostCancellationChannel()}
	}
	return &Cancellation{src: current.cancellation}
}

// Receive blocks until cancellation is requested (at once if it already was); ok is always true.
func (c *Cancellation) Receive() (struct{}, bool) {
	await(c.src)
	return struct{}{}, true
}

// ReceiveAsync reports, without blocking, whether cancellation has been requested.
func (c *Cancellation) ReceiveAsync() (struct{}, bool) {
	return struct{}{}, c.Requested()
}

// Requested reports, without blocking, whether cancellation has been requested.
func (c *Cancellation) Requested() bool {
	c.src.poll()
	return c.src.ready()
}

func (c *Cancellation) receiveSource() *source { return c.src }

func (c *Cancellation) takeReady() (struct{}, bool) { return struct{}{}, true }

// Channel is a FIFO queue between workflow goroutines, the SDK's stand-in for a Go channel
// (which workflow goroutines must not block on: see Go). It is unbounded: Send never blocks;
// Receive blocks until a value is queued or the channel is closed.
type Channel[T any] struct {
	src    *source
	values []T
}

// NewChannel returns an empty, open Channel.
func NewChannel[T any]() *Channel[T] { return &Channel[T]{src: &source{}} }

// Send queues value for a receiver. Sending on a closed Channel panics, as it does in Go.
func (c *Channel[T]) Send(value T) {
	if c.src.closed {
		panic("temporal: send on closed channel")
	}
	c.values = append(c.values, value)
	c.src.pending++
	current.sched.wakeReady()
}

// Close marks the channel closed: receivers get the queued values, then ok == false.
func (c *Channel[T]) Close() {
	c.src.closed = true
	current.sched.wakeReady()
}

// Receive blocks until a value is queued or the channel is closed; ok is false when it is
// closed and empty.
func (c *Channel[T]) Receive() (T, bool) {
	await(c.src)
	return c.takeReady()
}

// ReceiveAsync returns the oldest queued value without blocking; ok is false when there is none.
func (c *Channel[T]) ReceiveAsync() (T, bool) {
	if c.src.pending == 0 {
		var zero T
		return zero, false
	}
	return c.takeReady()
}

func (c *Channel[T]) receiveSource() *source { return c.src }

func (c *Channel[T]) takeReady() (T, bool) {
	var zero T
	if c.src.pending == 0 {
		return zero, false
	}
	value := c.values[0]
	c.values[0] = zero
	c.values = c.values[1:]
	c.src.pending--
	return value, true
}
