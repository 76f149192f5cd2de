//! The shipped configs, Dockerfile, compose files and Kubernetes manifests stay in step with the
//! code: every config parses with the real loader, and the paths, ports, health files and grace
//! periods they share agree. (scripts/lint-docker.sh checks the files' own syntax and schemas.)

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

/// The value of every `key: value` line in `yaml` (list items included), trimmed and unquoted.
fn yaml_values<'a>(yaml: &'a str, key: &str) -> Vec<&'a str> {
    yaml.lines()
        .filter_map(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            let value = line.strip_prefix(key)?.strip_prefix(':')?;
            Some(value.trim().trim_matches('"'))
        })
        .collect()
}

/// The lines nested under the first line of `yaml` that opens `key` (`key:` or `key: &anchor`),
/// at any indentation: those indented deeper than it.
fn yaml_block(yaml: &str, key: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let opens = |line: &str| {
        let line = line.trim();
        line == format!("{key}:") || line.starts_with(&format!("{key}: &"))
    };
    let mut lines = yaml.lines().skip_while(|line| !opens(line));
    let start = lines.next().unwrap_or_else(|| panic!("no `{key}:` block"));
    lines
        .take_while(|line| line.trim().is_empty() || indent(line) > indent(start))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The port of an `ip:port` the worker listens on.
fn metrics_port(settings: &config::Settings) -> u16 {
    settings
        .prometheus_address
        .expect("the metrics endpoint is on")
        .port()
}

#[test]
fn prod_compose_runs_worker_replicas_with_health_checks_metrics_and_mounted_config() {
    let compose = repo_file("deploy/compose/docker-compose.prod.yml");
    let settings = load("deploy/compose/worker.toml");
    let worker = yaml_block(&compose, "x-worker");
    assert!(
        worker.contains("context: ../.."),
        "built from the Dockerfile"
    );
    assert!(worker.contains("- ./worker.toml:/etc/temporal-wasm-worker/worker.toml:ro"));
    // Every bundle the config registers is under the read-only bundle mount.
    let mount = "/srv/temporal-wasm-worker/bundles";
    assert!(worker.contains(&format!(":{mount}:ro")), "{worker}");
    for workflow in &settings.workflows {
        assert!(workflow.module_path.starts_with(mount), "{workflow:?}");
    }
    let health_file = settings.worker.health_file.clone().expect("a health file");
    let healthcheck = yaml_block(&worker, "healthcheck");
    assert!(
        healthcheck.contains(&format!(
            "\"temporal-wasm-worker\", \"health\", \"--file\", \"{}\"",
            health_file.display()
        )),
        "{healthcheck}"
    );
    let grace: u64 = yaml_values(&worker, "stop_grace_period")[0]
        .trim_end_matches('s')
        .parse()
        .expect("stop_grace_period in seconds");
    assert!(Duration::from_secs(grace) > settings.worker.shutdown_timeout);
    // Two or more replicas, each publishing its metrics port.
    let replicas: Vec<&str> = compose
        .lines()
        .filter(|line| line.starts_with("  worker-"))
        .collect();
    assert!(replicas.len() >= 2, "{replicas:?}");
    let port = metrics_port(&settings);
    for replica in &replicas {
        let block = yaml_block(&compose, replica.trim().trim_end_matches(':'));
        assert!(block.contains("<<: *worker"), "{block}");
        assert!(
            block.contains(&format!(":{port}\"")),
            "{replica} publishes {port}: {block}"
        );
    }
    // The server it reaches runs on PostgreSQL from the official images, with the UI.
    assert_eq!(settings.temporal.target_url, "http://temporal:7233");
    assert!(yaml_block(&compose, "temporal").contains("image: temporalio/server:"));
    assert!(yaml_block(&compose, "temporal").contains("DB: postgres12"));
    assert!(yaml_block(&compose, "temporal-schema").contains("image: temporalio/admin-tools:"));
    assert!(yaml_block(&compose, "temporal-ui").contains("image: temporalio/ui:"));
}

#[test]
fn kubernetes_deployment_agrees_with_its_worker_config() {
    let deployment = repo_file("deploy/kubernetes/deployment.yaml");
    let kustomization = repo_file("deploy/kubernetes/kustomization.yaml");
    let settings = load("deploy/kubernetes/worker.toml");

    // The config comes from the generated ConfigMap, mounted where the command reads it.
    let generator = yaml_block(&kustomization, "configMapGenerator");
    assert!(generator.contains("- worker.toml"), "{generator}");
    let config_map = yaml_values(&generator, "name")[0];
    assert!(
        yaml_values(&deployment, "name").contains(&config_map),
        "the Deployment mounts ConfigMap {config_map}"
    );
    assert!(
        deployment
            .contains(r#"args: ["run", "--config", "/etc/temporal-wasm-worker/worker.toml"]"#)
    );
    assert!(yaml_values(&deployment, "mountPath").contains(&"/etc/temporal-wasm-worker"));
    assert!(
        yaml_values(&deployment, "mountPath").contains(&"/tmp"),
        "a writable /tmp"
    );

    // Every probe checks the health file the worker refreshes.
    let health_file = settings.worker.health_file.clone().expect("a health file");
    let health_file = health_file.to_string_lossy();
    for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
        let block = yaml_block(&deployment, probe);
        assert!(
            block.contains("temporal-wasm-worker") && block.contains(health_file.as_ref()),
            "{probe}: {block}"
        );
    }
    // Kubernetes waits longer than the worker's own shutdown timeout before SIGKILL.
    let grace: u64 = yaml_values(&deployment, "terminationGracePeriodSeconds")[0]
        .parse()
        .expect("terminationGracePeriodSeconds");
    assert!(Duration::from_secs(grace) > settings.worker.shutdown_timeout);

    // The metrics port is the one the worker serves, and the Service names it.
    let port = metrics_port(&settings).to_string();
    assert_eq!(yaml_values(&deployment, "containerPort"), [port.as_str()]);
    assert!(yaml_values(&deployment, "prometheus.io/port").contains(&port.as_str()));
    let service = repo_file("deploy/kubernetes/service.yaml");
    assert_eq!(yaml_values(&service, "targetPort"), ["metrics"]);

    // Limits exist: the default cache and the tuner measure against them.
    let resources = yaml_block(&deployment, "resources");
    assert!(
        resources.contains("limits:") && resources.contains("memory:"),
        "{resources}"
    );
    assert!(settings.worker.tuner.is_some());
    // Bundles are the image's or the mounted ConfigMap's.
    for workflow in &settings.workflows {
        assert!(
            workflow
                .module_path
                .starts_with("/opt/temporal-wasm-worker/bundles")
                || workflow
                    .module_path
                    .starts_with("/srv/temporal-wasm-worker/bundles"),
            "{workflow:?}"
        );
    }
}

#[test]
fn every_kubernetes_resource_is_schema_checked_in_ci() {
    let kustomization = repo_file("deploy/kubernetes/kustomization.yaml");
    let lint = repo_file("scripts/lint-docker.sh");
    let resources = yaml_block(&kustomization, "resources");
    let files: Vec<&str> = resources
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        repo_file(&format!("deploy/kubernetes/{file}"));
        assert!(
            lint.contains(&format!("deploy/kubernetes/{file}")),
            "scripts/lint-docker.sh validates {file}"
        );
    }
}

