//! Unit-testing durable workflows on the build machine: [`TestHost`], a fake worker that
//! implements every import, runs a workflow function to its end and reports every call it made.
//!
//! ```
//! use std::time::Duration;
//! use temporal_wasm_sdk::testing::{Ending, Reply, TestHost};
//! use temporal_wasm_sdk::{Activity, Failure, workflow};
//!
//! fn double_later(n: i64) -> Result<i64, Failure> {
//!     workflow::sleep(Duration::from_secs(60));
//!     Ok(Activity::new("double")
//!         .start_to_close(Duration::from_secs(5))
//!         .arg(&n)?
//!         .execute()?)
//! }
//!
//! let run = TestHost::new()
//!     .input(&21)
//!     .on_activity("double", |request| Reply::value(&(request.arg::<i64>(0) * 2)))
//!     .run(double_later);
//! assert_eq!(run.result::<i64>(), 42);
//! assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 60_000);
//! ```
//!
//! How the fake behaves, as the worker does:
//! - **Time** is virtual. It starts at [`TestHost::start_time_millis`] (2026-01-01T00:00:00Z) and
//!   stands still while the workflow runs. When the workflow waits on nothing ready, the current
//!   activation ends and the next one applies the earliest thing due (a timer firing, a
//!   responder's reply, a scheduled signal, update or cancellation), moving the clock to it.
//!   When nothing is left, the workflow would wait forever: the run panics, naming what it
//!   waits on.
//! - **Commands** get replies from responders ([`TestHost::on_activity`] and friends), always in
//!   a later activation, as from Temporal. Timers fire after their duration unless
//!   [`TestHost::on_timer`] says otherwise. A command without a responder never resolves.
//! - **Updates** are accepted at the end of the activation they arrive in unless the workflow
//!   rejected them by then, or rejected if no channel of their name is open; [`TestRun::updates`]
//!   tells each one's fate. **Signals** wait for their channel. A **cancellation** the workflow
//!   never opens the channel for ends the run as cancelled when it next blocks.
//! - **Guest bugs** the worker would refuse (an empty wait set, taking a result that is not
//!   ready, rejecting an update too late, `complete_as_cancelled` without a request…) panic with
//!   the reason.
//!
//! Responders run inside the fake worker: they must not call the SDK.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::entry::Workflow;
use crate::host::Host;
use crate::payload::{Payload, decode_first};
use crate::{DurableInfo, Failure, Info, Level, WorkflowInfo, base64};

/// 2026-01-01T00:00:00Z, where a [`TestHost`]'s clock starts unless told otherwise.
pub const DEFAULT_START_MILLIS: i64 = 1_767_225_600_000;

thread_local! {
    /// The fake worker of the run in progress on this thread.
    static CURRENT: RefCell<Option<TestHost>> = const { RefCell::new(None) };
}

/// What an ending call unwinds with, back to [`TestHost::run`].
struct RunEnded;

/// Runs `call` on the running [`TestHost`].
pub(crate) fn with_host<R>(call: impl FnOnce(&mut TestHost) -> R) -> R {
    CURRENT.with_borrow_mut(|current| match current {
        Some(host) => call(host),
        None => panic!(
            "no worker to call: outside wasm32, run the workflow with \
             temporal_wasm_sdk::testing::TestHost::run"
        ),
    })
}

/// Unwinds out of the workflow function after an ending call.
pub(crate) fn unwind_ended_run() -> ! {
    resume_unwind(Box::new(RunEnded))
}

/// A log line: kept by the running [`TestHost`], else written to standard error.
pub(crate) fn log(level: Level, message: &str) {
    let kept = CURRENT.with(|current| match current.try_borrow_mut() {
        Ok(mut current) => match current.as_mut() {
            Some(host) => {
                host.write_log(level as u32, message);
                true
            }
            None => false,
        },
        Err(_) => false,
    });
    if !kept {
        eprintln!("{level:?}: {message}");
    }
}

/// A command the workflow issued, as a responder sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The handle the worker gave it.
    pub handle: u32,
    /// The request JSON (`activity_options`, `http_request`, `child_workflow_options`…).
    pub json: Value,
}

impl Request {
    /// The `index`th argument (`args[index]`), decoded. Panics if there is none or it does not
    /// decode: a test that asks knows what it expects.
    pub fn arg<T: DeserializeOwned>(&self, index: usize) -> T {
        let args: Vec<Payload> = serde_json::from_value(self.json["args"].clone())
            .unwrap_or_else(|err| panic!("request {} has no payload args: {err}", self.json));
        let payload = (args.get(index)).unwrap_or_else(|| panic!("request has no args[{index}]"));
        payload
            .decode_json()
            .unwrap_or_else(|err| panic!("args[{index}] does not decode: {err}"))
    }

