//! Small in-tree guest modules, written as WAT text, for host and end-to-end tests.

#![allow(dead_code)]

/// The five ABI imports and a one-page exported memory, around `body`.
pub fn module(body: &str) -> String {
    format!(
        r#"(module
  (import "env" "get_info_len" (func $get_info_len (result i32)))
  (import "env" "get_info" (func $get_info (param i32 i32)))
  (import "env" "write_log" (func $write_log (param i32 i32 i32)))
  (import "env" "complete" (func $complete (param i32 i32)))
  (import "env" "complete_with_failure" (func $complete_with_failure (param i32 i32)))
  (memory (export "memory") 1)
  {body}
)"#
    )
}

/// Escapes `bytes` for a WAT string literal.
pub fn escape(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("\\{byte:02x}")).collect()
}

/// A data segment holding `bytes` at `offset`.
pub fn data(offset: u32, bytes: &[u8]) -> String {
    format!(r#"(data (i32.const {offset}) "{}")"#, escape(bytes))
}

/// A module whose `run` calls `complete` with `json`, then traps if execution ever continues.
pub fn completes_with(json: &str) -> String {
    module(&format!(
        r#"{}
  (func (export "run")
    (call $complete (i32.const 1024) (i32.const {}))
    unreachable)"#,
        data(1024, json.as_bytes()),
        json.len()
    ))
}

/// A module whose `run` calls `complete_with_failure` with `json`, then traps if it continues.
pub fn fails_with(json: &str) -> String {
    module(&format!(
        r#"{}
  (func (export "run")
    (call $complete_with_failure (i32.const 1024) (i32.const {}))
    unreachable)"#,
        data(1024, json.as_bytes()),
        json.len()
    ))
}

/// A module that echoes its first param back as its result, by slicing the info JSON.
///
/// The host writes `{"params":[P,...],...}` or `{"params":[P],...}`; the guest copies the info
/// to offset 8, finds the end of the first payload object by counting braces (payload strings
/// are base64 and metadata keys are plain, so no brace appears inside a string), and completes
/// with `[` + P + `]`.
pub fn echo_first_param() -> String {
    module(
        r#"
  (func (export "run")
    (local $len i32) (local $i i32) (local $depth i32) (local $end i32) (local $c i32)
    (local.set $len (call $get_info_len))
    ;; memory grows to fit large inputs: info at 8, output after it
    (drop (memory.grow (i32.add (i32.div_u (i32.mul (local.get $len) (i32.const 2)) (i32.const 65536)) (i32.const 1))))
    (call $get_info (i32.const 8) (local.get $len))
    ;; info starts with {"params":[ which is 11 bytes; the first payload starts at 8+11
    (local.set $i (i32.const 19))
    (local.set $depth (i32.const 0))
    (block $done
      (loop $scan
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $c) (i32.const 123)) (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
        (if (i32.eq (local.get $c) (i32.const 125))
          (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (if (i32.eqz (local.get $depth)) (then (local.set $end (local.get $i)) (br $done)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    ;; write '[' just before the payload (overwriting the params '[' is fine) and ']' after it
    (i32.store8 (i32.const 18) (i32.const 91))
    (i32.store8 (i32.add (local.get $end) (i32.const 1)) (i32.const 93))
    (call $complete (i32.const 18) (i32.sub (i32.add (local.get $end) (i32.const 2)) (i32.const 18)))
    unreachable)"#,
    )
}
