//! The floor worker of the end-to-end benchmark (`bench/e2e.py`): the worker loop of
//! `src/temporal/worker.rs` — same core SDK, same connection, same `WorkerConfig`, same poll → spawn →
//! complete loop and shutdown — but every `InitializeWorkflow` is answered with a fixed
//! `CompleteWorkflowExecution` and no WASM runs. Whatever the real worker costs above this is
//! the wasm layer's.
//!
//! ```text
//! floor_worker --address 127.0.0.1:7233 --task-queue Q [--namespace default] [--result JSON]
//!              [--max-cached-workflows N]
//! ```
//!
//! Its `WorkerConfig` takes the product's defaults for this machine: the sticky cache
//! (`default_max_cached_workflows`, which also decides how core splits its pollers between the
//! sticky and the normal queue) and the outstanding workflow tasks. `--max-cached-workflows 0`
//! measures the loop without a sticky queue.
//!
//! It logs `polling for workflow tasks` on stderr before its first poll and stops on SIGINT or
//! SIGTERM once in-flight completions are done. Without `--address` (as `cargo test --benches`
//! runs it) it exits at once: it is a benchmark's helper, not a benchmark.

use std::collections::HashMap;
use std::sync::Arc;

use temporal_wasm_worker::config::{
    DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS, default_max_cached_workflows,
};
use temporalio_client::{Connection, ConnectionOptions, Url};
use temporalio_common::protos::coresdk::workflow_activation::{
    WorkflowActivation, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    CompleteWorkflowExecution, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::WorkflowActivationCompletion;
use temporalio_common::protos::temporal::api::common::v1::Payload;
use temporalio_common::telemetry::TelemetryOptions;
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::{
    CoreRuntime, PollError, RuntimeOptions, WorkerConfig, WorkerVersioningStrategy, init_worker,
};
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::JoinSet;

/// Command-line options; every one is `--name value`.
struct Options {
    address: String,
    namespace: String,
    task_queue: String,
    result_json: String,
    max_cached_workflows: usize,
}

fn parse_options() -> Result<Option<Options>, String> {
    let mut values = HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some(name) = arg.strip_prefix("--") else {
            return Err(format!("unexpected argument `{arg}`"));
        };
        // Flags a test harness may pass (`--nocapture`, `--test`…) carry no value.
        if ![
            "address",
            "namespace",
            "task-queue",
            "result",
            "max-cached-workflows",
        ]
        .contains(&name)
        {
            continue;
        }
        let value = args.next().ok_or(format!("--{name} needs a value"))?;
        values.insert(name.to_owned(), value);
    }
    let Some(address) = values.remove("address") else {
        return Ok(None);
    };
    let max_cached_workflows = match values.remove("max-cached-workflows") {
        Some(count) => count
            .parse()
            .map_err(|err| format!("--max-cached-workflows `{count}`: {err}"))?,
        None => default_max_cached_workflows(),
    };
    Ok(Some(Options {
        address,
        namespace: values
            .remove("namespace")
            .unwrap_or_else(|| "default".to_owned()),
        task_queue: values
            .remove("task-queue")
            .ok_or("--task-queue is required with --address")?,
        result_json: values
            .remove("result")
            .unwrap_or_else(|| "\"Hello, Temporal!\"".to_owned()),
        max_cached_workflows,
    }))
}

fn main() -> std::process::ExitCode {
    let options = match parse_options() {
        Ok(Some(options)) => options,
        Ok(None) => {
            eprintln!("floor_worker: no --address given; nothing to do (see bench/README.md)");
            return std::process::ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("floor_worker: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    // The same subscriber the product installs (`telemetry::init` with its defaults).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(options)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("floor_worker: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let runtime = CoreRuntime::new_assume_tokio(
        RuntimeOptions::builder()
            .telemetry_options(TelemetryOptions::builder().build())
            .build()
            .map_err(|err| err.to_string())?,
    )
    .map_err(|err| format!("{err:#}"))?;
    let url = Url::parse(&format!("http://{}", options.address)).map_err(|err| err.to_string())?;
    let identity = format!("floor-worker@{}", std::process::id());
    let connection = Connection::connect(
        ConnectionOptions::new(url)
            .identity(identity.clone())
            .client_name("temporal-wasm-worker".to_owned())
            .client_version(env!("CARGO_PKG_VERSION").to_owned())
            .build(),
    )
    .await
    .map_err(|err| format!("cannot connect: {err}"))?;
    // What the product's `worker::run` builds with its defaults.
    let config = WorkerConfig::builder()
        .namespace(options.namespace.clone())
        .task_queue(options.task_queue.clone())
        .task_types(WorkerTaskTypes::workflow_only())
        .versioning_strategy(WorkerVersioningStrategy::None {
            build_id: "floor-worker".to_owned(),
        })
        .client_identity_override(identity)
        .max_cached_workflows(options.max_cached_workflows)
        .max_outstanding_workflow_tasks(DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS)
        .build()
        .map_err(|err| err.to_string())?;
    let worker = init_worker(&runtime, config, connection).map_err(|err| format!("{err:#}"))?;
    worker.validate().await.map_err(|err| err.to_string())?;
    let worker = Arc::new(worker);

    let stopper = {
        let worker = Arc::clone(&worker);
        let mut interrupt = signal(SignalKind::interrupt()).map_err(|err| err.to_string())?;
        let mut terminate = signal(SignalKind::terminate()).map_err(|err| err.to_string())?;
        tokio::spawn(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            worker.initiate_shutdown();
        })
    };

    let result = Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: options.result_json.into_bytes(),
        ..Default::default()
    };
    tracing::info!(task_queue = %options.task_queue, "polling for workflow tasks");
    let mut completions = JoinSet::new();
    let outcome = loop {
        while completions.try_join_next().is_some() {}
        match worker.poll_workflow_activation().await {
            Ok(activation) => {
                let worker = Arc::clone(&worker);
                let result = result.clone();
                completions.spawn(async move {
                    let completion = answer(activation, result);
                    let run_id = completion.run_id.clone();
                    if let Err(err) = worker.complete_workflow_activation(completion).await {
                        tracing::warn!(%run_id, "completing the activation failed: {err}");
                    }
                });
            }
            Err(PollError::ShutDown) => break Ok(()),
            Err(err) => {
                worker.initiate_shutdown();
                break Err(format!("polling failed: {err}"));
            }
        }
    };
    while completions.join_next().await.is_some() {}
    stopper.abort();
    let _ = stopper.await;
    if let Ok(worker) = Arc::try_unwrap(worker) {
        worker.finalize_shutdown().await;
    }
    tracing::info!("worker stopped");
    outcome
}

/// Completes an initialized workflow with `result`; acknowledges anything else (evictions).
fn answer(activation: WorkflowActivation, result: Payload) -> WorkflowActivationCompletion {
    let initializes = activation
        .jobs
        .iter()
        .any(|job| matches!(job.variant, Some(Job::InitializeWorkflow(_))));
    if initializes {
        WorkflowActivationCompletion::from_cmd(
            activation.run_id,
            Command::CompleteWorkflowExecution(CompleteWorkflowExecution {
                result: Some(result),
            }),
        )
    } else {
        WorkflowActivationCompletion::empty(activation.run_id)
    }
}
