//! Turning an ordinary function into the workflow's `run`: read `info`, decode the input, call
//! the function, encode its result or failure, and end the run. Durable workflows are no
//! different here: their function blocks inside the SDK's calls while the worker parks the
//! instance, and returns when the workflow is done.

use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Failure, Info, Payload};

/// A function that [`workflow!`](macro@crate::workflow) can turn into a workflow.
///
/// Implemented for functions of three shapes, where `Input: DeserializeOwned` and
/// `Output: Serialize`:
///
/// - `fn(Input) -> Result<Output, Failure>`: the usual one.
/// - `fn(Input, &Info) -> Result<Output, Failure>`: also sees the workflow id, attempt, and so on.
/// - `fn(&Info) -> Result<Output, Failure>`: decodes `info.params` itself, for workflows that
///   must answer bad or missing arguments in their own words.
///
/// `Shape` only tells the three apart; callers never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a workflow function",
    note = "a workflow is `fn(Input) -> Result<Output, Failure>`, `fn(Input, &Info) -> Result<Output, Failure>` \
            or `fn(&Info) -> Result<Output, Failure>`, with `Input: DeserializeOwned` and `Output: Serialize`"
)]
pub trait Workflow<Shape> {
    /// Runs the workflow for this `info` and encodes its result as a `json/plain` payload.
    fn execute(self, info: &Info) -> Result<Payload, Failure>;
}

/// Shape marker of `fn(Input) -> Result<Output, Failure>`.
#[doc(hidden)]
pub struct TakesInput<Input, Output>(PhantomData<fn(Input) -> Output>);

/// Shape marker of `fn(Input, &Info) -> Result<Output, Failure>`.
#[doc(hidden)]
pub struct TakesInputAndInfo<Input, Output>(PhantomData<fn(Input) -> Output>);

/// Shape marker of `fn(&Info) -> Result<Output, Failure>`.
#[doc(hidden)]
pub struct TakesInfo<Output>(PhantomData<fn() -> Output>);

impl<F, Input, Output> Workflow<TakesInput<Input, Output>> for F
where
    F: FnOnce(Input) -> Result<Output, Failure>,
    Input: DeserializeOwned,
    Output: Serialize,
{
    fn execute(self, info: &Info) -> Result<Payload, Failure> {
        Ok(encode_result(&self(decode_input(&info.params)?)?))
    }
}

impl<F, Input, Output> Workflow<TakesInputAndInfo<Input, Output>> for F
where
    F: FnOnce(Input, &Info) -> Result<Output, Failure>,
    Input: DeserializeOwned,
    Output: Serialize,
{
    fn execute(self, info: &Info) -> Result<Payload, Failure> {
        Ok(encode_result(&self(decode_input(&info.params)?, info)?))
    }
}

impl<F, Output> Workflow<TakesInfo<Output>> for F
where
    F: FnOnce(&Info) -> Result<Output, Failure>,
    Output: Serialize,
{
    fn execute(self, info: &Info) -> Result<Payload, Failure> {
        Ok(encode_result(&self(info)?))
    }
}

/// Decodes the typed input from the first start argument; later arguments are left to `&Info`.
///
/// No argument at all reads as JSON `null`, so `Option<T>` gets `None` and `()` works; any other
/// type fails the workflow, as does an argument that does not decode. Either way the failure is a
/// non-retryable `InvalidInput`: the same input would fail again.
fn decode_input<Input: DeserializeOwned>(params: &[Payload]) -> Result<Input, Failure> {
    let invalid_input = |message: String| {
        Failure::new(message)
            .with_type("InvalidInput")
            .non_retryable()
    };
    match params.first() {
        Some(param) => param
            .decode_json()
            .map_err(|err| invalid_input(format!("invalid workflow input: {err}"))),
        None => Input::deserialize(serde_json::Value::Null)
            .map_err(|_| invalid_input("workflow input is required but none was given".to_owned())),
    }
}

