//! Activities: `start_activity`. An activity is work outside the workflow (a database write, a
//! payment), run by an activity worker in any Temporal SDK, retried by Temporal.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};
use crate::retry::RetryPolicy;
use crate::timer::millis_ceil;
use crate::wait::{Error, Outcome, Waitable};

/// An activity to run, built step by step, then [`start`](Activity::start)ed or
/// [`execute`](Activity::execute)d.
///
/// ```no_run
/// # use std::time::Duration;
/// # use serde::{Deserialize, Serialize};
/// # use temporal_wasm_sdk::{Activity, Failure, RetryPolicy};
/// #[derive(Serialize)]
/// struct Reserve<'a> { order_id: &'a str }
/// #[derive(Deserialize)]
/// struct Reservation { reservation_id: String }
///
/// # fn f() -> Result<(), Failure> {
/// let reservation: Reservation = Activity::new("reserve_stock")
///     .task_queue("inventory")
///     .start_to_close(Duration::from_secs(10))
///     .retry(RetryPolicy::new().maximum_attempts(3))
///     .arg(&Reserve { order_id: "A-17" })?
///     .execute()?;
/// # Ok(()) }
/// ```
///
/// Temporal requires a start-to-close or a schedule-to-close timeout; the worker refuses an
/// activity with neither (a guest bug).
#[derive(Debug, Clone)]
#[must_use = "an activity does nothing until started"]
pub struct Activity {
    options: ActivityOptions,
}

/// `start_activity`'s JSON, the ABI's `activity_options`.
#[derive(Debug, Clone, Serialize)]
struct ActivityOptions {
    activity_type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    args: Vec<Payload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    activity_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_to_close_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_to_start_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_to_close_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heartbeat_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancellation_type: Option<ActivityCancellation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
}

/// What [`ActivityHandle::cancel`] waits for (Temporal's `ActivityCancellationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityCancellation {
    /// Ask the activity to stop and resolve as cancelled at once (the default).
    TryCancel,
    /// Resolve only once the activity has acknowledged the cancellation (it must heartbeat).
    WaitCancellationCompleted,
    /// Resolve as cancelled at once without telling the activity.
    Abandon,
}

impl Activity {
    /// An activity of `activity_type`, on the workflow's own task queue unless
    /// [`task_queue`](Activity::task_queue) says otherwise.
    pub fn new(activity_type: impl Into<String>) -> Activity {
        Activity {
            options: ActivityOptions {
                activity_type: activity_type.into(),
                args: Vec::new(),
                task_queue: None,
                activity_id: None,
                schedule_to_close_timeout_ms: None,
                schedule_to_start_timeout_ms: None,
                start_to_close_timeout_ms: None,
                heartbeat_timeout_ms: None,
                retry_policy: None,
                cancellation_type: None,
                summary: None,
            },
        }
    }

    /// Appends one argument, encoded as a `json/plain` payload.
    pub fn arg<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Activity, PayloadError> {
        self.options.args.push(Payload::encode_json(value)?);
        Ok(self)
    }

    /// Appends one argument per item, each a `json/plain` payload.
    pub fn args<'a, T: Serialize + 'a>(
        mut self,
        values: impl IntoIterator<Item = &'a T>,
    ) -> Result<Activity, PayloadError> {
        for value in values {
            self.options.args.push(Payload::encode_json(value)?);
        }
        Ok(self)
    }

    /// Appends an already-encoded argument.
    pub fn arg_payload(mut self, payload: Payload) -> Activity {
        self.options.args.push(payload);
        self
    }

    /// The task queue its activity workers poll.
    pub fn task_queue(mut self, task_queue: impl Into<String>) -> Activity {
        self.options.task_queue = Some(task_queue.into());
        self
    }

    /// Its activity id; by default the worker numbers activities within the run.
    pub fn activity_id(mut self, activity_id: impl Into<String>) -> Activity {
        self.options.activity_id = Some(activity_id.into());
        self
    }

    /// Time allowed for one attempt.
    pub fn start_to_close(mut self, timeout: Duration) -> Activity {
        self.options.start_to_close_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed for all attempts together, retries and waiting in the queue included.
    pub fn schedule_to_close(mut self, timeout: Duration) -> Activity {
        self.options.schedule_to_close_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed waiting in the task queue for a worker.
    pub fn schedule_to_start(mut self, timeout: Duration) -> Activity {
        self.options.schedule_to_start_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// The longest gap between the activity's heartbeats.
    pub fn heartbeat_timeout(mut self, timeout: Duration) -> Activity {
        self.options.heartbeat_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// How Temporal retries failed attempts; its default policy when unset.
    pub fn retry(mut self, policy: RetryPolicy) -> Activity {
        self.options.retry_policy = Some(policy);
        self
    }

    /// What cancelling it waits for.
    pub fn cancellation(mut self, cancellation: ActivityCancellation) -> Activity {
        self.options.cancellation_type = Some(cancellation);
        self
    }

    /// A short description shown for it in the Temporal UI.
    pub fn summary(mut self, summary: impl Into<String>) -> Activity {
        self.options.summary = Some(summary.into());
        self
    }

    /// Schedules the activity and returns at once with its handle.
    pub fn start(self) -> ActivityHandle {
        let json = serde_json::to_vec(&self.options).expect("activity options always serialise");
        ActivityHandle {
            handle: host::call(|host| host.start_activity(&json)),
        }
    }

    /// Schedules the activity and blocks until it resolves: its result decoded as `T` (from
    /// its one payload; an activity that returns nothing reads as JSON `null`).
    pub fn execute<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.start().result()
    }
}

/// A scheduled activity.
#[derive(Debug)]
#[must_use = "an activity's result is only seen through its handle"]
pub struct ActivityHandle {
    handle: u32,
}

impl ActivityHandle {
    /// Blocks until the activity resolves; its result decoded as `T`.
    pub fn result<T: DeserializeOwned>(self) -> Result<T, Error> {
        Outcome::of(self.handle).into_value()
    }

    /// Blocks until the activity resolves; its result payloads as they are.
    pub fn payloads(self) -> Result<Vec<Payload>, Error> {
        Outcome::of(self.handle).into_payloads()
    }

    /// Asks Temporal to cancel the activity; its result then says what the activity reported,
    /// usually [`Error::Cancelled`]. Nothing happens if it has resolved already.
    pub fn cancel(&self) {
        host::call(|host| host.cancel(self.handle));
    }
}

impl Waitable for ActivityHandle {
    fn handle(&self) -> u32 {
        self.handle
    }
}
