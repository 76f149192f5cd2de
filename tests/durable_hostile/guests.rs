//! The hostile durable guests, as WAT, and the healthy one they run beside, with the module
//! builder they share (the guests that hand the host odd values are in `value_guests.rs`). Each
//! case's module is the same in process and on the real worker.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::common::{durable, wat};

/// The v1 imports this file's guests use besides those `common::durable::module` declares.
const MORE_IMPORTS: &str = r#"
  (import "env" "start_http_activity" (func $start_http_activity (param i32 i32) (result i32)))
  (import "env" "start_child_workflow" (func $start_child_workflow (param i32 i32) (result i32)))
  (import "env" "signal_external_workflow" (func $signal_external_workflow (param i32 i32) (result i32)))
  (import "env" "cancel_external_workflow" (func $cancel_external_workflow (param i32 i32) (result i32)))
  (import "env" "update_channel" (func $update_channel (param i32 i32) (result i32)))
  (import "env" "respond_update" (func $respond_update (param i32 i32 i32 i32)))
  (import "env" "set_query_result" (func $set_query_result (param i32 i32 i32 i32)))
  (import "env" "set_current_details" (func $set_current_details (param i32 i32)))
  (import "env" "upsert_search_attributes" (func $upsert_search_attributes (param i32 i32)))
  (import "env" "upsert_memo" (func $upsert_memo (param i32 i32)))
  (import "env" "emit_metric" (func $emit_metric (param i32 i32)))"#;

/// Where the guests' own texts start: page 1, clear of every helper of `common::durable`.
const TEXTS_AT: usize = 65536;

/// A durable guest whose `run` is `body` (locals `$a $b $c $i` i32, `$x` i64), with each of
/// `texts` in memory from page 1 on. In `body`, `{T0}` stands for the `(ptr, len)` arguments of
/// `texts[0]`, `{T0.len}` for its length alone, and so on.
pub fn durable_guest(texts: &[&[u8]], body: &str) -> String {
    let mut segments = String::new();
    let mut body = body.to_owned();
    let mut at = TEXTS_AT;
    // Longest index first, so `{T1}` is not replaced inside `{T12}`.
    let mut placed = Vec::new();
    for text in texts {
        segments.push_str(&segment(at, text));
        segments.push('\n');
        placed.push((at, text.len()));
        at = (at + text.len() + 7) & !7;
    }
    for (index, (offset, len)) in placed.iter().enumerate().rev() {
        body = body
            .replace(&format!("{{T{index}.len}}"), &format!("(i32.const {len})"))
            .replace(
                &format!("{{T{index}.ptr}}"),
                &format!("(i32.const {offset})"),
            )
            .replace(
                &format!("{{T{index}}}"),
                &format!("(i32.const {offset}) (i32.const {len})"),
            );
    }
    assert!(!body.contains("{T"), "a text placeholder was left: {body}");
    let pages = at.div_ceil(65536).max(2);
    durable::module_with_imports(
        MORE_IMPORTS,
        &format!(
            "{segments}(func (export \"run\") (local $a i32) (local $b i32) (local $c i32) \
             (local $i i32) (local $x i64)\n    {body})"
        ),
    )
    .replacen(
        "(memory (export \"memory\") 1)",
        &format!("(memory (export \"memory\") {pages})"),
        1,
    )
}

/// A data segment of `bytes` at `offset`, escaping only what WAT strings need (megabytes of
/// JSON stay megabytes of text).
fn segment(offset: usize, bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + 32);
    for &byte in bytes {
        match byte {
            b'"' | b'\\' => text.push_str(&format!("\\{byte:02x}")),
            0x20..=0x7e => text.push(byte as char),
            _ => text.push_str(&format!("\\{byte:02x}")),
        }
    }
    format!(r#"(data (i32.const {offset}) "{text}")"#)
}

/// `[payload]`: one `json/plain` payload holding `json`, as `complete` takes it.
pub fn json_result(json: &str) -> String {
    format!("[{}]", json_payload(json))
}

/// One `json/plain` payload holding `json`, in the ABI's form.
pub fn json_payload(json: &str) -> String {
    format!(
        r#"{{"metadata":{{"encoding":"{}"}},"data":"{}"}}"#,
        BASE64.encode("json/plain"),
        BASE64.encode(json)
    )
}

