//! Host behaviour of ABI v1 (durable guests), one behaviour per test, with WAT guests driven
//! through a sandbox instance's activations and no server.

mod common;

use common::durable::{self, blocked, bug, completed, data, ended, fired, module, start};
use common::load;
use temporal_wasm_worker::abi::{Call, Resolution};

const TIMER_1S: &str = r#"{"duration_ms":1000}"#;

#[test]
fn a_timer_parks_the_guest_until_it_fires() {
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
  (func (export "run")
    (local $timer i32)
    (local.set $timer (call $start_timer (i32.const 1024) (i32.const {})))
    (drop (call $wait_one (local.get $timer)))
    (call $end_with_result (local.get $timer)))"#,
        data(1024, TIMER_1S),
        TIMER_1S.len()
    )));
    let mut instance = start(&bundle);
    let calls = blocked(instance.resume());
    assert_eq!(calls.len(), 1);
    assert!(
        matches!(&calls[0], Call::StartTimer { handle: 1, request } if request.duration_ms == 1000)
    );
    instance.resolve(1, &fired());
    let (calls, _) = ended(instance.resume());
    assert!(calls.is_empty());
    let _ = (
        bug,
        completed,
        durable::START,
        Resolution::Completed(vec![]),
    );
}
