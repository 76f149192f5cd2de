//! Handles and waiting: [`Waitable`], [`select`], [`select_timeout`], and how a handle's result
//! JSON becomes a Rust value or an [`Error`].
//!
//! Every command (timer, activity, child…) and every channel is a handle. Waiting is ABI v1's
//! `wait`: the first ready handle of a set, in the order given, parking the instance until one
//! is. The SDK adds the handles of the open update channels to every set it waits on, so each
//! update is validated in the activation it arrives in, whatever the workflow is waiting for
//! (see [`UpdateChannel`](crate::UpdateChannel)).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError, decode_first};
use crate::{Failure, Timer, update};

/// Something [`select`] can wait on: a pending command or a channel, by its ABI handle.
pub trait Waitable {
    /// The ABI handle: a number from 1, unique within the run.
    fn handle(&self) -> u32;

    /// Whether it is ready now (a result to take, an item in the channel); never blocks.
    fn is_ready(&self) -> bool {
        is_ready(self.handle())
    }
}

/// Blocks until one of `items` is ready and returns its index: the first ready one, in the
/// order given.
///
/// ```no_run
/// # use std::time::Duration;
/// # use temporal_wasm_sdk::{SignalChannel, Timer, select, workflow};
/// let approve = SignalChannel::<String>::new("approve");
/// let timeout = Timer::start(Duration::from_secs(3600));
/// let cancelled = workflow::cancellation();
/// match select(&[&approve, &timeout, &cancelled]) {
///     0 => { /* approve.receive() will not block */ }
///     1 => { /* an hour passed */ }
///     _ => { /* the workflow is being cancelled */ }
/// }
/// ```
///
/// Nothing is taken: call the ready item's own method (`receive`, `result`…) next. An empty
/// `items` is a bug and panics, since the ABI has no way to wait on nothing.
pub fn select(items: &[&dyn Waitable]) -> usize {
    let handles: Vec<u32> = items.iter().map(|item| item.handle()).collect();
    let ready = wait_any(&handles);
    handles
        .iter()
        .position(|&handle| handle == ready)
        .expect("wait returns one of the handles it was given")
}

/// [`select`] with a timeout: `None` if `timeout` passed first (a durable timer, cancelled when
/// something else is ready first).
pub fn select_timeout(items: &[&dyn Waitable], timeout: Duration) -> Option<usize> {
    let timer = Timer::start(timeout);
    let mut handles: Vec<u32> = items.iter().map(|item| item.handle()).collect();
    handles.push(timer.handle());
    let ready = wait_any(&handles);
    match handles.iter().position(|&handle| handle == ready) {
        Some(index) if index < items.len() => {
            timer.cancel_and_discard();
            Some(index)
        }
        _ => {
            timer.discard();
            None
        }
    }
}

/// `wait` with the open update channels added, so that their updates are validated in the
/// activation they arrive in; returns the first ready handle of `handles`.
pub(crate) fn wait_any(handles: &[u32]) -> u32 {
    assert!(
        !handles.is_empty(),
        "select needs at least one thing to wait on"
    );
    loop {
        // Updates already validated and waiting in the SDK are ready without asking the worker.
        if let Some(&handle) = handles.iter().find(|&&handle| update::has_accepted(handle)) {
            return handle;
        }
        let channels = update::open_channels();
        let ready = if channels.iter().all(|channel| handles.contains(channel)) {
            host::call(|host| host.wait(handles))
        } else {
            let mut set = handles.to_vec();
            set.extend(channels.iter().filter(|channel| !handles.contains(channel)));
            host::call(|host| host.wait(&set))
        };
        if !update::is_channel(ready) {
            return ready;
        }
        update::validate_arrivals(ready);
        if handles.contains(&ready) && update::has_accepted(ready) {
            return ready;
        }
    }
}

/// `is_ready`, counting updates the SDK holds as ready.
pub(crate) fn is_ready(handle: u32) -> bool {
    if update::is_channel(handle) {
        update::validate_arrivals(handle);
        return update::has_accepted(handle);
    }
    host::call(|host| host.is_ready(handle))
}

/// Waits for `handle` alone, then takes its result JSON.
pub(crate) fn wait_and_take(handle: u32) -> Vec<u8> {
    wait_any(&[handle]);
    take(handle)
}

/// Takes the result of the ready `handle`.
pub(crate) fn take(handle: u32) -> Vec<u8> {
    host::call(|host| host.take_result(handle))
}

/// Parses JSON the worker wrote. JSON that does not parse is a worker bug, not something a
/// workflow could handle, so it panics (the task fails and is retried).
pub(crate) fn parse_host_json<T: DeserializeOwned>(what: &str, json: &[u8]) -> T {
    serde_json::from_slice(json)
        .unwrap_or_else(|err| panic!("the worker sent malformed {what} JSON: {err}"))
}

/// What a timer, activity, HTTP activity, child workflow or external call resolved with.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// `{"completed": [payload…]}`.
    Completed(Vec<Payload>),
    /// `{"failed": failure}`.
    Failed(Failure),
    /// `{"cancelled": failure}`.
    Cancelled(Failure),
}

impl Outcome {
    /// Parses a result JSON.
    pub(crate) fn parse(json: &[u8]) -> Outcome {
        parse_host_json("result", json)
    }

