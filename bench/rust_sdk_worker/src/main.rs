//! Temporal's Rust SDK (`temporalio-sdk`) running the durable benchmarks' workflow natively, so
//! that bench/durable_e2e.py, bench/parked.py and bench/replay.py can put this worker's figures
//! next to what a user would get from Temporal's own SDK.
//!
//! ```text
//! rust-sdk-bench-worker --address 127.0.0.1:7233 --task-queue Q [--max-cached-workflows N]
//! rust-sdk-bench-worker --address 127.0.0.1:7233 --activities [--task-queue bench-activities]
//! ```
//!
//! The first form polls workflow tasks of `BenchSteps` only (the same workflow as the bench
//! guests in bench/guests/, step for step and command for command); the second polls activity
//! tasks only and serves `echo`, the one external activity worker every row of a benchmark
//! shares. Both log `polling for workflow tasks` (or `... activity tasks`) on stderr once the
//! worker runs, and stop on SIGTERM or SIGINT.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions, Url};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::Runtime;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::runtime::RuntimeOptions;
use temporalio_sdk::{
    ActivityOptions, SyncWorkflowContext, Worker, WorkerOptions, WorkflowContext, WorkflowResult,
};
use tokio::signal::unix::{SignalKind, signal};

/// The activities' task queue when the input names none (bench/guests/README.md).
const DEFAULT_ACTIVITY_QUEUE: &str = "bench-activities";

/// `BenchSteps`' input: the same fields, defaults and meaning as the bench guests'.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StepsInput {
    /// `echo` activities run one after the other, first.
    before: u32,
    /// Timers slept one after the other, next.
    timers: u32,
    /// Each timer's duration.
    timer_ms: u64,
    /// `echo` activities run after the timers.
    after: u32,
    /// When > 0, then wait for signal `release`, at most this long.
    park_ms: u64,
    /// Where the activities go.
    activity_queue: Option<String>,
}

/// `BenchSteps`' result: how many steps it took (a release by signal counts as one).
#[derive(Debug, Deserialize, Serialize)]
pub struct StepsOutput {
    done: u64,
}

/// The benchmarks' workflow; `released` is set by signal `release`.
#[workflow]
#[derive(Default)]
pub struct BenchSteps {
    released: bool,
}

#[workflow_methods]
impl BenchSteps {
    #[run(name = "BenchSteps")]
    pub async fn run(
        ctx: &mut WorkflowContext<Self>,
        input: StepsInput,
    ) -> WorkflowResult<StepsOutput> {
        let mut options = ActivityOptions::start_to_close_timeout(Duration::from_secs(10));
        options.task_queue = Some(
            input
                .activity_queue
                .clone()
                .unwrap_or_else(|| DEFAULT_ACTIVITY_QUEUE.to_owned()),
        );
        let mut done = 0u64;
        for step in 0..input.before {
            ctx.execute_activity(Echo::echo, u64::from(step), options.clone())
                .await?;
            done += 1;
        }
        for _ in 0..input.timers {
            ctx.timer(Duration::from_millis(input.timer_ms.max(1)))
                .await;
            done += 1;
        }
        for step in 0..input.after {
            ctx.execute_activity(Echo::echo, u64::from(input.before + step), options.clone())
                .await?;
            done += 1;
        }
        if input.park_ms > 0 {
            // Signal or timeout, whichever comes first; the losing timer is cancelled, as the
            // guests' `select` with a timeout does.
            let released = temporalio_sdk::workflows::select! {
                _ = ctx.timer(Duration::from_millis(input.park_ms)) => false,
                _ = ctx.wait_condition(|state| state.released) => true,
            };
            if released {
                done += 1;
            }
        }
        Ok(StepsOutput { done })
    }

    #[signal(name = "release")]
    pub fn release(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.released = true;
    }
}

/// The one activity: returns its argument.
pub struct Echo;

#[activities]
impl Echo {
    #[activity(name = "echo")]
    pub async fn echo(_ctx: ActivityContext, value: u64) -> Result<u64, ActivityError> {
        Ok(value)
    }
}

/// Command-line options; every one but `--activities` is `--name value`.
struct Options {
    address: String,
    task_queue: String,
    activities: bool,
    max_cached_workflows: usize,
}

fn parse_options() -> Result<Option<Options>, String> {
    let mut values = HashMap::new();
    let mut activities = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--activities" => activities = true,
            "--address" | "--task-queue" | "--max-cached-workflows" => {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                values.insert(arg, value);
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let Some(address) = values.remove("--address") else {
        return Ok(None);
    };
    let task_queue = match values.remove("--task-queue") {
        Some(queue) => queue,
        None if activities => DEFAULT_ACTIVITY_QUEUE.to_owned(),
        None => return Err("--task-queue is required for a workflow worker".to_owned()),
    };
    let max_cached_workflows = match values.remove("--max-cached-workflows") {
        Some(text) => {
            usize::from_str(&text).map_err(|err| format!("--max-cached-workflows: {err}"))?
        }
        None => 1000,
    };
    Ok(Some(Options {
        address,
        task_queue,
        activities,
        max_cached_workflows,
    }))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let options = match parse_options() {
        Ok(Some(options)) => options,
        Ok(None) => {
            eprintln!("rust-sdk-bench-worker: no --address given; nothing to do");
            return std::process::ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("rust-sdk-bench-worker: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rust-sdk-bench-worker: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let runtime =
        Runtime::from_current_tokio(RuntimeOptions::default()).map_err(|err| err.to_string())?;
    let url = Url::parse(&format!("http://{}", options.address)).map_err(|err| err.to_string())?;
    let connection = Connection::connect(
        ConnectionOptions::new(url)
            .identity(format!("rust-sdk-bench-worker@{}", std::process::id()))
            .build(),
    )
    .await
    .map_err(|err| format!("cannot connect: {err}"))?;
    let client = Client::new(connection, ClientOptions::new("default").build())
        .map_err(|err| err.to_string())?;
    let builder = WorkerOptions::new(options.task_queue.clone());
    let worker_options = if options.activities {
        builder.register_activities(Echo).build()
    } else {
        builder
            .register_workflow::<BenchSteps>()
            .map_err(|err| err.to_string())?
            .max_cached_workflows(options.max_cached_workflows)
            .build()
    };
    let mut worker =
        Worker::new(&runtime, client, worker_options).map_err(|err| err.to_string())?;
    let stop = worker.shutdown_handle();
    tokio::spawn(async move {
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        stop();
    });
    let kind = if options.activities {
        "activity"
    } else {
        "workflow"
    };
    eprintln!(
        "polling for {kind} tasks on {} (max_cached_workflows {})",
        options.task_queue, options.max_cached_workflows
    );
    worker.run().await.map_err(|err| err.to_string())
}
