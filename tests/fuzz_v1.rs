//! Property tests of what a durable (ABI v1) guest hands the host and what the host hands it
//! back: every v1 call's JSON decoder, the conversion of what it decodes into core's commands,
//! and the conversion of Temporal's resolutions into the result JSON `take_result` writes.
//!
//! Like `tests/fuzz_abi.rs` (the v0 decoders), each property runs a modest number of cases so
//! that `cargo test` stays fast; `PROPTEST_CASES=N` runs more. A failing case is shrunk, saved to
//! `proptest-regressions/fuzz_v1.txt` (committed) and replayed first on every later run.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Value, json};

use temporal_wasm_worker::abi::{
    self, ActivityOptions, Call, CancelledDetails, ChildWorkflowOptions, ContinueAsNewRequest,
    DecodeError, ExternalWorkflow, GuestOutcome, HttpRequest, MetricRequest, Payload, Resolution,
    SignalExternalRequest, TimerRequest, UpdateAnswer, decode_input,
};
use temporal_wasm_worker::convert::{
    RunContext, activity_resolution, child_result, child_start, command_from_call,
    external_delivered, terminal_command,
};
use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityResolution, activity_resolution::Status as ActivityStatus,
};
use temporalio_common::protos::coresdk::child_workflow::{
    self, ChildWorkflowResult, child_workflow_result,
};
use temporalio_common::protos::coresdk::workflow_activation::resolve_child_workflow_execution_start::Status as StartStatus;
use temporalio_common::protos::coresdk::workflow_activation::{
    ResolveChildWorkflowExecutionStartCancelled, ResolveChildWorkflowExecutionStartFailure,
    ResolveChildWorkflowExecutionStartSuccess,
};
use temporalio_common::protos::temporal::api::common::v1::Payload as ProtoPayload;
use temporalio_common::protos::temporal::api::failure::v1::Failure as ProtoFailure;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;

fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            DEFAULT_CASES
        },
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_v1.txt",
        ))),
        ..default
    }
}

// ---------------------------------------------------------------------------------------------
// Every v1 call that decodes JSON: its decoder, a valid input, and the command (or ending) the
// decoded value becomes.

/// What a decoded input became: the name of its command, or `None` for inputs that are not one
/// (a metric, an update answer, a query result).
type Converted = Option<String>;

/// Decodes `json` as `call`'s input and converts what it decoded as the host would.
type Decoder = fn(&[u8]) -> Result<Converted, DecodeError>;

fn context() -> RunContext {
    RunContext {
        workflow_type: "Fuzzed".to_owned(),
        task_queue: "fuzz".to_owned(),
        namespace: "default".to_owned(),
        run_id: "run-1".to_owned(),
    }
}

/// The name of the command `call` becomes (`StartTimer`), if it becomes one.
fn command_name(call: Call) -> Converted {
    let command = command_from_call(call, 1, &context())?;
    let variant = command.variant.expect("a command has a variant");
    Some(format!("{variant:?}").split('(').next()?.to_owned())
}

/// The name of the terminal command `outcome` becomes.
fn ending_name(outcome: GuestOutcome) -> Converted {
    let variant = terminal_command(outcome, &context()).expect("one payload at most");
    Some(format!("{variant:?}").split('(').next()?.to_owned())
}

