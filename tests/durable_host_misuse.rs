//! Every guest bug of ABI v1's calls, one per test: the run ends with a message that names the
//! call, the handle or the JSON path at fault, as v0's guest bugs do. WAT guests, no server.

mod common;

use common::durable::{
    CHARGE, blocked, bug, bug_message, ended, fire_and_resume, guest, guest_with_input, module,
    start, timer_call,
};
use common::load;
use temporal_wasm_worker::sandbox::GuestBug;

/// The message of the guest bug that ends the first activation of a guest running `body`, in
/// which `INPUT` stands for the arguments `(ptr, len)` of `input` (kept at 1024).
fn input_bug(input: &str, body: &str) -> String {
    let (_dir, bundle) = load(&guest_with_input(input, body));
    bug_message(start(&bundle).resume())
}

/// The message of the guest bug that ends the first activation of a guest running `body`.
fn first_bug(body: &str) -> String {
    input_bug("", body)
}

/// The message of the guest bug of a guest that parks on a 1 s timer (handle 1), then, once it
/// has fired, runs `body`, in which `INPUT` stands for `input` as in [`input_bug`].
fn bug_after_a_timer(input: &str, body: &str) -> String {
    let body = format!("(drop (call $wait_one (call $start_1s_timer))) {body}");
    let (_dir, bundle) = load(&guest_with_input(input, &body));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    bug_message(fire_and_resume(&mut instance, 1))
}

/// How v0 words an out-of-bounds range, for `call`.
fn out_of_bounds(call: &str, offset: u32, len: u32) -> String {
    format!(
        "{call} was given bytes {offset}..{} (offset {offset}, length {len}), outside the \
         guest's 65536-byte memory",
        offset + len
    )
}

#[test]
fn a_guest_bug_ends_the_run_with_the_calls_made_before_it() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(drop (call $start_1s_timer))
           (drop (call $wait (i32.const 0) (i32.const 0)))
           (drop (call $start_1s_timer))"#,
    ));
    let mut instance = start(&bundle);
    let (calls, outcome) = ended(instance.resume());
    assert_eq!(calls, vec![timer_call(1, 1000)]);
    assert_eq!(outcome.unwrap_err().kind(), "handle_misuse");
    assert!(instance.has_ended());
}

// --- start_timer ------------------------------------------------------------------------------

#[test]
fn a_timer_of_0_ms_is_a_bad_request_naming_start_timer() {
    let timer = r#"{"duration_ms":0}"#;
    let (_dir, bundle) = load(&guest_with_input(timer, "(drop (call $start_timer INPUT))"));
    assert_eq!(
        bug(start(&bundle).resume()),
        GuestBug::BadRequest {
            call: "start_timer",
            problem: "duration_ms must be at least 1 (a timer of 0 ms would never be recorded)"
                .into(),
        }
    );
}

#[test]
fn start_timer_with_a_field_of_the_wrong_type_names_its_json_path() {
    let message = input_bug(
        r#"{"duration_ms":"soon"}"#,
        "(drop (call $start_timer INPUT))",
    );
    assert!(
        message.starts_with(
            "start_timer input is not valid ABI JSON at `duration_ms`: invalid type: string \
             \"soon\", expected u64"
        ),
        "{message}"
    );
}

#[test]
fn start_timer_without_duration_ms_names_the_missing_field() {
    let message = input_bug(r#"{"summary":"x"}"#, "(drop (call $start_timer INPUT))");
    assert!(
        message.starts_with(
            "start_timer input is not valid ABI JSON at `.`: missing field `duration_ms`"
        ),
        "{message}"
    );
}

#[test]
fn start_timer_with_malformed_json_is_a_guest_bug_naming_its_input() {
    let message = input_bug(r#"{"duration_ms":10"#, "(drop (call $start_timer INPUT))");
    // Where the text stops there is no path to name: the position says where.
    assert!(
        message.starts_with("start_timer input is not valid ABI JSON at `")
            && message.ends_with("EOF while parsing an object at line 1 column 17"),
        "{message}"
    );
}

#[test]
fn start_timer_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(drop (call $start_timer (i32.const 65530) (i32.const 20)))"),
        out_of_bounds("start_timer", 65530, 20)
    );
}

// --- start_activity ---------------------------------------------------------------------------

