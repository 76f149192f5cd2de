//! One run on this thread: [`TestHost::run`] installs the fake worker where the SDK's host calls
//! find it, runs the workflow function until an ending call unwinds out of it, and turns what
//! the worker saw into the [`TestRun`] report.
//!
//! Outside wasm32 every host call of the SDK goes through [`with_host`]; the ending calls
//! unwind with [`RunEnded`] because, as under the worker, nothing of the workflow may run after
//! them.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::TestHost;
use super::report::{TestRun, UpdateOutcome, UpdateVerdict};
use crate::Level;
use crate::entry::Workflow;
use crate::host::Host;

thread_local! {
    /// The fake worker of the run in progress on this thread.
    static CURRENT: RefCell<Option<TestHost>> = const { RefCell::new(None) };
}

/// What an ending call unwinds with, back to [`TestHost::run`].
pub(super) struct RunEnded;

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

impl TestHost {
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

    /// The report of the ended run; an update never answered counts as accepted.
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
}
