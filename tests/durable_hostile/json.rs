//! JSON in every v1 call: malformed, nested deeper than the decoders allow, and oversized.

use serde_json::json;
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

use super::common::jobs::cancel_workflow;
use super::harness::{Harness, LIMITS};
use super::{value_guests, worker, worker_bundles};

/// What the host says about [`value_guests::malformed_json`] passed to `call`.
fn malformed_message(call: &str) -> String {
    match call {
        "set_current_details" => {
            "set_current_details: the text is not UTF-8: invalid utf-8 sequence of 1 bytes from \
             index 0"
                .to_owned()
        }
        "set_query_result" => "set_query_result input is not valid ABI JSON at `[0].data`: EOF \
                               while parsing a value at line 1 column 9"
            .to_owned(),
        "respond_update" => "respond_update input is not valid ABI JSON at `completed`: EOF while \
                             parsing a value at line 1 column 13"
            .to_owned(),
        call => format!(
            "{call} input is not valid ABI JSON at `x`: EOF while parsing a value at line 1 \
             column 5"
        ),
    }
}

#[test]
fn malformed_json_in_every_v1_call_fails_the_task_naming_the_call_and_the_problem() {
    for (call, invoke) in value_guests::JSON_CALLS {
        let harness = Harness::new(
            &value_guests::calls_with(invoke, value_guests::malformed_json(call)),
            LIMITS,
        );
        let mut outcome = harness.start("run-1");
        if *call == "complete_as_cancelled" {
            assert!(outcome.commands().is_empty());
            outcome = harness.activate("run-1", vec![cancel_workflow()]);
        }
        assert_eq!(outcome.guest_bug(), malformed_message(call), "{call}");
        harness.assert_back_at_baseline(&["run-1"]);
    }

    let calls: Vec<&str> = value_guests::JSON_CALLS
        .iter()
        .map(|(call, _)| *call)
        .filter(|call| *call != "complete_as_cancelled")
        .collect();
    let types: Vec<String> = calls
        .iter()
        .map(|call| worker_bundles::malformed_type(call))
        .collect();
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let outcomes = worker::run_alongside_healthy(&types, None);
    for ((call, workflow_type), hostile) in calls.iter().zip(&types).zip(&outcomes) {
        assert_eq!(
            hostile.guest_bug(workflow_type),
            malformed_message(call),
            "{call}"
        );
    }
}