/// Each v1 input: its `what`, a valid example, its decoder, and the command it must become.
const CALLS: &[(&str, &str, Decoder, Option<&str>)] = &[
    (
        "start_timer input",
        r#"{"duration_ms":1000,"summary":"nap"}"#,
        |json| {
            let request: TimerRequest = decode_input(json, "start_timer input")?;
            Ok(command_name(Call::StartTimer { handle: 1, request }))
        },
        Some("StartTimer"),
    ),
    (
        "start_activity input",
        r#"{"activity_type":"Charge","task_queue":"payments","start_to_close_timeout_ms":1000,
            "args":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MQ=="}],
            "retry_policy":{"initial_interval_ms":100,"maximum_attempts":3}}"#,
        |json| {
            let options: ActivityOptions = decode_input(json, "start_activity input")?;
            let options = Box::new(options);
            Ok(command_name(Call::StartActivity { handle: 1, options }))
        },
        Some("ScheduleActivity"),
    ),
    (
        "start_http_activity input",
        r#"{"method":"POST","url":"https://example.com/orders","body":"e30=",
            "headers":{"Content-Type":"application/json"}}"#,
        |json| {
            let request: HttpRequest = decode_input(json, "start_http_activity input")?;
            let (request, input) = (Box::new(request), json.to_vec());
            Ok(command_name(Call::StartHttpActivity {
                handle: 1,
                request,
                input,
            }))
        },
        Some("ScheduleActivity"),
    ),
    (
        "start_child_workflow input",
        r#"{"workflow_type":"Nap","workflow_id":"child-1","args":[{"data":"MQ=="}]}"#,
        |json| {
            let options: ChildWorkflowOptions = decode_input(json, "start_child_workflow input")?;
            let options = Box::new(options);
            Ok(command_name(Call::StartChildWorkflow {
                handle: 1,
                options,
            }))
        },
        Some("StartChildWorkflowExecution"),
    ),
    (
        "signal_external_workflow input",
        r#"{"workflow_id":"other","signal_name":"poke","args":[{"data":"MQ=="}]}"#,
        |json| {
            let request: SignalExternalRequest =
                decode_input(json, "signal_external_workflow input")?;
            let request = Box::new(request);
            Ok(command_name(Call::SignalExternal { handle: 1, request }))
        },
        Some("SignalExternalWorkflowExecution"),
    ),
    (
        "cancel_external_workflow input",
        r#"{"workflow_id":"other","run_id":"r"}"#,
        |json| {
            let target: ExternalWorkflow = decode_input(json, "cancel_external_workflow input")?;
            Ok(command_name(Call::CancelExternal { handle: 1, target }))
        },
        Some("RequestCancelExternalWorkflowExecution"),
    ),
    (
        "upsert_search_attributes input",
        r#"{"CustomKeywordField":"gold","CustomIntField":3,"Gone":null}"#,
        |json| {
            let attributes: BTreeMap<String, Value> =
                decode_input(json, "upsert_search_attributes input")?;
            Ok(command_name(Call::UpsertSearchAttributes(attributes)))
        },
        Some("UpsertWorkflowSearchAttributes"),
    ),
    (
        "upsert_memo input",
        r#"{"note":{"data":"MQ=="},"gone":null}"#,
        |json| {
            let memo: BTreeMap<String, Option<Payload>> = decode_input(json, "upsert_memo input")?;
            Ok(command_name(Call::UpsertMemo(memo)))
        },
        Some("ModifyWorkflowProperties"),
    ),
    (
        "emit_metric input",
        r#"{"name":"orders","kind":"counter","value":1,"labels":{"region":"eu"}}"#,
        |json| {
            let metric: MetricRequest = decode_input(json, "emit_metric input")?;
            Ok(command_name(Call::EmitMetric(Box::new(metric))))
        },
        None,
    ),
    (
        "set_query_result input",
        r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MQ=="}]"#,
        |json| {
            let _: Vec<Payload> = decode_input(json, "set_query_result input")?;
            Ok(None)
        },
        None,
    ),
    (
        "respond_update input",
        r#"{"completed":[{"data":"MQ=="}]}"#,
        |json| {
            let answer: UpdateAnswer = decode_input(json, "respond_update input")?;
            let update_id = "u-1".to_owned();
            Ok(command_name(Call::RespondUpdate { update_id, answer }))
        },
        None,
    ),
    (
        "continue_as_new input",
        r#"{"workflow_type":"Next","args":[{"data":"MQ=="}],"memo":{"m":{"data":"MQ=="}}}"#,
        |json| {
            let request: ContinueAsNewRequest = decode_input(json, "continue_as_new input")?;
            Ok(ending_name(GuestOutcome::ContinuedAsNew(Box::new(request))))
        },
        Some("ContinueAsNewWorkflowExecution"),
    ),
    (
        "complete_as_cancelled input",
        r#"{"details":[{"data":"MQ=="}]}"#,
        |json| {
            let details: CancelledDetails = decode_input(json, "complete_as_cancelled input")?;
            Ok(ending_name(GuestOutcome::Cancelled(details.details)))
        },
        Some("CancelWorkflowExecution"),
    ),
];

