//! Property tests of what a durable (ABI v1) guest hands the host and what the host hands it
//! back: every v1 call's JSON decoder, the conversion of what it decodes into core's commands,
//! and the conversion of Temporal's resolutions into the result JSON `take_result` writes.
//!
//! Like `tests/fuzz_abi.rs` (the v0 decoders), each property runs a modest number of cases so
//! that `cargo test` stays fast; `PROPTEST_CASES=N` runs more. A failing case is shrunk, saved to
//! `proptest-regressions/fuzz_v1.txt` (committed) and replayed first on every later run.

mod common;

use proptest::prelude::*;
use serde_json::{Value, json};

use temporal_wasm_worker::abi;
use temporal_wasm_worker::convert::{
    activity_resolution, child_result, child_start, external_delivered,
};
use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityResolution, activity_resolution::Status as ActivityStatus,
};
use temporalio_common::protos::coresdk::child_workflow::{
    self, ChildWorkflowResult, child_workflow_result,
};
use temporalio_common::protos::coresdk::workflow_activation::resolve_child_workflow_execution_start::Status as StartStatus;

#[path = "fuzz_v1/calls.rs"]
mod calls;
#[path = "fuzz_v1/resolutions.rs"]
mod resolutions;

use calls::{CALLS, arb_call, arb_json, check_decoder, example};
use resolutions::{
    arb_activity_status, arb_child_result, arb_proto_failure, arb_start_status, check_payload,
    check_resolution_json, messages, proto_messages,
};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;

fn config() -> ProptestConfig {
    common::properties::config(DEFAULT_CASES, "proptest-regressions/fuzz_v1.txt")
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
