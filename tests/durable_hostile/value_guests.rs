//! The hostile durable guests that hand the host odd values: NaN bits, millions of seeded draws,
//! and malformed, deeply nested or oversized JSON in every v1 call. `Ending` picks how the cases
//! that complete report what they saw (a transcript for in-process asserts, a `json/plain` value
//! for a real client).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::guests::{durable_guest, json_result, timer};

/// How a guest that runs to its end reports what it saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `$complete_with_transcript`: the exact numbers, for in-process asserts.
    Transcript,
    /// A fixed `json/plain` string, which a real Temporal client can decode.
    Json,
}

// --- Deterministic floats and sources ---------------------------------------------------------

/// The canonical NaNs wasmtime's NaN canonicalization produces, as bits.
pub const CANONICAL_F32_NAN: u32 = 0x7fc0_0000;
pub const CANONICAL_F64_NAN: u64 = 0x7ff8_0000_0000_0000;

/// Computes NaNs whose bits differ between CPUs without canonicalization (a payload carried
/// through an add, x86's negative default NaN from 0/0 and sqrt(-1), a negative payload through
/// a multiply, a SIMD add), then starts a 100 ms timer if every result is the canonical NaN and
/// a 200 ms one otherwise, waits, and ends: a transcript of the six results' bits, or `"canonical"`
/// / `"not canonical"`.
pub fn computes_nans(ending: Ending) -> String {
    let end = match ending {
        Ending::Transcript => "(call $complete_with_transcript)".to_owned(),
        Ending::Json => "(if (local.get $c) (then (call $complete {T2})))
                         (call $complete {T3})"
            .to_owned(),
    };
    durable_guest(
        &[
            timer(100).as_bytes(),
            timer(200).as_bytes(),
            json_result(r#""canonical""#).as_bytes(),
            json_result(r#""not canonical""#).as_bytes(),
        ],
        &format!(
            ";; inputs in memory, so nothing can be folded at compile time
             (i32.store (i32.const 2048) (i32.const 0x7fa00001))   ;; signalling NaN, payload 1
             (f32.store (i32.const 2052) (f32.const 0))
             (f32.store (i32.const 2056) (f32.const -1))
             (i64.store (i32.const 2064) (i64.const 0xfff0000000000123))  ;; negative NaN, payload
             (f32.store (i32.const 2072) (f32.const 1))
             (i32.store (i32.const 2080) (i32.reinterpret_f32
               (f32.add (f32.load (i32.const 2048)) (f32.load (i32.const 2072)))))
             (i32.store (i32.const 2084) (i32.reinterpret_f32
               (f32.div (f32.load (i32.const 2052)) (f32.load (i32.const 2052)))))
             (i32.store (i32.const 2088) (i32.reinterpret_f32 (f32.sqrt (f32.load (i32.const 2056)))))
             (i64.store (i32.const 2096) (i64.reinterpret_f64
               (f64.mul (f64.load (i32.const 2064)) (f64.const 2))))
             (i32.store (i32.const 2104) (i32.reinterpret_f32 (f32x4.extract_lane 0
               (f32x4.add (v128.load (i32.const 2048)) (v128.load (i32.const 2048))))))
             (i32.store (i32.const 2108) (i32.reinterpret_f32
               (f32.min (f32.load (i32.const 2048)) (f32.load (i32.const 2052)))))
             ;; $c: every result canonical
             (local.set $c (i32.and (i32.and (i32.and
               (i32.eq (i32.load (i32.const 2080)) (i32.const {f32}))
               (i32.eq (i32.load (i32.const 2084)) (i32.const {f32})))
               (i32.and (i32.eq (i32.load (i32.const 2088)) (i32.const {f32}))
                 (i64.eq (i64.load (i32.const 2096)) (i64.const {f64}))))
               (i32.and (i32.eq (i32.load (i32.const 2104)) (i32.const {f32}))
                 (i32.eq (i32.load (i32.const 2108)) (i32.const {f32})))))
             (if (local.get $c)
               (then (local.set $a (call $start_timer {{T0}})))
               (else (local.set $a (call $start_timer {{T1}}))))
             (drop (call $wait_one (local.get $a)))
             (call $put (i32.load (i32.const 2080)))
             (call $put (i32.load (i32.const 2084)))
             (call $put (i32.load (i32.const 2088)))
             (call $put_i64 (i64.load (i32.const 2096)))
             (call $put (i32.load (i32.const 2104)))
             (call $put (i32.load (i32.const 2108)))
             {end}
             unreachable",
            f32 = CANONICAL_F32_NAN as i32,
            f64 = CANONICAL_F64_NAN as i64,
        ),
    )
}

/// Bytes each `random` call of [`draws_random_and_now`] asks for.
pub const RANDOM_BYTES_PER_CALL: u32 = 32;

/// Calls `random` (32 bytes) and `now` `count` times each in one activation, then ends: a
/// transcript of the last 32 random bytes (hex) and the sum of every `now`, or `"done"`.
pub fn draws_random_and_now(count: u32, ending: Ending) -> String {
    let end = match ending {
        Ending::Transcript => "(call $put_hex (i32.const 4096) (i32.const 32))
                               (call $put_i64 (local.get $x))
                               (call $complete_with_transcript)"
            .to_owned(),
        Ending::Json => "(call $complete {T0})".to_owned(),
    };
    durable_guest(
        &[json_result(r#""done""#).as_bytes()],
        &format!(
            "(block $done (loop $more
               (br_if $done (i32.ge_u (local.get $i) (i32.const {count})))
               (call $random (i32.const 4096) (i32.const {RANDOM_BYTES_PER_CALL}))
               (local.set $x (i64.add (local.get $x) (call $now)))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br $more)))
             {end}
             unreachable"
        ),
    )
}

// --- JSON in every v1 call --------------------------------------------------------------------

/// Every v1 call that reads JSON (or, for `set_current_details`, text), as WAT that makes it
/// with the text `{T0}` (and the name `{T1}` for the calls that take one).
pub const JSON_CALLS: &[(&str, &str)] = &[
    ("start_timer", "(drop (call $start_timer {T0}))"),
    ("start_activity", "(drop (call $start_activity {T0}))"),
    (
        "start_http_activity",
        "(drop (call $start_http_activity {T0}))",
    ),
    (
        "start_child_workflow",
        "(drop (call $start_child_workflow {T0}))",
    ),
    (
        "signal_external_workflow",
        "(drop (call $signal_external_workflow {T0}))",
    ),
    (
        "cancel_external_workflow",
        "(drop (call $cancel_external_workflow {T0}))",
    ),
    (
        "upsert_search_attributes",
        "(call $upsert_search_attributes {T0})",
    ),
    ("upsert_memo", "(call $upsert_memo {T0})"),
    ("emit_metric", "(call $emit_metric {T0})"),
    ("set_query_result", "(call $set_query_result {T1} {T0})"),
    ("respond_update", "(call $respond_update {T1} {T0})"),
    ("set_current_details", "(call $set_current_details {T0})"),
    ("continue_as_new", "(call $continue_as_new {T0})"),
    (
        "complete_as_cancelled",
        ";; only a cancelled workflow may end as cancelled: wait for the request first
         (drop (call $wait_one (call $cancellation_channel)))
         (call $complete_as_cancelled {T0})",
    ),
];

/// What the malformed-JSON guest of `call` passes it: a document cut short (for
/// `set_current_details`, which takes text, bytes that are not UTF-8).
pub fn malformed_json(call: &str) -> &'static [u8] {
    match call {
        "set_current_details" => b"\xff\xfe",
        "set_query_result" => br#"[{"data":"#,
        "respond_update" => br#"{"completed":"#,
        _ => br#"{"x":"#,
    }
}

