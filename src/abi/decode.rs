//! Strict decoding of guest output, with errors that name the JSON path at fault.

use serde::de;

use crate::abi::{Failure, Payload};

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

/// `complete` was given more payloads than a workflow result can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "complete was called with {count} payloads, but a Temporal workflow result is a single \
     payload: pass `[]` for no result or `[payload]` for one"
)]
pub struct TooManyResultPayloads {
    /// How many payloads the guest passed.
    pub count: usize,
}

/// Decodes the `[]payload` JSON that a guest passes to `complete`.
pub fn decode_payloads(json: &[u8]) -> Result<Vec<Payload>, DecodeError> {
    decode(json, "complete output")
}

/// Decodes the `failure` JSON that a guest passes to `complete_with_failure`.
pub fn decode_failure(json: &[u8]) -> Result<Failure, DecodeError> {
    decode(json, "complete_with_failure input")
}

/// Decodes the JSON input of a v1 call; `what` names it in errors (`start_timer input`).
pub fn decode_input<T: de::DeserializeOwned>(
    json: &[u8],
    what: &'static str,
) -> Result<T, DecodeError> {
    decode(json, what)
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
