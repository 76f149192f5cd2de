//! Updates: `update_channel` and `respond_update`. An update is a request to the workflow that
//! gets an answer: first accepted or rejected (the validator), then completed with a value or
//! failed.
//!
//! Temporal needs the verdict in the workflow activation the update arrived in: the worker
//! accepts every update the workflow has not rejected by the time it parks again. A workflow
//! that is busy waiting for something else (an activity, a timer) would never get to reject
//! one. So every open channel is registered here, and the SDK adds the registered channels to
//! every `wait` it makes: whatever the workflow waits for, an arriving update is taken at once,
//! decoded and run through its channel's validator — rejected there, or kept here, accepted,
//! until the workflow [`receive`](UpdateChannel::receive)s it. Replays get the same updates at
//! the same points, so this stays deterministic.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::Failure;
use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError, decode_first};
use crate::wait::{self, Waitable, parse_host_json};

/// A validator, typed by its channel: decodes the arguments and judges them.
type Validator = Box<dyn FnMut(&[Payload]) -> Result<(), Failure>>;

/// One open update channel, as the SDK keeps it for the rest of the run (the ABI cannot close
/// a channel).
struct Channel {
    handle: u32,
    /// `None` only while it runs (it may call into the SDK, which looks at the registry).
    validator: Option<Validator>,
    /// Updates accepted and not yet received, oldest first.
    accepted: VecDeque<UpdateItem>,
}

/// One update, as the channel yields it.
#[derive(Debug, Deserialize)]
struct UpdateItem {
    update_id: String,
    #[serde(default)]
    args: Vec<Payload>,
}

thread_local! {
    /// The run's open update channels (a wasm instance has one thread and one run).
    static CHANNELS: RefCell<Vec<Channel>> = const { RefCell::new(Vec::new()) };
}

/// The handles of every open update channel.
pub(crate) fn open_channels() -> Vec<u32> {
    CHANNELS.with_borrow(|channels| channels.iter().map(|channel| channel.handle).collect())
}

/// Whether `handle` is an update channel's.
pub(crate) fn is_channel(handle: u32) -> bool {
    CHANNELS.with_borrow(|channels| channels.iter().any(|channel| channel.handle == handle))
}

/// Whether the channel of `handle` holds an accepted update.
pub(crate) fn has_accepted(handle: u32) -> bool {
    CHANNELS.with_borrow(|channels| {
        (channels.iter()).any(|channel| channel.handle == handle && !channel.accepted.is_empty())
    })
}

/// Takes every update the worker holds for the channel of `handle` and runs each through the
/// channel's validator: rejected at once, or kept as accepted.
pub(crate) fn validate_arrivals(handle: u32) {
    while host::call(|host| host.is_ready(handle)) {
        let json = wait::take(handle);
        let item: UpdateItem = parse_host_json("update", &json);
        drop(json);
        let mut validator = with_channel(handle, |channel| channel.validator.take())
            .expect("a registered channel has a validator outside its own call");
        let verdict = validator(&item.args);
        with_channel(handle, |channel| channel.validator = Some(validator));
        match verdict {
            Ok(()) => with_channel(handle, |channel| channel.accepted.push_back(item)),
            Err(failure) => respond(&item.update_id, &Response::Rejected(&failure)),
        }
    }
}

/// Runs `f` on the registered channel of `handle`.
fn with_channel<R>(handle: u32, f: impl FnOnce(&mut Channel) -> R) -> R {
    CHANNELS.with_borrow_mut(|channels| {
        let channel = (channels.iter_mut())
            .find(|channel| channel.handle == handle)
            .expect("the channel is registered");
        f(channel)
    })
}

/// Registers the channel of `handle`, or gives an open one a new validator.
fn register(handle: u32, validator: Validator) {
    CHANNELS.with_borrow_mut(|channels| {
        match channels.iter_mut().find(|channel| channel.handle == handle) {
            Some(channel) => channel.validator = Some(validator),
            None => channels.push(Channel {
                handle,
                validator: Some(validator),
                accepted: VecDeque::new(),
            }),
        }
    });
}

