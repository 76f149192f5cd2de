//! Setting up a [`TestHost`] before its run: who the workflow is and what it is given, the
//! deterministic sources, the responders that answer its commands, and the signals, updates and
//! cancellation that arrive on the virtual clock.
//!
//! Each setter takes and gives back the host by value, so a test reads as one chain ending in
//! [`TestHost::run`].

use std::time::Duration;

use serde::Serialize;

use super::TestHost;
use super::reply::{Reply, Request};
use super::state::millis;
use super::timeline::Event;
use crate::payload::Payload;
use crate::{DurableInfo, WorkflowInfo};

impl TestHost {
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
}
