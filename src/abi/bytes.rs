//! The ABI's `bytes` type: raw bytes as standard, padded base64 text.

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
