//! The host functions of ABI v0, imported from module `env`. Only wasm32 has a host; everything
//! else in the crate is target-independent and tested natively.

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    #[link_name = "get_info_len"]
    fn host_get_info_len() -> u32;
    #[link_name = "get_info"]
    fn host_get_info(offset: *mut u8, len: u32);
    #[link_name = "write_log"]
    fn host_write_log(level: u32, offset: *const u8, len: u32);
    #[link_name = "complete"]
    fn host_complete(offset: *const u8, len: u32);
    #[link_name = "complete_with_failure"]
    fn host_complete_with_failure(offset: *const u8, len: u32);
}

/// The `info` JSON, fetched from the host.
pub(crate) fn info_json() -> Vec<u8> {
    // SAFETY: the host writes exactly `get_info_len()` bytes at the start of `buffer`.
    unsafe {
        let len = host_get_info_len();
        let mut buffer = vec![0u8; len as usize];
        host_get_info(buffer.as_mut_ptr(), len);
        buffer
    }
}

/// Logs `message` at the ABI log level `level`.
pub(crate) fn write_log(level: u32, message: &str) {
    // SAFETY: the host only reads `message` during the call.
    unsafe { host_write_log(level, message.as_ptr(), message.len() as u32) }
}

/// Completes the workflow with the `[]payload` JSON `result`. The run ends inside the call.
pub(crate) fn complete(result: Vec<u8>) -> ! {
    // The ABI asks for bytes of static lifetime; the run ends here, so leaking costs nothing.
    let result = result.leak();
    // SAFETY: `result` is valid for the rest of the run.
    unsafe { host_complete(result.as_ptr(), result.len() as u32) };
    // A host that follows the ABI never returns; trap rather than run on if one does.
    core::arch::wasm32::unreachable()
}

/// Fails the workflow with the `failure` JSON `failure`. The run ends inside the call.
pub(crate) fn complete_with_failure(failure: Vec<u8>) -> ! {
    let failure = failure.leak();
    // SAFETY: `failure` is valid for the rest of the run.
    unsafe { host_complete_with_failure(failure.as_ptr(), failure.len() as u32) };
    core::arch::wasm32::unreachable()
}