/// Checks what one decoder did with `json`: a refusal names the call's input; an acceptance
/// converts to the call's command, the same one every time (a replay converts it again).
fn check_decoder(index: usize, json: &[u8]) -> Result<Option<DecodeError>, TestCaseError> {
    let (what, _, decode, command) = CALLS[index];
    match decode(json) {
        Ok(converted) => {
            prop_assert_eq!(converted.as_deref(), command, "{}", what);
            prop_assert_eq!(decode(json).ok().flatten(), converted, "{} twice", what);
            Ok(None)
        }
        Err(err) => {
            prop_assert_eq!(err.what, what);
            prop_assert!(err.to_string().starts_with(what), "{}", err);
            Ok(Some(err))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        "[A-Za-z0-9+/]{0,12}={0,2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{0,10}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn arb_call() -> impl Strategy<Value = usize> {
    0..CALLS.len()
}

/// The valid example of call `index`, as a JSON value.
fn example(index: usize) -> Value {
    serde_json::from_str(CALLS[index].1).expect("the examples are JSON")
}

fn arb_proto_payload() -> impl Strategy<Value = ProtoPayload> {
    (
        proptest::collection::hash_map(
            "[a-z]{1,8}",
            proptest::collection::vec(any::<u8>(), 0..8),
            0..3,
        ),
        proptest::collection::vec(any::<u8>(), 0..32),
    )
        .prop_map(|(metadata, data)| ProtoPayload {
            metadata,
            data,
            ..Default::default()
        })
}

/// A Temporal failure with a cause chain up to `depth` levels deep (core's protobuf decoding
/// stops at 100 nested messages, so deeper chains never reach the worker).
fn arb_proto_failure() -> impl Strategy<Value = ProtoFailure> {
    let level = (any::<String>(), "[A-Za-z]{0,10}", any::<String>()).prop_map(
        |(message, source, stack_trace)| ProtoFailure {
            message,
            source,
            stack_trace,
            ..Default::default()
        },
    );
    (level, proptest::collection::vec(any::<String>(), 0..40)).prop_map(|(mut top, causes)| {
        for message in causes {
            top = ProtoFailure {
                message,
                cause: Some(Box::new(top)),
                ..Default::default()
            };
        }
        top
    })
}

fn arb_activity_status() -> impl Strategy<Value = Option<ActivityStatus>> {
    prop_oneof![
        Just(None),
        proptest::option::of(arb_proto_payload()).prop_map(|result| Some(
            ActivityStatus::Completed(activity_result::Success { result })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(ActivityStatus::Failed(
            activity_result::Failure {
                failure,
                ..Default::default()
            }
        ))),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            ActivityStatus::Cancelled(activity_result::Cancellation { failure })
        )),
        Just(Some(ActivityStatus::Backoff(Default::default()))),
    ]
}

fn arb_child_result() -> impl Strategy<Value = Option<child_workflow_result::Status>> {
    prop_oneof![
        Just(None),
        proptest::option::of(arb_proto_payload()).prop_map(|result| Some(
            child_workflow_result::Status::Completed(child_workflow::Success { result })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            child_workflow_result::Status::Failed(child_workflow::Failure { failure })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            child_workflow_result::Status::Cancelled(child_workflow::Cancellation { failure })
        )),
    ]
}

fn arb_start_status() -> impl Strategy<Value = Option<StartStatus>> {
    prop_oneof![
        Just(None),
        "[a-z-]{0,12}".prop_map(|run_id| Some(StartStatus::Succeeded(
            ResolveChildWorkflowExecutionStartSuccess { run_id }
        ))),
        ("[a-z-]{0,12}", any::<i32>()).prop_map(|(workflow_id, cause)| Some(StartStatus::Failed(
            ResolveChildWorkflowExecutionStartFailure {
                workflow_id,
                workflow_type: "Child".to_owned(),
                cause,
            }
        ))),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(StartStatus::Cancelled(
            ResolveChildWorkflowExecutionStartCancelled { failure }
        ))),
    ]
}

