//go:build wasip1

// The host calls of ABI v1, one `//go:wasmimport env <name>` each, wrapped so that the rest of the
// SDK passes Go slices and strings. This file is the only one that touches linear-memory
// addresses; the same wrappers exist for tests on the build machine in host_fake_calls.go.
//
// Go's garbage collector never moves objects, and no other goroutine runs during an import call
// (wasm is single-threaded and the call does not yield to the Go scheduler), so a pointer to a
// slice's first element stays valid for the whole call. runtime.KeepAlive keeps the slice alive
// until the host has read or written it.

package temporal

import (
	"os"
	"runtime"
	"unsafe"
)

// proc_exit is the WASI call Go's runtime ends a crashed program with; the worker reports it as
// a guest bug (the workflow task fails).
//
//go:wasmimport wasi_snapshot_preview1 proc_exit
func importProcExit(code uint32)

//go:wasmimport env get_info_len
func importGetInfoLen() uint32

//go:wasmimport env get_info
func importGetInfo(ptr unsafe.Pointer, n uint32)

//go:wasmimport env write_log
func importWriteLog(level uint32, ptr unsafe.Pointer, n uint32)

//go:wasmimport env complete
func importComplete(ptr unsafe.Pointer, n uint32)

//go:wasmimport env complete_with_failure
func importCompleteWithFailure(ptr unsafe.Pointer, n uint32)

//go:wasmimport env continue_as_new
func importContinueAsNew(ptr unsafe.Pointer, n uint32)

//go:wasmimport env complete_as_cancelled
func importCompleteAsCancelled(ptr unsafe.Pointer, n uint32)

