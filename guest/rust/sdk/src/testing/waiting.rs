//! Waiting and results: `wait`, `is_ready` and `take_result`.
//!
//! `wait` is where activations end: while none of its handles is ready, the activation parks
//! and the next one advances the clock, until something is ready or nothing more can happen.

use serde_json::json;

use super::TestHost;
use super::state::{Kind, parse};

/// `wait`: the first of `handles`, in the order given, that is ready; a wait that nothing will
/// ever end panics, naming what it waits on.
pub(super) fn wait(host: &mut TestHost, handles: &[u32]) -> u32 {
    assert!(!handles.is_empty(), "guest bug: `wait` on no handles");
    for &handle in handles {
        host.slot("wait", handle);
    }
    host.record("wait", None, json!(handles), None);
    loop {
        if let Some(&ready) = handles.iter().find(|&&handle| host.is_ready_now(handle)) {
            return ready;
        }
        host.park();
        if !host.advance() {
            let waiting: Vec<String> = (handles.iter())
                .map(|&handle| format!("{handle} ({})", host.handles[handle as usize - 1].label))
                .collect();
            panic!(
                "the workflow waits forever: nothing more will happen for {}; give the \
                 TestHost a responder or schedule a signal, update or cancellation",
                waiting.join(", ")
            );
        }
    }
}

/// `is_ready`.
pub(super) fn is_ready(host: &mut TestHost, handle: u32) -> bool {
    host.slot("is_ready", handle);
    host.is_ready_now(handle)
}

/// `take_result`: a command's result once, a channel's items one by one; taking an update
/// marks it taken, so it may be answered.
pub(super) fn take_result(host: &mut TestHost, handle: u32) -> Vec<u8> {
    let slot = host.slot("take_result", handle);
    let Some(item) = slot.items.pop_front() else {
        panic!(
            "guest bug: `take_result` of handle {handle} ({}), which is not ready",
            slot.label
        );
    };
    if !slot.is_channel() {
        slot.taken = true;
    }
    if matches!(slot.kind, Kind::Update(_)) {
        let id = parse("update item", &item)["update_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        host.update_record(&id).taken = true;
    }
    item
}

impl TestHost {
    /// Whether `handle` has a result or item to take.
    fn is_ready_now(&self, handle: u32) -> bool {
        !self.handles[handle as usize - 1].items.is_empty()
    }
}
