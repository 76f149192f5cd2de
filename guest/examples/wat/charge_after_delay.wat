;; A durable workflow against the raw ABI v1: wait a second (or end as Canceled if the
;; workflow is cancelled meanwhile), charge order 17 with the activity `charge` that another
;; worker runs on task queue `payments`, and complete with the charge's result or failure.
(module
  (import "env" "cancellation_channel" (func $cancellation_channel (result i32)))
  (import "env" "start_timer" (func $start_timer (param i32 i32) (result i32)))
  (import "env" "start_activity" (func $start_activity (param i32 i32) (result i32)))
  (import "env" "wait" (func $wait (param i32 i32) (result i32)))
  (import "env" "result_len" (func $result_len (param i32) (result i32)))
  (import "env" "take_result" (func $take_result (param i32 i32 i32)))
  (import "env" "complete" (func $complete (param i32 i32)))
  (import "env" "complete_with_failure" (func $complete_with_failure (param i32 i32)))
  (import "env" "complete_as_cancelled" (func $complete_as_cancelled (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"duration_ms\":1000}")
  (data (i32.const 1100) "{\"activity_type\":\"charge\",\"task_queue\":\"payments\",\"start_to_close_timeout_ms\":10000,\"args\":[{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"},\"data\":\"eyJvcmRlcl9pZCI6MTd9\"}]}")

  (func (export "run")
    (local $cancelled i32) (local $timer i32) (local $charge i32) (local $len i32)
    ;; 1. A durable timer and the cancellation channel; wait parks the guest until one is ready.
    (local.set $cancelled (call $cancellation_channel))
    (local.set $timer (call $start_timer (i32.const 1024) (i32.const 20)))
    (i32.store (i32.const 0) (local.get $cancelled))
    (i32.store (i32.const 4) (local.get $timer))
    (if (i32.eq (call $wait (i32.const 0) (i32.const 2)) (local.get $cancelled))
      (then (call $complete_as_cancelled (i32.const 0) (i32.const 0))))

    ;; 2. The activity, run by whichever worker polls `payments`; wait again.
    (local.set $charge (call $start_activity (i32.const 1100) (i32.const 168)))
    (i32.store (i32.const 0) (local.get $charge))
    (drop (call $wait (i32.const 0) (i32.const 1)))

    ;; 3. Its result is {"completed":[payload]} or {"failed":failure}: pass either on.
    (local.set $len (call $result_len (local.get $charge)))
    (call $take_result (local.get $charge) (i32.const 4096) (local.get $len))
    (if (i32.eq (i32.load8_u (i32.const 4098)) (i32.const 102)) ;; 'f'
      (then (call $complete_with_failure (i32.const 4106) (i32.sub (local.get $len) (i32.const 11)))))
    (call $complete (i32.const 4109) (i32.sub (local.get $len) (i32.const 14))))
)
