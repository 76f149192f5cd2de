//! Reading a workflow history from the JSON the Temporal CLI (`temporal workflow show -o json`)
//! and the Web UI's download write: protojson (camelCase keys, int64s as strings, enums by name),
//! read through the descriptor set of the protos this worker is built with, so every event and
//! attribute type Temporal defines is understood without a hand-written mirror.
//!
//! Two liberties real files take are accepted: keys this build's protos do not know (newer
//! servers add fields) are skipped, and enum values may be written short, as some UI versions do
//! (`"eventType": "WorkflowExecutionStarted"` for `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`).

use std::sync::OnceLock;

use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, EnumDescriptor, Kind, MessageDescriptor,
};
use serde_json::Value;
use temporalio_common::protos::temporal::api::history::v1::History;

/// The descriptor set of Temporal's protos, as the protos crate compiled them.
static DESCRIPTORS: &[u8] = include_bytes!(env!("TEMPORAL_PROTO_DESCRIPTORS"));

/// The full name of the history message.
const HISTORY_MESSAGE: &str = "temporal.api.history.v1.History";

/// A history file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryJsonError {
    /// Not JSON at all.
    #[error("is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not a history.
    #[error("is not a workflow history in Temporal's JSON form: {0}")]
    NotHistory(String),
    /// A history without events.
    #[error("has no events")]
    Empty,
}

/// Reads a history from its JSON text: an object with `events`, or a bare array of events.
pub fn history_from_json(text: &[u8]) -> Result<History, HistoryJsonError> {
    let mut value: Value =
        serde_json::from_slice(text).map_err(|err| HistoryJsonError::NotJson(err.to_string()))?;
    if value.is_array() {
        value = serde_json::json!({ "events": value });
    }
    let descriptor = history_descriptor().map_err(HistoryJsonError::NotHistory)?;
    normalize_enums(&mut value, &descriptor);
    let options = DeserializeOptions::new().deny_unknown_fields(false);
    let message = DynamicMessage::deserialize_with_options(descriptor, value, &options)
        .map_err(|err| HistoryJsonError::NotHistory(err.to_string()))?;
    let history = History::decode(message.encode_to_vec().as_slice())
        .map_err(|err| HistoryJsonError::NotHistory(err.to_string()))?;
    if history.events.is_empty() {
        return Err(HistoryJsonError::Empty);
    }
    Ok(history)
}

/// The history message's descriptor, decoded once.
fn history_descriptor() -> Result<MessageDescriptor, String> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    let pool = POOL
        .get_or_init(|| DescriptorPool::decode(DESCRIPTORS).map_err(|err| err.to_string()))
        .as_ref()
        .map_err(|err| format!("the built-in protos cannot be read: {err}"))?;
    pool.get_message_by_name(HISTORY_MESSAGE)
        .ok_or_else(|| format!("the built-in protos lack {HISTORY_MESSAGE}"))
}

/// Rewrites short enum names (`WorkflowExecutionStarted`) to the names protojson requires
/// (`EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`), walking `value` as the message `descriptor`.
fn normalize_enums(value: &mut Value, descriptor: &MessageDescriptor) {
    let Value::Object(fields) = value else {
        return;
    };
    for (key, field_value) in fields.iter_mut() {
        let Some(field) = descriptor
            .get_field_by_json_name(key)
            .or_else(|| descriptor.get_field_by_name(key))
        else {
            continue;
        };
        let kind = if field.is_map() {
            match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other,
            }
        } else {
            field.kind()
        };
        let items: Vec<&mut Value> = match field_value {
            Value::Array(items) if field.is_list() => items.iter_mut().collect(),
            Value::Object(entries) if field.is_map() => entries.values_mut().collect(),
            single => vec![single],
        };
        for item in items {
            match &kind {
                Kind::Message(message) => normalize_enums(item, message),
                Kind::Enum(enumeration) => normalize_enum_value(item, enumeration),
                _ => {}
            }
        }
    }
}

/// `value` as one of `enumeration`'s names when it is written short.
fn normalize_enum_value(value: &mut Value, enumeration: &EnumDescriptor) {
    let Value::String(name) = value else {
        return;
    };
    if enumeration.get_value_by_name(name).is_some() {
        return;
    }
    let suffix = format!("_{}", screaming_snake(name));
    if let Some(full) = enumeration
        .values()
        .find(|candidate| candidate.name().ends_with(&suffix))
    {
        *name = full.name().to_owned();
    }
}

/// `WorkflowExecutionStarted` → `WORKFLOW_EXECUTION_STARTED`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (index, character) in name.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.extend(character.to_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_enum_names_are_rewritten_to_protojson_names() {
        assert_eq!(
            screaming_snake("WorkflowExecutionStarted"),
            "WORKFLOW_EXECUTION_STARTED"
        );
        let short = br#"[{"eventId": "1", "eventType": "WorkflowExecutionStarted",
            "workflowExecutionStartedEventAttributes": {"workflowType": {"name": "Greet"},
            "originalExecutionRunId": "r1"}}]"#;
        let history = history_from_json(short).expect("reads");
        assert_eq!(history.events[0].event_id, 1);
        assert_eq!(history.events[0].event_type, 1);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert!(matches!(
            history_from_json(b"{"),
            Err(HistoryJsonError::NotJson(_))
        ));
        assert!(matches!(
            history_from_json(br#"{"events": []}"#),
            Err(HistoryJsonError::Empty)
        ));
        let wrong = history_from_json(br#"{"events": [{"eventId": "x"}]}"#).unwrap_err();
        assert!(matches!(wrong, HistoryJsonError::NotHistory(_)), "{wrong}");
    }
}