/// Checks the JSON `take_result` would write for `resolution`: valid JSON, exactly one of
/// `completed`, `failed` and `cancelled`, and the shape the spec gives each.
fn check_resolution_json(resolution: &Resolution) -> Result<Value, TestCaseError> {
    let json: Value = serde_json::from_slice(&resolution.to_json())
        .map_err(|err| TestCaseError::fail(format!("not JSON: {err}")))?;
    let object = json.as_object().expect("an object");
    prop_assert_eq!(object.len(), 1, "{}", json);
    let (kind, value) = object.iter().next().expect("one key");
    match kind.as_str() {
        "completed" => prop_assert!(value.is_array(), "{}", json),
        "failed" | "cancelled" => prop_assert!(value.is_object(), "{}", json),
        other => prop_assert!(false, "unknown kind {}", other),
    }
    Ok(json)
}

/// The messages of a failure JSON and its causes, outermost first.
fn messages(failure: &Value) -> Vec<String> {
    let mut messages = Vec::new();
    let mut level = Some(failure);
    while let Some(failure) = level {
        messages.push(failure["message"].as_str().unwrap_or_default().to_owned());
        level = failure.get("cause").filter(|cause| cause.is_object());
    }
    messages
}

/// The messages of a proto failure and its causes, outermost first.
fn proto_messages(failure: &ProtoFailure) -> Vec<String> {
    let mut messages = Vec::new();
    let mut level = Some(failure);
    while let Some(failure) = level {
        messages.push(failure.message.clone());
        level = failure.cause.as_deref();
    }
    messages
}

