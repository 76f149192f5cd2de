//! Search attributes and memo: `upsert_search_attributes` and `upsert_memo`, the workflow's
//! properties that Temporal shows and indexes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};

/// The JSON object `fields` serialises to; a value that is not an object is a bug.
fn object<T: Serialize + ?Sized>(
    what: &str,
    fields: &T,
) -> Result<serde_json::Map<String, serde_json::Value>, PayloadError> {
    match serde_json::to_value(fields).map_err(PayloadError::Encode)? {
        serde_json::Value::Object(map) => Ok(map),
        other => panic!("{what} must be a JSON object of fields, not {other}"),
    }
}

/// Search attributes: indexed fields that list filters (`temporal workflow list --query`) match
/// on. An attribute must be registered with the namespace first (`temporal operator
/// search-attribute create`); its registered type decides how the JSON value is read.
pub mod search_attributes {
    use super::*;

    /// Sets the fields of `attributes` (anything that serialises to a JSON object); a `null`
    /// field removes that attribute.
    ///
    /// ```no_run
    /// # use temporal_wasm_sdk::{Failure, search_attributes};
    /// # fn f() -> Result<(), Failure> {
    /// search_attributes::upsert(&serde_json::json!({"CustomKeywordField": "shipped", "Obsolete": null}))?;
    /// # Ok(()) }
    /// ```
    pub fn upsert<T: Serialize + ?Sized>(attributes: &T) -> Result<(), PayloadError> {
        let map = object("search attributes", attributes)?;
        let json = serde_json::to_vec(&map).expect("a JSON object always serialises");
        host::call(|host| host.upsert_search_attributes(&json));
        Ok(())
    }
}

/// Memo: unindexed fields shown with the workflow (`temporal workflow describe`).
pub mod memo {
    use super::*;

    /// Sets each field of `fields` (anything that serialises to a JSON object) as a
    /// `json/plain` payload; a `null` field removes that key.
    ///
    /// ```no_run
    /// # use temporal_wasm_sdk::{Failure, memo};
    /// # fn f() -> Result<(), Failure> {
    /// memo::upsert(&serde_json::json!({"note": "gift wrap", "old_note": null}))?;
    /// # Ok(()) }
    /// ```
    pub fn upsert<T: Serialize + ?Sized>(fields: &T) -> Result<(), PayloadError> {
        let mut payloads = BTreeMap::new();
        for (key, value) in object("memo", fields)? {
            let payload = match value {
                serde_json::Value::Null => None,
                value => Some(Payload::encode_json(&value)?),
            };
            payloads.insert(key, payload);
        }
        upsert_payloads(&payloads);
        Ok(())
    }

    /// Sets memo keys to already-encoded payloads; `None` removes a key.
    pub fn upsert_payloads(fields: &BTreeMap<String, Option<Payload>>) {
        let json = serde_json::to_vec(fields).expect("payloads always serialise");
        host::call(|host| host.upsert_memo(&json));
    }
}
