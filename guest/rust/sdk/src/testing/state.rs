//! The fake worker's state: [`TestHost`] and what it keeps per handle and per update, with the
//! bookkeeping every import shares (recording a call, issuing a handle, finding one).
//!
//! Everything a run changes lives in this one struct, installed for the run's thread by
//! [`TestHost::run`](super::TestHost::run); the imports are functions of it, one file per call
//! family.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use serde_json::Value;

use super::reply::Responder;
use super::report::{Call, Ending, UpdateVerdict};
use super::timeline::Event;
use crate::payload::Payload;
use crate::{DurableInfo, Info, Level, WorkflowInfo};

/// 2026-01-01T00:00:00Z, where a [`TestHost`]'s clock starts unless told otherwise.
pub const DEFAULT_START_MILLIS: i64 = 1_767_225_600_000;

/// What a handle stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Timer,
    Activity,
    Http,
    Child,
    External,
    Signal(String),
    Update(String),
    Cancellation,
}

/// One handle.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) kind: Kind,
    /// How messages name it: `activity reserve_stock`.
    pub(super) label: String,
    /// Results (one) or channel items waiting to be taken.
    pub(super) items: VecDeque<Vec<u8>>,
    /// A command that has not resolved yet.
    pub(super) pending: bool,
    /// A command whose result was taken.
    pub(super) taken: bool,
}

impl Slot {
    /// Channels deliver many items and are never used up; commands resolve once.
    pub(super) fn is_channel(&self) -> bool {
        matches!(
            self.kind,
            Kind::Signal(_) | Kind::Update(_) | Kind::Cancellation
        )
    }
}

/// Where one update stands.
#[derive(Debug)]
pub(super) struct UpdateRecord {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) activation: u32,
    /// Delivered to a channel (not held for one).
    pub(super) delivered: bool,
    pub(super) taken: bool,
    pub(super) verdict: Option<UpdateVerdict>,
    pub(super) answer: Option<UpdateVerdict>,
}

/// A fake worker for one run of a workflow function; see the [module docs](crate::testing).
pub struct TestHost {
    pub(super) info: Info,
    pub(super) durable_info: DurableInfo,
    pub(super) start_millis: i64,
    pub(super) now_millis: i64,
    pub(super) random_state: u64,
    pub(super) log_level: u32,
    pub(super) replaying: bool,
    pub(super) absent_patches: BTreeSet<String>,
    pub(super) patches: BTreeMap<String, bool>,

    pub(super) handles: Vec<Slot>,
    pub(super) timeline: Vec<(i64, u64, Event)>,
    pub(super) next_event: u64,
    pub(super) activation: u32,

    pub(super) activity_responders: BTreeMap<String, Responder>,
    pub(super) child_responders: BTreeMap<String, Responder>,
    pub(super) http_responder: Option<Responder>,
    pub(super) external_responder: Option<Responder>,
    pub(super) timer_responder: Option<Responder>,

    pub(super) signal_channels: BTreeMap<String, u32>,
    pub(super) held_signals: BTreeMap<String, VecDeque<Vec<u8>>>,
    pub(super) update_channels: BTreeMap<String, u32>,
    pub(super) updates: Vec<UpdateRecord>,
    /// Each update's arguments, by id, for the channel item.
    pub(super) update_args: BTreeMap<String, Vec<Payload>>,
    pub(super) cancellation_channel: Option<u32>,
    pub(super) cancel_requested: bool,

    pub(super) calls: Vec<Call>,
    pub(super) logs: Vec<(Level, String)>,
    pub(super) queries: BTreeMap<String, Option<Payload>>,
    pub(super) current_details: Option<String>,
    pub(super) ending: Option<Ending>,
}

impl Default for TestHost {
    fn default() -> Self {
        TestHost::new()
    }
}

impl TestHost {
    /// A worker with no arguments for the workflow, workflow type `Test`, id `test-workflow`.
    pub fn new() -> TestHost {
        TestHost {
            info: Info {
                params: Vec::new(),
                workflow_info: WorkflowInfo {
                    workflow_type: "Test".into(),
                    workflow_id: "test-workflow".into(),
                    run_id: "test-run".into(),
                    namespace: "default".into(),
                    task_queue: "test-queue".into(),
                    attempt: 1,
                    start_time: "2026-01-01T00:00:00Z".into(),
                },
            },
            durable_info: DurableInfo::default(),
            start_millis: DEFAULT_START_MILLIS,
            now_millis: DEFAULT_START_MILLIS,
            random_state: 0,
            log_level: Level::Trace as u32,
            replaying: false,
            absent_patches: BTreeSet::new(),
            patches: BTreeMap::new(),
            handles: Vec::new(),
            timeline: Vec::new(),
            next_event: 0,
            activation: 1,
            activity_responders: BTreeMap::new(),
            child_responders: BTreeMap::new(),
            http_responder: None,
            external_responder: None,
            timer_responder: None,
            signal_channels: BTreeMap::new(),
            held_signals: BTreeMap::new(),
            update_channels: BTreeMap::new(),
            updates: Vec::new(),
            update_args: BTreeMap::new(),
            cancellation_channel: None,
            cancel_requested: false,
            calls: Vec::new(),
            logs: Vec::new(),
            queries: BTreeMap::new(),
            current_details: None,
            ending: None,
        }
    }

    /// Lists a call in the run's report.
    pub(super) fn record(
        &mut self,
        name: &'static str,
        key: Option<&str>,
        json: Value,
        handle: Option<u32>,
    ) {
        self.calls.push(Call {
            name,
            key: key.map(str::to_owned),
            json,
            handle,
        });
    }

    /// Gives out the next handle, numbered from 1 in call order as the worker does.
    pub(super) fn issue(&mut self, kind: Kind, label: String) -> u32 {
        self.handles.push(Slot {
            kind,
            label,
            items: VecDeque::new(),
            pending: true,
            taken: false,
        });
        self.handles.len() as u32
    }

    /// The slot of `handle` for the call `call`; a handle never issued or already used up is a
    /// guest bug.
    pub(super) fn slot(&mut self, call: &str, handle: u32) -> &mut Slot {
        let issued = self.handles.len();
        let slot = (handle as usize)
            .checked_sub(1)
            .and_then(|index| self.handles.get_mut(index));
        match slot {
            Some(slot) if !slot.taken => slot,
            Some(_) => panic!("guest bug: `{call}` of handle {handle}, whose result was taken"),
            None => {
                panic!("guest bug: `{call}` of handle {handle}, never issued ({issued} so far)")
            }
        }
    }
}

/// Parses a call's JSON; JSON that does not parse is a guest bug.
pub(super) fn parse(call: &str, json: &[u8]) -> Value {
    serde_json::from_slice(json).unwrap_or_else(|err| panic!("guest bug: `{call}` JSON: {err}"))
}

/// The string `field` of `value`, empty if it is missing or not a string.
pub(super) fn str_of<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_default()
}

/// `after` in whole milliseconds (the clock's unit), saturating.
pub(super) fn millis(after: Duration) -> i64 {
    i64::try_from(after.as_millis()).unwrap_or(i64::MAX)
}
