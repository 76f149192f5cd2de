use std::collections::BTreeMap;

use super::*;

fn bytes(text: &str) -> Base64Bytes {
    Base64Bytes(text.as_bytes().to_vec())
}

#[test]
fn payload_bytes_round_trip_as_standard_padded_base64() {
    let payload = Payload {
        metadata: BTreeMap::from([("encoding".to_owned(), bytes("json/plain"))]),
        data: bytes("\"Alice\""),
    };
    let json = serde_json::to_string(&payload).unwrap();
    assert_eq!(
        json,
        r#"{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFsaWNlIg=="}"#
    );
    assert_eq!(
        decode_payloads(format!("[{json}]").as_bytes()).unwrap(),
        vec![payload]
    );
}

#[test]
fn empty_data_is_empty_base64_string() {
    let payload = Payload::default();
    assert_eq!(
        serde_json::to_string(&payload).unwrap(),
        r#"{"metadata":{},"data":""}"#
    );
    assert_eq!(decode_payloads(br#"[{"data":""}]"#).unwrap(), vec![payload]);
}

#[test]
fn binary_data_survives_base64_round_trip() {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let payload = Payload {
        metadata: BTreeMap::new(),
        data: Base64Bytes(all_bytes.clone()),
    };
    let json = serde_json::to_vec(&vec![payload]).unwrap();
    assert_eq!(decode_payloads(&json).unwrap()[0].data.0, all_bytes);
}

#[test]
fn invalid_base64_names_the_field() {
    let err = decode_payloads(br#"[{"data":"IkFsaWNlIg=="},{"data":"not base64!"}]"#).unwrap_err();
    assert_eq!(err.path, "[1].data");
    assert!(err.reason.contains("invalid base64"), "{err}");
}

#[test]
fn unpadded_base64_is_refused() {
    let err = decode_payloads(br#"[{"data":"IkFsaWNlIg"}]"#).unwrap_err();
    assert_eq!(err.path, "[0].data");
}

#[test]
fn url_safe_base64_alphabet_is_refused() {
    // 0xfb 0xff encodes to "+/8=" in the standard alphabet and "-_8=" in the URL-safe one.
    assert_eq!(
        decode_payloads(br#"[{"data":"+/8="}]"#).unwrap()[0].data.0,
        [0xfb, 0xff]
    );
    assert!(decode_payloads(br#"[{"data":"-_8="}]"#).is_err());
}

#[test]
fn invalid_base64_in_metadata_names_the_key() {
    let err = decode_payloads(br#"[{"metadata":{"encoding":"%%%"},"data":""}]"#).unwrap_err();
    assert_eq!(err.path, "[0].metadata.encoding");
}

#[test]
fn payload_without_data_is_refused() {
    let err = decode_payloads(br#"[{"metadata":{}}]"#).unwrap_err();
    assert!(err.reason.contains("missing field `data`"), "{err}");
}

#[test]
fn unknown_payload_field_is_refused_by_name() {
    let err = decode_payloads(br#"[{"data":"","meta":{}}]"#).unwrap_err();
    assert!(err.reason.contains("unknown field `meta`"), "{err}");
}

#[test]
fn malformed_json_is_a_decode_error() {
    let err = decode_payloads(b"[{\"data\":").unwrap_err();
    assert_eq!(err.what, "complete output");
}

#[test]
fn trailing_garbage_after_json_is_refused() {
    assert!(decode_payloads(b"[] []").is_err());
}

#[test]
fn failure_with_every_field_decodes_with_nested_cause() {
    let json = br#"{"message":"outer","type":"Outer","non_retryable":true,
        "details":[{"data":"MQ=="}],
        "cause":{"message":"inner","cause":{"message":"root"}}}"#;
    let failure = decode_failure(json).unwrap();
    assert_eq!(failure.message.as_deref(), Some("outer"));
    assert_eq!(failure.failure_type.as_deref(), Some("Outer"));
    assert_eq!(failure.non_retryable, Some(true));
    assert_eq!(failure.details.as_ref().unwrap()[0].data.0, b"1");
    let cause = failure.cause.as_ref().unwrap();
    assert_eq!(cause.message.as_deref(), Some("inner"));
    assert_eq!(
        cause.cause.as_ref().unwrap().message.as_deref(),
        Some("root")
    );
}

#[test]
fn empty_failure_object_is_valid() {
    assert_eq!(decode_failure(b"{}").unwrap(), Failure::default());
}

#[test]
fn failure_detail_with_bad_base64_names_the_nested_path() {
    let err = decode_failure(br#"{"cause":{"details":[{"data":"x"}]}}"#).unwrap_err();
    assert_eq!(err.path, "cause.details[0].data");
}

#[test]
fn failure_of_wrong_json_shape_is_refused() {
    let err = decode_failure(br#"{"message":42}"#).unwrap_err();
    assert_eq!(err.path, "message");
    assert!(decode_failure(b"[]").is_err());
    assert!(decode_failure(br#"{"cause":[]}"#).is_err());
    assert!(decode_payloads(br#"[["", {}]]"#).is_err());
}

#[test]
fn deeply_nested_json_is_refused_not_overflowing_the_stack() {
    let depth = 100_000;
    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(decode_payloads(json.as_bytes()).is_err());
    let mut nested = String::new();
    for _ in 0..10_000 {
        nested.push_str(r#"{"cause":"#);
    }
    nested.push_str("{}");
    nested.push_str(&"}".repeat(10_000));
    assert!(decode_failure(nested.as_bytes()).is_err());
}

#[test]
fn info_serialises_params_and_workflow_info() {
    let info = Info {
        params: vec![Payload {
            metadata: BTreeMap::from([("encoding".to_owned(), bytes("json/plain"))]),
            data: bytes("1"),
        }],
        workflow_info: WorkflowInfo {
            workflow_type: "Greet".into(),
            workflow_id: "wf".into(),
            run_id: "run".into(),
            namespace: "default".into(),
            task_queue: "q".into(),
            attempt: 1,
            start_time: "2026-01-01T00:00:00Z".into(),
            ..Default::default()
        },
    };
    let value: serde_json::Value = serde_json::from_slice(&encode_info(&info)).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "params": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "MQ=="}],
            "workflow_info": {
                "workflow_type": "Greet", "workflow_id": "wf", "run_id": "run",
                "namespace": "default", "task_queue": "q", "attempt": 1,
                "start_time": "2026-01-01T00:00:00Z"
            }
        })
    );
}

#[test]
fn log_levels_outside_one_to_five_are_none() {
    assert_eq!(LogLevel::from_abi(1), Some(LogLevel::Error));
    assert_eq!(LogLevel::from_abi(5), Some(LogLevel::Trace));
    assert_eq!(LogLevel::from_abi(0), None);
    assert_eq!(LogLevel::from_abi(6), None);
    assert_eq!(LogLevel::from_abi(u32::MAX), None);
}
