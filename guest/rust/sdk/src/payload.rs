//! Payloads: Temporal's unit of data, as the ABI carries it (`metadata` map plus `data`, every
//! value base64 in the JSON) and as workflow code sees it (plain bytes).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::base64;

/// The metadata key that names how a payload's `data` is encoded.
pub const ENCODING_KEY: &str = "encoding";

/// The encoding of JSON text, which Temporal clients use for every ordinary value.
pub const JSON_PLAIN: &str = "json/plain";

/// The encoding of "no value" (Python's `None`, Go's `nil`) in Temporal's default data
/// converter: empty data. [`Payload::decode_json`] reads it as JSON `null`.
pub const BINARY_NULL: &str = "binary/null";

/// One Temporal payload: a workflow argument, result or failure detail.
///
/// Fields hold decoded bytes; base64 only exists on the wire. In JSON a payload is
/// `{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IkFsaWNlIg=="}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payload {
    /// Metadata such as `encoding`; keys are plain strings, values are bytes.
    pub metadata: BTreeMap<String, Vec<u8>>,
    /// The encoded value itself.
    pub data: Vec<u8>,
}

impl Payload {
    /// Encodes `value` as a `json/plain` payload, the way Temporal's default data converter does.
    ///
    /// Fails only when serde_json cannot represent the value (a map with non-string keys, say).
    pub fn encode_json<T: Serialize + ?Sized>(value: &T) -> Result<Self, PayloadError> {
        let data = serde_json::to_vec(value).map_err(PayloadError::Encode)?;
        let mut metadata = BTreeMap::new();
        metadata.insert(ENCODING_KEY.to_owned(), JSON_PLAIN.as_bytes().to_vec());
        Ok(Self { metadata, data })
    }

    /// Decodes a `json/plain` payload into `T`; a `binary/null` one (what Temporal's SDKs send
    /// for `None`/`nil`) reads as JSON `null`, so `Option<T>` gets `None` and `()` works.
    ///
    /// Any other `encoding` (or none at all) is refused before the data is looked at, so a
    /// `binary/plain` payload whose bytes happen to be valid JSON is still an error.
    pub fn decode_json<T: DeserializeOwned>(&self) -> Result<T, PayloadError> {
        if self.encoding() == Some(BINARY_NULL.as_bytes()) {
            return T::deserialize(serde_json::Value::Null).map_err(PayloadError::Decode);
        }
        if self.encoding() != Some(JSON_PLAIN.as_bytes()) {
            return Err(PayloadError::EncodingMismatch {
                expected: JSON_PLAIN,
                found: self
                    .encoding()
                    .map(|found| String::from_utf8_lossy(found).into_owned()),
            });
        }
        serde_json::from_slice(&self.data).map_err(PayloadError::Decode)
    }

    /// The raw value of the `encoding` metadata, if present.
    pub fn encoding(&self) -> Option<&[u8]> {
        self.metadata.get(ENCODING_KEY).map(Vec::as_slice)
    }
}

/// Decodes the value a list of payloads stands for, the way every result, signal and update
/// carries one: the first payload, or JSON `null` when there is none (so `()` and `Option<T>`
/// read "no value"). Later payloads are left to callers that ask for the payloads themselves.
pub(crate) fn decode_first<T: DeserializeOwned>(payloads: &[Payload]) -> Result<T, PayloadError> {
    match payloads.first() {
        Some(payload) => payload.decode_json(),
        None => T::deserialize(serde_json::Value::Null).map_err(PayloadError::Decode),
    }
}

/// Why a value could not be put into or taken out of a payload.
#[derive(Debug)]
pub enum PayloadError {
    /// The payload's `encoding` metadata is not the one the decoder understands.
    EncodingMismatch {
        /// The encoding the decoder wanted.
        expected: &'static str,
        /// The payload's encoding (lossily UTF-8 decoded), or `None` if it has none.
        found: Option<String>,
    },
    /// The data is not JSON, or not JSON of the requested shape.
    Decode(serde_json::Error),
    /// The value cannot be written as JSON.
    Encode(serde_json::Error),
    /// There is no payload where one was looked for.
    Missing {
        /// What was looked for, e.g. `failure detail`.
        what: &'static str,
        /// Its index.
        index: usize,
    },
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EncodingMismatch {
                expected,
                found: Some(found),
            } => {
                write!(
                    f,
                    "payload encoding is \"{found}\", expected \"{expected}\""
                )
            }
            Self::EncodingMismatch {
                expected,
                found: None,
            } => {
                write!(
                    f,
                    "payload has no \"{ENCODING_KEY}\" metadata, expected \"{expected}\""
                )
            }
            Self::Decode(err) => write!(f, "payload data does not decode: {err}"),
            Self::Encode(err) => write!(f, "value cannot be encoded as JSON: {err}"),
            Self::Missing { what, index } => write!(f, "there is no {what} {index}"),
        }
    }
}