    /// An HTTP request's body, decoded as JSON.
    pub fn body_json<T: DeserializeOwned>(&self) -> T {
        let body = self.json["body"].as_str().unwrap_or_default();
        let bytes = base64::decode(body).expect("the body is base64");
        serde_json::from_slice(&bytes).expect("the body is JSON")
    }
}

/// What a command resolves with, and when.
#[derive(Debug, Clone)]
pub struct Reply {
    body: ReplyBody,
    after: Duration,
}

#[derive(Debug, Clone)]
enum ReplyBody {
    /// Result JSON, verbatim.
    Json(Vec<u8>),
    /// An application failure, wrapped the way the worker reports the command's failures.
    Error(Failure),
    /// Never resolves.
    Never,
}

impl Reply {
    fn json(json: Value) -> Reply {
        Reply::raw(json.to_string())
    }

    /// Completes with `value` as one `json/plain` payload.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> Reply {
        let payload = Payload::encode_json(value).expect("the reply value encodes");
        Reply::json(json!({ "completed": [payload] }))
    }

    /// Completes with one `binary/null` payload: what an activity in Temporal's SDKs that
    /// returns `None`/`nil` resolves with.
    pub fn null() -> Reply {
        let payload = Payload {
            metadata: BTreeMap::from([(
                crate::ENCODING_KEY.to_owned(),
                crate::BINARY_NULL.as_bytes().to_vec(),
            )]),
            data: Vec::new(),
        };
        Reply::json(json!({ "completed": [payload] }))
    }

    /// Completes with no payload.
    pub fn empty() -> Reply {
        Reply::json(json!({ "completed": [] }))
    }

    /// Completes an HTTP activity with this response.
    pub fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let headers: BTreeMap<_, _> = headers.iter().copied().collect();
        Reply::value(&json!({"status": status, "headers": headers, "body": base64::encode(body)}))
    }

    /// Fails with the application failure `failure`, wrapped as the worker reports it: an
    /// activity's (or HTTP activity's) inside an `activity` failure, a child's inside a
    /// `child_workflow` failure, with its `type` copied to the top.
    pub fn error(failure: Failure) -> Reply {
        Reply {
            body: ReplyBody::Error(failure),
            after: Duration::ZERO,
        }
    }

    /// Resolves with this result JSON, verbatim (`{"completed": …}`, `{"failed": …}`,
    /// `{"cancelled": …}`).
    pub fn raw(json: impl Into<Vec<u8>>) -> Reply {
        Reply {
            body: ReplyBody::Json(json.into()),
            after: Duration::ZERO,
        }
    }

    /// Never resolves (until the workflow cancels it).
    pub fn never() -> Reply {
        Reply {
            body: ReplyBody::Never,
            after: Duration::ZERO,
        }
    }

    /// Resolves `delay` after the command was issued, rather than in the next activation.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.after = delay;
        self
    }
}

/// How a responder is called.
type Responder = Box<dyn FnMut(&Request) -> Reply>;

/// What happens at a point of virtual time.
#[derive(Debug)]
enum Event {
    /// A command's result arrives (ignored if it resolved already).
    Resolve(u32, Vec<u8>),
    /// A signal arrives.
    Signal(String, Vec<Payload>),
    /// An update arrives.
    Update(String, String, Vec<Payload>),
    /// Cancellation of the workflow is requested.
    CancelWorkflow,
}

/// What a handle stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
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
struct Slot {
    kind: Kind,
    /// How messages name it: `activity reserve_stock`.
    label: String,
    /// Results (one) or channel items waiting to be taken.
    items: VecDeque<Vec<u8>>,
    /// A command that has not resolved yet.
    pending: bool,
    /// A command whose result was taken.
    taken: bool,
}

impl Slot {
    fn is_channel(&self) -> bool {
        matches!(
            self.kind,
            Kind::Signal(_) | Kind::Update(_) | Kind::Cancellation
        )
    }
}

/// Where one update stands.
#[derive(Debug)]
struct UpdateRecord {
    id: String,
    name: String,
    activation: u32,
    /// Delivered to a channel (not held for one).
    delivered: bool,
    taken: bool,
    verdict: Option<UpdateVerdict>,
    answer: Option<UpdateVerdict>,
}

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

/// What a run did, from [`TestHost::run`].
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

/// A fake worker for one run of a workflow function; see the [module docs](self).
pub struct TestHost {
    info: Info,
    durable_info: DurableInfo,
    start_millis: i64,
    now_millis: i64,
    random_state: u64,
    log_level: u32,
    replaying: bool,
    absent_patches: BTreeSet<String>,
    patches: BTreeMap<String, bool>,

