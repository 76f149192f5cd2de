//! How a guest ended its run: the decoded input of the calls that end it (`complete`,
//! `complete_with_failure`, `continue_as_new`, `complete_as_cancelled`).

use crate::abi::{ContinueAsNewRequest, Failure, Payload};

/// How a guest ended its workflow, in ABI terms (`convert` maps it to a command).
#[derive(Debug, Clone, PartialEq)]
pub enum GuestOutcome {
    /// `complete`, with the payloads it was given.
    Completed(Vec<Payload>),
    /// `complete_with_failure`; `None` when called with length 0.
    Failed(Option<Box<Failure>>),
    /// `continue_as_new`, with what the next run starts with.
    ContinuedAsNew(Box<ContinueAsNewRequest>),
    /// `complete_as_cancelled`, with its details.
    Cancelled(Vec<Payload>),
}
