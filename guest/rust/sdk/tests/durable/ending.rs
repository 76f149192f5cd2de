//! The ending calls: continue-as-new, and a one-shot workflow's plain completion.

use temporal_wasm_sdk::testing::{Ending, TestHost};
use temporal_wasm_sdk::{Failure, Payload, workflow};

#[test]
fn continue_as_new_ends_the_run_with_the_new_input() {
    let run = TestHost::new()
        .input(&1)
        .run(|page: u32| -> Result<(), Failure> { workflow::continue_as_new(&(page + 1)) });
    let Ending::ContinuedAsNew(options) = &run.ending else {
        panic!("{:?}", run.ending);
    };
    let args: Vec<Payload> = serde_json::from_value(options["args"].clone()).unwrap();
    assert_eq!(args[0].decode_json::<u32>().unwrap(), 2);
}
#[test]
fn a_one_shot_workflow_runs_under_the_test_host_too() {
    let run = TestHost::new()
        .input(&"Alice")
        .run(|name: String| Ok::<_, Failure>(format!("Hello, {name}!")));
    assert_eq!(run.result::<String>(), "Hello, Alice!");
    assert_eq!(run.activations, 1);
}
