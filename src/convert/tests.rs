use std::collections::{BTreeMap, HashMap};

use temporalio_common::protos::coresdk::workflow_activation::InitializeWorkflow;
use temporalio_common::protos::temporal::api::common::v1::Payload;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{ApplicationFailureInfo, Failure};

use super::*;
use crate::abi;

fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: json.as_bytes().to_vec(),
        ..Default::default()
    }
}

fn application_info(failure: &Failure) -> &ApplicationFailureInfo {
    match &failure.failure_info {
        Some(FailureInfo::ApplicationFailureInfo(info)) => info,
        other => panic!("expected application failure info, got {other:?}"),
    }
}

#[test]
fn proto_payload_round_trips_through_abi() {
    let payload = json_payload("{\"a\":1}");
    assert_eq!(payload_from_abi(payload_to_abi(payload.clone())), payload);
}

#[test]
fn payload_with_binary_metadata_round_trips() {
    let payload = Payload {
        metadata: HashMap::from([
            ("encoding".to_owned(), b"binary/plain".to_vec()),
            ("raw".to_owned(), vec![0, 255, 10]),
        ]),
        data: vec![0, 1, 2, 254, 255],
        ..Default::default()
    };
    let abi = payload_to_abi(payload.clone());
    assert_eq!(abi.metadata["raw"].0, vec![0, 255, 10]);
    assert_eq!(payload_from_abi(abi), payload);
}

#[test]
fn initialize_becomes_info_with_params_in_order_and_identity() {
    let mut init = InitializeWorkflow {
        workflow_type: "Greet".into(),
        workflow_id: "greet-1".into(),
        arguments: vec![json_payload("\"Alice\""), json_payload("2")],
        attempt: 3,
        start_time: Some(prost_wkt_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 500_000_000,
        }),
        ..Default::default()
    };
    let context = WorkerContext {
        namespace: "default".into(),
        task_queue: "wasm".into(),
    };
    let info = info_from_initialize(&mut init, "run-1", &context);
    assert_eq!(info.params.len(), 2);
    assert_eq!(info.params[0].data.0, b"\"Alice\"");
    assert_eq!(info.params[1].data.0, b"2");
    assert_eq!(info.workflow_info.workflow_type, "Greet");
    assert_eq!(info.workflow_info.workflow_id, "greet-1");
    assert_eq!(info.workflow_info.run_id, "run-1");
    assert_eq!(info.workflow_info.namespace, "default");
    assert_eq!(info.workflow_info.task_queue, "wasm");
    assert_eq!(info.workflow_info.attempt, 3);
    assert_eq!(info.workflow_info.start_time, "2023-11-14T22:13:20.500Z");
}

#[test]
fn initialize_without_arguments_gives_empty_params_and_attempt_one() {
    let mut init = InitializeWorkflow::default();
    let context = WorkerContext {
        namespace: "ns".into(),
        task_queue: "q".into(),
    };
    let info = info_from_initialize(&mut init, "r", &context);
    assert!(info.params.is_empty());
    assert_eq!(info.workflow_info.attempt, 1);
    assert_eq!(info.workflow_info.start_time, "");
}

fn abi_json_payload(json: &str) -> abi::Payload {
    abi::Payload {
        metadata: BTreeMap::from([(
            "encoding".to_owned(),
            abi::Base64Bytes(b"json/plain".to_vec()),
        )]),
        data: abi::Base64Bytes(json.as_bytes().to_vec()),
    }
}

#[test]
fn empty_result_list_completes_with_no_result() {
    assert_eq!(result_from_abi(vec![]), Ok(None));
}

#[test]
fn single_result_payload_becomes_the_result() {
    let result = result_from_abi(vec![abi_json_payload("42")]).unwrap();
    assert_eq!(result, Some(json_payload("42")));
}

#[test]
fn two_result_payloads_are_refused_with_the_count() {
    let err = result_from_abi(vec![abi_json_payload("1"), abi_json_payload("2")]).unwrap_err();
    assert_eq!(err.count, 2);
    assert!(err.to_string().contains("single payload"), "{err}");
}

#[test]
fn failure_maps_to_application_failure_with_source() {
    let failure = failure_from_abi(abi::Failure {
        message: Some("bad order".into()),
        failure_type: Some("InvalidOrder".into()),
        non_retryable: Some(true),
        details: Some(vec![abi_json_payload("{\"id\":7}")]),
        ..Default::default()
    });
    assert_eq!(failure.message, "bad order");
    assert_eq!(failure.source, FAILURE_SOURCE);
    let info = application_info(&failure);
    assert_eq!(info.r#type, "InvalidOrder");
    assert!(info.non_retryable);
    assert_eq!(
        info.details.as_ref().unwrap().payloads,
        vec![json_payload("{\"id\":7}")]
    );
    assert!(failure.cause.is_none());
}

#[test]
fn failure_with_absent_fields_maps_to_empty_retryable_application_failure() {
    let failure = failure_from_abi(abi::Failure::default());
    assert_eq!(failure.message, "");
    let info = application_info(&failure);
    assert_eq!(info.r#type, "");
    assert!(!info.non_retryable);
    assert!(info.details.is_none());
}

#[test]
fn failure_cause_chain_maps_every_level() {
    let failure = failure_from_abi(abi::Failure {
        message: Some("outer".into()),
        cause: Some(Box::new(abi::Failure {
            message: Some("middle".into()),
            failure_type: Some("Middle".into()),
            cause: Some(Box::new(abi::Failure {
                message: Some("root".into()),
                non_retryable: Some(true),
                ..Default::default()
            })),
            ..Default::default()
        })),
        ..Default::default()
    });
    let middle = failure.cause.as_deref().unwrap();
    assert_eq!(middle.message, "middle");
    assert_eq!(middle.source, FAILURE_SOURCE);
    assert_eq!(application_info(middle).r#type, "Middle");
    let root = middle.cause.as_deref().unwrap();
    assert_eq!(root.message, "root");
    assert!(application_info(root).non_retryable);
    assert!(root.cause.is_none());
}

#[test]
fn failure_round_trips_through_proto_and_back_with_kind_and_source_added() {
    let inner = abi::Failure {
        message: Some("inner".into()),
        failure_type: Some("Inner".into()),
        non_retryable: Some(false),
        ..Default::default()
    };
    let original = abi::Failure {
        message: Some("outer".into()),
        failure_type: Some("Outer".into()),
        non_retryable: Some(true),
        details: Some(vec![abi_json_payload("1"), abi_json_payload("\"two\"")]),
        cause: Some(Box::new(inner.clone())),
        ..Default::default()
    };
    let described = |failure: abi::Failure| abi::Failure {
        kind: Some(abi::FailureKind::Application),
        source: Some(FAILURE_SOURCE.to_owned()),
        ..failure
    };
    let expected = abi::Failure {
        cause: Some(Box::new(described(inner))),
        ..described(original.clone())
    };
    assert_eq!(failure_to_abi(&failure_from_abi(original)), expected);
}

#[test]
fn unspecified_failure_has_generic_type_and_explains_itself() {
    let failure = unspecified_failure();
    assert_eq!(application_info(&failure).r#type, UNSPECIFIED_FAILURE_TYPE);
    assert!(failure.message.contains("length 0"), "{}", failure.message);
}
