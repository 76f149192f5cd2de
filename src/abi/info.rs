//! The ABI's `info`: what a run knows about its workflow, and the guest log levels.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::abi::Payload;

/// The ABI's `info`: everything a run may know about its workflow, written by `get_info`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Info {
    /// The workflow's start arguments, in order (always present, possibly empty).
    pub params: Vec<Payload>,
    /// Who this workflow is; the spec's `workflow_info` TODO type.
    pub workflow_info: WorkflowInfo,
}

/// The identity of the workflow execution a run belongs to.
///
/// Field names are part of the ABI: they may be added to, never renamed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkflowInfo {
    /// Registered workflow type name.
    pub workflow_type: String,
    /// Business identifier chosen by whoever started the workflow.
    pub workflow_id: String,
    /// Identifier of this run of the workflow.
    pub run_id: String,
    /// Temporal namespace the worker serves.
    pub namespace: String,
    /// Task queue the worker polls.
    pub task_queue: String,
    /// Workflow attempt, starting at 1 (counts retry-policy retries, not task retries).
    pub attempt: u32,
    /// When the workflow execution started, RFC 3339 in UTC; empty if the server did not say.
    pub start_time: String,
    /// The workflow that started this one as its child, if any (ABI v1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentWorkflow>,
    /// The run this one continued from (continue-as-new, retry or cron), if any (ABI v1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continued_from_run_id: Option<String>,
    /// The memo the workflow was started with (ABI v1).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub memo: BTreeMap<String, Payload>,
    /// The search attributes the workflow was started with, as JSON values (ABI v1).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub search_attributes: BTreeMap<String, serde_json::Value>,
}

/// The parent of a child workflow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParentWorkflow {
    /// The parent's namespace.
    pub namespace: String,
    /// The parent's workflow id.
    pub workflow_id: String,
    /// The parent's run id.
    pub run_id: String,
}

/// The ABI's `log_level`; any other number means "log nothing".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    /// `1`
    Error,
    /// `2`
    Warn,
    /// `3`
    Info,
    /// `4`
    Debug,
    /// `5`
    Trace,
}

impl LogLevel {
    /// Maps the guest's `u32` to a level, or `None` for values the spec says to ignore.
    pub fn from_abi(level: u32) -> Option<LogLevel> {
        match level {
            1 => Some(LogLevel::Error),
            2 => Some(LogLevel::Warn),
            3 => Some(LogLevel::Info),
            4 => Some(LogLevel::Debug),
            5 => Some(LogLevel::Trace),
            _ => None,
        }
    }
}

/// Serialises `info` to the bytes `get_info` copies into guest memory.
pub fn encode_info(info: &Info) -> Vec<u8> {
    // Serialising plain structs of strings, numbers and maps cannot fail.
    serde_json::to_vec(info).unwrap_or_else(|err| unreachable!("info serialisation failed: {err}"))
}
