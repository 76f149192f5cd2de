//! A script as a whole: the deterministic sources, continuing as new, the workflow's info, the
//! `fail` step, and the scripts and host JSON that fail the run.

use serde_json::json;

use super::{FakeHost, completed, failure_type, info};
use crate::payload::Payload;
use crate::script::{Ending, run};

#[test]
fn deterministic_sources_and_log_give_their_values() {
    let mut host = FakeHost::default();
    let script = json!({"steps": [
        {"random": 3}, {"patched": "v2", "deprecated": true}, {"is_replaying": true},
        {"log": "hello"},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!(["001122", 1, 0, null]));
    assert_eq!(host.calls, ["patched(v2, true)", "log(3, hello)"]);
}
#[test]
fn continues_as_new_with_the_next_iteration_until_it_is_reached() {
    let steps = json!([{"log": "again"}, {"continue_as_new_until": 2}]);
    let mut host = FakeHost::default();
    let next = Payload::json(&json!({"steps": steps, "iteration": 2})).to_value();
    assert_eq!(
        run(&mut host, &info(json!({"steps": steps, "iteration": 1}))),
        Ending::ContinueAsNew(json!({"args": [next]}))
    );
    let results = completed(run(
        &mut host,
        &info(json!({"steps": steps, "iteration": 2})),
    ));
    assert_eq!(results, json!({"results": [null, 2], "iteration": 2}));
}
#[test]
fn workflow_info_gives_what_the_host_wrote() {
    let mut host = FakeHost::default();
    let script = Payload::json(&json!({"steps": [{"workflow_info": true}]})).to_value();
    let workflow_info = json!({"workflow_id": "kid", "parent": {"workflow_id": "mum"}});
    let info = json!({"params": [script], "workflow_info": workflow_info});
    let results = completed(run(&mut host, info.to_string().as_bytes()));
    assert_eq!(results["results"], json!([workflow_info]));
    assert!(host.calls.is_empty());
}

#[test]
fn fail_step_fails_with_the_failure_verbatim() {
    let failure = json!({"message": "no", "type": "Nope", "details": []});
    let script = json!({"steps": [{"fail": failure}, {"log": "never"}]});
    let mut host = FakeHost::default();
    assert_eq!(run(&mut host, &info(script)), Ending::Fail(failure));
    assert!(host.calls.is_empty());
}

#[test]
fn bad_script_fails_before_any_call() {
    let mut host = FakeHost::default();
    let ending = run(
        &mut host,
        &info(json!({"steps": [{"log": "x"}, {"teleport": 1}]})),
    );
    assert_eq!(failure_type(&ending), "BadScript");
    let Ending::Fail(failure) = &ending else {
        unreachable!()
    };
    assert_eq!(failure["message"], r#"step 1: unknown step {"teleport":1}"#);
    assert_eq!(failure["non_retryable"], true);
    assert!(host.calls.is_empty());

    let no_params = br#"{"params": []}"#;
    assert_eq!(failure_type(&run(&mut host, no_params)), "BadScript");
    assert_eq!(
        failure_type(&run(&mut host, &info(json!([1])))),
        "BadScript"
    );
}

#[test]
fn host_json_that_does_not_parse_fails_the_workflow() {
    let mut host = FakeHost::default();
    host.ready.insert(1, "{not json".into());
    let ending = run(&mut host, &info(json!({"steps": [{"sleep_ms": 5}]})));
    assert_eq!(failure_type(&ending), "BadHostJson");
}
