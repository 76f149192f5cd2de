/**
 * sdk_test.ts: the guest half of the SDK's tests, run by run_tests.mjs under a fake worker in
 * Node.js (see there). Each exported function is one test, run in a fresh instance; they are
 * in sdk_test/, and this entry file exports them all:
 *
 *   - `request_*` tests call the SDK's public API the way a workflow would to produce one
 *     request fixture (guest/fixtures/requests/*.json); the harness compares the JSON the SDK
 *     passed to the import with the fixture (sdk_test/requests.ts).
 *   - `result_*` tests receive a result fixture (guest/fixtures/results/*.json, or a failure
 *     fixture wrapped as `{"failed": ...}`) from the fake `take_result` and check that
 *     the SDK decodes every field (sdk_test/results.ts).
 *   - the rest test the waiting rules (sdk_test/waiting.ts) and the pure parts (base64, JSON
 *     reading and writing, sdk_test/pure.ts).
 *
 * A failed check aborts through `abortRun`, whose error log line the harness reports.
 */
export * from "./sdk_test/requests";
export * from "./sdk_test/results";
export * from "./sdk_test/waiting";
export * from "./sdk_test/pure";