#[test]
fn reference_config_states_the_real_tuner_and_deployment_defaults_when_uncommented() {
    // Uncomment the deployment keys and the [worker.tuner] table, as an operator would, and drop
    // the fixed count the tuner replaces.
    let reference = repo_file("config/reference.toml");
    let mut in_tuner = false;
    let mut text = String::new();
    for line in reference.lines() {
        in_tuner = (in_tuner || line == "# [worker.tuner]") && !line.starts_with("[metrics]");
        let is_key = |line: &str| {
            line.strip_prefix("# ").is_some_and(|rest| {
                rest.split_once(" = ")
                    .is_some_and(|(key, _)| key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            })
        };
        let uncomment = line == "# [worker.tuner]"
            || (in_tuner && is_key(line))
            || line.starts_with("# deployment_");
        if line.starts_with("max_outstanding_workflow_tasks") {
            continue;
        }
        text.push_str(if uncomment { &line[2..] } else { line });
        text.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reference.toml");
    std::fs::write(&path, text).unwrap();
    let worker = config::load(&path, &[])
        .unwrap_or_else(|err| panic!("{err}"))
        .worker;
    let tuner = worker.tuner.expect("the tuner table is on");
    assert_eq!(
        tuner.target_memory_usage.get(),
        config::DEFAULT_TARGET_MEMORY_USAGE
    );
    assert_eq!(
        tuner.target_cpu_usage.get(),
        config::DEFAULT_TARGET_CPU_USAGE
    );
    assert_eq!(tuner.min_workflow_slots, config::DEFAULT_MIN_WORKFLOW_SLOTS);
    assert_eq!(tuner.max_workflow_slots, config::DEFAULT_MAX_WORKFLOW_SLOTS);
    assert_eq!(tuner.max_activity_slots, config::DEFAULT_MAX_ACTIVITY_SLOTS);
    let deployment = worker.deployment.expect("a deployment name");
    assert_eq!(
        deployment.versioning_behavior,
        temporal_wasm_worker::sandbox::VersioningBehavior::AutoUpgrade
    );
}
