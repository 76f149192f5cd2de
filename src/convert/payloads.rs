//! Payloads between proto and ABI form, and the workflow result a guest completes with.

use std::collections::HashMap;

use temporalio_common::protos::temporal::api::common::v1::Payload;

use crate::abi::{self, TooManyResultPayloads};

/// Moves a proto payload into its ABI form (no byte copies; base64 happens at serialisation).
pub fn payload_to_abi(payload: Payload) -> abi::Payload {
    abi::Payload {
        metadata: payload
            .metadata
            .into_iter()
            .map(|(key, value)| (key, abi::Base64Bytes(value)))
            .collect(),
        data: abi::Base64Bytes(payload.data),
    }
}

/// The payload Temporal's SDKs send for "no value" (`binary/null`), where a payload is required.
pub fn null_payload() -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"binary/null".to_vec())]),
        ..Default::default()
    }
}

/// Moves an ABI payload into its proto form.
pub fn payload_from_abi(payload: abi::Payload) -> Payload {
    Payload {
        metadata: payload
            .metadata
            .into_iter()
            .map(|(key, value)| (key, value.0))
            .collect::<HashMap<_, _>>(),
        data: payload.data.0,
        ..Default::default()
    }
}

/// Turns the payloads passed to `complete` into `CompleteWorkflowExecution.result`.
///
/// Temporal's core SDK carries one result payload, so `[]` means no result and `[p]` means `p`.
pub fn result_from_abi(
    mut payloads: Vec<abi::Payload>,
) -> Result<Option<Payload>, TooManyResultPayloads> {
    match payloads.len() {
        0 => Ok(None),
        1 => Ok(payloads.pop().map(payload_from_abi)),
        count => Err(TooManyResultPayloads { count }),
    }
}
