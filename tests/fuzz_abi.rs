//! Property tests of everything a guest hands the host: the ABI JSON decoders, the guest-memory
//! helpers, and the host calls themselves on arbitrary `(offset, len)` pairs.
//!
//! Each property runs a modest number of cases so that `cargo test` stays fast; set
//! `PROPTEST_CASES` to run more (`PROPTEST_CASES=20000 cargo test --test fuzz_abi`). A failing
//! case is shrunk, saved under `proptest-regressions/` and replayed first on every later run;
//! a crash found this way also becomes a named test at the end of this file.

mod common;

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;
use serde_json::Value;

use temporal_wasm_worker::abi::{self, Base64Bytes, DecodeError, Failure, Payload};
use temporal_wasm_worker::sandbox::Bundle;
use temporal_wasm_worker::sandbox::GuestBug;
use temporal_wasm_worker::sandbox::GuestOutcome;
use temporal_wasm_worker::sandbox::guest_memory::{self, OutOfBounds};
use temporal_wasm_worker::sandbox::instance;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;

fn config() -> ProptestConfig {
    common::properties::config(DEFAULT_CASES, "proptest-regressions/fuzz_abi.txt")
}

// ---------------------------------------------------------------------------------------------
// Strategies: valid ABI values, arbitrary JSON, and JSON paths in the decoders' notation.

fn arb_bytes(max: usize) -> impl Strategy<Value = Base64Bytes> {
    proptest::collection::vec(any::<u8>(), 0..max).prop_map(Base64Bytes)
}

fn arb_payload() -> impl Strategy<Value = Payload> {
    (
        proptest::collection::btree_map("[a-z][a-z_/]{0,11}", arb_bytes(24), 0..4),
        arb_bytes(48),
    )
        .prop_map(|(metadata, data)| Payload { metadata, data })
}

/// One level of a failure chain, without its cause.
fn arb_failure_level() -> impl Strategy<Value = Failure> {
    (
        proptest::option::of(any::<String>()),
        proptest::option::of("[A-Za-z]{0,12}"),
        proptest::option::of(any::<bool>()),
        proptest::option::of(proptest::collection::vec(arb_payload(), 0..3)),
    )
        .prop_map(|(message, failure_type, non_retryable, details)| Failure {
            message,
            failure_type,
            non_retryable,
            details,
            ..Failure::default()
        })
}

