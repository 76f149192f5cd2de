//! The `info` JSON the worker hands every run: start arguments and who this workflow is.

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

/// Which workflow execution is running. Fields the host leaves out are empty (or 0).
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