/// Encodes the function's output. A value serde_json cannot write (a map with non-string keys)
/// is a bug in the workflow, so it traps like any guest bug: the workflow task fails and is
/// retried, and the workflow stays open until a fixed bundle is deployed.
fn encode_result<Output: Serialize>(output: &Output) -> Payload {
    Payload::encode_json(output)
        .unwrap_or_else(|err| panic!("cannot encode the workflow result: {err}"))
}

/// How a run ends, as the JSON for the host call that ends it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Completion {
    /// `[]payload` JSON for `complete`.
    Completed(Vec<u8>),
    /// `failure` JSON for `complete_with_failure`.
    Failed(Vec<u8>),
}

/// Runs `workflow` for `info` and says how to end the run.
pub(crate) fn completion<Shape, W: Workflow<Shape>>(workflow: W, info: &Info) -> Completion {
    match workflow.execute(info) {
        Ok(result) => Completion::Completed(
            serde_json::to_vec(&[result]).expect("a payload always serialises"),
        ),
        Err(failure) => Completion::Failed(failure.to_json()),
    }
}

/// The body of the exported `run`: one whole workflow run, ending in `complete` or
/// `complete_with_failure` (or, from inside the function, another ending call).
pub fn run<Shape, W: Workflow<Shape>>(workflow: W) -> ! {
    #[cfg(target_arch = "wasm32")]
    crate::panic::install_hook();
    let json = crate::host::call(crate::host::Host::info);
    let info = Info::from_json(&json)
        .unwrap_or_else(|err| panic!("the worker sent malformed info JSON: {err}"));
    // The instance lives for exactly one run, so the run's `info` may live as long as it does:
    // `workflow::info()` hands it out from anywhere, `workflow::durable_info()` decodes the rest
    // of the JSON when asked.
    let info: &'static Info = Box::leak(Box::new(info));
    crate::workflow::set_info(info, json.leak());
    match completion(workflow, info) {
        Completion::Completed(result) => {
            crate::host::call(|host| crate::host::Host::complete(host, &result))
        }
        Completion::Failed(failure) => {
            crate::host::call(|host| crate::host::Host::complete_with_failure(host, &failure))
        }
    }
    crate::host::run_ended()
}

