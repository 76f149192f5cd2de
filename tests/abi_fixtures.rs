//! The golden ABI fixtures (`guest/fixtures/`): every request shape decodes into the host's
//! types, and every result and `info` shape is exactly what the host produces. The guest SDKs'
//! tests read the same files, so the host and five SDKs cannot drift apart.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use temporal_wasm_worker::abi::{self, UpdateItem};
use temporal_wasm_worker::convert::{self, WorkerContext};
use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityResolution, activity_resolution::Status,
};
use temporalio_common::protos::coresdk::child_workflow::StartChildWorkflowExecutionFailedCause;
use temporalio_common::protos::coresdk::common::NamespacedWorkflowExecution;
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, ResolveChildWorkflowExecutionStartFailure,
    resolve_child_workflow_execution_start::Status as StartStatus,
};
use temporalio_common::protos::temporal::api::common::v1::{
    ActivityType, Memo, Payload, SearchAttributes,
};
use temporalio_common::protos::temporal::api::enums::v1::RetryState;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ActivityFailureInfo, ApplicationFailureInfo, Failure,
};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guest/fixtures")
        .join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn bytes(name: &str) -> Vec<u8> {
    serde_json::to_vec(&fixture(name)).expect("serialises")
}

fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: json.as_bytes().to_vec(),
        ..Default::default()
    }
}

fn decodes<T: serde::de::DeserializeOwned>(name: &str) -> T {
    abi::decode_input::<T>(&bytes(name), "fixture")
        .unwrap_or_else(|err| panic!("{name} does not decode: {err}"))
}

#[test]
fn every_request_fixture_decodes_into_the_hosts_types() {
    let timer: abi::TimerRequest = decodes("requests/start_timer.json");
    assert_eq!(timer.duration_ms, 5000);
    let activity: abi::ActivityOptions = decodes("requests/start_activity.json");
    assert_eq!(activity.activity_type, "reserve_stock");
    assert_eq!(
        activity.cancellation_type,
        abi::CancellationType::WaitCancellationCompleted
    );
    assert_eq!(
        activity.retry_policy.unwrap().non_retryable_error_types,
        ["OutOfStock"]
    );
    let http: abi::HttpRequest = decodes("requests/start_http_activity.json");
    assert_eq!((http.method.as_str(), http.local), ("POST", false));
    let child: abi::ChildWorkflowOptions = decodes("requests/start_child_workflow.json");
    assert_eq!(
        child.parent_close_policy,
        abi::ParentClosePolicy::RequestCancel
    );
    assert_eq!(
        child.id_reuse_policy,
        Some(abi::IdReusePolicy::RejectDuplicate)
    );
    let signal: abi::SignalExternalRequest = decodes("requests/signal_external_workflow.json");
    assert_eq!(signal.target.workflow_id, "batch-3");
    let cancel: abi::ExternalWorkflow = decodes("requests/cancel_external_workflow.json");
    assert_eq!(cancel.workflow_id, "reminder-A-17");
    let next: abi::ContinueAsNewRequest = decodes("requests/continue_as_new.json");
    assert_eq!(next.args.len(), 1);
    let cancelled: abi::CancelledDetails = decodes("requests/complete_as_cancelled.json");
    assert_eq!(cancelled.details.len(), 1);
    for (name, expected) in [("completed", 0), ("failed", 1), ("rejected", 2)] {
        let answer: abi::UpdateAnswer = decodes(&format!("requests/respond_update-{name}.json"));
        let kind = match answer {
            abi::UpdateAnswer::Completed(_) => 0,
            abi::UpdateAnswer::Failed(_) => 1,
            abi::UpdateAnswer::Rejected(_) => 2,
        };
        assert_eq!(kind, expected, "{name}");
    }
    let published: Vec<abi::Payload> = decodes("requests/set_query_result.json");
    assert_eq!(published.len(), 1);
    let attributes: std::collections::BTreeMap<String, Value> =
        decodes("requests/upsert_search_attributes.json");
    assert_eq!(attributes["Obsolete"], Value::Null);
    let memo: std::collections::BTreeMap<String, Option<abi::Payload>> =
        decodes("requests/upsert_memo.json");
    assert!(memo["old_note"].is_none());
    let metric: abi::MetricRequest = decodes("requests/emit_metric.json");
    assert_eq!(metric.kind, abi::MetricKind::Counter);
    assert_eq!(
        abi::decode_payloads(&bytes("requests/complete.json"))
            .unwrap()
            .len(),
        1
    );
    let failure = abi::decode_failure(&bytes("requests/complete_with_failure.json")).unwrap();
    assert_eq!(failure.failure_type.as_deref(), Some("InvalidOrder"));
}