impl std::error::Error for PayloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::EncodingMismatch { .. } | Self::Missing { .. } => None,
            Self::Decode(err) | Self::Encode(err) => Some(err),
        }
    }
}

/// The payload as it appears in the ABI's JSON, with base64 strings for bytes.
#[derive(Serialize, Deserialize)]
struct WirePayload {
    // Optional on the wire in the spec; always written by us.
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    data: String,
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Inserting one by one rather than `collect()`ing keeps a sort routine out of the bundle.
        let mut metadata = BTreeMap::new();
        for (key, value) in &self.metadata {
            metadata.insert(key.clone(), base64::encode(value));
        }
        WirePayload {
            metadata,
            data: base64::encode(&self.data),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WirePayload::deserialize(deserializer)?;
        let mut metadata = BTreeMap::new();
        for (key, value) in wire.metadata {
            let bytes = base64::decode(&value).map_err(|err| {
                D::Error::custom(format_args!("payload metadata \"{key}\": {err}"))
            })?;
            metadata.insert(key, bytes);
        }
        let data = base64::decode(&wire.data)
            .map_err(|err| D::Error::custom(format_args!("payload data: {err}")))?;
        Ok(Self { metadata, data })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Order {
        order_id: String,
        quantities: Vec<i64>,
    }

    #[test]
    fn json_payload_carries_json_plain_encoding() {
        let payload = Payload::encode_json("Alice").unwrap();
        assert_eq!(payload.encoding(), Some(b"json/plain".as_slice()));
        assert_eq!(payload.data, b"\"Alice\"");
    }

    #[test]
    fn json_payload_round_trips_a_struct() {
        let order = Order {
            order_id: "A-17".into(),
            quantities: vec![3, -1, i64::MAX],
        };
        let payload = Payload::encode_json(&order).unwrap();
        assert_eq!(payload.decode_json::<Order>().unwrap(), order);
    }

    #[test]
    fn json_payload_round_trips_escapes_and_non_ascii() {
        let text = "quote \" backslash \\ newline \n tab \t nul \0 é 日本 🎉";
        let payload = Payload::encode_json(text).unwrap();
        assert_eq!(payload.decode_json::<String>().unwrap(), text);
        // Non-ASCII stays raw UTF-8; only what JSON requires is escaped.
        assert_eq!(
            String::from_utf8(payload.data).unwrap(),
            r#""quote \" backslash \\ newline \n tab \t nul \u0000 é 日本 🎉""#
        );
    }

    #[test]
    fn decodes_unicode_escapes_including_surrogate_pairs() {
        let payload = Payload {
            data: br#""\u00e9\ud83c\udf89\/""#.to_vec(),
            ..Payload::encode_json(&()).unwrap()
        };
        assert_eq!(payload.decode_json::<String>().unwrap(), "é🎉/");
    }

    #[test]
    fn payload_serialises_to_the_abi_wire_form() {
        let payload = Payload::encode_json("Alice").unwrap();
        assert_eq!(
            serde_json::to_value(&payload).unwrap(),
            json!({"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IkFsaWNlIg=="})
        );
    }

    #[test]
    fn payload_deserialises_from_the_abi_wire_form() {
        let payload: Payload = serde_json::from_str(
            r#"{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IkFsaWNlIg=="}"#,
        )
        .unwrap();
        assert_eq!(payload, Payload::encode_json("Alice").unwrap());
    }

    #[test]
    fn payload_without_metadata_or_with_empty_data_deserialises() {
        let payload: Payload = serde_json::from_str(r#"{"data": ""}"#).unwrap();
        assert_eq!(payload, Payload::default());
    }

    #[test]
    fn payload_with_binary_data_round_trips_through_json() {
        let payload = Payload {
            metadata: BTreeMap::from([
                ("encoding".into(), b"binary/plain".to_vec()),
                ("x".into(), vec![0xff, 0]),
            ]),
            data: (0..=255).collect(),
        };
        let json = serde_json::to_string(&payload).unwrap();
        assert_eq!(serde_json::from_str::<Payload>(&json).unwrap(), payload);
    }

    #[test]
    fn invalid_base64_in_data_is_an_error_naming_the_field() {
        let err = serde_json::from_str::<Payload>(r#"{"metadata": {}, "data": "Zg"}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("payload data: invalid base64: length 2"),
            "{err}"
        );
    }

    #[test]
    fn invalid_base64_in_metadata_is_an_error_naming_the_key() {
        let err =
            serde_json::from_str::<Payload>(r#"{"metadata": {"encoding": "@@@@"}, "data": ""}"#)
                .unwrap_err();
        assert!(
            err.to_string()
                .starts_with(r#"payload metadata "encoding": invalid base64"#),
            "{err}"
        );
    }

    #[test]
    fn missing_data_is_an_error() {
        assert!(serde_json::from_str::<Payload>(r#"{"metadata": {}}"#).is_err());
    }

    #[test]
    fn decoding_another_encoding_is_a_mismatch_even_if_the_data_is_json() {
        let payload = Payload {
            metadata: BTreeMap::from([(ENCODING_KEY.into(), b"binary/plain".to_vec())]),
            data: b"\"Alice\"".to_vec(),
        };
        let err = payload.decode_json::<String>().unwrap_err();
        assert!(matches!(
            &err,
            PayloadError::EncodingMismatch { expected: "json/plain", found: Some(found) } if found == "binary/plain"
        ));
        assert_eq!(
            err.to_string(),
            r#"payload encoding is "binary/plain", expected "json/plain""#
        );
    }

    #[test]
    fn binary_null_reads_as_json_null() {
        let payload = Payload {
            metadata: BTreeMap::from([(ENCODING_KEY.into(), BINARY_NULL.as_bytes().to_vec())]),
            data: Vec::new(),
        };
        assert_eq!(payload.decode_json::<Option<String>>().unwrap(), None);
        payload.decode_json::<()>().unwrap();
        assert_eq!(
            payload.decode_json::<serde_json::Value>().unwrap(),
            serde_json::Value::Null
        );
        assert!(matches!(
            payload.decode_json::<String>(),
            Err(PayloadError::Decode(_))
        ));
    }

    #[test]
    fn decoding_without_encoding_metadata_is_a_mismatch() {
        let payload = Payload {
            metadata: BTreeMap::new(),
            data: b"1".to_vec(),
        };
        let err = payload.decode_json::<i64>().unwrap_err();
        assert!(matches!(
            err,
            PayloadError::EncodingMismatch { found: None, .. }
        ));
        assert_eq!(
            err.to_string(),
            r#"payload has no "encoding" metadata, expected "json/plain""#
        );
    }

    #[test]
    fn decoding_json_of_the_wrong_shape_says_what_was_expected() {
        let payload = Payload::encode_json(&42).unwrap();
        let err = payload.decode_json::<String>().unwrap_err();
        assert!(matches!(err, PayloadError::Decode(_)));
        assert_eq!(
            err.to_string(),
            "payload data does not decode: invalid type: integer `42`, expected a string at line 1 column 2"
        );
    }

    #[test]
    fn decoding_malformed_json_is_a_decode_error() {
        let payload = Payload {
            data: b"{\"a\": ".to_vec(),
            ..Payload::encode_json(&()).unwrap()
        };
        assert!(matches!(
            payload.decode_json::<serde_json::Value>(),
            Err(PayloadError::Decode(_))
        ));
    }

    #[test]
    fn encoding_a_map_with_non_string_keys_is_an_encode_error() {
        let value = BTreeMap::from([(vec![1], 2)]);
        assert!(matches!(
            Payload::encode_json(&value),
            Err(PayloadError::Encode(_))
        ));
    }
}
