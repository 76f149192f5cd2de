//! The worker's side of the ABI: every `env` import as one method of [`Host`], with byte slices
//! where the ABI has pointer/length pairs.
//!
//! On wasm32 the host is the worker, reached through the imports ([`Wasm`]). Everywhere else it is
//! the [`TestHost`](crate::testing::TestHost) that a unit test installed, so everything above this
//! module (blocking calls, channels, selects, the update validators) runs and is tested natively.
//! Only the imports a bundle's code actually reaches end up in it: a workflow that never waits
//! imports none of v1's calls and stays a one-shot v0 bundle.

/// One method per import. Requests are the JSON (or text) the ABI wants, results are read into
/// buffers of exactly `result_len` bytes that the caller owns and drops.
pub(crate) trait Host {
    // ABI v0
    /// `get_info_len` then `get_info`.
    fn info(&mut self) -> Vec<u8>;
    /// `write_log`.
    fn write_log(&mut self, level: u32, message: &str);
    /// `complete`; the run ends inside the call under the worker.
    fn complete(&mut self, json: &[u8]);
    /// `complete_with_failure`; the run ends inside the call under the worker.
    fn complete_with_failure(&mut self, json: &[u8]);

    // ABI v1: commands
    /// `start_timer`.
    fn start_timer(&mut self, json: &[u8]) -> u32;
    /// `start_activity`.
    fn start_activity(&mut self, json: &[u8]) -> u32;
    /// `start_http_activity`.
    fn start_http_activity(&mut self, json: &[u8]) -> u32;
    /// `start_child_workflow`.
    fn start_child_workflow(&mut self, json: &[u8]) -> u32;
    /// `signal_external_workflow`.
    fn signal_external_workflow(&mut self, json: &[u8]) -> u32;
    /// `cancel_external_workflow`.
    fn cancel_external_workflow(&mut self, json: &[u8]) -> u32;
    /// `cancel`.
    fn cancel(&mut self, handle: u32);

    // ABI v1: inbound channels
    /// `signal_channel`.
    fn signal_channel(&mut self, name: &str) -> u32;
    /// `update_channel`.
    fn update_channel(&mut self, name: &str) -> u32;
    /// `respond_update`.
    fn respond_update(&mut self, update_id: &str, json: &[u8]);
    /// `cancellation_channel`.
    fn cancellation_channel(&mut self) -> u32;
    /// `set_query_result`; an empty `json` publishes "no value".
    fn set_query_result(&mut self, name: &str, json: &[u8]);

    // ABI v1: waiting and results
    /// `wait`: the first of `handles`, in order, that is ready, parking until one is.
    fn wait(&mut self, handles: &[u32]) -> u32;
    /// `is_ready`.
    fn is_ready(&mut self, handle: u32) -> bool;
    /// `result_len` then `take_result`: the ready handle's result JSON, consumed.
    fn take_result(&mut self, handle: u32) -> Vec<u8>;

    // ABI v1: deterministic sources
    /// `now`, in ms since the Unix epoch.
    fn now(&mut self) -> i64;
    /// `random`: fills `bytes`.
    fn random(&mut self, bytes: &mut [u8]);
    /// `patched`.
    fn patched(&mut self, id: &str, deprecated: bool) -> bool;
    /// `is_replaying`.
    fn is_replaying(&mut self) -> bool;

    // ABI v1: telling the world
    /// `log_level`.
    fn log_level(&mut self) -> u32;
    /// `upsert_search_attributes`.
    fn upsert_search_attributes(&mut self, json: &[u8]);
    /// `upsert_memo`.
    fn upsert_memo(&mut self, json: &[u8]);
    /// `set_current_details`.
    fn set_current_details(&mut self, text: &str);
    /// `emit_metric`.
    fn emit_metric(&mut self, json: &[u8]);

    // ABI v1: ending the run
    /// `continue_as_new`; an empty `json` continues with no arguments.
    fn continue_as_new(&mut self, json: &[u8]);
    /// `complete_as_cancelled`; an empty `json` has no details.
    fn complete_as_cancelled(&mut self, json: &[u8]);
}

/// The host of this build: the worker on wasm32, the installed
/// [`TestHost`](crate::testing::TestHost) elsewhere. A concrete type, not `dyn Host`: a vtable
/// would link every import into every bundle, and one v1 import makes a bundle durable.
#[cfg(target_arch = "wasm32")]
pub(crate) type Current = Wasm;
/// The host of this build: the worker on wasm32, the installed
/// [`TestHost`](crate::testing::TestHost) elsewhere.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Current = crate::testing::TestHost;

