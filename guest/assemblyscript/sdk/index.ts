/**
 * The temporal-wasm AssemblyScript SDK: write durable Temporal workflows for
 * temporal-wasm-worker as straight-line AssemblyScript.
 *
 * A workflow is a wasm module that exports `run` (and its memory) and talks to the worker only
 * through `env.*` imports that move JSON through linear memory (ABI v0 and v1). Import what you
 * need from this module, implement `export function run(): void`, and build with ../build.sh
 * (`--runtime incremental --use abort=sdk/log/abortRun`), so that the module imports nothing
 * but the ABI.
 *
 *     import { Activity, Failure, SignalChannel, Timer, complete, fail, input, select } from "../../sdk";
 *
 *     export function run(): void {
 *       const order = input();
 *       const approve = new SignalChannel("approve");
 *       const deadline = Timer.start(24 * 3600 * 1000);
 *       if (select([approve, deadline]) == 1) {
 *         fail(new Failure("not approved in time", "Timeout", true));
 *         return;
 *       }
 *       const approvedBy = approve.receive().arg()!.getString("approved_by");
 *       const shipped = new Activity("ship").taskQueue("inventory").startToCloseMs(10000)
 *         .arg(orderJson).execute();
 *       ...
 *       complete(receiptJson);
 *     }
 *
 * Blocking calls (`select`, `result()`, `receive()`, `sleep`, `execute()`) park the instance
 * in the worker's `wait` until Temporal resolves what they wait for, and return there, in a
 * later workflow activation. After an eviction or a restart the worker replays history by
 * running `run` again from the start: the same calls get the same handles and results, so the
 * code must be deterministic — time from `now()`, randomness from `randomBytes()`, no
 * `Date.now()` or `Math.random()`.
 *
 * The API by ABI call:
 *
 * | ABI | here |
 * |---|---|
 * | `get_info_len`, `get_info` | `getInfo()`, `input()` → `WorkflowInfo` |
 * | `write_log`, `log_level` | `log`, `logInfo`..., `logLevel`, `logEnabled` |
 * | `complete`, `complete_with_failure` | `complete`, `completeWithPayloads`, `completeEmpty`, `fail`, `failWorkflow` |
 * | `start_timer` | `sleep`, `Timer.start` |
 * | `start_activity` | `Activity` → `ActivityHandle`, `RetryPolicy` |
 * | `start_http_activity` | `HttpRequest` → `HttpHandle` → `HttpResult` / `HttpResponse` |
 * | `start_child_workflow` | `ChildWorkflow` → `ChildHandle` |
 * | `signal_external_workflow`, `cancel_external_workflow` | `ExternalWorkflow` |
 * | `cancel` | `cancel()` on a command's handle |
 * | `wait`, `is_ready`, `result_len`, `take_result` | `select`, `selectTimeout`, `isReady()`, `result()` → `Outcome` |
 * | `signal_channel` | `SignalChannel` → `Signal` |
 * | `update_channel`, `respond_update` | `UpdateChannel` (with a validator) → `Update` |
 * | `cancellation_channel`, `complete_as_cancelled` | `cancellation()`, `completeAsCancelled` |
 * | `set_query_result`, `set_current_details` | `setQueryResult`, `setCurrentDetails` |
 * | `continue_as_new` | `ContinueAsNew` |
 * | `now`, `random`, `patched`, `is_replaying` | `now`, `randomBytes`/`randomU64`/`randomF64`, `patched`, `isReplaying` |
 * | `upsert_search_attributes`, `upsert_memo` | `upsertSearchAttributes(SearchAttributes)`, `upsertMemo(Memo)` |
 * | `emit_metric` | `counter`, `gauge`, `histogram`, `emitMetric` |
 *
 * JSON: values come in as `JsonValue` trees (`json_value.ts`, parsed by `json_read.ts`) and go out
 * as JSON text built with `JsonWriter` or `jsonString` / `jsonObject` / `jsonArray`
 * (`json_write.ts`); payloads are `json/plain` unless you build them yourself (`Payload`).
 *
 * Memory: bundles use AssemblyScript's incremental runtime (TLSF + incremental GC), because a
 * durable instance lives as long as its run: everything the SDK allocates is reclaimed while
 * the workflow runs, and result buffers are freed as soon as they are parsed (see bytes.ts).
 * A loop of ten thousand activities runs in well under a 4 MiB memory cap.
 */

export { ActivityCancellation, Activity, ActivityHandle, RetryPolicy } from "./activity";
export { base64Decode, base64Encode } from "./base64";
export { ByteBuffer, utf8Bytes } from "./bytes";
export { CancellationChannel, Signal, SignalChannel, Update, UpdateChannel, UpdateValidator, cancellation } from "./channels";
export { ChildCancellation, ChildHandle, ChildWorkflow, ExternalHandle, ExternalWorkflow, IdReusePolicy, ParentClosePolicy } from "./child";
export { isReplaying, now, patched, randomBytes, randomF64, randomU64 } from "./deterministic";
export { Failure } from "./failure";
export { HttpHandle, HttpRequest, HttpResponse, HttpResult } from "./http";
export { ParentInfo, WorkflowInfo, getInfo, input } from "./info";
export { JsonKind, JsonValue, parseJson, parseJsonString } from "./json_read";
export { JsonEntries, JsonWriter, Pairs, joinStrings, jsonArray, jsonObject, jsonString } from "./json_write";
export {
  LogLevel, abortRun, log, logDebug, logEnabled, logError, logInfo, logLevel, logTrace, logWarn, panic,
} from "./log";
export { BINARY_NULL, BINARY_PLAIN, JSON_PLAIN, Payload, payloadValue } from "./payload";
export {
  Memo, MetricKind, SearchAttributes, counter, emitMetric, gauge, histogram, setCurrentDetails, setQueryResult,
  upsertMemo, upsertSearchAttributes,
} from "./telling";
export { Timer, selectTimeout, sleep } from "./timer";
export { Command, Handle, Outcome, Status, select } from "./wait";
export {
  ContinueAsNew, complete, completeAsCancelled, completeEmpty, completeWithPayloads, fail, failWorkflow,
} from "./workflow";
