//! The `temporal-wasm-worker` command: parse the command line, load the configuration and the
//! bundles, then run the worker until SIGINT/SIGTERM — or just check, or run one bundle once.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use temporal_wasm_worker::config::{self, DEFAULT_DEADLINE, DEFAULT_MEMORY_LIMIT_MIB, Settings};
use temporal_wasm_worker::exec::{self, ExecRequest};
use temporal_wasm_worker::replay::{self, ReplayHistory};
use temporal_wasm_worker::sandbox::BundleRegistry;
use temporal_wasm_worker::sandbox::engine::EngineCapacity;
use temporal_wasm_worker::sandbox::{InstanceLimits, VersioningBehavior};
use temporal_wasm_worker::shutdown::Shutdown;
use temporal_wasm_worker::temporal::worker::{self, InstancePool};
use temporal_wasm_worker::{health, telemetry};

/// Runs Temporal workflows compiled to WebAssembly.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the worker until SIGINT or SIGTERM.
    Run {
        /// The worker's TOML configuration file.
        #[arg(long)]
        config: PathBuf,
    },
    /// Validate the configuration and every bundle without connecting, and print what would be
    /// registered.
    Check {
        /// The worker's TOML configuration file.
        #[arg(long)]
        config: PathBuf,
    },
    /// Replay recorded histories through the config's current bundles, without polling: exit 0
    /// when every history replays, 3 when one does not (nondeterminism or a failed task), 1 when
    /// the replay cannot run.
    Replay {
        /// The worker's TOML configuration file (its bundles; its server for --workflow-id).
        #[arg(long)]
        config: PathBuf,
        /// A history as `temporal workflow show -o json` or the Web UI's download writes it;
        /// repeat for several.
        #[arg(long = "history", value_name = "FILE")]
        histories: Vec<PathBuf>,
        /// Fetch this workflow's history from the config's server instead.
        #[arg(long, conflicts_with = "histories")]
        workflow_id: Option<String>,
        /// The run of --workflow-id (default: its latest).
        #[arg(long, requires = "workflow_id")]
        run_id: Option<String>,
    },
    /// Exit 0 if a running worker's health file (`worker.health_file`) is fresh, 1 otherwise;
    /// for container health checks.
    Health {
        /// The health file the worker refreshes.
        #[arg(long)]
        file: PathBuf,
        /// Oldest acceptable refresh, in seconds.
        #[arg(long, default_value_t = health::DEFAULT_MAX_AGE.as_secs())]
        max_age_secs: u64,
    },
    /// Run a bundle without a server and print its result or failure; a durable bundle runs on
    /// virtual time, answered from `--mocks`.
    ///
    /// Exit code: 0 completed (or continued as new), 3 workflow failed, 4 guest bug (a worker
    /// would fail the workflow task), 5 blocked on something the mocks do not answer, 6
    /// cancelled, 1 the bundle, an input or the mocks were refused.
    Exec {
        /// The bundle (.wasm, or .wat text).
        module: PathBuf,
        /// A start argument as JSON text; repeat for several.
        #[arg(long = "input", value_name = "JSON")]
        inputs: Vec<String>,
        /// Workflow type reported to the guest.
        #[arg(long, default_value = "Exec")]
        workflow_type: String,
        /// Run deadline in milliseconds.
        #[arg(long, default_value_t = DEFAULT_DEADLINE.as_millis() as u64)]
        deadline_ms: u64,
        /// Memory cap in MiB.
        #[arg(long, default_value_t = DEFAULT_MEMORY_LIMIT_MIB)]
        memory_limit_mib: u32,
        /// A durable bundle's mocks: answers to its activities, HTTP activities and children,
        /// and the signals, updates and cancellation it receives (JSON; see the README).
        #[arg(long, value_name = "FILE")]
        mocks: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Every run ends with an error value that unwinds the guest at `complete`; with
    // RUST_BACKTRACE set, each one would also capture a native backtrace (5-20 µs per run, see
    // bench/README.md). Library backtraces are off unless the operator asks for them;
    // RUST_BACKTRACE still governs panics.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: first statement of main, before any thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { config } => run(&config),
        Command::Check { config } => check(&config),
        Command::Replay {
            config,
            histories,
            workflow_id,
            run_id,
        } => replay(
            &config,
            &histories,
            workflow_id.as_deref(),
            run_id.as_deref(),
        ),
        Command::Health { file, max_age_secs } => {
            health::check(&file, Duration::from_secs(max_age_secs))
                .map(|age| {
                    println!("healthy: {} refreshed {age:?} ago", file.display());
                    ExitCode::SUCCESS
                })
                .map_err(anyhow::Error::from)
        }
        Command::Exec {
            module,
            inputs,
            workflow_type,
            deadline_ms,
            memory_limit_mib,
            mocks,
        } => {
            telemetry::init(None);
            exec_once(ExecRequest {
                module_path: module,
                workflow_type,
                inputs,
                limits: InstanceLimits {
                    deadline: Duration::from_millis(deadline_ms),
                    memory_limit_bytes: u64::from(memory_limit_mib) << 20,
                    ..InstanceLimits::DEFAULT
                },
                mocks,
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(config_path: &std::path::Path) -> anyhow::Result<(Settings, BundleRegistry)> {
    load_logging_at(config_path, None)
}

/// Loads the config and bundles, logging at `level` instead of the config's when given (a
/// replay reports on stdout; its log would repeat each failure).
fn load_logging_at(
    config_path: &std::path::Path,
    level: Option<&str>,
) -> anyhow::Result<(Settings, BundleRegistry)> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let settings = config::load(config_path, &env)?;
    let mut logging = settings.logging.clone();
    if let Some(level) = level {
        level.clone_into(&mut logging.level);
    }
    telemetry::init(Some(&logging));
    let bundles = BundleRegistry::create(
        EngineCapacity {
            instance_slots: InstancePool::for_settings(&settings.worker).engine_slots,
        },
        settings.worker.module_cache_dir.as_deref(),
        &settings.workflows,
    )?;
    Ok((settings, bundles))
}

fn run(config_path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let (settings, bundles) = load(config_path)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let shutdown = Shutdown::on_signals();
        worker::run(&settings, Arc::new(bundles), shutdown).await
    })?;
    Ok(ExitCode::SUCCESS)
}

fn check(config_path: &std::path::Path) -> anyhow::Result<ExitCode> {
    let (settings, bundles) = load(config_path)?;
    let temporal = &settings.temporal;
    println!(
        "config {} is valid: namespace `{}`, task queue `{}` at {}",
        settings.config_path.display(),
        temporal.namespace,
        temporal.task_queue,
        temporal.target_url
    );
    let build_id = settings
        .worker
        .build_id
        .clone()
        .unwrap_or_else(|| bundles.build_id());
    println!("  build id: {build_id}");
    let worker = &settings.worker;
    if let Some(deployment) = &worker.deployment {
        let behavior = match deployment.versioning_behavior {
            VersioningBehavior::Pinned => "pinned",
            VersioningBehavior::AutoUpgrade => "auto_upgrade",
        };
        println!(
            "  worker deployment: {name}, version {name}.{build_id} (versioned routing, new runs \
             {behavior}; route to it with `temporal worker deployment set-current-version \
             --deployment-name {name} --build-id {build_id}`)",
            name = deployment.name,
        );
    }
    match &worker.tuner {
        Some(tuner) => println!(
            "  workflow task slots: resource-based, {}–{} (memory target {}, CPU target {}); \
             activity task slots: up to {}",
            tuner.min_workflow_slots,
            tuner.max_workflow_slots,
            tuner.target_memory_usage.get(),
            tuner.target_cpu_usage.get(),
            tuner.max_activity_slots,
        ),
        None => println!(
            "  workflow task slots: {} (fixed)",
            worker.max_outstanding_workflow_tasks
        ),
    }
    let pool = InstancePool::for_settings(worker);
    println!(
        "  sticky cache: {} runs; instance pool: {} slots ({} for parked runs)",
        worker.max_cached_workflows, pool.engine_slots, pool.parked_instances
    );
    for versions in bundles.all_versions() {
        let bundle = versions.current();
        let limits = bundle.limits();
        println!(
            "  {}: deadline {:?}, memory limit {} MiB, guest bugs: {:?}",
            bundle.workflow_type(),
            limits.deadline,
            limits.memory_limit_bytes >> 20,
            bundle.on_guest_bug(),
        );
        for (index, bundle) in versions.all().enumerate() {
            let cache = bundle
                .cache_outcome()
                .map(|outcome| format!(", module cache: {outcome:?}"))
                .unwrap_or_default();
            println!(
                "    {} {}: {} ({} bytes, {}){cache}",
                if index == 0 { "current " } else { "previous" },
                bundle.version(),
                bundle.module_path().display(),
                bundle.module_bytes(),
                if bundle.is_durable() {
                    "durable, ABI v1"
                } else {
                    "one-shot, ABI v0"
                },
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn replay(
    config_path: &std::path::Path,
    files: &[PathBuf],
    workflow_id: Option<&str>,
    run_id: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let (settings, bundles) = load_logging_at(config_path, Some("error"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let reports = runtime.block_on(async {
        let histories = match workflow_id {
            Some(workflow_id) => vec![ReplayHistory {
                source: format!("workflow {workflow_id}"),
                workflow_id: workflow_id.to_owned(),
                history: replay::fetch::fetch_history(&settings, workflow_id, run_id).await?,
            }],
            None => replay::read_history_files(files)?,
        };
        anyhow::Ok(
            replay::replay(Arc::new(bundles), &settings.temporal.namespace, histories).await?,
        )
    })?;
    for report in &reports {
        println!("{report}");
    }
    let failed = reports.iter().filter(|report| !report.is_ok()).count();
    println!(
        "{} of {} histories replayed",
        reports.len() - failed,
        reports.len()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn exec_once(request: ExecRequest) -> anyhow::Result<ExitCode> {
    let (report, stats) = exec::exec(&request)?;
    let mut printed = report.to_json();
    if let (Some(stats), Some(object)) = (stats, printed.as_object_mut()) {
        object.insert("virtual_ms".into(), stats.elapsed_ms.into());
        object.insert("activations".into(), stats.activations.into());
        if stats
            .updates
            .as_object()
            .is_some_and(|updates| !updates.is_empty())
        {
            object.insert("updates".into(), stats.updates);
        }
    }
    println!("{printed:#}");
    Ok(ExitCode::from(report.exit_code() as u8))
}