#[test]
fn an_activity_without_a_type_is_a_bad_request() {
    for input in [
        r#"{"start_to_close_timeout_ms":1000}"#,
        r#"{"activity_type":"  ","start_to_close_timeout_ms":1000}"#,
    ] {
        assert_eq!(
            input_bug(input, "(drop (call $start_activity INPUT))"),
            "start_activity: activity_type is required and must not be empty",
            "{input}"
        );
    }
}

const NO_CLOSE_TIMEOUT: &str = "start_activity: one of schedule_to_close_timeout_ms and \
    start_to_close_timeout_ms is required (and must be above 0), as Temporal requires";

#[test]
fn an_activity_without_a_to_close_timeout_is_a_bad_request() {
    assert_eq!(
        input_bug(
            r#"{"activity_type":"Charge","schedule_to_start_timeout_ms":1000,"heartbeat_timeout_ms":1000}"#,
            "(drop (call $start_activity INPUT))"
        ),
        NO_CLOSE_TIMEOUT
    );
}

#[test]
fn to_close_timeouts_of_0_ms_do_not_count() {
    assert_eq!(
        input_bug(
            r#"{"activity_type":"Charge","schedule_to_close_timeout_ms":0,"start_to_close_timeout_ms":0}"#,
            "(drop (call $start_activity INPUT))"
        ),
        NO_CLOSE_TIMEOUT
    );
}

#[test]
fn an_activity_on_an_empty_task_queue_is_a_bad_request() {
    assert_eq!(
        input_bug(
            r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000,"task_queue":""}"#,
            "(drop (call $start_activity INPUT))"
        ),
        "start_activity: task_queue must not be empty (leave it out to use the workflow's task \
         queue)"
    );
}

#[test]
fn an_unknown_cancellation_type_names_its_json_path() {
    let message = input_bug(
        r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000,"cancellation_type":"later"}"#,
        "(drop (call $start_activity INPUT))",
    );
    assert!(
        message.starts_with(
            "start_activity input is not valid ABI JSON at `cancellation_type`: unknown variant \
             `later`, expected one of `try_cancel`, `wait_cancellation_completed`, `abandon`"
        ),
        "{message}"
    );
}

#[test]
fn a_malformed_payload_in_args_names_its_json_path() {
    let message = input_bug(
        r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000,"args":[{"data":"NDI="},{"data":"%%"}]}"#,
        "(drop (call $start_activity INPUT))",
    );
    assert!(
        message.starts_with(
            "start_activity input is not valid ABI JSON at `args[1].data`: invalid base64"
        ),
        "{message}"
    );
}

#[test]
fn payloads_inside_a_request_stay_strict_about_unknown_fields() {
    let message = input_bug(
        r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000,"args":[{"data":"NDI=","encoding":"json"}]}"#,
        "(drop (call $start_activity INPUT))",
    );
    assert!(
        message.starts_with("start_activity input is not valid ABI JSON at `args[0]")
            && message.contains("unknown field `encoding`"),
        "{message}"
    );
}

#[test]
fn start_activity_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(drop (call $start_activity (i32.const 65000) (i32.const 1000)))"),
        out_of_bounds("start_activity", 65000, 1000)
    );
}

// --- wait -------------------------------------------------------------------------------------

#[test]
fn wait_with_count_0_is_a_guest_bug() {
    assert_eq!(
        first_bug("(drop (call $wait (i32.const 0) (i32.const 0)))"),
        "wait was called with count 0: it needs at least one handle"
    );
}

#[test]
fn wait_on_handle_0_is_a_guest_bug_naming_wait() {
    assert_eq!(
        first_bug("(drop (call $wait_one (i32.const 0)))"),
        "wait was given handle 0, which this run never issued (it has issued 0)"
    );
}

#[test]
fn wait_on_a_handle_never_issued_is_a_guest_bug_naming_it() {
    assert_eq!(
        first_bug("(drop (call $start_1s_timer)) (drop (call $wait_one (i32.const 2)))"),
        "wait was given handle 2, which this run never issued (it has issued 1)"
    );
}

#[test]
fn wait_on_a_set_with_an_unknown_handle_is_a_guest_bug() {
    assert_eq!(
        first_bug("(drop (call $wait_two (call $start_1s_timer) (i32.const 9)))"),
        "wait was given handle 9, which this run never issued (it has issued 1)"
    );
}