fn arb_failure() -> impl Strategy<Value = Failure> {
    arb_failure_level().prop_recursive(4, 16, 1, |inner| {
        (arb_failure_level(), proptest::option::of(inner)).prop_map(|(level, cause)| Failure {
            cause: cause.map(Box::new),
            ..level
        })
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |number| number.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[A-Za-z0-9+/=_-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("data".to_owned()),
                    Just("metadata".to_owned()),
                    Just("message".to_owned()),
                    Just("cause".to_owned()),
                    Just("details".to_owned()),
                    any::<String>(),
                ],
                inner,
                0..4
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Strings the ABI's strict base64 must refuse: unpadded, URL-safe, stray characters.
fn arb_invalid_base64() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("IkFsaWNlIg".to_owned()),
        Just("-_8=".to_owned()),
        Just("not base64".to_owned()),
        Just("A===".to_owned()),
        "[A-Za-z0-9+/=_.~ -]{1,16}",
    ]
    .prop_filter("must not be valid base64", |text| {
        BASE64.decode(text).is_err()
    })
}

/// A node of a JSON document.
#[derive(Clone, Debug)]
struct Node {
    /// Its path as decode errors print it (`[0].metadata.encoding`, `.` for the root).
    path: String,
    /// Its JSON pointer, to replace it in the document.
    pointer: String,
    /// Whether it is a base64 string: a `data` value or a value in a `metadata` object.
    is_base64: bool,
}

/// Every node of an ABI document `value`, the root included.
fn nodes(value: &Value) -> Vec<Node> {
    fn walk(value: &Value, path: &str, pointer: &str, is_base64: bool, into: &mut Vec<Node>) {
        into.push(Node {
            path: if path.is_empty() {
                ".".into()
            } else {
                path.into()
            },
            pointer: pointer.into(),
            is_base64,
        });
        let in_metadata = path.ends_with("metadata");
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let child = format!("{path}[{index}]");
                    walk(item, &child, &format!("{pointer}/{index}"), false, into);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    let base64 = item.is_string() && (in_metadata || key == "data");
                    walk(item, &child, &format!("{pointer}/{escaped}"), base64, into);
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    walk(value, "", "", false, &mut all);
    all
}

/// Whether `path` is `ancestor` or lies below it.
fn is_within(path: &str, ancestor: &str) -> bool {
    ancestor == "."
        || path == ancestor
        || path.starts_with(&format!("{ancestor}."))
        || path.starts_with(&format!("{ancestor}["))
}

/// Replaces the node at `pointer` in a copy of `document`.
fn replaced(document: &Value, pointer: &str, with: Value) -> Value {
    let mut copy = document.clone();
    match copy.pointer_mut(pointer) {
        Some(node) => *node = with,
        None => unreachable!("{pointer} comes from the document itself"),
    }
    copy
}

/// A valid document made from `values`, and one of its nodes that `pick` accepts.
///
/// `pick` must accept at least one node of every document `values` makes.
fn document_and_node<T: serde::Serialize + std::fmt::Debug + Clone>(
    values: impl Strategy<Value = T>,
    pick: fn(&Value, &Node) -> bool,
) -> impl Strategy<Value = (Value, Node)> {
    values.prop_flat_map(move |value| {
        let document = serde_json::to_value(&value).expect("ABI values serialise");
        let candidates: Vec<Node> = nodes(&document)
            .into_iter()
            .filter(|node| pick(&document, node))
            .collect();
        (Just(document), proptest::sample::select(candidates))
    })
}

fn any_node(_: &Value, _: &Node) -> bool {
    true
}

fn base64_node(_: &Value, node: &Node) -> bool {
    node.is_base64
}

/// Payload and failure objects, where an unknown field must be refused (not metadata maps).
fn abi_object_node(document: &Value, node: &Node) -> bool {
    document
        .pointer(&node.pointer)
        .is_some_and(Value::is_object)
        && !node.path.ends_with("metadata")
}

/// `[]payload` with at least one payload, so there is always a base64 `data` string.
fn arb_payloads() -> impl Strategy<Value = Vec<Payload>> {
    proptest::collection::vec(arb_payload(), 1..4)
}

/// A failure with at least one detail, so there is always a base64 `data` string.
fn arb_failure_with_details() -> impl Strategy<Value = Failure> {
    (arb_failure(), arb_payload()).prop_map(|(mut failure, detail)| {
        failure.details.get_or_insert_with(Vec::new).push(detail);
        failure
    })
}

/// Every decode error says where in the document it is, in the form the message prints.
///
/// The path is the list of keys and indices down to the offending value; it is empty only for
/// an unknown field whose name is empty (found by this fuzzer: `{"":null}`).
fn assert_names_a_path(error: &DecodeError) {
    assert!(
        error.to_string().contains(&format!("at `{}`", error.path)),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// The decoders.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = abi::decode_payloads(&bytes) {
            assert_names_a_path(&error);
        }
        if let Err(error) = abi::decode_failure(&bytes) {
            assert_names_a_path(&error);
        }
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_json(document in arb_json()) {
        let bytes = serde_json::to_vec(&document).unwrap();
        if let Err(error) = abi::decode_payloads(&bytes) {
            assert_names_a_path(&error);
        }
        if let Err(error) = abi::decode_failure(&bytes) {
            assert_names_a_path(&error);
        }
    }

    #[test]
    fn valid_payloads_decode_to_exactly_what_was_encoded(payloads in proptest::collection::vec(arb_payload(), 0..4)) {
        let bytes = serde_json::to_vec(&payloads).unwrap();
        prop_assert_eq!(abi::decode_payloads(&bytes).unwrap(), payloads);
    }

    #[test]
    fn valid_failures_decode_to_exactly_what_was_encoded(failure in arb_failure()) {
        let bytes = serde_json::to_vec(&failure).unwrap();
        prop_assert_eq!(abi::decode_failure(&bytes).unwrap(), failure);
    }

    #[test]
    fn invalid_base64_anywhere_in_payloads_is_refused_at_its_path(
        (document, node) in document_and_node(arb_payloads(), base64_node),
        bad in arb_invalid_base64(),
    ) {
        let mutated = replaced(&document, &node.pointer, Value::String(bad));
        let error = abi::decode_payloads(&serde_json::to_vec(&mutated).unwrap()).unwrap_err();
        prop_assert_eq!(&error.path, &node.path);
        prop_assert!(error.reason.contains("invalid base64"), "{}", error);
    }

    #[test]
    fn invalid_base64_anywhere_in_a_failure_is_refused_at_its_path(
        (document, node) in document_and_node(arb_failure_with_details(), base64_node),
        bad in arb_invalid_base64(),
    ) {
        let mutated = replaced(&document, &node.pointer, Value::String(bad));
        let error = abi::decode_failure(&serde_json::to_vec(&mutated).unwrap()).unwrap_err();
        prop_assert_eq!(&error.path, &node.path);
        prop_assert!(error.reason.contains("invalid base64"), "{}", error);
    }

    #[test]
    fn any_value_replacing_a_payloads_node_is_accepted_or_refused_within_that_node(
        (document, node) in document_and_node(arb_payloads(), any_node),
        replacement in arb_json(),
    ) {
        let mutated = replaced(&document, &node.pointer, replacement);
        if let Err(error) = abi::decode_payloads(&serde_json::to_vec(&mutated).unwrap()) {
            assert_names_a_path(&error);
            prop_assert!(is_within(&error.path, &node.path), "{} is not within {}", error, node.path);
        }
    }

    #[test]
    fn any_value_replacing_a_failure_node_is_accepted_or_refused_within_that_node(
        (document, node) in document_and_node(arb_failure(), any_node),
        replacement in arb_json(),
    ) {
        let mutated = replaced(&document, &node.pointer, replacement);
        if let Err(error) = abi::decode_failure(&serde_json::to_vec(&mutated).unwrap()) {
            assert_names_a_path(&error);
            prop_assert!(is_within(&error.path, &node.path), "{} is not within {}", error, node.path);
        }
    }

    #[test]
    fn an_unknown_field_in_any_object_is_refused_by_name(
        (document, node) in document_and_node(arb_failure_with_details(), abi_object_node),
        field in "[a-z_]{1,12}"
            .prop_filter("not an ABI field", |name| {
                !["message", "type", "non_retryable", "details", "cause", "metadata", "data"]
                    .contains(&name.as_str())
            }),
    ) {
        let mut mutated = document.clone();
        mutated
            .pointer_mut(&node.pointer)
            .and_then(Value::as_object_mut)
            .expect("an object")
            .insert(field.clone(), Value::Null);
        let error = abi::decode_failure(&serde_json::to_vec(&mutated).unwrap()).unwrap_err();
        prop_assert!(error.reason.contains(&format!("unknown field `{field}`")), "{}", error);
        prop_assert!(is_within(&error.path, &node.path), "{} is not within {}", error, node.path);
    }

    #[test]
    fn trailing_bytes_after_valid_json_are_refused(
        payloads in proptest::collection::vec(arb_payload(), 0..3),
        trailer in proptest::collection::vec(any::<u8>(), 1..16)
            .prop_filter("not only whitespace", |bytes| {
                bytes.iter().any(|byte| !b" \t\r\n".contains(byte))
            }),
    ) {
        let mut bytes = serde_json::to_vec(&payloads).unwrap();
        bytes.extend_from_slice(&trailer);
        prop_assert!(abi::decode_payloads(&bytes).is_err());
    }

    #[test]
    fn nesting_of_any_depth_is_decoded_or_refused_without_overflowing_the_stack(depth in 0usize..20_000) {
        let failure = format!("{}{{}}{}", r#"{"cause":"#.repeat(depth), "}".repeat(depth));
        let decoded = abi::decode_failure(failure.as_bytes());
        // serde_json's recursion limit is 128 levels: shallow chains decode, deep ones are refused.
        if depth < 100 {
            prop_assert!(decoded.is_ok(), "depth {}: {:?}", depth, decoded);
        } else if depth > 200 {
            let error = decoded.unwrap_err();
            prop_assert!(error.reason.contains("recursion limit"), "{}", error);
        }
        let arrays = format!("{}{}", "[".repeat(depth + 1), "]".repeat(depth + 1));
        let decoded = abi::decode_payloads(arrays.as_bytes());
        prop_assert_eq!(decoded.is_ok(), depth == 0, "depth {}", depth);
    }
}

// ---------------------------------------------------------------------------------------------
// Guest memory, against a reference model: a range is inside iff `offset + len <= size` in
// unbounded arithmetic.

/// Offsets and lengths that hit the interesting places: inside, at and around the end of a
/// memory of `size` bytes, and at the top of the `u32` range where `offset + len` would wrap.
fn arb_u32_near(size: u32) -> impl Strategy<Value = u32> {
    prop_oneof![
        0..=size,
        size.saturating_sub(8)..=size.saturating_add(8),
        u32::MAX - 16..=u32::MAX,
        any::<u32>(),
    ]
}

fn memory_and_range() -> impl Strategy<Value = (Vec<u8>, u32, u32)> {
    proptest::collection::vec(any::<u8>(), 0..2048).prop_flat_map(|memory| {
        let size = memory.len() as u32;
        (Just(memory), arb_u32_near(size), arb_u32_near(size))
    })
}

fn model_inside(size: usize, offset: u32, len: u32) -> bool {
    u128::from(offset) + u128::from(len) <= size as u128
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn read_returns_the_range_or_an_error_naming_it((memory, offset, len) in memory_and_range()) {
        let result = guest_memory::read(&memory, "complete", offset, len);
        if model_inside(memory.len(), offset, len) {
            let start = offset as usize;
            prop_assert_eq!(result.unwrap(), &memory[start..start + len as usize]);
        } else {
            let error = result.unwrap_err();
            prop_assert_eq!(
                &error,
                &OutOfBounds { call: "complete", offset, len, memory_size: memory.len() }
            );
            let end = u64::from(offset) + u64::from(len);
            let expected = format!("bytes {offset}..{end} (offset {offset}, length {len})");
            prop_assert!(error.to_string().contains(&expected), "{}", error);
        }
    }

    #[test]
    fn write_copies_inside_or_changes_nothing(
        (memory, offset, _) in memory_and_range(),
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut written = memory.clone();
        let result = guest_memory::write(&mut written, "get_info", offset, &bytes);
        if model_inside(memory.len(), offset, bytes.len() as u32) {
            prop_assert!(result.is_ok());
            let mut expected = memory.clone();
            let start = offset as usize;
            expected[start..start + bytes.len()].copy_from_slice(&bytes);
            prop_assert_eq!(written, expected);
        } else {
            prop_assert_eq!(
                result.unwrap_err(),
                OutOfBounds { call: "get_info", offset, len: bytes.len() as u32, memory_size: memory.len() }
            );
            prop_assert_eq!(written, memory);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The host calls themselves, through a real guest.
//
// One WAT guest reads which call to make, how many pages to grow its memory by, and the
// `(offset, len)` to pass, from its own `info` (they are spelled into the workflow type, at a
// fixed place in the JSON); it then makes that call and completes with no result. The host's
// answer must match a model built from the ABI rules and a copy of what the guest's memory holds.

/// Valid ABI JSON the guest keeps in a data segment, so some calls decode successfully.
const VALID_PAYLOADS: &[u8] = br#"[{"data":"MQ=="}]"#;
const VALID_PAYLOADS_AT: u32 = 4096;
const VALID_FAILURE: &[u8] = br#"{"message":"m"}"#;
const VALID_FAILURE_AT: u32 = 4200;
/// Where the guest copies its info.
const INFO_AT: u32 = 0;

const CALLS: [&str; 4] = ["write_log", "get_info", "complete", "complete_with_failure"];

#[derive(Clone, Copy, Debug)]
struct HostCall {
    call: usize,
    grow_pages: u32,
    offset: u32,
    len: u32,
}

/// `{"params":[],"workflow_info":{"workflow_type":"` — the selector follows it.
fn info_prefix() -> &'static str {
    r#"{"params":[],"workflow_info":{"workflow_type":""#
}

fn info_for(call: HostCall) -> Vec<u8> {
    let mut info = common::info(vec![]);
    info.workflow_info.workflow_type = format!(
        "{}{}{:08x}{:08x}",
        call.call, call.grow_pages, call.offset, call.len
    );
    let bytes = abi::encode_info(&info);
    assert!(bytes.starts_with(info_prefix().as_bytes()));
    bytes
}

fn dispatching_guest() -> String {
    let selector = INFO_AT as usize + info_prefix().len();
    common::wat::module(&format!(
        r#"{payloads}
  {failure}
  ;; eight lowercase hex digits at $at
  (func $hex (param $at i32) (result i32) (local $i i32) (local $value i32) (local $c i32)
    (loop $next
      (local.set $c (i32.load8_u (i32.add (local.get $at) (local.get $i))))
      (local.set $value (i32.or (i32.shl (local.get $value) (i32.const 4))
        (select (i32.sub (local.get $c) (i32.const 87)) (i32.sub (local.get $c) (i32.const 48))
                (i32.ge_u (local.get $c) (i32.const 97)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $value))
  (func (export "run") (local $call i32) (local $offset i32) (local $len i32)
    (call $get_info (i32.const {INFO_AT}) (call $get_info_len))
    (local.set $call (i32.sub (i32.load8_u (i32.const {selector})) (i32.const 48)))
    (drop (memory.grow (i32.sub (i32.load8_u (i32.const {grow})) (i32.const 48))))
    (local.set $offset (call $hex (i32.const {offset})))
    (local.set $len (call $hex (i32.const {len})))
    (if (i32.eq (local.get $call) (i32.const 0))
      (then (call $write_log (i32.const 3) (local.get $offset) (local.get $len))))
    (if (i32.eq (local.get $call) (i32.const 1))
      (then (call $get_info (local.get $offset) (local.get $len))))
    (if (i32.eq (local.get $call) (i32.const 2))
      (then (call $complete (local.get $offset) (local.get $len))))
    (if (i32.eq (local.get $call) (i32.const 3))
      (then (call $complete_with_failure (local.get $offset) (local.get $len))))
    (call $complete (i32.const 0) (i32.const 0))
    unreachable)"#,
        payloads = common::wat::data(VALID_PAYLOADS_AT, VALID_PAYLOADS),
        failure = common::wat::data(VALID_FAILURE_AT, VALID_FAILURE),
        grow = selector + 1,
        offset = selector + 2,
        len = selector + 10,
    ))
}

fn dispatching_bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<(common::Fixtures, Bundle)> = OnceLock::new();
    &BUNDLE.get_or_init(|| common::load(&dispatching_guest())).1
}

/// What the ABI says `call` must do, given the guest's memory at the time of the call.
fn model_outcome(call: HostCall, info: &[u8]) -> Result<GuestOutcome, GuestBug> {
    let size = (1 + call.grow_pages as usize) * 65536;
    let mut memory = vec![0u8; size];
    let place = |memory: &mut Vec<u8>, at: u32, bytes: &[u8]| {
        memory[at as usize..at as usize + bytes.len()].copy_from_slice(bytes)
    };
    place(&mut memory, VALID_PAYLOADS_AT, VALID_PAYLOADS);
    place(&mut memory, VALID_FAILURE_AT, VALID_FAILURE);
    place(&mut memory, INFO_AT, info);
    let name = CALLS[call.call];
    let out_of_bounds = GuestBug::OutOfBounds(OutOfBounds {
        call: name,
        offset: call.offset,
        len: call.len,
        memory_size: size,
    });
    let inside = model_inside(size, call.offset, call.len);
    let bytes = || &memory[call.offset as usize..(call.offset + call.len) as usize];
    match name {
        "get_info" if call.len as usize != info.len() => Err(GuestBug::InfoLengthMismatch {
            given: call.len,
            expected: info.len(),
        }),
        _ if !inside => Err(out_of_bounds),
        "write_log" | "get_info" => Ok(GuestOutcome::Completed(vec![])),
        "complete" if call.len == 0 => Ok(GuestOutcome::Completed(vec![])),
        "complete" => abi::decode_payloads(bytes())
            .map(GuestOutcome::Completed)
            .map_err(GuestBug::from),
        _ if call.len == 0 => Ok(GuestOutcome::Failed(None)),
        _ => abi::decode_failure(bytes())
            .map(|failure| GuestOutcome::Failed(Some(Box::new(failure))))
            .map_err(GuestBug::from),
    }
}

fn arb_host_call() -> impl Strategy<Value = HostCall> {
    let info_len = info_for(HostCall {
        call: 0,
        grow_pages: 0,
        offset: 0,
        len: 0,
    })
    .len() as u32;
    (0..CALLS.len(), 0u32..3).prop_flat_map(move |(call, grow_pages)| {
        let size = (1 + grow_pages) * 65536;
        let targeted = prop_oneof![
            Just((VALID_PAYLOADS_AT, VALID_PAYLOADS.len() as u32)),
            Just((VALID_FAILURE_AT, VALID_FAILURE.len() as u32)),
            (arb_u32_near(size), Just(info_len)),
        ];
        let arbitrary = (
            arb_u32_near(size),
            prop_oneof![0u32..64, Just(info_len), arb_u32_near(size)],
        );
        prop_oneof![targeted, arbitrary].prop_map(move |(offset, len)| HostCall {
            call,
            grow_pages,
            offset,
            len,
        })
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn host_calls_on_arbitrary_ranges_do_what_the_abi_model_says(call in arb_host_call()) {
        let info = info_for(call);
        let outcome = instance::execute(
            dispatching_bundle(),
            Arc::from(info.as_slice()),
            common::log_context(false),
        );
        prop_assert_eq!(outcome, model_outcome(call, &info));
    }
}

// ---------------------------------------------------------------------------------------------
// Named regressions: inputs the properties above once found, kept as plain tests.

#[test]
fn unknown_field_with_an_empty_name_is_refused_naming_it() {
    // Found by `decoders_never_panic_on_arbitrary_json`: the path is the empty key itself.
    let error = abi::decode_failure(br#"{"":null}"#).unwrap_err();
    assert!(error.reason.contains("unknown field ``"), "{error}");
    assert_eq!(error.path, "");
}