#[test]
fn the_failures_a_guest_receives_decode_back_as_failures() {
    for name in [
        "failure-application.json",
        "failure-activity.json",
        "failure-timeout.json",
    ] {
        abi::decode_failure(&bytes(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
    }
    abi::decode_payloads(&bytes("payloads.json")).expect("payloads");
}

#[test]
fn info_is_what_the_host_writes_for_a_durable_run() {
    let mut init = InitializeWorkflow {
        workflow_type: "OrderFulfilment".into(),
        workflow_id: "order-17".into(),
        arguments: vec![json_payload(r#"{"order_id":"A-17"}"#), json_payload("2")],
        attempt: 1,
        start_time: Some(prost_wkt_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        parent_workflow_info: Some(NamespacedWorkflowExecution {
            namespace: "default".into(),
            workflow_id: "batch-3".into(),
            run_id: "run-0".into(),
        }),
        continued_from_execution_run_id: "run-0".into(),
        memo: Some(Memo {
            fields: HashMap::from([("owner".into(), json_payload(r#""ops""#))]),
        }),
        search_attributes: Some(SearchAttributes {
            indexed_fields: HashMap::from([(
                "CustomKeywordField".into(),
                json_payload(r#""gold""#),
            )]),
        }),
        ..Default::default()
    };
    let context = WorkerContext {
        namespace: "default".into(),
        task_queue: "wasm-workflows".into(),
    };
    let info = convert::info_from_initialize(&mut init, "run-1", &context);
    let written: Value = serde_json::from_slice(&abi::encode_info(&info)).unwrap();
    assert_eq!(written, fixture("info.json"));
}

#[test]
fn info_of_a_v0_run_has_only_the_v0_fields() {
    let mut init = InitializeWorkflow {
        workflow_type: "Greet".into(),
        workflow_id: "greet-1".into(),
        attempt: 1,
        start_time: Some(prost_wkt_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        ..Default::default()
    };
    let context = WorkerContext {
        namespace: "default".into(),
        task_queue: "wasm-workflows".into(),
    };
    let info = convert::info_from_initialize(&mut init, "run-1", &context);
    let written: Value = serde_json::from_slice(&abi::encode_info(&info)).unwrap();
    assert_eq!(written, fixture("info-v0.json"));
}

fn as_json(resolution: &abi::Resolution) -> Value {
    serde_json::from_slice(&resolution.to_json()).unwrap()
}

#[test]
fn results_are_what_the_host_hands_the_guest() {
    assert_eq!(
        as_json(&convert::timer_fired()),
        fixture("results/timer_fired.json")
    );
    let completed = ActivityResolution {
        status: Some(Status::Completed(activity_result::Success {
            result: Some(json_payload(r#"{"reserved":3}"#)),
        })),
    };
    assert_eq!(
        as_json(&convert::activity_resolution(Some(completed))),
        fixture("results/activity_completed.json")
    );
    let failed = ActivityResolution {
        status: Some(Status::Failed(activity_result::Failure {
            failure: Some(Failure {
                message: "Activity task failed".into(),
                cause: Some(Box::new(Failure {
                    message: "card 4242 declined".into(),
                    source: "PythonSDK".into(),
                    failure_info: Some(FailureInfo::ApplicationFailureInfo(
                        ApplicationFailureInfo {
                            r#type: "CardDeclined".into(),
                            non_retryable: true,
                            details: Some(convert::payloads_from_abi(vec![
                                convert::payload_to_abi(json_payload(r#"{"code":42}"#)),
                            ])),
                            ..Default::default()
                        },
                    )),
                    ..Default::default()
                })),
                failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
                    scheduled_event_id: 5,
                    started_event_id: 6,
                    identity: "worker@host".into(),
                    activity_type: Some(ActivityType {
                        name: "charge".into(),
                    }),
                    activity_id: "2".into(),
                    retry_state: RetryState::NonRetryableFailure.into(),
                })),
                ..Default::default()
            }),
            ..Default::default()
        })),
    };
    assert_eq!(
        as_json(&convert::activity_resolution(Some(failed))),
        fixture("results/activity_failed.json")
    );
    let already = StartStatus::Failed(ResolveChildWorkflowExecutionStartFailure {
        workflow_id: "ship-A-17".into(),
        workflow_type: "Ship".into(),
        cause: StartChildWorkflowExecutionFailedCause::WorkflowAlreadyExists.into(),
    });
    assert_eq!(
        as_json(&convert::child_start(Some(already)).expect("a start failure resolves")),
        fixture("results/child_already_started.json")
    );
}

#[test]
fn channel_items_are_what_the_host_queues() {
    let item = UpdateItem {
        update_id: "upd-1".into(),
        args: vec![convert::payload_to_abi(json_payload(r#"{"quantity":4}"#))],
    };
    let written: Value = serde_json::from_slice(&item.to_json()).unwrap();
    assert_eq!(written, fixture("results/update_item.json"));
    let signal = abi::Resolution::Completed(vec![convert::payload_to_abi(json_payload(
        r#"{"approved_by":"ops"}"#,
    ))]);
    assert_eq!(as_json(&signal), fixture("results/signal_item.json"));
    assert_eq!(
        as_json(&abi::Resolution::Completed(vec![])),
        fixture("results/cancellation_item.json")
    );
}