/// Type-checks a workflow function where there is no `run` to export (host builds).
pub const fn assert_workflow<Shape, W: Workflow<Shape>>(_workflow: &W) {}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;
    use crate::WorkflowInfo;

    fn info_with(params: Vec<Payload>) -> Info {
        Info {
            params,
            workflow_info: WorkflowInfo {
                workflow_id: "wf-1".into(),
                attempt: 2,
                ..WorkflowInfo::default()
            },
        }
    }

    fn json_param(value: Value) -> Payload {
        Payload::encode_json(&value).unwrap()
    }

    /// The single result payload's JSON value, or the failure's JSON.
    fn outcome<Shape>(workflow: impl Workflow<Shape>, info: &Info) -> Result<Value, Value> {
        match completion(workflow, info) {
            Completion::Completed(json) => {
                let [payload]: [Payload; 1] = serde_json::from_slice(&json).unwrap();
                Ok(payload.decode_json().unwrap())
            }
            Completion::Failed(json) => Err(serde_json::from_slice(&json).unwrap()),
        }
    }

    fn double(n: i64) -> Result<i64, Failure> {
        Ok(n * 2)
    }

    fn greeting(name: Option<String>) -> Result<String, Failure> {
        Ok(format!("Hello, {}!", name.as_deref().unwrap_or("World")))
    }

    fn attempt_of(_: (), info: &Info) -> Result<u32, Failure> {
        Ok(info.workflow_info.attempt)
    }

    fn param_count(info: &Info) -> Result<usize, Failure> {
        Ok(info.params.len())
    }

    #[derive(Deserialize, Serialize)]
    struct Order {
        order_id: String,
    }

    fn echo_order(order: Order) -> Result<Order, Failure> {
        Ok(order)
    }

    fn always_fails(_: ()) -> Result<(), Failure> {
        Err(Failure::new("nope")
            .with_type("Nope")
            .with_cause(Failure::new("because")))
    }

    #[test]
    fn typed_input_is_decoded_from_the_first_param() {
        assert_eq!(
            outcome(double, &info_with(vec![json_param(json!(21))])),
            Ok(json!(42))
        );
    }

    #[test]
    fn later_params_are_ignored_by_typed_input() {
        let info = info_with(vec![json_param(json!(1)), json_param(json!("extra"))]);
        assert_eq!(outcome(double, &info), Ok(json!(2)));
    }

    #[test]
    fn completed_json_is_a_one_payload_array() {
        let Completion::Completed(json) =
            completion(double, &info_with(vec![json_param(json!(1))]))
        else {
            panic!("expected a completion");
        };
        assert_eq!(
            serde_json::from_slice::<Value>(&json).unwrap(),
            json!([{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "Mg=="}])
        );
    }

    #[test]
    fn missing_input_reads_as_null_for_option_and_unit() {
        assert_eq!(
            outcome(greeting, &info_with(vec![])),
            Ok(json!("Hello, World!"))
        );
        assert_eq!(outcome(attempt_of, &info_with(vec![])), Ok(json!(2)));
    }

    #[test]
    fn missing_required_input_is_a_non_retryable_invalid_input() {
        assert_eq!(
            outcome(echo_order, &info_with(vec![])),
            Err(json!({
                "message": "workflow input is required but none was given",
                "type": "InvalidInput",
                "non_retryable": true
            }))
        );
    }

    #[test]
    fn input_of_the_wrong_shape_is_a_non_retryable_invalid_input() {
        let err = outcome(echo_order, &info_with(vec![json_param(json!({"id": 1}))])).unwrap_err();
        assert_eq!(err["type"], "InvalidInput");
        assert_eq!(err["non_retryable"], true);
        assert_eq!(
            err["message"],
            "invalid workflow input: payload data does not decode: missing field `order_id` at line 1 column 8"
        );
    }

    #[test]
    fn input_with_another_encoding_is_an_invalid_input_naming_it() {
        let mut param = json_param(json!(1));
        param
            .metadata
            .insert("encoding".into(), b"binary/plain".to_vec());
        let err = outcome(double, &info_with(vec![param])).unwrap_err();
        assert_eq!(
            err["message"],
            r#"invalid workflow input: payload encoding is "binary/plain", expected "json/plain""#
        );
    }

    #[test]
    fn info_only_workflow_sees_every_param() {
        let info = info_with(vec![json_param(json!(1)), json_param(json!(2))]);
        assert_eq!(outcome(param_count, &info), Ok(json!(2)));
        assert_eq!(outcome(param_count, &info_with(vec![])), Ok(json!(0)));
    }

    #[test]
    fn closures_are_workflows_too() {
        let info = info_with(vec![json_param(json!({"order_id": "A-17"}))]);
        let id = |order: Order, info: &Info| {
            Ok::<_, Failure>(format!(
                "{}@{}",
                order.order_id, info.workflow_info.workflow_id
            ))
        };
        assert_eq!(outcome(id, &info), Ok(json!("A-17@wf-1")));
    }

    #[test]
    fn returned_failure_becomes_failure_json() {
        assert_eq!(
            outcome(always_fails, &info_with(vec![])),
            Err(json!({"message": "nope", "type": "Nope", "cause": {"message": "because"}}))
        );
    }

    #[test]
    #[should_panic(expected = "cannot encode the workflow result")]
    fn unencodable_result_is_a_guest_bug() {
        let bad = |_: ()| Ok::<_, Failure>(std::collections::BTreeMap::from([((1, 2), 3)]));
        let _ = completion(bad, &info_with(vec![]));
    }
}