//go:wasmimport env start_timer
func importStartTimer(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env start_activity
func importStartActivity(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env start_http_activity
func importStartHTTPActivity(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env start_child_workflow
func importStartChildWorkflow(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env signal_external_workflow
func importSignalExternalWorkflow(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env cancel_external_workflow
func importCancelExternalWorkflow(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env cancel
func importCancel(handle uint32)

//go:wasmimport env wait
func importWait(ptr unsafe.Pointer, count uint32) uint32

//go:wasmimport env is_ready
func importIsReady(handle uint32) uint32

//go:wasmimport env result_len
func importResultLen(handle uint32) uint32

//go:wasmimport env take_result
func importTakeResult(handle uint32, ptr unsafe.Pointer, n uint32)

//go:wasmimport env cancellation_channel
func importCancellationChannel() uint32

//go:wasmimport env signal_channel
func importSignalChannel(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env update_channel
func importUpdateChannel(ptr unsafe.Pointer, n uint32) uint32

//go:wasmimport env respond_update
func importRespondUpdate(idPtr unsafe.Pointer, idLen uint32, ptr unsafe.Pointer, n uint32)

//go:wasmimport env set_query_result
func importSetQueryResult(namePtr unsafe.Pointer, nameLen uint32, ptr unsafe.Pointer, n uint32)

//go:wasmimport env set_current_details
func importSetCurrentDetails(ptr unsafe.Pointer, n uint32)

//go:wasmimport env upsert_search_attributes
func importUpsertSearchAttributes(ptr unsafe.Pointer, n uint32)

//go:wasmimport env upsert_memo
func importUpsertMemo(ptr unsafe.Pointer, n uint32)

//go:wasmimport env emit_metric
func importEmitMetric(ptr unsafe.Pointer, n uint32)

//go:wasmimport env now
func importNow() int64

//go:wasmimport env random
func importRandom(ptr unsafe.Pointer, n uint32)

//go:wasmimport env patched
func importPatched(ptr unsafe.Pointer, n uint32, deprecated uint32) uint32

//go:wasmimport env is_replaying
func importIsReplaying() uint32

//go:wasmimport env log_level
func importLogLevel() uint32

// bytesPtr is the address of b's first byte (nil for an empty slice: the host accepts any
// address with length 0).
func bytesPtr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// stringPtr is the address of s's first byte.
func stringPtr(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }

// unreachable follows an ending call, which the host never returns from: it unwinds the guest.
func unreachable(call string) {
	panic("temporal: the host returned from " + call + ", which ends the run")
}

// hostCrash ends the run as a guest bug after a panic: the message and stack go to stderr, which
// the worker logs at error level (and names in the bug), then the guest exits with code 2, as
// Go's runtime does, but without its crash path, which sleeps (and so would start timers).
func hostCrash(message string, stack []byte) {
	os.Stderr.WriteString(message + "\n\n" + string(stack))
	importProcExit(2)
	unreachable("proc_exit")
}

func hostGetInfo() []byte {
	buf := make([]byte, importGetInfoLen())
	importGetInfo(bytesPtr(buf), uint32(len(buf)))
	runtime.KeepAlive(buf)
	return buf
}

func hostWriteLog(level Level, message string) {
	importWriteLog(uint32(level), stringPtr(message), uint32(len(message)))
	runtime.KeepAlive(message)
}

func hostComplete(json []byte) {
	importComplete(bytesPtr(json), uint32(len(json)))
	unreachable("complete")
}

func hostCompleteWithFailure(json []byte) {
	importCompleteWithFailure(bytesPtr(json), uint32(len(json)))
	unreachable("complete_with_failure")
}

func hostContinueAsNew(json []byte) {
	importContinueAsNew(bytesPtr(json), uint32(len(json)))
	unreachable("continue_as_new")
}

func hostCompleteAsCancelled(json []byte) {
	importCompleteAsCancelled(bytesPtr(json), uint32(len(json)))
	unreachable("complete_as_cancelled")
}

// hostStart passes json to one of the commands that return a handle.
func hostStart(call func(unsafe.Pointer, uint32) uint32, json []byte) uint32 {
	handle := call(bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(json)
	return handle
}

func hostStartTimer(json []byte) uint32    { return hostStart(importStartTimer, json) }
func hostStartActivity(json []byte) uint32 { return hostStart(importStartActivity, json) }
func hostStartHTTPActivity(json []byte) uint32 {
	return hostStart(importStartHTTPActivity, json)
}
func hostStartChildWorkflow(json []byte) uint32 {
	return hostStart(importStartChildWorkflow, json)
}
func hostSignalExternalWorkflow(json []byte) uint32 {
	return hostStart(importSignalExternalWorkflow, json)
}
func hostCancelExternalWorkflow(json []byte) uint32 {
	return hostStart(importCancelExternalWorkflow, json)
}

func hostCancel(handle uint32) { importCancel(handle) }

func hostWait(handles []uint32) uint32 {
	ready := importWait(unsafe.Pointer(unsafe.SliceData(handles)), uint32(len(handles)))
	runtime.KeepAlive(handles)
	return ready
}

func hostIsReady(handle uint32) bool { return importIsReady(handle) != 0 }

// hostTakeResult copies the handle's result into a fresh Go slice, which becomes garbage once the
// SDK has decoded it: nothing in linear memory is kept per result.
func hostTakeResult(handle uint32) []byte {
	buf := make([]byte, importResultLen(handle))
	importTakeResult(handle, bytesPtr(buf), uint32(len(buf)))
	runtime.KeepAlive(buf)
	return buf
}

func hostCancellationChannel() uint32 { return importCancellationChannel() }

func hostSignalChannel(name string) uint32 {
	handle := importSignalChannel(stringPtr(name), uint32(len(name)))
	runtime.KeepAlive(name)
	return handle
}

func hostUpdateChannel(name string) uint32 {
	handle := importUpdateChannel(stringPtr(name), uint32(len(name)))
	runtime.KeepAlive(name)
	return handle
}

func hostRespondUpdate(id string, json []byte) {
	importRespondUpdate(stringPtr(id), uint32(len(id)), bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(id)
	runtime.KeepAlive(json)
}

func hostSetQueryResult(name string, json []byte) {
	importSetQueryResult(stringPtr(name), uint32(len(name)), bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(name)
	runtime.KeepAlive(json)
}

func hostSetCurrentDetails(text string) {
	importSetCurrentDetails(stringPtr(text), uint32(len(text)))
	runtime.KeepAlive(text)
}

func hostUpsertSearchAttributes(json []byte) {
	importUpsertSearchAttributes(bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(json)
}

func hostUpsertMemo(json []byte) {
	importUpsertMemo(bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(json)
}

func hostEmitMetric(json []byte) {
	importEmitMetric(bytesPtr(json), uint32(len(json)))
	runtime.KeepAlive(json)
}

func hostNow() int64 { return importNow() }

func hostRandom(buf []byte) {
	importRandom(bytesPtr(buf), uint32(len(buf)))
	runtime.KeepAlive(buf)
}

func hostPatched(id string, deprecated bool) bool {
	flag := uint32(0)
	if deprecated {
		flag = 1
	}
	taken := importPatched(stringPtr(id), uint32(len(id)), flag)
	runtime.KeepAlive(id)
	return taken != 0
}

func hostIsReplaying() bool { return importIsReplaying() != 0 }

func hostLogLevel() Level { return Level(importLogLevel()) }
