//! Write durable Temporal workflows in Zig for temporal-wasm-worker (ABI v0 and v1).
//!
//! A workflow is a `wasm32-freestanding` module that exports `run` (and its memory) and talks
//! to the worker only through `env.*` imports that move JSON through linear memory
//! (proto-notes/abi-v1-spec.md, proto-notes/abi-v1-reference.md). This module hides that:
//!
//!     const std = @import("std");
//!     const tw = @import("temporal");
//!
//!     pub const panic = tw.panic;
//!
//!     export fn run() void {
//!         var arena = tw.arena();
//!         const who = tw.param([]const u8, arena.allocator(), 0) catch "World";
//!         tw.sleep(1000); // a durable timer: the instance parks until Temporal fires it
//!         tw.complete(tw.concat(arena.allocator(), &.{ "Hello, ", who, "!" }));
//!     }
//!
//! The code is straight-line: a call such as `activity.execute` or `select` blocks, the worker
//! parks the guest's stack until an activation resolves what it waits for, and the call
//! returns there. There is no event loop, no callback and no async runtime.
//!
//! Decisions that shape the API:
//! - Memory (memory.zig): one freeing allocator for the run; the SDK frees its own scratch
//!   before each call returns, and allocates what it hands back in the allocator the caller
//!   passes (an arena, reset per step in loops). A long workflow runs in constant memory.
//! - Out of memory panics (the panic handler logs, then traps, which the worker reports as a
//!   guest bug), so calls return plain values, not `error.OutOfMemory`.
//! - Results are tagged unions, `Outcome(T) = { completed: T, failed: Failure, cancelled:
//!   Failure }`, with the payload decoded as the `T` asked for; `switch` on them.
//! - Arguments are tuples (`.{ order, 3 }`), each value sent as one `json/plain` payload.
//! - JSON goes through `std.json`; everything the SDK writes leaves null optional fields out.
//! - Functions that end the run (`complete*`, `fail`, `continueAsNew`) are `noreturn`.
//! - Names follow the ABI (`start_to_close_timeout_ms`, `activity_type`), so the spec reads as
//!   the reference for every option.
//! - The encoders and decoders are pure (they call no host import), so `zig test` runs them
//!   natively against guest/fixtures (../tests/fixtures_test.zig).

const std = @import("std");

// ---- memory ---------------------------------------------------------------------------------

const memory = @import("memory.zig");
/// The run's freeing allocator (`std.heap.wasm_allocator` on wasm).
pub const allocator = memory.allocator;
/// A new arena over `allocator`.
pub const arena = memory.arena;
pub const outOfMemory = memory.outOfMemory;
pub const linearMemoryBytes = memory.linearMemoryBytes;
pub const dupe = memory.dupe;
pub const concat = memory.concat;
pub const format = memory.format;
pub const intToString = memory.intToString;

// ---- JSON, base64, payloads, failures -------------------------------------------------------

/// JSON helpers: `parse`, `stringify`, `field`, `string`, `array`, `integer`, `Raw`, `nullable`.
pub const json = @import("json.zig");
/// Padded standard base64.
pub const base64 = @import("base64.zig");
/// Payload helpers: `Args`, `args`, `decodeFirst`, `PayloadError`.
pub const payload = @import("payload.zig");
pub const Payload = payload.Payload;
pub const PayloadError = payload.PayloadError;
pub const Failure = @import("failure.zig").Failure;

// ---- the run's info and logging -------------------------------------------------------------

const info_ = @import("info.zig");
pub const Info = info_.Info;
pub const WorkflowInfo = info_.WorkflowInfo;
pub const ParamError = info_.ParamError;
/// The run's `info`, parsed once.
pub const info = info_.info;
/// Reads start argument `index` as `T`: `tw.param(Order, arena, 0)`.
pub const param = info_.param;

const log_ = @import("log.zig");
pub const LogLevel = log_.LogLevel;
pub const log = log_.log;
pub const logf = log_.logf;
pub const logLevel = log_.logLevel;
pub const logEnabled = log_.enabled;
pub const logFn = log_.logFn;
/// The panic handler: `pub const panic = tw.panic;` in every workflow's root file.
pub const panic = log_.panic;

// ---- ending the run -------------------------------------------------------------------------

const ending = @import("ending.zig");
pub const complete = ending.complete;
pub const completeEmpty = ending.completeEmpty;
pub const fail = ending.fail;
pub const ContinueAsNewOptions = ending.ContinueAsNewOptions;
pub const continueAsNew = ending.continueAsNew;
pub const completeAsCancelled = ending.completeAsCancelled;

// ---- handles and waiting --------------------------------------------------------------------