/// `start_timer`'s input for `ms` milliseconds.
pub fn timer(ms: u64) -> String {
    format!(r#"{{"duration_ms":{ms}}}"#)
}

// --- The healthy workflow ---------------------------------------------------------------------

/// Healthy `Nap`: a 100 ms durable timer, then it completes with its first argument. It parks
/// and resumes like any durable workflow, so it needs a pool slot, the cache and the timer path
/// to work while a hostile guest runs beside it.
pub fn nap() -> String {
    let echo = wat::echo_first_param();
    let timer = timer(100);
    let echo = echo.replacen(
        "(memory (export \"memory\") 1)",
        &format!(
            "(import \"env\" \"start_timer\" (func $start_timer (param i32 i32) (result i32)))\n  \
             (import \"env\" \"wait\" (func $wait (param i32 i32) (result i32)))\n  \
             (memory (export \"memory\") 1)\n  {}",
            wat::data(60000, timer.as_bytes())
        ),
        1,
    );
    echo.replacen(
        "(local.set $len (call $get_info_len))",
        &format!(
            "(i32.store (i32.const 0) (call $start_timer (i32.const 60000) (i32.const {})))\n    \
             (drop (call $wait (i32.const 0) (i32.const 1)))\n    \
             (local.set $len (call $get_info_len))",
            timer.len()
        ),
        1,
    )
}

// --- Handles ----------------------------------------------------------------------------------

/// Starts a timer, then waits on handle 7, which the run never issued.
pub fn waits_on_a_handle_never_issued() -> String {
    durable_guest(
        &[],
        "(drop (call $start_1s_timer))
         (drop (call $wait_one (i32.const 7)))
         unreachable",
    )
}

/// Waits for a 100 ms timer, takes its result, then waits on the timer again.
pub fn waits_on_a_taken_handle() -> String {
    durable_guest(
        &[timer(100).as_bytes()],
        "(local.set $a (call $start_timer {T0}))
         (drop (call $wait_one (local.get $a)))
         (drop (call $take_into (local.get $a) (i32.const 8192)))
         (drop (call $wait_one (local.get $a)))
         unreachable",
    )
}

/// Waits on the set `[timer, timer]` (one handle twice), takes the result and completes.
pub fn waits_on_one_handle_twice() -> String {
    durable_guest(
        &[
            timer(100).as_bytes(),
            json_result(r#""waited on one handle twice""#).as_bytes(),
        ],
        "(local.set $a (call $start_timer {T0}))
         (i32.store (i32.const 0) (local.get $a))
         (i32.store (i32.const 4) (local.get $a))
         (local.set $b (call $wait (i32.const 0) (i32.const 2)))
         (if (i32.ne (local.get $b) (local.get $a)) (then unreachable))
         (drop (call $take_into (local.get $a) (i32.const 8192)))
         (call $complete {T1})
         unreachable",
    )
}

/// Takes a timer's result (16 bytes once fired) without waiting for it.
pub fn takes_a_result_before_it_is_ready() -> String {
    durable_guest(
        &[timer(100).as_bytes()],
        "(local.set $a (call $start_timer {T0}))
         (call $take_result (local.get $a) (i32.const 8192) (i32.const 16))
         unreachable",
    )
}

/// Waits for a timer, then takes its result with one byte less than `result_len`.
pub fn takes_a_result_with_a_wrong_length() -> String {
    durable_guest(
        &[timer(100).as_bytes()],
        "(local.set $a (call $start_timer {T0}))
         (drop (call $wait_one (local.get $a)))
         (call $take_result (local.get $a) (i32.const 8192)
           (i32.sub (call $result_len (local.get $a)) (i32.const 1)))
         unreachable",
    )
}

// --- Floods -----------------------------------------------------------------------------------

/// Calls `start_timer` `count` times in one activation, then waits on the first timer.
pub fn starts_timers(count: u32) -> String {
    durable_guest(
        &[],
        &format!(
            "(block $done (loop $more
               (br_if $done (i32.ge_u (local.get $i) (i32.const {count})))
               (drop (call $start_1s_timer))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br $more)))
             (drop (call $wait_one (i32.const 1)))
             unreachable"
        ),
    )
}

