//! Temporal client config profiles: the lowest layer, beneath the file and the environment.

use super::*;

const PROFILES: &str = r#"
    [profile.default]
    address = "default.example:7233"

    [profile.prod]
    address = "prod.tmprl.cloud:7233"
    namespace = "orders.acct"
    api_key = "profile-key"

    [profile.prod.tls]
    server_name = "prod.tmprl.cloud"
"#;

#[test]
fn named_profile_supplies_address_namespace_api_key_and_tls() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("temporal.toml");
    std::fs::write(&profiles, PROFILES).unwrap();
    let settings = load(
        &write_config(&dir, MINIMAL),
        &env(&[
            ("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap()),
            ("TEMPORAL_PROFILE", "prod"),
        ]),
    )
    .unwrap();
    assert_eq!(
        settings.temporal.target_url,
        "https://prod.tmprl.cloud:7233"
    );
    assert_eq!(settings.temporal.namespace, "orders.acct");
    assert_eq!(
        settings.temporal.api_key.as_ref().unwrap().expose(),
        "profile-key"
    );
    assert_eq!(
        tls_settings(&settings).server_name.as_deref(),
        Some("prod.tmprl.cloud")
    );
}

#[test]
fn config_file_keys_win_over_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("temporal.toml");
    std::fs::write(&profiles, PROFILES).unwrap();
    let path = write_config(
        &dir,
        &MINIMAL.replace(
            "task_queue",
            "profile = \"prod\"\nnamespace = \"mine\"\ntask_queue",
        ),
    );
    let settings = load(
        &path,
        &env(&[("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap())]),
    )
    .unwrap();
    assert_eq!(settings.temporal.namespace, "mine");
    assert_eq!(
        settings.temporal.target_url,
        "https://prod.tmprl.cloud:7233"
    );
}

#[test]
fn config_file_variable_alone_uses_its_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("temporal.toml");
    std::fs::write(&profiles, PROFILES).unwrap();
    let settings = load(
        &write_config(&dir, MINIMAL),
        &env(&[("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap())]),
    )
    .unwrap();
    assert_eq!(settings.temporal.target_url, "http://default.example:7233");
}

#[test]
fn missing_profile_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("temporal.toml");
    std::fs::write(&profiles, PROFILES).unwrap();
    let err = load(
        &write_config(&dir, MINIMAL),
        &env(&[
            ("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap()),
            ("TEMPORAL_PROFILE", "staging"),
        ]),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`staging`"), "{err}");
}