#[test]
fn wait_checks_every_handle_of_its_set_even_when_an_earlier_one_is_ready() {
    // The spec: a handle the guest never got "is a guest bug wherever it is passed". Found only
    // when the handles before it are not ready, the bug would surface months later, the day a
    // timer is slow.
    assert_eq!(
        bug_after_a_timer("", "(drop (call $wait_two (i32.const 1) (i32.const 0)))"),
        "wait was given handle 0, which this run never issued (it has issued 1)"
    );
}

#[test]
fn wait_on_a_taken_handle_is_a_guest_bug_naming_it() {
    assert_eq!(
        bug_after_a_timer(
            "",
            r#"(drop (call $take_into (i32.const 1) (i32.const 4096)))
               (drop (call $wait_one (i32.const 1)))"#
        ),
        "wait was given handle 1 (a timer), whose result was already taken"
    );
}

#[test]
fn wait_with_its_set_out_of_bounds_is_a_guest_bug_naming_wait() {
    assert_eq!(
        first_bug(
            "(drop (call $start_1s_timer)) (drop (call $wait (i32.const 65534) (i32.const 1)))"
        ),
        out_of_bounds("wait", 65534, 4)
    );
}

#[test]
fn wait_on_more_handles_than_the_run_could_need_is_a_guest_bug() {
    assert_eq!(
        first_bug("(drop (call $wait (i32.const 0) (i32.const 2000)))"),
        "wait: count is 2000, more handles than the run could wait on (it has issued 0; a set \
         may repeat them, up to 1024 entries)"
    );
}

// --- is_ready, result_len, take_result --------------------------------------------------------

#[test]
fn is_ready_of_a_handle_never_issued_is_a_guest_bug() {
    assert_eq!(
        first_bug("(drop (call $is_ready (i32.const 3)))"),
        "is_ready was given handle 3, which this run never issued (it has issued 0)"
    );
}

#[test]
fn is_ready_of_a_taken_handle_is_a_guest_bug() {
    assert_eq!(
        bug_after_a_timer(
            "",
            r#"(drop (call $take_into (i32.const 1) (i32.const 4096)))
               (drop (call $is_ready (i32.const 1)))"#
        ),
        "is_ready was given handle 1 (a timer), whose result was already taken"
    );
}

#[test]
fn result_len_of_a_pending_handle_is_a_guest_bug() {
    assert_eq!(
        first_bug("(drop (call $result_len (call $start_1s_timer)))"),
        "result_len was given handle 1 (a timer), which is not ready: check is_ready or wait first"
    );
}

#[test]
fn result_len_of_a_pending_activity_names_its_type() {
    assert_eq!(
        input_bug(
            CHARGE,
            "(drop (call $result_len (call $start_activity INPUT)))"
        ),
        "result_len was given handle 1 (activity Charge), which is not ready: check is_ready or \
         wait first"
    );
}

#[test]
fn take_result_with_the_wrong_length_names_both_lengths() {
    assert_eq!(
        bug_after_a_timer(
            "",
            "(call $take_result (i32.const 1) (i32.const 4096) (i32.const 3))"
        ),
        "take_result was called for handle 1 with length 3, but result_len(1) is 16"
    );
}

#[test]
fn take_result_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        bug_after_a_timer(
            "",
            "(call $take_result (i32.const 1) (i32.const 65530) (i32.const 16))"
        ),
        out_of_bounds("take_result", 65530, 16)
    );
}

#[test]
fn take_result_twice_on_a_command_is_a_guest_bug() {
    assert_eq!(
        bug_after_a_timer(
            "",
            r#"(drop (call $take_into (i32.const 1) (i32.const 4096)))
               (call $take_result (i32.const 1) (i32.const 4096) (i32.const 16))"#
        ),
        "take_result was given handle 1 (a timer), whose result was already taken"
    );
}

#[test]
fn take_result_of_a_channel_with_nothing_queued_is_a_guest_bug() {
    assert_eq!(
        input_bug(
            "go",
            "(call $take_result (call $signal_channel INPUT) (i32.const 4096) (i32.const 0))"
        ),
        "take_result was given handle 1 (signal channel `go`), which is not ready: check \
         is_ready or wait first"
    );
}

// --- cancel -----------------------------------------------------------------------------------

#[test]
fn cancelling_the_cancellation_channel_is_a_guest_bug() {
    assert_eq!(
        first_bug("(call $cancel (call $cancellation_channel))"),
        "cancel was given handle 1 (the cancellation channel); only timers, activities, HTTP \
         activities and child workflows can be cancelled"
    );
}

