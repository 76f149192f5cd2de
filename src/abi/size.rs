//! How much smaller a call is in a workflow task completion than in the guest's JSON: payload
//! bytes travel as base64 text in the ABI and as raw bytes in the protobuf, so a completion's
//! size can be estimated from the lengths of the guest's requests without encoding anything.

use std::collections::BTreeMap;

use super::{Call, Failure, Payload, UpdateAnswer};

impl Call {
    /// The bytes by which this call's payloads are shorter raw than as base64 text.
    pub fn base64_overhead(&self) -> usize {
        match self {
            Call::StartActivity { options, .. } => payloads(&options.args),
            Call::StartChildWorkflow { options, .. } => {
                payloads(&options.args) + options.memo.as_ref().map_or(0, memo)
            }
            Call::SignalExternal { request, .. } => payloads(&request.args),
            Call::UpsertMemo(entries) => entries.values().flatten().map(payload).sum(),
            Call::RespondUpdate { answer, .. } => match answer {
                UpdateAnswer::Completed(answer) => payloads(answer),
                UpdateAnswer::Failed(failure) | UpdateAnswer::Rejected(failure) => {
                    failure_overhead(failure)
                }
            },
            _ => 0,
        }
    }
}

fn payloads(payloads: &[Payload]) -> usize {
    payloads.iter().map(payload).sum()
}

fn memo(entries: &BTreeMap<String, Payload>) -> usize {
    entries.values().map(payload).sum()
}

fn payload(payload: &Payload) -> usize {
    overhead(payload.data.0.len())
        + payload
            .metadata
            .values()
            .map(|value| overhead(value.0.len()))
            .sum::<usize>()
}

fn failure_overhead(failure: &Failure) -> usize {
    failure.details.as_deref().map_or(0, payloads)
        + failure.cause.as_deref().map_or(0, failure_overhead)
}

/// Base64 text (padded) minus raw bytes, for `raw` bytes.
fn overhead(raw: usize) -> usize {
    raw.div_ceil(3) * 4 - raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Base64Bytes;

    #[test]
    fn base64_text_is_four_thirds_of_the_raw_bytes_padded() {
        assert_eq!(overhead(0), 0);
        assert_eq!(overhead(1), 3);
        assert_eq!(overhead(3), 1);
        assert_eq!(overhead(3 << 20), 1 << 20);
    }

    #[test]
    fn a_memo_upsert_counts_data_and_metadata_of_every_value() {
        let value = Payload {
            metadata: BTreeMap::from([("encoding".to_owned(), Base64Bytes(vec![0; 9]))]),
            data: Base64Bytes(vec![0; 30]),
        };
        let call = Call::UpsertMemo(BTreeMap::from([
            ("a".to_owned(), Some(value)),
            ("gone".to_owned(), None),
        ]));
        assert_eq!(call.base64_overhead(), 3 + 10);
    }
}