/// Runs `call` against the host.
#[cfg(target_arch = "wasm32")]
pub(crate) fn call<R>(call: impl FnOnce(&mut Current) -> R) -> R {
    call(&mut Wasm)
}

/// Runs `call` against the host; panics if no [`TestHost`](crate::testing::TestHost) runs.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn call<R>(call: impl FnOnce(&mut Current) -> R) -> R {
    crate::testing::with_host(call)
}

/// After an ending call: nothing more runs. Under the worker the call never returns (trap if a
/// host that breaks the ABI returns anyway); under a [`TestHost`](crate::testing::TestHost) the
/// run unwinds back to [`TestHost::run`](crate::testing::TestHost::run).
pub(crate) fn run_ended() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::unwind_ended_run()
}

/// The worker, through the `env` imports. It holds nothing: all state is the worker's.
#[cfg(target_arch = "wasm32")]
pub(crate) struct Wasm;

/// The imports, typed as the ABI defines them (pointers, lengths and handles are wasm `i32`,
/// `now` is `i64`). Declared as `u32` where the ABI reads them as unsigned.
#[cfg(target_arch = "wasm32")]
mod env {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        pub fn get_info_len() -> u32;
        pub fn get_info(ptr: *mut u8, len: u32);
        pub fn write_log(level: u32, ptr: *const u8, len: u32);
        pub fn complete(ptr: *const u8, len: u32);
        pub fn complete_with_failure(ptr: *const u8, len: u32);
        pub fn start_timer(ptr: *const u8, len: u32) -> u32;
        pub fn start_activity(ptr: *const u8, len: u32) -> u32;
        pub fn start_http_activity(ptr: *const u8, len: u32) -> u32;
        pub fn start_child_workflow(ptr: *const u8, len: u32) -> u32;
        pub fn signal_external_workflow(ptr: *const u8, len: u32) -> u32;
        pub fn cancel_external_workflow(ptr: *const u8, len: u32) -> u32;
        pub fn cancel(handle: u32);
        pub fn signal_channel(name_ptr: *const u8, name_len: u32) -> u32;
        pub fn update_channel(name_ptr: *const u8, name_len: u32) -> u32;
        pub fn respond_update(id_ptr: *const u8, id_len: u32, ptr: *const u8, len: u32);
        pub fn cancellation_channel() -> u32;
        pub fn set_query_result(name_ptr: *const u8, name_len: u32, ptr: *const u8, len: u32);
        pub fn wait(handles_ptr: *const u32, count: u32) -> u32;
        pub fn is_ready(handle: u32) -> i32;
        pub fn result_len(handle: u32) -> u32;
        pub fn take_result(handle: u32, ptr: *mut u8, len: u32);
        pub fn now() -> i64;
        pub fn random(ptr: *mut u8, len: u32);
        pub fn patched(id_ptr: *const u8, id_len: u32, deprecated: i32) -> i32;
        pub fn is_replaying() -> i32;
        pub fn log_level() -> i32;
        pub fn upsert_search_attributes(ptr: *const u8, len: u32);
        pub fn upsert_memo(ptr: *const u8, len: u32);
        pub fn set_current_details(ptr: *const u8, len: u32);
        pub fn emit_metric(ptr: *const u8, len: u32);
        pub fn continue_as_new(ptr: *const u8, len: u32);
        pub fn complete_as_cancelled(ptr: *const u8, len: u32);
    }
}

/// Passes `bytes` as a pointer/length pair. The worker reads the range during the call only,
/// so any borrowed slice will do.
#[cfg(target_arch = "wasm32")]
fn with<R>(bytes: &[u8], import: unsafe extern "C" fn(*const u8, u32) -> R) -> R {
    // SAFETY: the import reads `bytes.len()` bytes at `bytes.as_ptr()` during the call only.
    unsafe { import(bytes.as_ptr(), bytes.len() as u32) }
}

/// Passes two byte ranges, for the calls that take a name (or id) and a JSON value.
#[cfg(target_arch = "wasm32")]
fn with_two(
    first: &[u8],
    second: &[u8],
    import: unsafe extern "C" fn(*const u8, u32, *const u8, u32),
) {
    // SAFETY: the import reads both ranges during the call only.
    unsafe {
        import(
            first.as_ptr(),
            first.len() as u32,
            second.as_ptr(),
            second.len() as u32,
        )
    }
}

/// Reads a result of `len` bytes with `read` into a buffer of exactly that size: the worker
/// refuses any other length. The caller drops the buffer once it has decoded it, so a long run
/// never holds more than the result it is looking at.
#[cfg(target_arch = "wasm32")]
fn read_exact(len: u32, read: impl FnOnce(*mut u8, u32)) -> Vec<u8> {
    let mut buffer = vec![0u8; len as usize];
    read(buffer.as_mut_ptr(), len);
    buffer
}

