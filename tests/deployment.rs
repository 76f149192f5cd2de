//! The shipped configs, Dockerfile and docker-compose.yml stay in step with the code: every
//! config parses with the real loader, and the paths and ports they share agree.

use std::path::Path;
use std::time::Duration;

use temporal_wasm_worker::config;
use temporal_wasm_worker::sandbox::{GuestBugPolicy, InstanceLimits};

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn load(path: &str) -> config::Settings {
    load_with_env(path, &[])
}

fn load_with_env(path: &str, env: &[(String, String)]) -> config::Settings {
    config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path), env)
        .unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn reference_config_parses_and_states_the_real_defaults() {
    let settings = load("config/reference.toml");
    assert_eq!(settings.temporal.target_url, "http://localhost:7233");
    assert_eq!(settings.temporal.namespace, "default");
    assert_eq!(
        settings.worker.max_outstanding_workflow_tasks,
        config::DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS
    );
    assert_eq!(
        settings.worker.max_cached_workflows,
        config::default_max_cached_workflows()
    );
    assert_eq!(
        settings.worker.shutdown_timeout,
        config::DEFAULT_SHUTDOWN_TIMEOUT
    );
    let greet = &settings.workflows[0];
    assert_eq!(greet.limits.deadline, config::DEFAULT_DEADLINE);
    assert_eq!(
        greet.limits.memory_limit_bytes,
        u64::from(config::DEFAULT_MEMORY_LIMIT_MIB) << 20
    );
    assert_eq!(greet.limits, InstanceLimits::DEFAULT);
    assert_eq!(greet.on_guest_bug, GuestBugPolicy::FailTask);
}

#[test]
fn examples_config_registers_the_four_examples_of_every_language() {
    // The order examples' HTTP charge carries the payment API's token, from the environment.
    let token = [("PAYMENTS_TOKEN".to_owned(), "t".to_owned())];
    let settings = load_with_env("config/examples.toml", &token);
    assert_eq!(
        settings.http_activities.allowed_hosts.len(),
        1,
        "only the local payment API may be called"
    );
    let types: Vec<&str> = settings
        .workflows
        .iter()
        .map(|w| w.workflow_type.as_str())
        .collect();
    for language in ["Rust", "C", "Zig", "As", "Go"] {
        for example in ["Greet", "ValidateOrder", "OrderFulfilment", "MemoryLoop"] {
            assert!(
                types.contains(&format!("{language}{example}").as_str()),
                "{types:?}"
            );
        }
    }
}

#[test]
fn docker_config_is_the_one_the_image_bakes_in_and_runs() {
    let dockerfile = repo_file("Dockerfile");
    assert!(
        dockerfile.contains("COPY config/docker.toml /etc/temporal-wasm-worker/worker.toml"),
        "the Dockerfile must bake config/docker.toml in"
    );
    assert!(
        dockerfile.contains(r#"CMD ["run", "--config", "/etc/temporal-wasm-worker/worker.toml"]"#)
    );
    let settings = load("config/docker.toml");
    // Every bundle the config registers is one the image builds.
    let build_line = dockerfile
        .lines()
        .find(|line| line.contains("guest/build-all.sh"))
        .expect("the Dockerfile builds example bundles");
    assert!(
        build_line.contains("BUNDLE_DIR=/opt/temporal-wasm-worker/bundles"),
        "{build_line}"
    );
    for workflow in &settings.workflows {
        let path = workflow.module_path.to_string_lossy();
        let language = path
            .strip_prefix("/opt/temporal-wasm-worker/bundles/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("{path} is outside the image's bundle folder"));
        assert!(
            build_line.split_whitespace().any(|word| word == language),
            "{language} bundles are not built: {build_line}"
        );
    }
}

#[test]
fn compose_worker_reaches_the_compose_server_on_its_published_port() {
    let compose = repo_file("docker-compose.yml");
    let settings = load("config/docker.toml");
    // The baked-in config and the compose override name the same server.
    assert_eq!(settings.temporal.target_url, "http://temporal:7233");
    assert!(
        compose.contains("TEMPORAL_ADDRESS: temporal:7233"),
        "compose worker address"
    );
    assert!(
        compose.contains("\n  temporal:\n"),
        "compose has a `temporal` service"
    );
    assert!(
        compose.contains("\"7233:7233\""),
        "compose publishes the gRPC port"
    );
    // The worker gets longer to stop than its own shutdown timeout.
    let grace: u64 = compose
        .lines()
        .find_map(|line| line.trim().strip_prefix("stop_grace_period: "))
        .and_then(|value| value.trim_end_matches('s').parse().ok())
        .expect("stop_grace_period in seconds");
    assert!(Duration::from_secs(grace) > settings.worker.shutdown_timeout);
}
