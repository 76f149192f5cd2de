//! The JSON types of ABI v0, exactly as guests read and write them.
//!
//! This module is the only place that knows the wire shape of `info`, `payload` and `failure`
//! (see `proto-notes/abi-v0-guest-view.md`). It knows nothing of Temporal's protos or of
//! wasmtime: `convert` maps these types to protos, `workflow_run` moves their bytes in and out
//! of guest memory.
//!
//! Guest output is decoded strictly: an unknown field is an error, because a misspelt
//! `non_retryable` that silently did nothing would be worse than a failed task. Every decode error
//! names the JSON path at fault (`[0].metadata.encoding`, `cause.details[1].data`).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Raw bytes that travel as standard, padded base64 text (the ABI's `bytes` type).
///
/// Encoding happens exactly once, when the `info` JSON is serialised; decoding happens once,
/// when guest output is parsed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Base64Bytes(pub Vec<u8>);

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) => write!(f, "{text:?}"),
            Err(_) => write!(f, "{} bytes", self.0.len()),
        }
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;
        impl Visitor<'_> for Base64Visitor {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a standard base64 string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Base64Bytes, E> {
                BASE64
                    .decode(text)
                    .map(Base64Bytes)
                    .map_err(|err| E::custom(format_args!("invalid base64: {err}")))
            }
        }
        deserializer.deserialize_str(Base64Visitor)
    }
}

/// Implements `Serialize`/`Deserialize` for a struct derived with `#[serde(remote = "Self")]`,
/// accepting only JSON objects on input.
///
/// serde's derived structs also accept JSON arrays (as tuples), so `[]` would silently decode as
/// an empty failure; the ABI's `payload` and `failure` are objects, and anything else is a bug.
macro_rules! object_only_serde {
    ($type:ident, $expecting:literal) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $type::serialize(self, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> Visitor<'de> for ObjectVisitor {
                    type Value = $type;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<$type, A::Error> {
                        $type::deserialize(de::value::MapAccessDeserializer::new(map))
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
}

/// The ABI's `payload`: Temporal's `Payload` with base64 metadata values and data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Payload {
    /// Metadata such as `encoding`; always written on input, optional on output.
    #[serde(default)]
    pub metadata: BTreeMap<String, Base64Bytes>,
    /// The encoded value itself.
    pub data: Base64Bytes,
}

object_only_serde!(
    Payload,
    "a payload object with `data` and optional `metadata`"
);

/// The ABI's `failure`: what a guest passes to `complete_with_failure`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Failure {
    /// Human-readable message; shown by every Temporal client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Application error type, for clients that branch on it and for non-retryable lists.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// Whether a retry policy must not retry this failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_retryable: Option<bool>,
    /// Structured details for programmatic handling by the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Payload>>,
    /// The failure that caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
}

object_only_serde!(Failure, "a failure object");

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

/// Guest output that is not valid ABI JSON, with the JSON path at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} is not valid ABI JSON at `{path}`: {reason}")]
pub struct DecodeError {
    /// Which host call's input was being decoded (`complete output`, `failure`).
    pub what: &'static str,
    /// JSON path of the offending value (`.` for the document itself).
    pub path: String,
    /// What was wrong there.
    pub reason: String,
}

/// Decodes the `[]payload` JSON that a guest passes to `complete`.
pub fn decode_payloads(json: &[u8]) -> Result<Vec<Payload>, DecodeError> {
    decode(json, "complete output")
}

/// Decodes the `failure` JSON that a guest passes to `complete_with_failure`.
pub fn decode_failure(json: &[u8]) -> Result<Failure, DecodeError> {
    decode(json, "complete_with_failure input")
}

fn decode<T: de::DeserializeOwned>(json: &[u8], what: &'static str) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        DecodeError {
            what,
            path,
            reason: err.into_inner().to_string(),
        }
    })?;
    deserializer.end().map_err(|err| DecodeError {
        what,
        path: ".".to_owned(),
        reason: err.to_string(),
    })?;
    Ok(value)
}

