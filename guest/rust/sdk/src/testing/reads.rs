//! What the workflow reads from the worker: `get_info` and the deterministic sources `random`
//! and `patched` (`now`, `is_replaying` and `log_level` answer straight from the state).
//!
//! Each answer is a function of the setup and of earlier answers only, so a run under the same
//! [`TestHost`] reads the same values every time, as a replay would.

use serde_json::{Value, json};

use super::TestHost;

/// `get_info`: the `info` JSON, with the durable-only fields inside `workflow_info` as the
/// worker writes them.
pub(super) fn info(host: &mut TestHost) -> Vec<u8> {
    let mut info = json!(host.info);
    if let Value::Object(durable) = json!(host.durable_info) {
        info["workflow_info"]
            .as_object_mut()
            .expect("workflow_info is an object")
            .extend(durable);
    }
    info.to_string().into_bytes()
}

/// `random`: the seeded stream, eight bytes at a time.
pub(super) fn random(host: &mut TestHost, bytes: &mut [u8]) {
    for chunk in bytes.chunks_mut(8) {
        // SplitMix64: small, and a different stream per seed.
        host.random_state = host.random_state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = host.random_state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
    }
}

/// `patched`: `true` unless the test made the patch absent, and the same answer for the whole
/// run, as the worker keeps it.
pub(super) fn patched(host: &mut TestHost, id: &str, deprecated: bool) -> bool {
    let answer =
        *(host.patches.entry(id.to_owned())).or_insert_with(|| !host.absent_patches.contains(id));
    host.record(
        "patched",
        Some(id),
        json!({ "deprecated": deprecated }),
        None,
    );
    answer
}
