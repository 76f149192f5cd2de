//! The `info` JSON the worker hands every run: start arguments and who this workflow is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::payload::Payload;

/// Everything the worker tells a workflow about its run, read once through `get_info`.
///
/// Unknown fields are ignored: the worker may add new ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Info {
    /// The workflow's start arguments, in order, one payload each (possibly none).
    #[serde(default)]
    pub params: Vec<Payload>,
    /// Identity of the workflow execution.
    // The worker always sends it; a host that implements only the bare spec may not.
    #[serde(default)]
    pub workflow_info: WorkflowInfo,
}

impl Info {
    /// Parses the `info` JSON as written by the host's `get_info`.
    pub fn from_json(json: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(json)
    }
}

/// Which workflow execution is running. Fields the host leaves out are empty (or 0). A durable
/// run has more: see [`DurableInfo`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowInfo {
    /// The workflow type the execution was started as, e.g. `RustGreet`.
    pub workflow_type: String,
    /// The workflow id chosen by whoever started it.
    pub workflow_id: String,
    /// The run id of this execution.
    pub run_id: String,
    /// The Temporal namespace.
    pub namespace: String,
    /// The task queue the worker polls for this workflow.
    pub task_queue: String,
    /// Starts at 1 and counts workflow retries under a retry policy (not workflow task retries).
    pub attempt: u32,
    /// When the execution started, RFC 3339 in UTC (e.g. `2026-11-24T08:42:44.123456Z`).
    pub start_time: String,
}

/// The parts of `info` that only durable runs have. Decoded from the run's `info` JSON when
/// asked for ([`workflow::durable_info`](crate::workflow::durable_info)) rather than with
/// [`Info`], so a one-shot bundle does not carry their decoder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DurableInfo {
    /// The workflow that started this one as its child, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentInfo>,
    /// The run this one continued as new from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continued_from_run_id: Option<String>,
    /// The memo the workflow was started with.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub memo: BTreeMap<String, Payload>,
    /// The search attributes the workflow was started with, as JSON values.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub search_attributes: BTreeMap<String, serde_json::Value>,
}

impl DurableInfo {
    /// Reads them from the `info` JSON as written by the host's `get_info` (its
    /// `workflow_info`).
    pub fn from_json(info_json: &[u8]) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct InfoJson {
            #[serde(default)]
            workflow_info: DurableInfo,
        }
        serde_json::from_slice::<InfoJson>(info_json).map(|info| info.workflow_info)
    }
}

/// The parent of a child workflow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParentInfo {
    /// The parent's namespace.
    pub namespace: String,
    /// The parent's workflow id.
    pub workflow_id: String,
    /// The parent's run id.
    pub run_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_info_json_of_the_abi_notes() {
        let info = Info::from_json(
            br#"{
              "params": [{ "metadata": { "encoding": "anNvbi9wbGFpbg==" }, "data": "IkFsaWNlIg==" }],
              "workflow_info": {
                "workflow_type": "Greet",
                "workflow_id": "greet-42",
                "run_id": "0196f8a2-7c1e-7d3a-9b1f-2f1c3b9e4a10",
                "namespace": "default",
                "task_queue": "wasm-workflows",
                "attempt": 1,
                "start_time": "2026-11-24T08:42:44.123456Z"
              }
            }"#,
        )
        .unwrap();
        assert_eq!(info.params, [Payload::encode_json("Alice").unwrap()]);
        assert_eq!(
            info.workflow_info,
            WorkflowInfo {
                workflow_type: "Greet".into(),
                workflow_id: "greet-42".into(),
                run_id: "0196f8a2-7c1e-7d3a-9b1f-2f1c3b9e4a10".into(),
                namespace: "default".into(),
                task_queue: "wasm-workflows".into(),
                attempt: 1,
                start_time: "2026-11-24T08:42:44.123456Z".into(),
            }
        );
    }

    #[test]
    fn ignores_unknown_fields_at_every_level() {
        let info = Info::from_json(
            br#"{"params": [], "future": {"x": [1]}, "workflow_info": {"workflow_id": "w", "parent": null}}"#,
        )
        .unwrap();
        assert_eq!(info.workflow_info.workflow_id, "w");
    }

    #[test]
    fn tolerates_a_bare_spec_info_with_only_params() {
        let info = Info::from_json(br#"{"params": []}"#).unwrap();
        assert_eq!(info, Info::default());
        assert_eq!(Info::from_json(b"{}").unwrap(), Info::default());
    }

    #[test]
    fn malformed_info_is_an_error() {
        assert!(Info::from_json(b"").is_err());
        assert!(Info::from_json(br#"{"params": {}}"#).is_err());
        assert!(Info::from_json(br#"{"params": [{"data": "not base64!"}]}"#).is_err());
    }
}