    /// Waits for `handle`, takes and parses its result.
    pub(crate) fn of(handle: u32) -> Outcome {
        let json = wait_and_take(handle);
        Outcome::parse(&json)
    }

    /// The completed payloads, or the failure as an [`Error`].
    pub(crate) fn into_payloads(self) -> Result<Vec<Payload>, Error> {
        match self {
            Outcome::Completed(payloads) => Ok(payloads),
            Outcome::Failed(failure) => Err(Error::Failed(failure)),
            Outcome::Cancelled(failure) => Err(Error::Cancelled(failure)),
        }
    }

    /// The completed value decoded as `T` (from the first payload; JSON `null` if none).
    pub(crate) fn into_value<T: DeserializeOwned>(self) -> Result<T, Error> {
        decode_first(&self.into_payloads()?).map_err(Error::Decode)
    }
}

/// Why a timer, activity, HTTP activity, child workflow or external call gave no value.
///
/// `?` turns it into a [`Failure`] (the worker's failure as is, or a `PayloadError`), so a
/// workflow that does not handle a failed activity fails with it.
#[derive(Debug)]
pub enum Error {
    /// It failed: `{"failed": failure}`, with everything Temporal reported.
    Failed(Failure),
    /// It was cancelled: `{"cancelled": failure}`.
    Cancelled(Failure),
    /// It completed, but its result does not decode as the type asked for.
    Decode(PayloadError),
}

impl Error {
    /// The worker's failure, unless the result merely did not decode.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Error::Failed(failure) | Error::Cancelled(failure) => Some(failure),
            Error::Decode(_) => None,
        }
    }

    /// The application error's type (`CardDeclined`, `HttpStatus`…): the top of the chain's,
    /// where the worker copies it, else the first application error's in the chain.
    pub fn failure_type(&self) -> Option<&str> {
        let failure = self.failure()?;
        (failure.failure_type.as_deref()).or_else(|| failure.application()?.failure_type.as_deref())
    }

    /// Whether it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::Cancelled(_))
    }

    /// What went wrong, in the most specific words available: the innermost cause's message
    /// (an activity failure's own message sits below Temporal's `Activity task failed`).
    pub fn message(&self) -> String {
        match self {
            Error::Failed(failure) | Error::Cancelled(failure) => {
                (failure.chain().filter_map(|f| f.message.as_deref()).last())
                    .unwrap_or("failed without a message")
                    .to_owned()
            }
            Error::Decode(err) => err.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Failed(failure) => write!(f, "failed: {failure}"),
            Error::Cancelled(failure) => write!(f, "cancelled: {failure}"),
            Error::Decode(err) => write!(f, "result does not decode: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Failed(failure) | Error::Cancelled(failure) => Some(failure),
            Error::Decode(err) => Some(err),
        }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Failure {
        match err {
            Error::Failed(failure) | Error::Cancelled(failure) => failure,
            Error::Decode(err) => Failure::from(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A result fixture of `guest/fixtures/results`, as bytes.
    fn result(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../fixtures/results/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
    }

    #[test]
    fn every_command_result_fixture_parses_as_an_outcome() {
        for (name, completed) in [
            ("activity_completed.json", Some(1)),
            ("activity_failed.json", None),
            ("activity_cancelled.json", None),
            ("child_already_started.json", None),
            ("child_failed.json", None),
            ("http_completed.json", Some(1)),
            ("timer_fired.json", Some(0)),
            ("timer_cancelled.json", None),
            ("cancellation_item.json", Some(0)),
            ("signal_item.json", Some(1)),
        ] {
            match (Outcome::parse(&result(name)), completed) {
                (Outcome::Completed(payloads), Some(count)) => {
                    assert_eq!(payloads.len(), count, "{name}")
                }
                (Outcome::Failed(failure) | Outcome::Cancelled(failure), None) => {
                    assert!(failure.message.is_some(), "{name}")
                }
                (outcome, _) => panic!("{name}: {outcome:?}"),
            }
        }
    }

    #[test]
    fn failed_and_cancelled_become_their_errors() {
        let failed = Outcome::parse(&result("activity_failed.json")).into_value::<()>();
        assert!(matches!(failed, Err(Error::Failed(_))));
        let cancelled = Outcome::parse(&result("activity_cancelled.json")).into_value::<()>();
        assert!(matches!(cancelled, Err(Error::Cancelled(_))));
    }

    #[test]
    fn a_completion_without_payloads_reads_as_null() {
        let outcome = Outcome::parse(&result("timer_fired.json"));
        assert_eq!(outcome.into_value::<Option<u32>>().unwrap(), None);
    }

    #[test]
    #[should_panic(expected = "the worker sent malformed result JSON")]
    fn an_unknown_result_shape_is_a_worker_bug() {
        Outcome::parse(br#"{"exploded": []}"#);
    }

    #[test]
    fn error_message_is_the_innermost_message() {
        let Err(err) = Outcome::parse(&result("activity_failed.json")).into_payloads() else {
            panic!("failed");
        };
        assert_eq!(err.message(), "card 4242 declined");
        assert_eq!(
            err.to_string(),
            "failed: CardDeclined: Activity task failed"
        );
        let decode = Error::Decode(PayloadError::Missing {
            what: "thing",
            index: 0,
        });
        assert_eq!(decode.message(), "there is no thing 0");
        assert_eq!(decode.failure_type(), None);
    }
}
