//! The report of a run: [`TestRun`], what [`TestHost::run`](super::TestHost::run) gives back for
//! a test to assert on — how the run ended, every call it made, what it published and what
//! became of each update.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::payload::{Payload, decode_first};
use crate::{Failure, Level};

/// What became of an update.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateVerdict {
    /// Rejected, by the validator or for want of a channel.
    Rejected(Failure),
    /// Accepted; not answered when the run ended.
    Accepted,
    /// Accepted and completed with this value (`None`: no value).
    Completed(Option<Payload>),
    /// Accepted and failed.
    Failed(Failure),
}

/// One update's fate, in [`TestRun::updates`].
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateOutcome {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What became of it.
    pub verdict: UpdateVerdict,
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// `complete` with these payloads.
    Completed(Vec<Payload>),
    /// `complete_with_failure`.
    Failed(Failure),
    /// `complete_as_cancelled` with these details, or a cancellation the workflow never heard.
    Cancelled(Vec<Payload>),
    /// `continue_as_new` with these options (`null`: none).
    ContinuedAsNew(Value),
}

/// A call the workflow made, in [`TestRun::calls`]. Reads (`is_ready`, `take_result`, `now`,
/// `random`, `log_level`, …) and logs are not listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The import, e.g. `start_activity`.
    pub name: &'static str,
    /// The name or id it was given, for `signal_channel`, `update_channel`, `respond_update`,
    /// `set_query_result`, `patched`.
    pub key: Option<String>,
    /// Its JSON (text calls: a string; `wait`: the handles; `cancel`: the handle).
    pub json: Value,
    /// The handle it returned, for calls that return one.
    pub handle: Option<u32>,
}

/// What a run did, from [`TestHost::run`](super::TestHost::run).
#[derive(Debug)]
pub struct TestRun {
    /// How it ended.
    pub ending: Ending,
    /// Every call it made, in order.
    pub calls: Vec<Call>,
    /// Its log lines.
    pub logs: Vec<(Level, String)>,
    /// The last answer published per query name (`None`: "no value").
    pub queries: BTreeMap<String, Option<Payload>>,
    /// The last current details set.
    pub current_details: Option<String>,
    /// Every update that arrived, in order of arrival.
    pub updates: Vec<UpdateOutcome>,
    /// The clock when it ended, ms since the epoch.
    pub now_millis: i64,
    /// How many activations it took.
    pub activations: u32,
}

impl TestRun {
    /// The completed result decoded; panics if the run did not complete or it does not decode.
    pub fn result<T: DeserializeOwned>(&self) -> T {
        match &self.ending {
            Ending::Completed(payloads) => decode_first(payloads)
                .unwrap_or_else(|err| panic!("the result does not decode: {err}")),
            other => panic!("the run did not complete: {other:?}"),
        }
    }

    /// The failure the run failed with; panics if it did not fail.
    pub fn failure(&self) -> &Failure {
        match &self.ending {
            Ending::Failed(failure) => failure,
            other => panic!("the run did not fail: {other:?}"),
        }
    }

    /// The JSON of every call to `name`, in order.
    pub fn calls_to(&self, name: &str) -> Vec<&Value> {
        (self.calls.iter())
            .filter(|call| call.name == name)
            .map(|call| &call.json)
            .collect()
    }

    /// The activity types started, in order.
    pub fn activities(&self) -> Vec<&str> {
        (self.calls_to("start_activity").into_iter())
            .filter_map(|json| json["activity_type"].as_str())
            .collect()
    }

    /// The last answer published to query `name`, decoded; panics if there is none.
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> T {
        let answer = (self.queries.get(name))
            .unwrap_or_else(|| panic!("query `{name}` was never published"));
        decode_first(answer.as_slice()).unwrap_or_else(|err| panic!("query `{name}`: {err}"))
    }
}