    handles: Vec<Slot>,
    timeline: Vec<(i64, u64, Event)>,
    next_event: u64,
    activation: u32,

    activity_responders: BTreeMap<String, Responder>,
    child_responders: BTreeMap<String, Responder>,
    http_responder: Option<Responder>,
    external_responder: Option<Responder>,
    timer_responder: Option<Responder>,

    signal_channels: BTreeMap<String, u32>,
    held_signals: BTreeMap<String, VecDeque<Vec<u8>>>,
    update_channels: BTreeMap<String, u32>,
    updates: Vec<UpdateRecord>,
    /// Each update's arguments, by id, for the channel item.
    update_args: BTreeMap<String, Vec<Payload>>,
    cancellation_channel: Option<u32>,
    cancel_requested: bool,

    calls: Vec<Call>,
    logs: Vec<(Level, String)>,
    queries: BTreeMap<String, Option<Payload>>,
    current_details: Option<String>,
    ending: Option<Ending>,
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

    /// Starts the workflow with the one argument `value` (a `json/plain` payload).
    pub fn input<T: Serialize + ?Sized>(mut self, value: &T) -> TestHost {
        self.info.params = vec![Payload::encode_json(value).expect("the input encodes")];
        self
    }

    /// Starts the workflow with these arguments.
    pub fn params(mut self, params: Vec<Payload>) -> TestHost {
        self.info.params = params;
        self
    }

    /// Sets who the workflow is.
    pub fn workflow_info(mut self, workflow_info: WorkflowInfo) -> TestHost {
        self.info.workflow_info = workflow_info;
        self
    }

    /// Sets what only durable runs have in their `info` (parent, memo…).
    pub fn durable_info(mut self, durable_info: DurableInfo) -> TestHost {
        self.durable_info = durable_info;
        self
    }

    /// Starts the clock at `millis` since the epoch.
    pub fn start_time_millis(mut self, millis: i64) -> TestHost {
        self.start_millis = millis;
        self.now_millis = millis;
        self
    }

    /// Seeds `random`.
    pub fn seed(mut self, seed: u64) -> TestHost {
        self.random_state = seed;
        self
    }

    /// What `log_level` answers (0 none, 1 error … 5 trace, the default).
    pub fn log_level(mut self, level: u32) -> TestHost {
        self.log_level = level;
        self
    }

    /// What `is_replaying` answers.
    pub fn replaying(mut self, replaying: bool) -> TestHost {
        self.replaying = replaying;
        self
    }

    /// Makes `patched(id)` answer `false`, as in a replay of a run from before the patch.
    pub fn patch_absent(mut self, id: &str) -> TestHost {
        self.absent_patches.insert(id.to_owned());
        self
    }

    /// Answers every activity of `activity_type`.
    pub fn on_activity(
        mut self,
        activity_type: &str,
        responder: impl FnMut(&Request) -> Reply + 'static,
    ) -> TestHost {
        (self.activity_responders).insert(activity_type.to_owned(), Box::new(responder));
        self
    }

    /// Answers every HTTP activity.
    pub fn on_http(mut self, responder: impl FnMut(&Request) -> Reply + 'static) -> TestHost {
        self.http_responder = Some(Box::new(responder));
        self
    }

    /// Answers every child workflow of `workflow_type`.
    pub fn on_child(
        mut self,
        workflow_type: &str,
        responder: impl FnMut(&Request) -> Reply + 'static,
    ) -> TestHost {
        (self.child_responders).insert(workflow_type.to_owned(), Box::new(responder));
        self
    }

    /// Answers `signal_external_workflow` and `cancel_external_workflow` (by default both
    /// complete in the next activation).
    pub fn on_external(mut self, responder: impl FnMut(&Request) -> Reply + 'static) -> TestHost {
        self.external_responder = Some(Box::new(responder));
        self
    }

    /// Answers timers, instead of firing them after their duration.
    pub fn on_timer(mut self, responder: impl FnMut(&Request) -> Reply + 'static) -> TestHost {
        self.timer_responder = Some(Box::new(responder));
        self
    }

    /// Sends signal `name` with the one argument `value`, `after` the start (`ZERO`: with the
    /// start, as signal-with-start does).
    pub fn signal<T: Serialize + ?Sized>(self, after: Duration, name: &str, value: &T) -> TestHost {
        let payload = Payload::encode_json(value).expect("the signal argument encodes");
        self.signal_payloads(after, name, vec![payload])
    }

