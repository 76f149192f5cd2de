//! The ABI's `payload` type, as guests read and write it.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::abi::Base64Bytes;

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

pub(crate) use object_only_serde;

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