/// The activity the command flood schedules, and the memo it upserts, over and over.
pub const FLOOD_ACTIVITY: &str = r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000}"#;
const FLOOD_MEMO: &str = r#"{"step":{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MQ=="}}"#;

/// Schedules an activity and upserts its memo, forever, never waiting.
pub fn floods_commands_without_waiting() -> String {
    durable_guest(
        &[FLOOD_ACTIVITY.as_bytes(), FLOOD_MEMO.as_bytes()],
        "(loop $forever
           (drop (call $start_activity {T0}))
           (call $upsert_memo {T1})
           (br $forever))",
    )
}

/// Waits for a 100 ms timer, then spins forever: it never parks again.
pub fn parks_once_then_spins() -> String {
    durable_guest(
        &[timer(100).as_bytes()],
        "(drop (call $wait_one (call $start_timer {T0})))
         (loop $forever (br $forever))",
    )
}

/// Grows its memory by `pages` (writing to every 4 KiB of them, so they are resident), parks on
/// a 10 ms timer, and does it again, until the memory cap stops it.
pub fn grows_memory_while_parked(pages: u32) -> String {
    durable_guest(
        &[timer(10).as_bytes()],
        &format!(
            "(loop $grow
               (local.set $a (memory.grow (i32.const {pages})))
               (if (i32.eq (local.get $a) (i32.const -1)) (then unreachable))
               (local.set $b (i32.mul (local.get $a) (i32.const 65536)))
               (local.set $c (i32.add (local.get $b) (i32.const {bytes})))
               (loop $touch
                 (i32.store (local.get $b) (i32.const 1))
                 (local.set $b (i32.add (local.get $b) (i32.const 4096)))
                 (br_if $touch (i32.lt_u (local.get $b) (local.get $c))))
               (drop (call $wait_one (call $start_timer {{T0}})))
               (br $grow))",
            bytes = pages * 65536
        ),
    )
}

/// The channel nobody reads, and the one that ends the run.
pub const IGNORED_SIGNAL: &str = "ignored";
pub const STOP_SIGNAL: &str = "stop";

/// Opens channel [`IGNORED_SIGNAL`] and never reads it; completes with `"stopped"` on the first
/// [`STOP_SIGNAL`].
pub fn ignores_a_signal_channel() -> String {
    durable_guest(
        &[
            IGNORED_SIGNAL.as_bytes(),
            STOP_SIGNAL.as_bytes(),
            json_result(r#""stopped""#).as_bytes(),
        ],
        "(drop (call $signal_channel {T0}))
         (local.set $a (call $signal_channel {T1}))
         (drop (call $wait_one (local.get $a)))
         (call $complete {T2})
         unreachable",
    )
}

/// The query [`busy_with_steps`] publishes its progress under.
pub const PROGRESS_QUERY: &str = "progress";

/// Runs `steps` steps of a `step_ms` timer each, publishing query [`PROGRESS_QUERY`] = the
/// number of steps done before each, then completes with `"ran <steps> steps"`.
pub fn busy_with_steps(steps: u32, step_ms: u64) -> String {
    let timer = timer(step_ms);
    let done = json_result(&format!(r#""ran {steps} steps""#));
    let progress: Vec<String> = (0..=steps).map(|k| json_result(&k.to_string())).collect();
    let mut texts: Vec<&[u8]> = vec![timer.as_bytes(), done.as_bytes(), PROGRESS_QUERY.as_bytes()];
    texts.extend(progress.iter().map(|text| text.as_bytes()));
    let publish: String = (0..=steps)
        .map(|k| {
            format!(
                "(if (i32.eq (local.get $i) (i32.const {k})) \
                 (then (call $set_query_result {{T2}} {{T{}}})))\n",
                k + 3
            )
        })
        .collect();
    durable_guest(
        &texts,
        &format!(
            "(loop $step
               {publish}
               (drop (call $wait_one (call $start_timer {{T0}})))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $step (i32.lt_u (local.get $i) (i32.const {steps}))))
             {publish}
             (call $complete {{T1}})
             unreachable"
        ),
    )
}