/// `respond_update`'s JSON.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Response<'a> {
    Completed(&'a [Payload]),
    Failed(&'a Failure),
    Rejected(&'a Failure),
}

fn respond(update_id: &str, response: &Response<'_>) {
    let json = serde_json::to_vec(response).expect("an update response always serialises");
    host::call(|host| host.respond_update(update_id, &json));
}

/// The updates of one name, each decoded as `T` from its first argument (JSON `null` when it
/// has none), judged by an optional validator.
///
/// ```no_run
/// # use serde::Deserialize;
/// # use temporal_wasm_sdk::{Failure, UpdateChannel};
/// #[derive(Deserialize)]
/// struct Note { note: String }
///
/// # fn f() -> Result<(), Failure> {
/// let notes = UpdateChannel::<Note>::new("add_note").validator(|note| {
///     if note.note.is_empty() {
///         return Err(Failure::new("a note must not be empty").with_type("EmptyNote"));
///     }
///     Ok(())
/// });
/// let update = notes.receive(); // blocks until an update is accepted
/// update.complete(&1)?;
/// # Ok(()) }
/// ```
///
/// An update whose argument does not decode as `T` is rejected (a `PayloadError` failure)
/// before the validator sees it. The validator runs inside whatever the workflow is blocked on
/// when the update arrives, so it is `'static`: share state with it through `Rc<Cell<_>>` or
/// `Rc<RefCell<_>>`. It must only judge: it runs again on replay, but only for updates that were
/// accepted the first time, and its answer is then ignored.
///
/// Every accepted update needs an answer ([`Update::complete`] or [`Update::fail`]); one still
/// unanswered when the run ends is failed by the worker. The channel stays open for the rest of
/// the run, also when this value is dropped: later updates are validated and kept until the
/// name is opened again (which keeps the new validator).
pub struct UpdateChannel<T> {
    handle: u32,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + 'static> UpdateChannel<T> {
    /// Opens the channel for updates named `name`, accepting every update whose argument
    /// decodes.
    pub fn new(name: &str) -> UpdateChannel<T> {
        let handle = host::call(|host| host.update_channel(name));
        register(
            handle,
            Box::new(|args| decode_first::<T>(args).map(drop).map_err(Failure::from)),
        );
        UpdateChannel {
            handle,
            item: PhantomData,
        }
    }

    /// Judges every later update: `Err` rejects it with that failure, and the workflow never
    /// sees it.
    pub fn validator(
        self,
        mut validator: impl FnMut(&T) -> Result<(), Failure> + 'static,
    ) -> UpdateChannel<T> {
        register(
            self.handle,
            Box::new(move |args| validator(&decode_first::<T>(args)?)),
        );
        self
    }

    /// Blocks until an update has been accepted, then takes the oldest.
    pub fn receive(&self) -> Update<T> {
        loop {
            wait::wait_any(&[self.handle]);
            if let Some(update) = self.try_receive() {
                return update;
            }
        }
    }

    /// Takes the oldest accepted update, if there is one; never blocks.
    pub fn try_receive(&self) -> Option<Update<T>> {
        validate_arrivals(self.handle);
        let item = with_channel(self.handle, |channel| channel.accepted.pop_front())?;
        let input = decode_first(&item.args).expect("an accepted update's argument decodes");
        Some(Update {
            id: item.update_id,
            input,
            args: item.args,
        })
    }
}

impl<T> Waitable for UpdateChannel<T> {
    fn handle(&self) -> u32 {
        self.handle
    }
}

/// An accepted update, waiting for its answer.
#[derive(Debug)]
#[must_use = "an update's caller waits until it is completed or failed"]
pub struct Update<T> {
    id: String,
    input: T,
    args: Vec<Payload>,
}

impl<T> Update<T> {
    /// The update's id, unique within the workflow.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its argument, decoded.
    pub fn input(&self) -> &T {
        &self.input
    }

    /// Its arguments as they arrived.
    pub fn args(&self) -> &[Payload] {
        &self.args
    }

    /// Answers it with `result`, encoded as a `json/plain` payload.
    pub fn complete<R: Serialize + ?Sized>(self, result: &R) -> Result<(), PayloadError> {
        let payload = Payload::encode_json(result)?;
        respond(&self.id, &Response::Completed(&[payload]));
        Ok(())
    }

    /// Answers it with no value.
    pub fn complete_empty(self) {
        respond(&self.id, &Response::Completed(&[]));
    }

    /// Answers it with an already-encoded payload.
    pub fn complete_payload(self, payload: Payload) {
        respond(&self.id, &Response::Completed(&[payload]));
    }

    /// Fails it: the caller gets `failure`. (It was accepted, so it stays in history.)
    pub fn fail(self, failure: Failure) {
        respond(&self.id, &Response::Failed(&failure));
    }
}

/// Forgets every channel: a [`TestHost`](crate::testing::TestHost) run starts afresh.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn reset() {
    CHANNELS.with_borrow_mut(Vec::clear);
}
