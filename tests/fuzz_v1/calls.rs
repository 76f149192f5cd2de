//! Every v1 call that decodes JSON — its decoder, a valid input, and the command (or ending)
//! the decoded value becomes — and the arbitrary JSON the properties feed them.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};

use temporal_wasm_worker::abi::{
    ActivityOptions, Call, CancelledDetails, ChildWorkflowOptions, ContinueAsNewRequest,
    DecodeError, ExternalWorkflow, GuestOutcome, HttpRequest, MetricRequest, Payload,
    SignalExternalRequest, TimerRequest, UpdateAnswer, decode_input,
};
use temporal_wasm_worker::convert::{RunContext, command_from_call, terminal_command};

/// What a decoded input became: the name of its command, or `None` for inputs that are not one
/// (a metric, an update answer, a query result).
pub type Converted = Option<String>;

/// Decodes `json` as `call`'s input and converts what it decoded as the host would.
pub type Decoder = fn(&[u8]) -> Result<Converted, DecodeError>;

/// The run the conversions are for.
pub fn context() -> RunContext {
    RunContext {
        workflow_type: "Fuzzed".to_owned(),
        task_queue: "fuzz".to_owned(),
        namespace: "default".to_owned(),
        run_id: "run-1".to_owned(),
    }
}

/// The name of the command `call` becomes (`StartTimer`), if it becomes one.
pub fn command_name(call: Call) -> Converted {
    let command = command_from_call(call, 1, &context())?;
    let variant = command.variant.expect("a command has a variant");
    Some(format!("{variant:?}").split('(').next()?.to_owned())
}

/// The name of the terminal command `outcome` becomes.
pub fn ending_name(outcome: GuestOutcome) -> Converted {
    let variant = terminal_command(outcome, &context()).expect("one payload at most");
    Some(format!("{variant:?}").split('(').next()?.to_owned())
}

/// Each v1 input: its `what`, a valid example, its decoder, and the command it must become.
pub const CALLS: &[(&str, &str, Decoder, Option<&str>)] = &[
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
pub fn check_decoder(index: usize, json: &[u8]) -> Result<Option<DecodeError>, TestCaseError> {
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

/// Any JSON value, a few levels deep, with strings that may also be base64.
pub fn arb_json() -> impl Strategy<Value = Value> {
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

/// An index into [`CALLS`].
pub fn arb_call() -> impl Strategy<Value = usize> {
    0..CALLS.len()
}

/// The valid example of call `index`, as a JSON value.
pub fn example(index: usize) -> Value {
    serde_json::from_str(CALLS[index].1).expect("the examples are JSON")
}
