//! The running workflow itself: who it is, its clock and randomness, versioning, cancellation,
//! and ending it early.
//!
//! A durable workflow must make the same calls with the same arguments every time its history
//! is replayed. So it takes time from [`now`], randomness from [`random_bytes`] (never from the
//! system, which the sandbox does not offer anyway), and branches on new code with [`patched`].
//!
//! ```no_run
//! use std::time::Duration;
//! use temporal_wasm_sdk::{Failure, workflow};
//!
//! workflow!(remind);
//!
//! fn remind(days: u64) -> Result<String, Failure> {
//!     let started = workflow::now();
//!     workflow::sleep(Duration::from_secs(days * 86_400)); // durable: survives restarts
//!     let id = workflow::uuid4();
//!     Ok(format!("reminder {id}, {:?} after {started:?}", workflow::now().duration_since(started)))
//! }
//! ```

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cancellation::Cancellation;
use crate::host::{self, Host};
use crate::{DurableInfo, Info};

pub use crate::ending::{
    complete_as_cancelled, complete_as_cancelled_with_payloads, continue_as_new,
};
pub use crate::timer::sleep;

thread_local! {
    /// The run's `info` and its JSON, set once by `run` before the workflow function starts.
    static INFO: Cell<Option<(&'static Info, &'static [u8])>> = const { Cell::new(None) };
}

/// Makes `info` (read from `json`) the running workflow's.
pub(crate) fn set_info(info: &'static Info, json: &'static [u8]) {
    INFO.set(Some((info, json)));
}

fn current() -> (&'static Info, &'static [u8]) {
    INFO.get()
        .expect("workflow info is only available while a workflow runs")
}

/// The running workflow's `info`: its start arguments and identity (the same value a
/// `fn(&Info)` workflow is passed).
///
/// Panics outside a run (a unit test that calls a workflow function without a
/// [`TestHost`](crate::testing::TestHost)).
pub fn info() -> &'static Info {
    current().0
}

/// What only a durable run's `info` has: its parent, the run it continued from, its memo and
/// search attributes, decoded from the run's `info` JSON on each call.
///
/// Panics outside a run, like [`info`].
pub fn durable_info() -> DurableInfo {
    DurableInfo::from_json(current().1)
        .unwrap_or_else(|err| panic!("the worker sent malformed info JSON: {err}"))
}

/// The workflow's clock: the time of the activation being processed, the same on every replay.
/// It stands still while the workflow computes and jumps when it wakes.
pub fn now() -> SystemTime {
    let millis = now_millis();
    let since_epoch = Duration::from_millis(millis.unsigned_abs());
    if millis >= 0 {
        UNIX_EPOCH + since_epoch
    } else {
        UNIX_EPOCH - since_epoch
    }
}

/// [`now`] in milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    host::call(|host| host.now())
}

/// Fills `bytes` from the run's deterministic random stream (seeded by Temporal, the same on
/// every replay).
pub fn fill_random(bytes: &mut [u8]) {
    host::call(|host| host.random(bytes));
}

/// `len` bytes from the run's deterministic random stream.
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    fill_random(&mut bytes);
    bytes
}

/// A random `u64` from the run's deterministic random stream.
pub fn random_u64() -> u64 {
    let mut bytes = [0; 8];
    fill_random(&mut bytes);
    u64::from_le_bytes(bytes)
}

/// A random (version 4) UUID from the run's deterministic random stream, e.g. for idempotency
/// keys: the same on every replay, different in every run.
pub fn uuid4() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        text.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    text
}

/// Temporal's versioning: whether this run takes the new code path of patch `id`.
///
/// `true` in a run that reaches the call for the first time (the worker records a marker), and
/// in replays of such runs; `false` in replays of runs that passed this point before the patch
/// existed. One id gets one answer for the whole run.
///
/// ```no_run
/// # use temporal_wasm_sdk::workflow;
/// if workflow::patched("charge-before-reserve") {
///     // new code
/// } else {
///     // what runs started before the patch did
/// }
/// ```
pub fn patched(id: &str) -> bool {
    host::call(|host| host.patched(id, false))
}

/// Marks patch `id` as deprecated: once no run from before the patch is left, the old branch is
/// gone and only this call remains (remove it once no run that recorded the marker is left).
pub fn deprecate_patch(id: &str) {
    host::call(|host| host.patched(id, true));
}

/// Whether the worker is replaying history (rather than running new code), for workflows that
/// skip side effects of their own. Logs and metrics are suppressed during replay already.
pub fn is_replaying() -> bool {
    host::call(|host| host.is_replaying())
}

/// Tells the Temporal UI what the workflow is doing now (UTF-8, Markdown allowed, at most
/// 64 KiB), until it is set again.
pub fn set_current_details(details: &str) {
    host::call(|host| host.set_current_details(details));
}

/// The workflow's cancellation channel: ready once someone asked to cancel the workflow.
pub fn cancellation() -> Cancellation {
    Cancellation::open()
}
