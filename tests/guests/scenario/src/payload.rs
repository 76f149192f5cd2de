//! The ABI's `payload` (base64 metadata and data), as far as the scenario reads and writes it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::base64;

/// One Temporal payload in the ABI's JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// Metadata values, base64; `encoding` says how `data` is to be read.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// The payload's bytes, base64.
    pub data: String,
}

impl Payload {
    /// A `json/plain` payload holding `value`: what every SDK's default converter reads as JSON.
    pub fn json(value: &Value) -> Payload {
        Payload {
            metadata: [("encoding".to_owned(), base64::encode(b"json/plain"))].into(),
            data: base64::encode(value.to_string().as_bytes()),
        }
    }

    /// The JSON value inside. `binary/null` (how the SDKs send `None`/`null`, with no data)
    /// reads as `null`; any other encoding is read as JSON, since the test clients and
    /// activities only send JSON.
    pub fn decode(&self) -> Result<Value, String> {
        if let Some(encoding) = self.metadata.get("encoding")
            && base64::decode(encoding)? == b"binary/null"
        {
            return Ok(Value::Null);
        }
        let data = base64::decode(&self.data)?;
        serde_json::from_slice(&data).map_err(|err| {
            format!(
                "payload data is not JSON ({err}): {}",
                String::from_utf8_lossy(&data)
            )
        })
    }

    /// This payload as a JSON value, for building host input.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a payload serialises")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_payload_round_trips() {
        let value = json!({"results": [1, "two", null]});
        let payload = Payload::json(&value);
        assert_eq!(payload.metadata["encoding"], "anNvbi9wbGFpbg==");
        assert_eq!(payload.decode().unwrap(), value);
    }

    #[test]
    fn binary_null_reads_as_null() {
        let payload = Payload {
            metadata: [("encoding".to_owned(), base64::encode(b"binary/null"))].into(),
            data: String::new(),
        };
        assert_eq!(payload.decode().unwrap(), Value::Null);
    }

    #[test]
    fn data_that_is_not_json_is_an_error_showing_it() {
        let payload = Payload {
            metadata: BTreeMap::new(),
            data: base64::encode(b"not json"),
        };
        assert!(payload.decode().unwrap_err().contains("not json"));
    }
}