/// Serialises `info` to the bytes `get_info` copies into guest memory.
pub fn encode_info(info: &Info) -> Vec<u8> {
    // Serialising plain structs of strings, numbers and maps cannot fail.
    serde_json::to_vec(info).unwrap_or_else(|err| unreachable!("info serialisation failed: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Base64Bytes {
        Base64Bytes(text.as_bytes().to_vec())
    }

    #[test]
    fn payload_bytes_round_trip_as_standard_padded_base64() {
        let payload = Payload {
            metadata: BTreeMap::from([("encoding".to_owned(), bytes("json/plain"))]),
            data: bytes("\"Alice\""),
        };
        let json = serde_json::to_string(&payload).unwrap();
        assert_eq!(
            json,
            r#"{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFsaWNlIg=="}"#
        );
        assert_eq!(
            decode_payloads(format!("[{json}]").as_bytes()).unwrap(),
            vec![payload]
        );
    }

    #[test]
    fn empty_data_is_empty_base64_string() {
        let payload = Payload::default();
        assert_eq!(
            serde_json::to_string(&payload).unwrap(),
            r#"{"metadata":{},"data":""}"#
        );
        assert_eq!(decode_payloads(br#"[{"data":""}]"#).unwrap(), vec![payload]);
    }

    #[test]
    fn binary_data_survives_base64_round_trip() {
        let all_bytes: Vec<u8> = (0..=255).collect();
        let payload = Payload {
            metadata: BTreeMap::new(),
            data: Base64Bytes(all_bytes.clone()),
        };
        let json = serde_json::to_vec(&vec![payload]).unwrap();
        assert_eq!(decode_payloads(&json).unwrap()[0].data.0, all_bytes);
    }

    #[test]
    fn invalid_base64_names_the_field() {
        let err =
            decode_payloads(br#"[{"data":"IkFsaWNlIg=="},{"data":"not base64!"}]"#).unwrap_err();
        assert_eq!(err.path, "[1].data");
        assert!(err.reason.contains("invalid base64"), "{err}");
    }

    #[test]
    fn unpadded_base64_is_refused() {
        let err = decode_payloads(br#"[{"data":"IkFsaWNlIg"}]"#).unwrap_err();
        assert_eq!(err.path, "[0].data");
    }

    #[test]
    fn url_safe_base64_alphabet_is_refused() {
        // 0xfb 0xff encodes to "+/8=" in the standard alphabet and "-_8=" in the URL-safe one.
        assert_eq!(
            decode_payloads(br#"[{"data":"+/8="}]"#).unwrap()[0].data.0,
            [0xfb, 0xff]
        );
        assert!(decode_payloads(br#"[{"data":"-_8="}]"#).is_err());
    }

    #[test]
    fn invalid_base64_in_metadata_names_the_key() {
        let err = decode_payloads(br#"[{"metadata":{"encoding":"%%%"},"data":""}]"#).unwrap_err();
        assert_eq!(err.path, "[0].metadata.encoding");
    }

    #[test]
    fn payload_without_data_is_refused() {
        let err = decode_payloads(br#"[{"metadata":{}}]"#).unwrap_err();
        assert!(err.reason.contains("missing field `data`"), "{err}");
    }

    #[test]
    fn unknown_payload_field_is_refused_by_name() {
        let err = decode_payloads(br#"[{"data":"","meta":{}}]"#).unwrap_err();
        assert!(err.reason.contains("unknown field `meta`"), "{err}");
    }

    #[test]
    fn malformed_json_is_a_decode_error() {
        let err = decode_payloads(b"[{\"data\":").unwrap_err();
        assert_eq!(err.what, "complete output");
    }

    #[test]
    fn trailing_garbage_after_json_is_refused() {
        assert!(decode_payloads(b"[] []").is_err());
    }

    #[test]
    fn failure_with_every_field_decodes_with_nested_cause() {
        let json = br#"{"message":"outer","type":"Outer","non_retryable":true,
            "details":[{"data":"MQ=="}],
            "cause":{"message":"inner","cause":{"message":"root"}}}"#;
        let failure = decode_failure(json).unwrap();
        assert_eq!(failure.message.as_deref(), Some("outer"));
        assert_eq!(failure.failure_type.as_deref(), Some("Outer"));
        assert_eq!(failure.non_retryable, Some(true));
        assert_eq!(failure.details.as_ref().unwrap()[0].data.0, b"1");
        let cause = failure.cause.as_ref().unwrap();
        assert_eq!(cause.message.as_deref(), Some("inner"));
        assert_eq!(
            cause.cause.as_ref().unwrap().message.as_deref(),
            Some("root")
        );
    }

    #[test]
    fn empty_failure_object_is_valid() {
        assert_eq!(decode_failure(b"{}").unwrap(), Failure::default());
    }

    #[test]
    fn failure_detail_with_bad_base64_names_the_nested_path() {
        let err = decode_failure(br#"{"cause":{"details":[{"data":"x"}]}}"#).unwrap_err();
        assert_eq!(err.path, "cause.details[0].data");
    }

    #[test]
    fn failure_of_wrong_json_shape_is_refused() {
        let err = decode_failure(br#"{"message":42}"#).unwrap_err();
        assert_eq!(err.path, "message");
        assert!(decode_failure(b"[]").is_err());
        assert!(decode_failure(br#"{"cause":[]}"#).is_err());
        assert!(decode_payloads(br#"[["", {}]]"#).is_err());
    }

    #[test]
    fn deeply_nested_json_is_refused_not_overflowing_the_stack() {
        let depth = 100_000;
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(decode_payloads(json.as_bytes()).is_err());
        let mut nested = String::new();
        for _ in 0..10_000 {
            nested.push_str(r#"{"cause":"#);
        }
        nested.push_str("{}");
        nested.push_str(&"}".repeat(10_000));
        assert!(decode_failure(nested.as_bytes()).is_err());
    }

    #[test]
    fn info_serialises_params_and_workflow_info() {
        let info = Info {
            params: vec![Payload {
                metadata: BTreeMap::from([("encoding".to_owned(), bytes("json/plain"))]),
                data: bytes("1"),
            }],
            workflow_info: WorkflowInfo {
                workflow_type: "Greet".into(),
                workflow_id: "wf".into(),
                run_id: "run".into(),
                namespace: "default".into(),
                task_queue: "q".into(),
                attempt: 1,
                start_time: "2026-01-01T00:00:00Z".into(),
            },
        };
        let value: serde_json::Value = serde_json::from_slice(&encode_info(&info)).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "params": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "MQ=="}],
                "workflow_info": {
                    "workflow_type": "Greet", "workflow_id": "wf", "run_id": "run",
                    "namespace": "default", "task_queue": "q", "attempt": 1,
                    "start_time": "2026-01-01T00:00:00Z"
                }
            })
        );
    }

    #[test]
    fn log_levels_outside_one_to_five_are_none() {
        assert_eq!(LogLevel::from_abi(1), Some(LogLevel::Error));
        assert_eq!(LogLevel::from_abi(5), Some(LogLevel::Trace));
        assert_eq!(LogLevel::from_abi(0), None);
        assert_eq!(LogLevel::from_abi(6), None);
        assert_eq!(LogLevel::from_abi(u32::MAX), None);
    }
}