/// Makes `call` (a [`JSON_CALLS`] entry's WAT) with `text`, then, if the host accepted it,
/// completes with `"accepted"`.
pub fn calls_with(call: &str, text: &[u8]) -> String {
    let accepted = json_result(r#""accepted""#);
    durable_guest(
        &[text, b"q", accepted.as_bytes()],
        &format!("{call}\n (call $complete {{T2}})\n unreachable"),
    )
}

/// Makes `call` with `text` `times` times in one activation, then completes with `"accepted"`.
pub fn calls_repeatedly_with(call: &str, text: &[u8], times: u32) -> String {
    let accepted = json_result(r#""accepted""#);
    durable_guest(
        &[text, b"q", accepted.as_bytes()],
        &format!(
            "(block $done (loop $more
               (br_if $done (i32.ge_u (local.get $i) (i32.const {times})))
               {call}
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br $more)))
             (call $complete {{T2}})
             unreachable"
        ),
    )
}

/// Bytes of the value an oversized input carries: over the dev server's 2 MiB payload limit,
/// under gRPC's 4 MiB message limit.
pub const OVERSIZED_BYTES: usize = 3 << 20;

/// An input for `call` that is valid but carries [`OVERSIZED_BYTES`] in the field that goes on to
/// Temporal (a payload's data, a summary, an id, a label).
pub fn oversized_json(call: &str) -> String {
    let text = "x".repeat(OVERSIZED_BYTES);
    let payload = format!(r#"{{"data":"{}"}}"#, BASE64.encode(&text));
    match call {
        "start_timer" => format!(r#"{{"duration_ms":1000,"summary":"{text}"}}"#),
        "start_activity" => format!(
            r#"{{"activity_type":"echo","start_to_close_timeout_ms":1000,"args":[{payload}]}}"#
        ),
        "start_http_activity" => format!(
            r#"{{"method":"POST","url":"https://example.com/","body":"{}"}}"#,
            BASE64.encode(&text)
        ),
        "start_child_workflow" => format!(r#"{{"workflow_type":"Nap","args":[{payload}]}}"#),
        "signal_external_workflow" => {
            format!(r#"{{"workflow_id":"nobody","signal_name":"s","args":[{payload}]}}"#)
        }
        "cancel_external_workflow" => format!(r#"{{"workflow_id":"{text}"}}"#),
        "upsert_search_attributes" => format!(r#"{{"BinaryChecksums":["{text}"]}}"#),
        "upsert_memo" => format!(r#"{{"note":{payload}}}"#),
        "emit_metric" => {
            format!(r#"{{"name":"m","kind":"counter","value":1,"labels":{{"a":"{text}"}}}}"#)
        }
        "set_query_result" | "respond_update" => format!("[{payload}]"),
        "set_current_details" => text,
        "continue_as_new" => format!(r#"{{"args":[{payload}]}}"#),
        "complete_as_cancelled" => format!(r#"{{"details":[{payload}]}}"#),
        other => panic!("no oversized input for {other}"),
    }
}

/// A `start_activity` input of about 21 MiB: one 16 MiB payload, base64.
pub fn large_activity() -> String {
    format!(
        r#"{{"activity_type":"echo","start_to_close_timeout_ms":1000,"args":[{{"data":"{}"}}]}}"#,
        BASE64.encode(vec![b'x'; 16 << 20])
    )
}