    /// Sends signal `name` with these arguments, `after` the start.
    pub fn signal_payloads(mut self, after: Duration, name: &str, args: Vec<Payload>) -> TestHost {
        let at = self.start_millis + millis(after);
        self.schedule(at, Event::Signal(name.to_owned(), args));
        self
    }

    /// Sends update `name` with id `id` and the one argument `value`, `after` the start.
    pub fn update<T: Serialize + ?Sized>(
        mut self,
        after: Duration,
        id: &str,
        name: &str,
        value: &T,
    ) -> TestHost {
        let payload = Payload::encode_json(value).expect("the update argument encodes");
        let at = self.start_millis + millis(after);
        let event = Event::Update(id.to_owned(), name.to_owned(), vec![payload]);
        self.schedule(at, event);
        self
    }

    /// Requests cancellation of the workflow `after` the start.
    pub fn cancel_workflow(mut self, after: Duration) -> TestHost {
        let at = self.start_millis + millis(after);
        self.schedule(at, Event::CancelWorkflow);
        self
    }

    /// Runs `workflow` to its end, as the worker would run the bundle's `run`, and reports what
    /// it did. A panic in the workflow (a bug, which traps under the worker) goes on unwinding.
    pub fn run<Shape, W: Workflow<Shape>>(mut self, workflow: W) -> TestRun {
        // Whatever is due at the start arrives with the first activation.
        self.apply_due(self.start_millis);
        CURRENT.with_borrow_mut(|current| {
            assert!(
                current.is_none(),
                "a TestHost is already running on this thread"
            );
            *current = Some(self);
        });
        crate::update::reset();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            crate::entry::run(workflow);
        }));
        crate::update::reset();
        let host = CURRENT
            .with_borrow_mut(Option::take)
            .expect("the TestHost is still installed");
        match outcome {
            Err(payload) if payload.is::<RunEnded>() => host.into_run(),
            Err(payload) => resume_unwind(payload),
            Ok(()) => unreachable!("`run` never returns"),
        }
    }

    fn into_run(self) -> TestRun {
        let updates = (self.updates.into_iter())
            .map(|record| UpdateOutcome {
                id: record.id,
                name: record.name,
                verdict: match (record.verdict, record.answer) {
                    (Some(UpdateVerdict::Rejected(failure)), _) => UpdateVerdict::Rejected(failure),
                    (_, Some(answer)) => answer,
                    (_, None) => UpdateVerdict::Accepted,
                },
            })
            .collect();
        TestRun {
            ending: self.ending.expect("an ended run has an ending"),
            calls: self.calls,
            logs: self.logs,
            queries: self.queries,
            current_details: self.current_details,
            updates,
            now_millis: self.now_millis,
            activations: self.activation,
        }
    }

    fn schedule(&mut self, at: i64, event: Event) {
        self.timeline.push((at, self.next_event, event));
        self.next_event += 1;
    }

    fn record(&mut self, name: &'static str, key: Option<&str>, json: Value, handle: Option<u32>) {
        self.calls.push(Call {
            name,
            key: key.map(str::to_owned),
            json,
            handle,
        });
    }

    fn issue(&mut self, kind: Kind, label: String) -> u32 {
        self.handles.push(Slot {
            kind,
            label,
            items: VecDeque::new(),
            pending: true,
            taken: false,
        });
        self.handles.len() as u32
    }

    fn slot(&mut self, call: &str, handle: u32) -> &mut Slot {
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

    /// A command: parse, record, issue a handle and schedule its reply.
    fn command(&mut self, name: &'static str, kind: Kind, json: &[u8]) -> u32 {
        let value = parse(name, json);
        let label = match &kind {
            Kind::Timer => format!("timer ({} ms)", value["duration_ms"]),
            Kind::Activity => format!("activity {}", value["activity_type"].as_str().unwrap_or("")),
            Kind::Http => format!(
                "HTTP {} {}",
                str_of(&value, "method"),
                str_of(&value, "url")
            ),
            Kind::Child => format!("child workflow {}", str_of(&value, "workflow_type")),
            _ => format!("{name} to {}", str_of(&value, "workflow_id")),
        };
        let handle = self.issue(kind.clone(), label);
        self.record(name, None, value.clone(), Some(handle));
        let request = Request {
            handle,
            json: value,
        };
        let key = |field: &str| str_of(&request.json, field).to_owned();
        let reply = match &kind {
            Kind::Timer => match &mut self.timer_responder {
                Some(responder) => responder(&request),
                None => Reply::empty().after(Duration::from_millis(
                    request.json["duration_ms"].as_u64().unwrap_or(0),
                )),
            },
            Kind::Activity => match self.activity_responders.get_mut(&key("activity_type")) {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            Kind::Http => match &mut self.http_responder {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            Kind::Child => match self.child_responders.get_mut(&key("workflow_type")) {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            _ => match &mut self.external_responder {
                Some(responder) => responder(&request),
                None => Reply::empty(),
            },
        };
        let json = match reply.body {
            ReplyBody::Json(json) => json,
            ReplyBody::Error(failure) => wrapped_failure(&kind, &request, failure),
            ReplyBody::Never => return handle,
        };
        let at = self.now_millis + millis(reply.after);
        self.schedule(at, Event::Resolve(handle, json));
        handle
    }

    /// Opens (or finds) the channel `name` of `kind`.
    fn channel(&mut self, call: &'static str, name: &str, update: bool) -> u32 {
        let existing = if update {
            self.update_channels.get(name)
        } else {
            self.signal_channels.get(name)
        };
        if let Some(&handle) = existing {
            self.record(call, Some(name), Value::String(name.into()), Some(handle));
            return handle;
        }
        let (kind, label) = if update {
            assert!(
                !name.is_empty() && name.len() <= 1024,
                "guest bug: update channel name must be 1 to 1024 bytes"
            );
            (Kind::Update(name.into()), format!("update channel {name}"))
        } else {
            (Kind::Signal(name.into()), format!("signal channel {name}"))
        };
        let handle = self.issue(kind, label);
        self.record(call, Some(name), Value::String(name.into()), Some(handle));
        if update {
            self.update_channels.insert(name.to_owned(), handle);
            // Updates of this activation that arrived before the channel was opened.
            let activation = self.activation;
            let mut held = Vec::new();
            for record in &mut self.updates {
                if record.name == name && !record.delivered && record.activation == activation {
                    record.delivered = true;
                    held.push(record.id.clone());
                }
            }
            for id in held {
                let item = self.update_item(&id);
                self.handles[handle as usize - 1].items.push_back(item);
            }
        } else {
            self.signal_channels.insert(name.to_owned(), handle);
            if let Some(held) = self.held_signals.remove(name) {
                self.handles[handle as usize - 1].items.extend(held);
            }
        }
        handle
    }

    fn update_item(&self, id: &str) -> Vec<u8> {
        let args = (self.update_args.get(id)).cloned().unwrap_or_default();
        json!({ "update_id": id, "args": args })
            .to_string()
            .into_bytes()
    }

    fn is_ready_now(&self, handle: u32) -> bool {
        !self.handles[handle as usize - 1].items.is_empty()
    }

    /// The end of an activation: the verdict on its updates, and an unheard cancellation.
    fn park(&mut self) {
        let activation = self.activation;
        let open: Vec<&str> = self.update_channels.keys().map(String::as_str).collect();
        let open = if open.is_empty() {
            "none".to_owned()
        } else {
            open.join(", ")
        };
        for record in &mut self.updates {
            if record.activation != activation || record.verdict.is_some() {
                continue;
            }
            record.verdict = Some(if record.delivered {
                UpdateVerdict::Accepted
            } else {
                let message = format!(
                    "update `{}` was rejected: no update channel named `{}` is open (open update \
                     channels: {open})",
                    record.name, record.name
                );
                UpdateVerdict::Rejected(Failure::new(message))
            });
        }
        if self.cancel_requested && self.cancellation_channel.is_none() {
            self.ending = Some(Ending::Cancelled(Vec::new()));
            // Release the borrow of the host before unwinding out of the workflow.
            resume_unwind(Box::new(RunEnded));
        }
    }

    /// Applies every event due at or before `at`, in order.
    fn apply_due(&mut self, at: i64) {
        self.timeline.sort_by_key(|&(time, seq, _)| (time, seq));
        let due = self.timeline.partition_point(|&(time, _, _)| time <= at);
        let events: Vec<_> = self.timeline.drain(..due).collect();
        for (_, _, event) in events {
            self.apply(event);
        }
    }

    /// The next activation: the earliest events, with the clock moved to them.
    fn advance(&mut self) -> bool {
        let Some(at) = self.timeline.iter().map(|&(time, _, _)| time).min() else {
            return false;
        };
        self.activation += 1;
        self.now_millis = self.now_millis.max(at);
        self.apply_due(at);
        true
    }

    fn apply(&mut self, event: Event) {
        match event {
            Event::Resolve(handle, json) => {
                let slot = &mut self.handles[handle as usize - 1];
                if slot.pending {
                    slot.pending = false;
                    slot.items.push_back(json);
                }
            }
            Event::Signal(name, args) => {
                let item = json!({ "completed": args }).to_string().into_bytes();
                match self.signal_channels.get(&name) {
                    Some(&handle) => self.handles[handle as usize - 1].items.push_back(item),
                    None => self.held_signals.entry(name).or_default().push_back(item),
                }
            }
            Event::Update(id, name, args) => {
                let channel = self.update_channels.get(&name).copied();
                self.update_args.insert(id.clone(), args);
                self.updates.push(UpdateRecord {
                    id: id.clone(),
                    name,
                    activation: self.activation,
                    delivered: channel.is_some(),
                    taken: false,
                    verdict: None,
                    answer: None,
                });
                if let Some(handle) = channel {
                    let item = self.update_item(&id);
                    self.handles[handle as usize - 1].items.push_back(item);
                }
            }
            Event::CancelWorkflow => {
                self.cancel_requested = true;
                if let Some(handle) = self.cancellation_channel {
                    let slot = &mut self.handles[handle as usize - 1];
                    if slot.items.is_empty() {
                        slot.items.push_back(b"{\"completed\":[]}".to_vec());
                    }
                }
            }
        }
    }

    fn update_record(&mut self, id: &str) -> &mut UpdateRecord {
        (self.updates.iter_mut().find(|record| record.id == id))
            .unwrap_or_else(|| panic!("guest bug: `respond_update` of unknown update `{id}`"))
    }
}

impl Host for TestHost {
    fn info(&mut self) -> Vec<u8> {
        let mut info = json!(self.info);
        if let Value::Object(durable) = json!(self.durable_info) {
            info["workflow_info"]
                .as_object_mut()
                .expect("workflow_info is an object")
                .extend(durable);
        }
        info.to_string().into_bytes()
    }

    fn write_log(&mut self, level: u32, message: &str) {
        let level = match level {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            _ => Level::Trace,
        };
        self.logs.push((level, message.to_owned()));
    }

    fn complete(&mut self, json: &[u8]) {
        let payloads = serde_json::from_slice(json)
            .unwrap_or_else(|err| panic!("guest bug: `complete` JSON: {err}"));
        self.end("complete", Ending::Completed(payloads));
    }

    fn complete_with_failure(&mut self, json: &[u8]) {
        let failure = serde_json::from_slice(json)
            .unwrap_or_else(|err| panic!("guest bug: `complete_with_failure` JSON: {err}"));
        self.end("complete_with_failure", Ending::Failed(failure));
    }

    fn start_timer(&mut self, json: &[u8]) -> u32 {
        let duration = parse("start_timer", json)["duration_ms"].as_u64();
        assert!(
            duration.is_some_and(|ms| ms >= 1),
            "guest bug: `start_timer` needs duration_ms of at least 1"
        );
        self.command("start_timer", Kind::Timer, json)
    }

    fn start_activity(&mut self, json: &[u8]) -> u32 {
        let options = parse("start_activity", json);
        assert!(
            !str_of(&options, "activity_type").is_empty(),
            "guest bug: `start_activity` needs an activity_type"
        );
        let timeout = |field: &str| options[field].as_u64().is_some_and(|ms| ms > 0);
        assert!(
            timeout("start_to_close_timeout_ms") || timeout("schedule_to_close_timeout_ms"),
            "guest bug: `start_activity` needs start_to_close_timeout_ms or \
             schedule_to_close_timeout_ms"
        );
        self.command("start_activity", Kind::Activity, json)
    }

    fn start_http_activity(&mut self, json: &[u8]) -> u32 {
        self.command("start_http_activity", Kind::Http, json)
    }

    fn start_child_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("start_child_workflow", Kind::Child, json)
    }

    fn signal_external_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("signal_external_workflow", Kind::External, json)
    }

    fn cancel_external_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("cancel_external_workflow", Kind::External, json)
    }

    fn cancel(&mut self, handle: u32) {
        self.record("cancel", None, json!(handle), None);
        let slot = self.slot("cancel", handle);
        assert!(
            !slot.is_channel(),
            "guest bug: `cancel` of handle {handle}, a channel"
        );
        if !slot.pending {
            return;
        }
        match slot.kind {
            Kind::Timer => {
                slot.pending = false;
                slot.items.push_back(
                    br#"{"cancelled":{"message":"timer cancelled by the workflow","kind":"cancelled","source":"temporal-wasm-worker"}}"#
                        .to_vec(),
                );
            }
            Kind::Activity | Kind::Http => {
                let json = json!({"cancelled": {
                    "message": "Activity cancelled",
                    "kind": "activity",
                    "retry_state": "cancel_requested",
                    "activity": {
                        "activity_type": slot.label.strip_prefix("activity ").unwrap_or("temporal-wasm-worker.http"),
                        "activity_id": handle.to_string(),
                    },
                    "cause": {"message": "cancelled", "kind": "cancelled"},
                }});
                let at = self.now_millis;
                self.schedule(at, Event::Resolve(handle, json.to_string().into_bytes()));
            }
            _ => {
                let json = json!({"cancelled": {"message": "cancelled", "kind": "cancelled"}});
                let at = self.now_millis;
                self.schedule(at, Event::Resolve(handle, json.to_string().into_bytes()));
            }
        }
    }

    fn signal_channel(&mut self, name: &str) -> u32 {
        self.channel("signal_channel", name, false)
    }

    fn update_channel(&mut self, name: &str) -> u32 {
        self.channel("update_channel", name, true)
    }

    fn respond_update(&mut self, update_id: &str, json: &[u8]) {
        let value = parse("respond_update", json);
        self.record("respond_update", Some(update_id), value.clone(), None);
        let activation = self.activation;
        let record = self.update_record(update_id);
        assert!(
            record.taken,
            "guest bug: `respond_update` of update `{update_id}`, never taken from its channel"
        );
        assert!(
            record.answer.is_none() && !matches!(record.verdict, Some(UpdateVerdict::Rejected(_))),
            "guest bug: update `{update_id}` answered twice"
        );
        let failure = |value: &Value| -> Failure {
            serde_json::from_value(value.clone())
                .unwrap_or_else(|err| panic!("guest bug: `respond_update` failure: {err}"))
        };
        if let Some(rejection) = value.get("rejected") {
            assert!(
                record.activation == activation && record.verdict.is_none(),
                "guest bug: update `{update_id}` rejected after its activation ended"
            );
            record.verdict = Some(UpdateVerdict::Rejected(failure(rejection)));
        } else if let Some(failed) = value.get("failed") {
            record.answer = Some(UpdateVerdict::Failed(failure(failed)));
        } else if let Some(completed) = value.get("completed") {
            let payloads: Vec<Payload> = serde_json::from_value(completed.clone())
                .unwrap_or_else(|err| panic!("guest bug: `respond_update` payloads: {err}"));
            assert!(
                payloads.len() <= 1,
                "guest bug: `respond_update` with two payloads"
            );
            record.answer = Some(UpdateVerdict::Completed(payloads.into_iter().next()));
        } else {
            panic!("guest bug: `respond_update` needs completed, failed or rejected: {value}");
        }
    }

    fn cancellation_channel(&mut self) -> u32 {
        let handle = match self.cancellation_channel {
            Some(handle) => handle,
            None => {
                let handle = self.issue(Kind::Cancellation, "cancellation".into());
                self.cancellation_channel = Some(handle);
                if self.cancel_requested {
                    (self.handles[handle as usize - 1].items)
                        .push_back(b"{\"completed\":[]}".to_vec());
                }
                handle
            }
        };
        self.record("cancellation_channel", None, Value::Null, Some(handle));
        handle
    }

    fn set_query_result(&mut self, name: &str, json: &[u8]) {
        assert!(
            !name.is_empty() && !name.starts_with("__"),
            "guest bug: query name `{name}` is empty or reserved"
        );
        let payloads: Vec<Payload> = if json.is_empty() {
            Vec::new()
        } else {
            serde_json::from_slice(json)
                .unwrap_or_else(|err| panic!("guest bug: `set_query_result` JSON: {err}"))
        };
        assert!(
            payloads.len() <= 1,
            "guest bug: `set_query_result` with two payloads"
        );
        let recorded = if json.is_empty() {
            Value::Null
        } else {
            parse("set_query_result", json)
        };
        self.record("set_query_result", Some(name), recorded, None);
        (self.queries).insert(name.to_owned(), payloads.into_iter().next());
    }

    fn wait(&mut self, handles: &[u32]) -> u32 {
        assert!(!handles.is_empty(), "guest bug: `wait` on no handles");
        for &handle in handles {
            self.slot("wait", handle);
        }
        self.record("wait", None, json!(handles), None);
        loop {
            if let Some(&ready) = handles.iter().find(|&&handle| self.is_ready_now(handle)) {
                return ready;
            }
            self.park();
            if !self.advance() {
                let waiting: Vec<String> = (handles.iter())
                    .map(|&handle| {
                        format!("{handle} ({})", self.handles[handle as usize - 1].label)
                    })
                    .collect();
                panic!(
                    "the workflow waits forever: nothing more will happen for {}; give the \
                     TestHost a responder or schedule a signal, update or cancellation",
                    waiting.join(", ")
                );
            }
        }
    }

    fn is_ready(&mut self, handle: u32) -> bool {
        self.slot("is_ready", handle);
        self.is_ready_now(handle)
    }

    fn take_result(&mut self, handle: u32) -> Vec<u8> {
        let slot = self.slot("take_result", handle);
        let Some(item) = slot.items.pop_front() else {
            panic!(
                "guest bug: `take_result` of handle {handle} ({}), which is not ready",
                slot.label
            );
        };
        if !slot.is_channel() {
            slot.taken = true;
        }
        if matches!(slot.kind, Kind::Update(_)) {
            let id = parse("update item", &item)["update_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            self.update_record(&id).taken = true;
        }
        item
    }

    fn now(&mut self) -> i64 {
        self.now_millis
    }

    fn random(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            // SplitMix64: small, and a different stream per seed.
            self.random_state = self.random_state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.random_state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }

    fn patched(&mut self, id: &str, deprecated: bool) -> bool {
        let answer = *(self.patches.entry(id.to_owned()))
            .or_insert_with(|| !self.absent_patches.contains(id));
        self.record(
            "patched",
            Some(id),
            json!({ "deprecated": deprecated }),
            None,
        );
        answer
    }

    fn is_replaying(&mut self) -> bool {
        self.replaying
    }

    fn log_level(&mut self) -> u32 {
        self.log_level
    }

    fn upsert_search_attributes(&mut self, json: &[u8]) {
        let value = parse("upsert_search_attributes", json);
        self.record("upsert_search_attributes", None, value, None);
    }

    fn upsert_memo(&mut self, json: &[u8]) {
        let value = parse("upsert_memo", json);
        let _: BTreeMap<String, Option<Payload>> = serde_json::from_value(value.clone())
            .unwrap_or_else(|err| panic!("guest bug: `upsert_memo` values: {err}"));
        self.record("upsert_memo", None, value, None);
    }

    fn set_current_details(&mut self, text: &str) {
        assert!(
            text.len() <= 64 * 1024,
            "guest bug: current details over 64 KiB"
        );
        self.record(
            "set_current_details",
            None,
            Value::String(text.into()),
            None,
        );
        self.current_details = Some(text.to_owned());
    }

    fn emit_metric(&mut self, json: &[u8]) {
        let value = parse("emit_metric", json);
        assert!(
            matches!(
                value["kind"].as_str(),
                Some("counter" | "gauge" | "histogram")
            ),
            "guest bug: `emit_metric` kind: {value}"
        );
        self.record("emit_metric", None, value, None);
    }

    fn continue_as_new(&mut self, json: &[u8]) {
        let value = if json.is_empty() {
            Value::Null
        } else {
            parse("continue_as_new", json)
        };
        self.end("continue_as_new", Ending::ContinuedAsNew(value));
    }

    fn complete_as_cancelled(&mut self, json: &[u8]) {
        assert!(
            self.cancel_requested,
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
        self.end("complete_as_cancelled", Ending::Cancelled(details));
    }
}

impl TestHost {
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

/// Parses a call's JSON; JSON that does not parse is a guest bug.
fn parse(call: &str, json: &[u8]) -> Value {
    serde_json::from_slice(json).unwrap_or_else(|err| panic!("guest bug: `{call}` JSON: {err}"))
}

fn str_of<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_default()
}

/// `after` in whole milliseconds (the clock's unit), saturating.
fn millis(after: Duration) -> i64 {
    i64::try_from(after.as_millis()).unwrap_or(i64::MAX)
}

/// An application failure of a command, as the worker hands it to the workflow.
fn wrapped_failure(kind: &Kind, request: &Request, failure: Failure) -> Vec<u8> {
    // A `Failure` serialises its guest-written fields only; the worker adds `kind`.
    let mut application = json!(failure);
    application["kind"] = json!("application");
    let failure = application;
    let retry_state = if failure["non_retryable"] == true {
        "non_retryable_failure"
    } else {
        "maximum_attempts_reached"
    };
    let outer = match kind {
        Kind::Activity | Kind::Http => {
            let activity_type = match kind {
                Kind::Http => "temporal-wasm-worker.http",
                _ => str_of(&request.json, "activity_type"),
            };
            json!({
                "message": "Activity task failed",
                "type": failure["type"],
                "kind": "activity",
                "retry_state": retry_state,
                "activity": {"activity_type": activity_type, "activity_id": request.handle.to_string()},
                "cause": failure,
            })
        }
        Kind::Child => json!({
            "message": "Child Workflow execution failed",
            "type": failure["type"],
            "kind": "child_workflow",
            "retry_state": retry_state,
            "child_workflow": {
                "workflow_type": str_of(&request.json, "workflow_type"),
                "workflow_id": str_of(&request.json, "workflow_id"),
            },
            "cause": failure,
        }),
        _ => failure,
    };
    json!({ "failed": outer }).to_string().into_bytes()
}
