//! The typed workflow failure, serialised exactly as the ABI's `failure` JSON.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::payload::{Payload, PayloadError};

/// Why a workflow failed: becomes a Temporal `ApplicationFailure` on the workflow's history.
///
/// Every field is optional on the wire; absent fields (and `non_retryable: false`, `details: []`)
/// are omitted from the JSON. Built step by step:
///
/// ```
/// use temporal_wasm_sdk::Failure;
///
/// # fn main() -> Result<(), temporal_wasm_sdk::PayloadError> {
/// let failure = Failure::new("invalid order: order has no items")
///     .with_type("InvalidOrder")
///     .non_retryable()
///     .with_details(&["order has no items"])?
///     .with_cause(Failure::new("rejected by validation"));
/// assert_eq!(failure.failure_type.as_deref(), Some("InvalidOrder"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Failure {
    /// Human-readable description, shown by the Temporal UI and CLI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The application's name for this kind of failure (`ApplicationFailure.type`), e.g.
    /// `InvalidOrder`; a retry policy can list types that are not retried.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// When set, no retry policy retries the workflow after this failure.
    #[serde(skip_serializing_if = "is_false")]
    pub non_retryable: bool,
    /// Structured data for whoever handles the failure, one payload per value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Payload>,
    /// The failure that led to this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Failure {
    /// A retryable failure with this message and nothing else.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// Sets the failure type (`ApplicationFailure.type`).
    pub fn with_type(mut self, failure_type: impl Into<String>) -> Self {
        self.failure_type = Some(failure_type.into());
        self
    }

    /// Marks the failure as not retryable, whatever the workflow's retry policy says.
    pub fn non_retryable(mut self) -> Self {
        self.non_retryable = true;
        self
    }

    /// Appends `value` to the details as a `json/plain` payload.
    pub fn with_details<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, PayloadError> {
        self.details.push(Payload::encode_json(value)?);
        Ok(self)
    }

    /// Appends an already-encoded payload to the details.
    pub fn with_detail_payload(mut self, payload: Payload) -> Self {
        self.details.push(payload);
        self
    }

    /// Sets the failure that caused this one.
    pub fn with_cause(mut self, cause: Failure) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// The ABI's `failure` JSON for this failure.
    pub fn to_json(&self) -> Vec<u8> {
        // Only strings, booleans and already-encoded payloads: serialising cannot fail.
        serde_json::to_vec(self).expect("a Failure always serialises")
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.failure_type, &self.message) {
            (Some(failure_type), Some(message)) => write!(f, "{failure_type}: {message}"),
            (Some(only), None) | (None, Some(only)) => f.write_str(only),
            (None, None) => f.write_str("workflow failed"),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|cause| cause as _)
    }
}

/// Lets `?` turn a payload error into a failure: a non-retryable `PayloadError`, since running the
/// same code on the same data again gives the same error.
impl From<PayloadError> for Failure {
    fn from(err: PayloadError) -> Self {
        Failure::new(err.to_string())
            .with_type("PayloadError")
            .non_retryable()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn json_of(failure: &Failure) -> Value {
        serde_json::from_slice(&failure.to_json()).unwrap()
    }

    #[test]
    fn message_only_failure_omits_every_other_field() {
        assert_eq!(json_of(&Failure::new("boom")), json!({"message": "boom"}));
    }

    #[test]
    fn default_failure_is_an_empty_object() {
        assert_eq!(Failure::default().to_json(), b"{}");
    }

    #[test]
    fn builder_sets_type_and_non_retryable() {
        let failure = Failure::new("greet expects a JSON string name")
            .with_type("InvalidInput")
            .non_retryable();
        assert_eq!(
            json_of(&failure),
            json!({"message": "greet expects a JSON string name", "type": "InvalidInput", "non_retryable": true})
        );
    }

    #[test]
    fn details_are_json_plain_payloads_in_order() {
        let failure = Failure::new("bad")
            .with_details(&json!({"order_id": null, "problems": ["order has no items"]}))
            .unwrap()
            .with_details("second")
            .unwrap();
        let json = json_of(&failure);
        let details = json["details"].as_array().unwrap();
        assert_eq!(details.len(), 2);
        assert_eq!(
            details[0]["metadata"],
            json!({"encoding": "anNvbi9wbGFpbg=="})
        );
        let first: Value = failure.details[0].decode_json().unwrap();
        assert_eq!(
            first,
            json!({"order_id": null, "problems": ["order has no items"]})
        );
        assert_eq!(details[1]["data"], "InNlY29uZCI="); // base64 of "second" with quotes
    }

    #[test]
    fn nested_causes_serialise_recursively() {
        let failure = Failure::new("outer")
            .with_type("Outer")
            .with_cause(Failure::new("middle").with_cause(Failure::new("inner").non_retryable()));
        assert_eq!(
            json_of(&failure),
            json!({
                "message": "outer",
                "type": "Outer",
                "cause": {"message": "middle", "cause": {"message": "inner", "non_retryable": true}}
            })
        );
    }

    #[test]
    fn failure_json_round_trips() {
        let failure = Failure::new("outer")
            .with_type("T")
            .non_retryable()
            .with_details(&[1, 2])
            .unwrap()
            .with_cause(Failure::new("inner").with_detail_payload(Payload::default()));
        assert_eq!(
            serde_json::from_slice::<Failure>(&failure.to_json()).unwrap(),
            failure
        );
    }

    #[test]
    fn display_shows_type_and_message_and_source_is_the_cause() {
        let failure = Failure::new("outer")
            .with_type("Outer")
            .with_cause(Failure::new("inner"));
        assert_eq!(failure.to_string(), "Outer: outer");
        let source = std::error::Error::source(&failure).unwrap();
        assert_eq!(source.to_string(), "inner");
    }

    #[test]
    fn payload_error_becomes_a_non_retryable_payload_error_failure() {
        let err = Payload::default().decode_json::<String>().unwrap_err();
        let failure = Failure::from(err);
        assert_eq!(failure.failure_type.as_deref(), Some("PayloadError"));
        assert!(failure.non_retryable);
        assert_eq!(
            failure.message.as_deref(),
            Some(r#"payload has no "encoding" metadata, expected "json/plain""#)
        );
    }
}
