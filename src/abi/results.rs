//! What a handle resolves with: the JSON `take_result` writes for timers, activities and the
//! other commands, exactly one of `{"completed": [payload…]}`, `{"failed": failure}` or
//! `{"cancelled": failure}`.

use serde::Serialize;

use crate::abi::{Failure, Payload};

/// The result of a command's handle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The work completed with these payloads (none for a timer).
    Completed(Vec<Payload>),
    /// The work failed.
    Failed(Failure),
    /// The work was cancelled.
    Cancelled(Failure),
}

impl Resolution {
    /// The JSON `take_result` copies into guest memory.
    pub fn to_json(&self) -> Vec<u8> {
        // Plain structs of strings, numbers and maps always serialise.
        serde_json::to_vec(self)
            .unwrap_or_else(|err| unreachable!("resolution serialisation failed: {err}"))
    }
}

/// What `take_result` yields for an update taken from an update channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateItem {
    /// The update's id, for `respond_update`.
    pub update_id: String,
    /// Its arguments.
    pub args: Vec<Payload>,
}

impl UpdateItem {
    /// The JSON `take_result` copies into guest memory.
    pub fn to_json(&self) -> Vec<u8> {
        // Plain structs of strings and payloads always serialise.
        serde_json::to_vec(self)
            .unwrap_or_else(|err| unreachable!("update item serialisation failed: {err}"))
    }
}
