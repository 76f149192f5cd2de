//! What Temporal resolved a handle with, as the result JSON the guest takes.

use temporalio_common::protos::coresdk::activity_result::{
    ActivityResolution, activity_resolution::Status,
};

use crate::abi::{self, Resolution};
use crate::convert::{failure_to_abi, payload_to_abi};

/// A timer fired.
pub fn timer_fired() -> Resolution {
    Resolution::Completed(Vec::new())
}

/// An activity resolved: its result, or its failure or cancellation with everything Temporal
/// reported.
pub fn activity_resolution(resolution: Option<ActivityResolution>) -> Resolution {
    match resolution.and_then(|resolution| resolution.status) {
        Some(Status::Completed(success)) => {
            Resolution::Completed(success.result.map(payload_to_abi).into_iter().collect())
        }
        Some(Status::Failed(failed)) => Resolution::Failed(
            failed
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing("failed without a failure")),
        ),
        Some(Status::Cancelled(cancelled)) => Resolution::Cancelled(
            cancelled
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing("was cancelled without a failure")),
        ),
        // Only local activities back off, and this worker schedules none.
        Some(Status::Backoff(_)) => {
            Resolution::Failed(missing("asked for a local-activity backoff"))
        }
        None => Resolution::Failed(missing("resolved without a status")),
    }
}

fn missing(what: &str) -> abi::Failure {
    abi::Failure {
        message: Some(format!("the activity {what}")),
        source: Some(abi::FAILURE_SOURCE.to_owned()),
        ..Default::default()
    }
}
