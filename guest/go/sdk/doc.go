// Package temporal writes durable Temporal workflows for temporal-wasm-worker in straight-line
// Go: call an activity and use its result, sleep for a day, wait for a signal, a timeout or
// cancellation, answer updates and queries. Each blocking call parks the workflow in the worker
// (ABI v1's `wait`) until Temporal resolves what it waits for, across workflow tasks, evictions
// and worker restarts; on replay the same code makes the same calls and gets the same answers.
// No Temporal SDK and no async runtime run in the guest, and the package uses only the standard
// library.
//
// A workflow is a function from an input to an output and an error, run by Run from the
// bundle's exported run function:
//
//	package main
//
//	import temporal "temporal-wasm-worker/guest/go/sdk"
//
//	func main() {}
//
//	//go:wasmexport run
//	func run() { temporal.Run(Greet) }
//
//	func Greet(name string) (string, error) { return "Hello, " + name + "!", nil }
//
// built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o greet.wasm .
//
// which gives a WASI reactor exporting _initialize (the Go runtime's start, which the worker
// calls before run), run and memory. The worker answers the Go runtime's WASI calls
// deterministically: time.Now reads workflow time, crypto/rand and math/rand read the run's
// seeded random stream, standard output and error become guest logs, and time.Sleep is a
// durable Temporal timer.
//
// # What the package offers
//
//   - Activities: ExecuteActivity and StartActivity (typed results, ActivityOptions with retry
//     policy and timeouts), ExecuteHTTP and StartHTTP for HTTP activities the worker runs itself.
//   - Child workflows and other workflows: ExecuteChildWorkflow, StartChildWorkflow,
//     SignalExternalWorkflow, CancelExternalWorkflow.
//   - Time: Sleep, NewTimer, Now.
//   - Waiting on several things at once: Select with OnFuture, OnReceive, OnTimeout, OnCancel.
//   - Inbound: SignalChannel, UpdateChannel and HandleUpdate (with validators run in the
//     workflow task the update arrives in), CancellationChannel.
//   - Telling the world: SetQueryResult (queries are answered by the worker from published
//     values, never by running workflow code), SetCurrentDetails, UpsertSearchAttributes,
//     UpsertMemo, EmitMetric and IncCounter, logging (Infof and friends, LogLevel).
//   - Versioning and determinism: Patched, DeprecatePatch, IsReplaying, RandomBytes, NewRand.
//   - Ending: return from the workflow function (a result, an error, a *ContinueAsNewError,
//     NewCanceledError), or Complete, Fail, ContinueAsNew, CompleteAsCancelled from anywhere.
//   - Goroutines: Go and Async start workflow goroutines; Channel queues values between them.
//
// Every error from a Temporal operation is a *Failure, carrying what Temporal reported: its
// Kind, the application error's Type (copied to the top of the chain), Details, RetryState and
// the Cause chain.
//
// # Goroutines and determinism
//
// Workflow goroutines take turns: only one runs at a time, and when it blocks in the SDK the
// next ready one runs, in FIFO order. When none is ready, the blocking goroutine makes the one
// host `wait` for everything every goroutine waits for, and the result wakes the goroutines it
// concerns. So goroutines interleave the same way on every replay. Start them with Go or
// Async, never with the go statement, and coordinate them through Futures, Channels and Select:
// a workflow goroutine that blocks on a Go channel or a sync primitive stops the whole workflow.
//
// # Memory
//
// An instance lives as long as its workflow and Go's linear memory never shrinks, so nothing
// here accumulates: every result is copied into a fresh Go slice, decoded once and dropped, and
// the scheduler keeps only the goroutines that wait and one record per open channel name. The
// garbage collector reclaims the rest, so a workflow that takes ten thousand activity results
// runs in the same memory as one that takes ten.
//
// # Testing
//
// On the build machine (any GOOS but wasip1) the host calls are answered by TestHost, an
// in-process stand-in for the worker that records what the workflow asks for and applies the
// worker's rules, so a workflow can be unit-tested with go test.
package temporal
