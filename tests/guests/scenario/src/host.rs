//! The worker's side: the raw `env` imports and the [`Host`] they implement.
//!
//! Each import is declared here by hand, exactly as the ABI v1 contract names and types it
//! (pointers, lengths and handles are wasm `i32`, `now` returns `i64`), because this bundle is
//! the reference for what a guest without an SDK imports.

use serde_json::Value;

use crate::script::{self, Ending, Host};

/// The host functions, in module `env`. Only the ones the script uses end up imported.
mod env {
    #[link(wasm_import_module = "env")]
    unsafe extern "C" {
        // v0
        pub fn get_info_len() -> u32;
        pub fn get_info(ptr: *mut u8, len: u32);
        pub fn write_log(level: u32, ptr: *const u8, len: u32);
        pub fn complete(ptr: *const u8, len: u32);
        pub fn complete_with_failure(ptr: *const u8, len: u32);
        // v1: commands
        pub fn start_timer(ptr: *const u8, len: u32) -> u32;
        pub fn start_activity(ptr: *const u8, len: u32) -> u32;
        pub fn start_http_activity(ptr: *const u8, len: u32) -> u32;
        pub fn cancel(handle: u32);
        pub fn start_child_workflow(ptr: *const u8, len: u32) -> u32;
        pub fn signal_external_workflow(ptr: *const u8, len: u32) -> u32;
        pub fn cancel_external_workflow(ptr: *const u8, len: u32) -> u32;
        // v1: inbound channels
        pub fn cancellation_channel() -> u32;
        pub fn signal_channel(name_ptr: *const u8, name_len: u32) -> u32;
        pub fn update_channel(name_ptr: *const u8, name_len: u32) -> u32;
        pub fn respond_update(id_ptr: *const u8, id_len: u32, ptr: *const u8, len: u32);
        pub fn set_query_result(name_ptr: *const u8, name_len: u32, ptr: *const u8, len: u32);
        // v1: waiting and results
        pub fn wait(handles_ptr: *const u32, count: u32) -> u32;
        pub fn is_ready(handle: u32) -> i32;
        pub fn result_len(handle: u32) -> u32;
        pub fn take_result(handle: u32, ptr: *mut u8, len: u32);
        // v1: deterministic sources
        pub fn now() -> i64;
        pub fn random(ptr: *mut u8, len: u32);
        pub fn patched(id_ptr: *const u8, id_len: u32, deprecated: i32) -> i32;
        pub fn is_replaying() -> i32;
        // v1: telling the world
        pub fn set_current_details(ptr: *const u8, len: u32);
        pub fn upsert_search_attributes(ptr: *const u8, len: u32);
        pub fn upsert_memo(ptr: *const u8, len: u32);
        pub fn emit_metric(ptr: *const u8, len: u32);
        // v1: ending the run
        pub fn continue_as_new(ptr: *const u8, len: u32);
        pub fn complete_as_cancelled(ptr: *const u8, len: u32);
    }
}

/// Calls `import` with the pointers and lengths of `name` and `text`.
fn with_two_strs(
    name: &str,
    text: &str,
    import: unsafe extern "C" fn(*const u8, u32, *const u8, u32),
) {
    // SAFETY: the import reads both ranges during the call only.
    unsafe {
        import(
            name.as_ptr(),
            name.len() as u32,
            text.as_ptr(),
            text.len() as u32,
        )
    }
}

/// The worker, reached through the imports. It holds nothing: all state is the host's.
struct WasmHost;

/// Calls `import` with the pointer and length of `text`.
fn with_str<T>(text: &str, import: unsafe extern "C" fn(*const u8, u32) -> T) -> T {
    // SAFETY: the import reads `text.len()` bytes at `text.as_ptr()` during the call only.
    unsafe { import(text.as_ptr(), text.len() as u32) }
}

impl Host for WasmHost {
    fn start_timer(&mut self, options: &Value) -> u32 {
        with_str(&options.to_string(), env::start_timer)
    }

    fn start_activity(&mut self, options: &Value) -> u32 {
        with_str(&options.to_string(), env::start_activity)
    }

    fn start_http_activity(&mut self, request: &Value) -> u32 {
        with_str(&request.to_string(), env::start_http_activity)
    }