#[test]
fn json_nested_deeper_than_the_decoders_allow_in_every_v1_call_is_refused_or_skipped() {
    let depth = 100_000;
    let nested = |open: &str, close: &str| format!("{}{}", open.repeat(depth), close.repeat(depth));
    for (call, invoke) in value_guests::JSON_CALLS {
        let text = match *call {
            "set_query_result" => nested("[", "]"),
            "respond_update" => format!(
                r#"{{"failed":{}}}"#,
                nested(r#"{"cause":"#, "}").replacen("}", "{}}", 1)
            ),
            _ => format!(r#"{{"x":{}}}"#, nested("[", "]")),
        };
        let harness = Harness::new(&value_guests::calls_with(invoke, text.as_bytes()), LIMITS);
        let mut outcome = harness.start("run-1");
        if *call == "complete_as_cancelled" {
            assert!(outcome.commands().is_empty());
            outcome = harness.activate("run-1", vec![cancel_workflow()]);
        }
        // Where the value is decoded, serde_json's recursion limit refuses it; where it is an
        // unknown field, it is skipped (without recursion) and the request judged on the rest.
        let expected = match *call {
            "upsert_search_attributes" | "respond_update" => "recursion limit exceeded",
            "start_timer" => "missing field `duration_ms`",
            "start_activity" => "activity_type is required",
            "start_http_activity" => "method is required",
            "start_child_workflow" => "workflow_type is required",
            "signal_external_workflow" | "cancel_external_workflow" => "workflow_id is required",
            "upsert_memo" | "set_query_result" => "invalid type: sequence, expected a payload",
            "emit_metric" => "missing field `name`",
            "set_current_details" => "the text is 200006 bytes, over 65536",
            // Unknown fields of the ending calls are skipped: the run ends.
            "continue_as_new" | "complete_as_cancelled" => {
                let commands = outcome.commands();
                assert!(
                    matches!(
                        &commands[..],
                        [Command::ContinueAsNewWorkflowExecution(_)]
                            | [Command::CancelWorkflowExecution(_)]
                    ),
                    "{call}: {commands:?}"
                );
                harness.evict("run-1");
                harness.assert_back_at_baseline(&[]);
                continue;
            }
            other => panic!("no expectation for {other}"),
        };
        let bug = outcome.guest_bug();
        assert!(bug.contains(expected), "{call}: {bug}");
        harness.assert_back_at_baseline(&["run-1"]);
    }
}

/// The calls an oversized input is checked for end to end, with the command the host records
/// for each (or its guest bug). `respond_update` needs an update to answer (a wrong id is refused
/// before the size matters); `complete_as_cancelled` a cancellation request: in process only.
fn oversized_in_process(call: &str) -> Result<&'static str, &'static str> {
    match call {
        "start_timer" => Ok("StartTimer"),
        "start_activity" => Ok("ScheduleActivity"),
        // Its body is JSON text in the activity's input, not a payload core would check.
        "start_http_activity" => Err(
            "the commands issued in one activation without waiting (1, this one included) take \
             about 4194424 bytes, over the 4194304 bytes one workflow task completion can carry \
             (gRPC's message limit): issue fewer or smaller commands between waits",
        ),
        "start_child_workflow" => Ok("StartChildWorkflowExecution"),
        "signal_external_workflow" => Ok("SignalExternalWorkflowExecution"),
        "cancel_external_workflow" => Ok("RequestCancelExternalWorkflowExecution"),
        "upsert_search_attributes" => Ok("UpsertWorkflowSearchAttributes"),
        "upsert_memo" => Ok("ModifyWorkflowProperties"),
        "set_query_result" => Ok("CompleteWorkflowExecution"),
        "continue_as_new" => Ok("ContinueAsNewWorkflowExecution"),
        "complete_as_cancelled" => Ok("CancelWorkflowExecution"),
        "emit_metric" => Err("emit_metric: label `a` of `m` is 3145728 bytes, over 256"),
        "set_current_details" => Err("set_current_details: the text is 3145728 bytes, over 65536"),
        other => panic!("no expectation for {other}"),
    }
}

/// The name of a command's variant (`StartTimer`).
fn command_name(command: &Command) -> String {
    let debug = format!("{command:?}");
    debug.split('(').next().unwrap_or_default().to_owned()
}

#[test]
fn oversized_json_in_every_v1_call_is_refused_by_a_host_cap_or_by_core_and_the_server() {
    for (call, invoke) in value_guests::JSON_CALLS {
        if *call == "respond_update" {
            continue;
        }
        let text = value_guests::oversized_json(call);
        let harness = Harness::new(&value_guests::calls_with(invoke, text.as_bytes()), LIMITS);
        let mut outcome = harness.start("run-1");
        if *call == "complete_as_cancelled" {
            assert!(outcome.commands().is_empty());
            outcome = harness.activate("run-1", vec![cancel_workflow()]);
        }
        match oversized_in_process(call) {
            // The host has no size cap of its own here: it records the command, and the run
            // completes with "accepted" after it (unless the call ended the run).
            Ok(first) => {
                let commands = outcome.commands();
                let names: Vec<String> = commands.iter().map(command_name).collect();
                assert_eq!(
                    names.first().map(String::as_str),
                    Some(first),
                    "{call}: {names:?}"
                );
                harness.evict("run-1");
                harness.assert_back_at_baseline(&[]);
            }
            Err(bug) => {
                assert_eq!(outcome.guest_bug(), bug, "{call}");
                harness.assert_back_at_baseline(&["run-1"]);
            }
        }
    }

    // On the server: core refuses payloads over the namespace's 2 MiB limit before sending the
    // completion; the host refuses an HTTP request whose body would take the completion over
    // gRPC's 4 MiB; the server refuses a 3 MiB workflow id; a 3 MiB timer summary goes through;
    // a 3 MiB query result is published, and the query that would carry it fails.
    let calls: Vec<&str> = value_guests::JSON_CALLS
        .iter()
        .map(|(call, _)| *call)
        .filter(|call| !matches!(*call, "respond_update" | "complete_as_cancelled"))
        .collect();
    let types: Vec<String> = calls
        .iter()
        .map(|call| worker_bundles::oversized_type(call))
        .collect();
    let types: Vec<&str> = types.iter().map(String::as_str).collect();
    let outcomes = worker::run_alongside_healthy(&types, None);
    for ((call, workflow_type), hostile) in calls.iter().zip(&types).zip(&outcomes) {
        match *call {
            "start_timer" | "set_query_result" => {
                assert_eq!(hostile.completed_result(), "accepted", "{call}");
            }
            "emit_metric" | "set_current_details" | "start_http_activity" => {
                let expected = oversized_in_process(call).unwrap_err();
                assert_eq!(hostile.guest_bug(workflow_type), expected, "{call}");
            }
            "cancel_external_workflow" => {
                let (kind, message) = hostile.task_failure();
                assert_eq!(kind, "", "{}", hostile.outcome);
                assert!(
                    message.starts_with(
                        "BadRequestCancelExternalWorkflowExecutionAttributes: WorkflowId on \
                         RequestCancelExternalWorkflowExecutionCommand exceeds length limit."
                    ),
                    "{message}"
                );
            }
            _ => {
                let (kind, message) = hostile.task_failure();
                assert_eq!(kind, "PayloadsTooLarge", "{call}: {}", hostile.outcome);
                assert!(
                    message.starts_with(
                        "[TMPRL1103] Attempted to upload payloads with size that exceeded the \
                         error limit."
                    ),
                    "{call}: {message}"
                );
            }
        }
    }
    let query_result = &outcomes[calls.iter().position(|c| *c == "set_query_result").unwrap()];
    let id = query_result.outcome["id"].as_str().expect("an id");
    let answer = worker::query(id, "q");
    assert_eq!(answer, json!({"failure": "Blob data size exceeds limit."}));
}
