//! The calls that end the run: `complete`, `complete_with_failure`, `continue_as_new` and
//! `complete_as_cancelled`.
//!
//! Each records the [`Ending`] for the report; the SDK then unwinds out of the workflow
//! function, as the worker never returns from them.

use serde_json::{Value, json};

use super::TestHost;
use super::report::Ending;
use super::state::parse;
use crate::payload::Payload;

/// `complete` with the result payloads.
pub(super) fn complete(host: &mut TestHost, json: &[u8]) {
    let payloads = serde_json::from_slice(json)
        .unwrap_or_else(|err| panic!("guest bug: `complete` JSON: {err}"));
    host.end("complete", Ending::Completed(payloads));
}

/// `complete_with_failure` with the workflow's failure.
pub(super) fn complete_with_failure(host: &mut TestHost, json: &[u8]) {
    let failure = serde_json::from_slice(json)
        .unwrap_or_else(|err| panic!("guest bug: `complete_with_failure` JSON: {err}"));
    host.end("complete_with_failure", Ending::Failed(failure));
}

/// `continue_as_new`; empty JSON continues with no options.
pub(super) fn continue_as_new(host: &mut TestHost, json: &[u8]) {
    let value = if json.is_empty() {
        Value::Null
    } else {
        parse("continue_as_new", json)
    };
    host.end("continue_as_new", Ending::ContinuedAsNew(value));
}

/// `complete_as_cancelled`, which only a workflow whose cancellation was requested may call.
pub(super) fn complete_as_cancelled(host: &mut TestHost, json: &[u8]) {
    assert!(
        host.cancel_requested,
        "guest bug: `complete_as_cancelled`, but the workflow's cancellation was not \
         requested (wait on the cancellation channel first)"
    );
    let details = if json.is_empty() {
        Vec::new()
    } else {
        #[derive(serde::Deserialize)]
        struct Details {
            #[serde(default)]
            details: Vec<Payload>,
        }
        serde_json::from_slice::<Details>(json)
            .unwrap_or_else(|err| panic!("guest bug: `complete_as_cancelled` JSON: {err}"))
            .details
    };
    host.end("complete_as_cancelled", Ending::Cancelled(details));
}

impl TestHost {
    /// Records the ending call and how the run ended; a second ending is a guest bug.
    fn end(&mut self, call: &'static str, ending: Ending) {
        assert!(
            self.ending.is_none(),
            "guest bug: `{call}` after the run ended"
        );
        let json = match &ending {
            Ending::Completed(payloads) => json!(payloads),
            Ending::Failed(failure) => json!(failure),
            Ending::Cancelled(details) => json!({ "details": details }),
            Ending::ContinuedAsNew(options) => options.clone(),
        };
        self.record(call, None, json, None);
        self.ending = Some(ending);
    }
}