#[cfg(target_arch = "wasm32")]
impl Host for Wasm {
    fn info(&mut self) -> Vec<u8> {
        // SAFETY: `get_info` writes exactly `get_info_len()` bytes into the buffer.
        unsafe { read_exact(env::get_info_len(), |ptr, len| env::get_info(ptr, len)) }
    }

    fn write_log(&mut self, level: u32, message: &str) {
        // SAFETY: the host reads `message` during the call only.
        unsafe { env::write_log(level, message.as_ptr(), message.len() as u32) }
    }

    fn complete(&mut self, json: &[u8]) {
        with(json, env::complete)
    }

    fn complete_with_failure(&mut self, json: &[u8]) {
        with(json, env::complete_with_failure)
    }

    fn start_timer(&mut self, json: &[u8]) -> u32 {
        with(json, env::start_timer)
    }

    fn start_activity(&mut self, json: &[u8]) -> u32 {
        with(json, env::start_activity)
    }

    fn start_http_activity(&mut self, json: &[u8]) -> u32 {
        with(json, env::start_http_activity)
    }

    fn start_child_workflow(&mut self, json: &[u8]) -> u32 {
        with(json, env::start_child_workflow)
    }

    fn signal_external_workflow(&mut self, json: &[u8]) -> u32 {
        with(json, env::signal_external_workflow)
    }

    fn cancel_external_workflow(&mut self, json: &[u8]) -> u32 {
        with(json, env::cancel_external_workflow)
    }

    fn cancel(&mut self, handle: u32) {
        // SAFETY: takes a plain integer.
        unsafe { env::cancel(handle) }
    }

    fn signal_channel(&mut self, name: &str) -> u32 {
        with(name.as_bytes(), env::signal_channel)
    }

    fn update_channel(&mut self, name: &str) -> u32 {
        with(name.as_bytes(), env::update_channel)
    }

    fn respond_update(&mut self, update_id: &str, json: &[u8]) {
        with_two(update_id.as_bytes(), json, env::respond_update)
    }

    fn cancellation_channel(&mut self) -> u32 {
        // SAFETY: no arguments.
        unsafe { env::cancellation_channel() }
    }

    fn set_query_result(&mut self, name: &str, json: &[u8]) {
        with_two(name.as_bytes(), json, env::set_query_result)
    }

    fn wait(&mut self, handles: &[u32]) -> u32 {
        // SAFETY: the host reads `handles.len()` u32s at `handles.as_ptr()` during the call.
        unsafe { env::wait(handles.as_ptr(), handles.len() as u32) }
    }

    fn is_ready(&mut self, handle: u32) -> bool {
        // SAFETY: takes a plain integer.
        unsafe { env::is_ready(handle) != 0 }
    }

    fn take_result(&mut self, handle: u32) -> Vec<u8> {
        // SAFETY: `take_result` writes exactly `result_len` bytes into the buffer.
        unsafe {
            read_exact(env::result_len(handle), |ptr, len| {
                env::take_result(handle, ptr, len)
            })
        }
    }

    fn now(&mut self) -> i64 {
        // SAFETY: no arguments.
        unsafe { env::now() }
    }

    fn random(&mut self, bytes: &mut [u8]) {
        // SAFETY: the host writes `bytes.len()` bytes into `bytes` during the call.
        unsafe { env::random(bytes.as_mut_ptr(), bytes.len() as u32) }
    }

    fn patched(&mut self, id: &str, deprecated: bool) -> bool {
        // SAFETY: the host reads `id` during the call only.
        unsafe { env::patched(id.as_ptr(), id.len() as u32, i32::from(deprecated)) != 0 }
    }

    fn is_replaying(&mut self) -> bool {
        // SAFETY: no arguments.
        unsafe { env::is_replaying() != 0 }
    }

    fn log_level(&mut self) -> u32 {
        // SAFETY: no arguments.
        unsafe { env::log_level() as u32 }
    }

    fn upsert_search_attributes(&mut self, json: &[u8]) {
        with(json, env::upsert_search_attributes)
    }

    fn upsert_memo(&mut self, json: &[u8]) {
        with(json, env::upsert_memo)
    }

    fn set_current_details(&mut self, text: &str) {
        with(text.as_bytes(), env::set_current_details)
    }

    fn emit_metric(&mut self, json: &[u8]) {
        with(json, env::emit_metric)
    }

    fn continue_as_new(&mut self, json: &[u8]) {
        with(json, env::continue_as_new)
    }

    fn complete_as_cancelled(&mut self, json: &[u8]) {
        with(json, env::complete_as_cancelled)
    }
}
