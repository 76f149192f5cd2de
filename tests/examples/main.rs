//! The example workflows of every guest language, built from source by `guest/build-all.sh`,
//! registered with `config/examples.toml` and run through one worker on a real Temporal server,
//! next to what they call: the inventory activities (Temporal's Python SDK on task queue
//! `inventory`) and the payment API (`tests/support/payments.py` on loopback).
//!
//! Every case runs in all seven languages at once, and every language must give the same answer.

#[path = "../common/mod.rs"]
mod common;
mod one_shot;
mod order_fulfilment;
mod payments;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use common::activities::ActivityWorker;
use common::durable_client::DurableClient;
use common::temporal::{PythonClient, TemporalServer, WorkerProcess, free_port};
use payments::PaymentApi;

/// Workflow type prefix and bundle folder of each language.
const LANGUAGES: [(&str, &str); 7] = [
    ("Rust", "rust"),
    ("C", "c"),
    ("Zig", "zig"),
    ("As", "assemblyscript"),
    ("Go", "go"),
    ("Js", "js"),
    ("Ts", "ts"),
];
const TASK_QUEUE: &str = "examples";
/// The queue `config/examples.toml`'s order examples schedule their activities on.
const INVENTORY_QUEUE: &str = "inventory";
/// The payment API's port in `config/examples.toml`, replaced by the test's own.
const CONFIGURED_PAYMENTS_PORT: &str = "18089";
/// The secret the worker sends the payment API.
const PAYMENTS_TOKEN: &str = "examples-token";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bundle(language_dir: &str, name: &str) -> PathBuf {
    repo()
        .join("target/guest-bundles")
        .join(language_dir)
        .join(format!("{name}.wasm"))
}

/// What every example test shares: the worker, the services it calls, and clients.
struct Examples {
    _worker: WorkerProcess,
    _inventory: ActivityWorker,
    payments: PaymentApi,
    client: PythonClient,
    durable: DurableClient,
}

/// One worker for all examples, configured by `config/examples.toml` as an operator would run
/// it: copied with the payment API's port and the bundles' folder filled in, the server address
/// and task queue overridden from the environment.
fn examples() -> &'static Examples {
    static EXAMPLES: OnceLock<Examples> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        for (_, language_dir) in LANGUAGES {
            for name in ["greet", "validate_order", "order_fulfilment", "memory_loop"] {
                let path = bundle(language_dir, name);
                assert!(
                    path.is_file(),
                    "{} is missing: build the examples with guest/build-all.sh",
                    path.display()
                );
            }
        }
        let server = TemporalServer::shared();
        let payments = PaymentApi::start(free_port(), PAYMENTS_TOKEN);
        let inventory = ActivityWorker::start(&server.address, INVENTORY_QUEUE);
        let dir = tempfile::tempdir().expect("temp dir");
        let config = std::fs::read_to_string(repo().join("config/examples.toml"))
            .expect("config/examples.toml")
            .replace(CONFIGURED_PAYMENTS_PORT, &payments.port.to_string())
            .replace(
                "module = \"../",
                &format!("module = \"{}/", repo().display()),
            );
        let config_path = dir.path().join("examples.toml");
        std::fs::write(&config_path, config).expect("write the config");
        let env = [
            ("TEMPORAL_ADDRESS".to_owned(), server.address.clone()),
            (
                "TWW__TEMPORAL__TASK_QUEUE".to_owned(),
                TASK_QUEUE.to_owned(),
            ),
            ("PAYMENTS_TOKEN".to_owned(), PAYMENTS_TOKEN.to_owned()),
        ];
        let worker = WorkerProcess::start_with_config_file(&config_path, dir, &env);
        assert!(
            worker.wait_for_log("polling for workflow tasks", Duration::from_secs(120)),
            "{}",
            worker.log()
        );
        Examples {
            _worker: worker,
            _inventory: inventory,
            payments,
            client: PythonClient {
                address: server.address.clone(),
                task_queue: TASK_QUEUE.to_owned(),
            },
            durable: DurableClient::new(&server.address, TASK_QUEUE),
        }
    })
}