/// Checks a payload JSON carries `expected`'s data and metadata, base64.
fn check_payload(json: &Value, expected: &ProtoPayload) -> Result<(), TestCaseError> {
    let data = BASE64
        .decode(json["data"].as_str().unwrap_or_default())
        .map_err(|err| TestCaseError::fail(format!("data not base64: {err}")))?;
    prop_assert_eq!(&data, &expected.data);
    for (key, value) in &expected.metadata {
        let encoded = json["metadata"][key].as_str().unwrap_or_default();
        prop_assert_eq!(
            &BASE64.decode(encoded).unwrap_or_default(),
            value,
            "{}",
            key
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes, JSON or not, never panic a decoder, and a refusal names the call.
    #[test]
    fn every_v1_decoder_takes_arbitrary_bytes_without_panicking(
        index in arb_call(),
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        check_decoder(index, &bytes)?;
    }

    /// Any JSON document either decodes and converts to the call's command, or is refused
    /// naming the call.
    #[test]
    fn every_v1_decoder_takes_arbitrary_json_and_converts_what_it_accepts(
        index in arb_call(),
        document in arb_json(),
    ) {
        check_decoder(index, document.to_string().as_bytes())?;
    }

    /// Each valid example decodes; any value in place of one of its fields is accepted or
    /// refused at a path inside that field; an unknown field, whatever its value, is ignored
    /// (the spec's rule for request objects, so guests built against a later ABI keep working).
    #[test]
    fn a_field_of_a_valid_input_replaced_by_any_value_is_refused_at_that_field_or_accepted(
        index in arb_call(),
        field_choice in any::<prop::sample::Index>(),
        value in arb_json(),
    ) {
        let (what, _, decode, _) = CALLS[index];
        let valid = example(index);
        prop_assert!(decode(valid.to_string().as_bytes()).is_ok(), "{}: {}", what, valid);
        let mut changed = valid.clone();
        match &mut changed {
            Value::Object(fields) => {
                let keys: Vec<String> = fields.keys().cloned().collect();
                let key = keys[field_choice.index(keys.len())].clone();
                fields.insert(key.clone(), value.clone());
                if let Some(err) = check_decoder(index, changed.to_string().as_bytes())? {
                    // A map of user keys (search attributes, memo) names the key itself.
                    prop_assert!(
                        err.path == key || err.path.starts_with(&format!("{key}.")) ||
                        err.path.starts_with(&format!("{key}[")),
                        "{}: {} refused at {}", what, key, err
                    );
                }
                let maps = ["upsert_search_attributes input", "upsert_memo input"];
                if !maps.contains(&what) && what != "respond_update input" {
                    let mut unknown = valid.clone();
                    unknown["x_unknown_field"] = value;
                    prop_assert!(
                        check_decoder(index, unknown.to_string().as_bytes())?.is_none(),
                        "{}: an unknown field was not ignored", what
                    );
                }
            }
            Value::Array(items) => {
                let at = field_choice.index(items.len());
                items[at] = value;
                if let Some(err) = check_decoder(index, changed.to_string().as_bytes())? {
                    prop_assert!(err.path.starts_with(&format!("[{at}]")), "{}: {}", what, err);
                }
            }
            other => prop_assert!(false, "examples are objects or arrays, not {}", other),
        }
    }

    /// Trailing bytes after a valid input are refused, naming the call.
    #[test]
    fn trailing_bytes_after_a_valid_input_are_refused(
        index in arb_call(),
        tail in "[^ \t\r\n]{1,8}",
    ) {
        let mut json = example(index).to_string().into_bytes();
        json.extend_from_slice(tail.as_bytes());
        prop_assert!(check_decoder(index, &json)?.is_some(), "{}", CALLS[index].0);
    }

    /// An activity's resolution, whatever core sends, becomes well-formed result JSON that keeps
    /// the result's bytes and every message of the failure chain.
    #[test]
    fn any_activity_resolution_becomes_result_json_keeping_results_and_failures(
        status in arb_activity_status(),
    ) {
        let resolution = activity_resolution(Some(ActivityResolution { status: status.clone() }));
        let json = check_resolution_json(&resolution)?;
        match &status {
            Some(ActivityStatus::Completed(success)) => {
                let payloads = json["completed"].as_array().expect("an array");
                prop_assert_eq!(payloads.len(), usize::from(success.result.is_some()));
                if let Some(expected) = &success.result {
                    check_payload(&payloads[0], expected)?;
                }
            }
            Some(ActivityStatus::Failed(activity_result::Failure { failure: Some(failure), .. })) => {
                prop_assert_eq!(messages(&json["failed"]), proto_messages(failure));
            }
            Some(ActivityStatus::Cancelled(activity_result::Cancellation {
                failure: Some(failure),
            })) => {
                prop_assert_eq!(messages(&json["cancelled"]), proto_messages(failure));
            }
            // Anything core should never send is a failure the guest can read.
            _ => prop_assert!(json.get("failed").is_some() || json.get("cancelled").is_some()),
        }
    }

    /// A child's start and result, and an external signal's or cancellation's delivery, become
    /// well-formed result JSON keeping the failure chain.
    #[test]
    fn any_child_or_external_resolution_becomes_result_json(
        start in arb_start_status(),
        result in arb_child_result(),
        delivered in proptest::option::of(arb_proto_failure()),
    ) {
        let started = child_start(start.clone());
        match (&start, &started) {
            (Some(StartStatus::Succeeded(_)), None) => {}
            (Some(StartStatus::Succeeded(_)), Some(resolution)) => {
                prop_assert!(false, "a started child resolved at once: {:?}", resolution);
            }
            (_, Some(resolution)) => {
                let json = check_resolution_json(resolution)?;
                prop_assert!(json.get("completed").is_none(), "{}", json);
            }
            (_, None) => prop_assert!(false, "a child that did not start never resolves"),
        }
        let ended = child_result(Some(ChildWorkflowResult { status: result.clone() }));
        let json = check_resolution_json(&ended)?;
        if let Some(child_workflow_result::Status::Failed(child_workflow::Failure {
            failure: Some(failure),
        })) = &result
        {
            prop_assert_eq!(messages(&json["failed"]), proto_messages(failure));
        }
        let json = check_resolution_json(&external_delivered(delivered.clone()))?;
        match &delivered {
            None => prop_assert_eq!(json, json!({"completed": []})),
            Some(failure) => prop_assert_eq!(messages(&json["failed"]), proto_messages(failure)),
        }
    }
}

/// The examples the properties start from are themselves valid, and become their commands.
#[test]
fn every_example_decodes_and_converts_to_its_command() {
    for (index, (what, json, decode, command)) in CALLS.iter().enumerate() {
        let converted = decode(json.as_bytes()).unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(converted.as_deref(), *command, "{what}");
        assert!(example(index).is_object() || example(index).is_array());
    }
    // `abi::Resolution`'s own JSON for a fired timer, which every durable guest reads.
    assert_eq!(
        abi::Resolution::Completed(Vec::new()).to_json(),
        br#"{"completed":[]}"#
    );
}