#[test]
fn cancelling_a_signal_channel_is_a_guest_bug() {
    assert_eq!(
        input_bug("go", "(call $cancel (call $signal_channel INPUT))"),
        "cancel was given handle 1 (signal channel `go`); only timers, activities, HTTP \
         activities and child workflows can be cancelled"
    );
}

#[test]
fn cancelling_a_handle_never_issued_is_a_guest_bug() {
    assert_eq!(
        first_bug("(call $cancel (i32.const 4))"),
        "cancel was given handle 4, which this run never issued (it has issued 0)"
    );
}

#[test]
fn cancelling_a_taken_handle_is_a_guest_bug() {
    assert_eq!(
        bug_after_a_timer(
            "",
            r#"(drop (call $take_into (i32.const 1) (i32.const 4096)))
               (call $cancel (i32.const 1))"#
        ),
        "cancel was given handle 1 (a timer), whose result was already taken"
    );
}

// --- Channels ---------------------------------------------------------------------------------

/// A guest whose `run` passes the bytes `ff fe` at 1024 as a name to `call`.
fn with_a_name_that_is_not_utf8(call: &str) -> String {
    module(&format!(
        r#"{}
  (func (export "run") (drop (call ${call} (i32.const 1024) (i32.const 2){})))"#,
        common::wat::data(1024, &[0xff, 0xfe]),
        if call == "patched" {
            " (i32.const 0)"
        } else {
            ""
        }
    ))
}

#[test]
fn a_signal_name_that_is_not_utf8_is_a_bad_request() {
    let (_dir, bundle) = load(&with_a_name_that_is_not_utf8("signal_channel"));
    assert_eq!(
        bug_message(start(&bundle).resume()),
        "signal_channel: the name is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0"
    );
}

#[test]
fn signal_channel_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(drop (call $signal_channel (i32.const 65535) (i32.const 2)))"),
        out_of_bounds("signal_channel", 65535, 2)
    );
}

// --- Ending the run ---------------------------------------------------------------------------

#[test]
fn complete_as_cancelled_without_a_cancellation_request_is_a_guest_bug() {
    assert_eq!(
        first_bug(
            "(drop (call $cancellation_channel)) (call $complete_as_cancelled (i32.const 0) (i32.const 0))"
        ),
        "complete_as_cancelled: the workflow's cancellation has not been requested; a workflow \
         ends as Canceled only in answer to a cancel request (wait on cancellation_channel first)"
    );
}

#[test]
fn complete_as_cancelled_with_details_of_the_wrong_type_names_the_json_path() {
    let (_dir, bundle) = load(&guest_with_input(
        r#"{"details":{}}"#,
        r#"(drop (call $wait_one (call $cancellation_channel)))
           (call $complete_as_cancelled INPUT)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert!(instance.request_cancellation());
    let message = bug_message(instance.resume());
    assert!(
        message.starts_with(
            "complete_as_cancelled input is not valid ABI JSON at `details`: invalid type: map, \
             expected a sequence"
        ),
        "{message}"
    );
}

#[test]
fn continue_as_new_with_a_field_of_the_wrong_type_names_its_json_path() {
    let message = bug_after_a_timer(
        r#"{"run_timeout_ms":"1m"}"#,
        "(call $continue_as_new INPUT)",
    );
    assert!(
        message.starts_with(
            "continue_as_new input is not valid ABI JSON at `run_timeout_ms`: invalid type: \
             string \"1m\", expected u64"
        ),
        "{message}"
    );
}

#[test]
fn continue_as_new_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(call $continue_as_new (i32.const 65530) (i32.const 10))"),
        out_of_bounds("continue_as_new", 65530, 10)
    );
}

// --- Deterministic sources --------------------------------------------------------------------

#[test]
fn random_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(call $random (i32.const 65530) (i32.const 16))"),
        out_of_bounds("random", 65530, 16)
    );
}

#[test]
fn a_patch_id_that_is_not_utf8_is_a_bad_request() {
    let (_dir, bundle) = load(&with_a_name_that_is_not_utf8("patched"));
    assert_eq!(
        bug_message(start(&bundle).resume()),
        "patched: the name is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0"
    );
}

#[test]
fn patched_out_of_bounds_is_a_guest_bug_naming_the_call() {
    assert_eq!(
        first_bug("(drop (call $patched (i32.const 65535) (i32.const 4) (i32.const 0)))"),
        out_of_bounds("patched", 65535, 4)
    );
}