const wait = @import("wait.zig");
pub const Handle = wait.Handle;
pub const Outcome = wait.Outcome;
pub const select = wait.select;
pub const selectTimeout = wait.selectTimeout;
pub const isReady = wait.isReady;

// ---- commands -------------------------------------------------------------------------------

const timer = @import("timer.zig");
pub const Timer = timer.Timer;
pub const TimerOptions = timer.TimerOptions;
pub const TimerOutcome = timer.TimerOutcome;
pub const sleep = timer.sleep;

const retry = @import("retry.zig");
pub const RetryPolicy = retry.RetryPolicy;
pub const ActivityCancellationType = retry.ActivityCancellationType;

/// Activities: `activity.execute(T, arena, options, args)`, `activity.start`.
pub const activity = @import("activity.zig");
pub const Activity = activity.Activity;
pub const ActivityOptions = activity.ActivityOptions;

/// HTTP activities: `http.execute(arena, request)`, `http.start`.
pub const http = @import("http.zig");
pub const HttpRequest = http.HttpRequest;
pub const HttpResponse = http.HttpResponse;

/// Child workflows: `child.execute(T, arena, options, args)`, `child.start`.
pub const child = @import("child.zig");
pub const ChildWorkflow = child.ChildWorkflow;
pub const ChildWorkflowOptions = child.ChildWorkflowOptions;

/// Other workflows: `external.signal(target, name, args)`, `external.cancel(target)`.
pub const external = @import("external.zig");
pub const ExternalWorkflow = external.ExternalWorkflow;

// ---- inbound: signals, updates, cancellation, queries ---------------------------------------

pub const SignalChannel = @import("signal.zig").SignalChannel;

const update = @import("update.zig");
pub const UpdateChannel = update.UpdateChannel;
pub const Update = update.Update;

const cancellation_ = @import("cancellation.zig");
pub const Cancellation = cancellation_.Cancellation;
/// The cancellation channel: `tw.select(.{ …, tw.cancellation() })`.
pub const cancellation = cancellation_.cancellation;

const query = @import("query.zig");
pub const setQueryResult = query.setQueryResult;
pub const clearQueryResult = query.clearQueryResult;
pub const setCurrentDetails = query.setCurrentDetails;

// ---- deterministic sources ------------------------------------------------------------------

const deterministic = @import("deterministic.zig");
pub const now = deterministic.now;
pub const randomBytes = deterministic.randomBytes;
pub const random = deterministic.random;
pub const patched = deterministic.patched;
pub const deprecatePatch = deterministic.deprecatePatch;
pub const isReplaying = deterministic.isReplaying;

// ---- search attributes, memo, metrics -------------------------------------------------------

const attributes = @import("attributes.zig");
pub const SearchAttributes = attributes.SearchAttributes;
pub const Memo = attributes.Memo;
pub const upsertSearchAttributes = attributes.upsertSearchAttributes;
pub const upsertMemo = attributes.upsertMemo;
pub const MetricKind = attributes.MetricKind;
/// Metrics: `metric.counter(name, value, labels)`, `metric.gauge`, `metric.histogram`.
pub const metric = attributes.metric;

/// The pure encoders and decoders, by ABI call, for tests (the SDK's and a workflow's own).
pub const wire = struct {
    pub const decodeInfo = info_.decode;
    pub const paramOf = info_.paramOf;
    pub const decodeOutcome = wait.decodeOutcome;
    pub const decodeHttpResult = http.decodeResult;
    pub const decodeSignal = @import("signal.zig").decodeItem;
    pub const decodeUpdate = update.decodeItem;
    pub const encodeTimer = timer.encode;
    pub const encodeActivity = activity.encode;
    pub const encodeHttp = http.encode;
    pub const encodeChild = child.encode;
    pub const encodeSignalExternal = external.encodeSignal;
    pub const encodeCancelExternal = external.encodeCancel;
    pub const encodeUpdateComplete = update.encodeComplete;
    pub const encodeUpdateFail = update.encodeFail;
    pub const encodeUpdateReject = update.encodeReject;
    pub const encodeQueryResult = query.encodeQueryResult;
    pub const encodeSearchAttributes = attributes.encodeSearchAttributes;
    pub const encodeMemo = attributes.encodeMemo;
    pub const encodeMetric = attributes.encodeMetric;
    pub const encodeComplete = ending.encodeComplete;
    pub const encodeFailure = ending.encodeFailure;
    pub const encodeContinueAsNew = ending.encodeContinueAsNew;
    pub const encodeCancelled = ending.encodeCancelled;
};

test {
    // The unit tests inside the SDK's files.
    _ = @import("base64.zig");
    _ = @import("json.zig");
    _ = @import("failure.zig");
}