    fn cancel(&mut self, handle: u32) {
        // SAFETY: takes a plain integer.
        unsafe { env::cancel(handle) }
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
        // A heap buffer of exactly `result_len` bytes: `take_result` refuses any other length.
        // SAFETY: the host writes exactly `len` bytes into the buffer during the call.
        unsafe {
            let len = env::result_len(handle);
            let mut buffer = vec![0u8; len as usize];
            env::take_result(handle, buffer.as_mut_ptr(), len);
            buffer
        }
    }

    fn cancellation_channel(&mut self) -> u32 {
        // SAFETY: no arguments.
        unsafe { env::cancellation_channel() }
    }

    fn signal_channel(&mut self, name: &str) -> u32 {
        with_str(name, env::signal_channel)
    }

    fn now(&mut self) -> i64 {
        // SAFETY: no arguments.
        unsafe { env::now() }
    }

    fn random(&mut self, len: u32) -> Vec<u8> {
        let mut bytes = vec![0u8; len as usize];
        // SAFETY: the host writes `len` bytes into the buffer during the call.
        unsafe { env::random(bytes.as_mut_ptr(), len) };
        bytes
    }

    fn patched(&mut self, id: &str, deprecated: bool) -> i32 {
        // SAFETY: the host reads `id` during the call only.
        unsafe { env::patched(id.as_ptr(), id.len() as u32, i32::from(deprecated)) }
    }

    fn is_replaying(&mut self) -> i32 {
        // SAFETY: no arguments.
        unsafe { env::is_replaying() }
    }

    fn log(&mut self, level: u32, message: &str) {
        // SAFETY: the host reads `message` during the call only.
        unsafe { env::write_log(level, message.as_ptr(), message.len() as u32) }
    }

    fn start_child_workflow(&mut self, options: &Value) -> u32 {
        with_str(&options.to_string(), env::start_child_workflow)
    }

    fn signal_external_workflow(&mut self, request: &Value) -> u32 {
        with_str(&request.to_string(), env::signal_external_workflow)
    }

    fn cancel_external_workflow(&mut self, request: &Value) -> u32 {
        with_str(&request.to_string(), env::cancel_external_workflow)
    }

    fn update_channel(&mut self, name: &str) -> u32 {
        with_str(name, env::update_channel)
    }

    fn respond_update(&mut self, update_id: &str, answer: &Value) {
        with_two_strs(update_id, &answer.to_string(), env::respond_update);
    }

    fn set_query_result(&mut self, name: &str, payloads: &Value) {
        with_two_strs(name, &payloads.to_string(), env::set_query_result);
    }

    fn set_current_details(&mut self, text: &str) {
        with_str(text, env::set_current_details)
    }

    fn upsert_search_attributes(&mut self, attributes: &Value) {
        with_str(&attributes.to_string(), env::upsert_search_attributes)
    }

    fn upsert_memo(&mut self, memo: &Value) {
        with_str(&memo.to_string(), env::upsert_memo)
    }

    fn emit_metric(&mut self, metric: &Value) {
        with_str(&metric.to_string(), env::emit_metric)
    }
}

/// Reads `info`, runs the script and ends the run the way the script says.
pub fn run() {
    // A panic traps (`panic = "abort"`); the worker shows the last error log next to the trap,
    // so the message is logged first.
    std::panic::set_hook(Box::new(|panic| WasmHost.log(1, &panic.to_string())));

    // SAFETY: `get_info` writes exactly `get_info_len` bytes into the buffer.
    let info = unsafe {
        let len = env::get_info_len();
        let mut buffer = vec![0u8; len as usize];
        env::get_info(buffer.as_mut_ptr(), len);
        buffer
    };
    let (end, json): (unsafe extern "C" fn(*const u8, u32), Value) =
        match script::run(&mut WasmHost, &info) {
            Ending::Complete(payloads) => (env::complete, payloads),
            Ending::Fail(failure) => (env::complete_with_failure, failure),
            Ending::Cancelled(details) => (env::complete_as_cancelled, details),
            Ending::ContinueAsNew(options) => (env::continue_as_new, options),
        };
    // Nothing after an ending call executes under the worker; should it return anyway, `run`
    // just returns.
    with_str(&json.to_string(), end);
}
