// exec_examples.mjs: runs the example bundles through the worker's `exec` (no server; durable
// runs on virtual time, answered from tests/mocks/*.json) and checks what they end with.
//
//   node tests/exec_examples.mjs <temporal-wasm-worker> <bundle dir>

import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [worker, bundles] = process.argv.slice(2);
if (!worker || !bundles) {
  console.error("usage: node exec_examples.mjs <temporal-wasm-worker> <bundle dir>");
  process.exit(2);
}

/** Runs `exec` and returns its JSON report. */
function exec(example, inputs, { mocks = null, memoryMib = null } = {}) {
  const args = ["exec", path.join(bundles, `${example}.wasm`)];
  for (const input of inputs) args.push("--input", JSON.stringify(input));
  if (mocks) args.push("--mocks", path.join(here, "mocks", mocks));
  if (memoryMib) args.push("--memory-limit-mib", String(memoryMib));
  const run = spawnSync(worker, args, { encoding: "utf8" });
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`exec ${example} printed no JSON (exit ${run.status}): ${run.stdout}${run.stderr}`);
  }
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** Checks that every key of `expected` is in `actual` with the same (deep) value. */
function expectFields(actual, expected, what) {
  for (const [key, value] of Object.entries(expected)) {
    if (!deepEqual(actual[key], value)) {
      throw new Error(`${what}: ${key}\n  expected ${JSON.stringify(value)}\n  got      ${JSON.stringify(actual[key])}\n  report   ${JSON.stringify(actual)}`);
    }
  }
}

const order = {
  order_id: "A-17",
  items: [{ sku: "apple", quantity: 3, unit_price_cents: 125 }],
  payment_url: "http://127.0.0.1:8080/charges",
  approval_timeout_ms: 5000,
};
const badOrder = {
  order_id: "B-2",
  items: [{ sku: "", quantity: 0, unit_price_cents: 10 }, { sku: "kiwi", quantity: 1.5, unit_price_cents: -1 }],
};
const badOrderProblems = [
  "items[0].sku is required",
  "items[0].quantity must be a positive integer",
  "items[1].quantity must be a positive integer",
  "items[1].unit_price_cents must be a non-negative integer",
];
const invalidOrder = {
  message: `invalid order: ${badOrderProblems.join("; ")}`,
  type: "InvalidOrder",
  non_retryable: true,
  details: [{ order_id: "B-2", problems: badOrderProblems }],
};

const cases = [
  ["greet Alice", () => exec("greet", ["Alice"]), { status: "completed", result: "Hello, Alice!" }],
  ["greet without input", () => exec("greet", []), { status: "completed", result: "Hello, World!" }],
  ["greet quotes, backslash, emoji", () => exec("greet", ['Zoë "Z" \\ 🦀']), { status: "completed", result: 'Hello, Zoë "Z" \\ 🦀!' }],
  ["greet 42", () => exec("greet", [42]),
    { status: "failed", failure: { message: "greet expects a JSON string name", type: "InvalidInput", non_retryable: true } }],
  ["validate_order totals", () => exec("validate_order", [{ order_id: "A-17", items: [
    { sku: "apple", quantity: 3, unit_price_cents: 125 }, { sku: "pear", quantity: 2, unit_price_cents: 80 }] }]),
    { status: "completed", result: { order_id: "A-17", item_count: 5, total_cents: 535 } }],
  ["validate_order problems", () => exec("validate_order", [badOrder]), { status: "failed", failure: invalidOrder }],
  ["validate_order not an object", () => exec("validate_order", ["not an order"]), { status: "failed", failure: {
    message: "invalid order: order must be a JSON object", type: "InvalidOrder", non_retryable: true,
    details: [{ order_id: null, problems: ["order must be a JSON object"] }] } }],
  ["order_fulfilment approved, one note kept, one rejected", () => exec("order_fulfilment", [order], { mocks: "order_fulfilment-approved.json" }), {
    status: "completed",
    result: { order_id: "A-17", reservation_id: "r-1", charge_id: "ch_1", approved_by: "ops", tracking: "T-1", total_cents: 375, notes: ["gift wrap"] },
    updates: { "u-1": ["accepted", { completed: { notes: 1 } }], "u-2": [{ rejected: "a note must not be empty" }] },
  }],
  ["order_fulfilment payment failed", () => exec("order_fulfilment", [order], { mocks: "order_fulfilment-payment_failed.json" }), {
    status: "failed",
  }, (report) => expectFields(report.failure, {
    message: "payment for order A-17 failed: POST http://127.0.0.1:8080/charges answered 402 Payment Required",
    type: "PaymentFailed", non_retryable: true }, "failure")],
  ["order_fulfilment approval timed out", () => exec("order_fulfilment", [order], { mocks: "order_fulfilment-timed_out.json" }), {
    status: "failed", failure: { message: "order A-17 was not approved within 5000 ms", type: "ApprovalTimedOut", non_retryable: true },
  }],
  ["order_fulfilment cancelled", () => exec("order_fulfilment", [order], { mocks: "order_fulfilment-cancelled.json" }), {
    status: "cancelled", details: ["order A-17 cancelled"],
  }],
  ["order_fulfilment bad order", () => exec("order_fulfilment", [badOrder]), { status: "failed", failure: invalidOrder }],
  ["order_fulfilment blocks on reserve_stock without mocks", () => exec("order_fulfilment", [order]), {
    status: "blocked", unanswered: ["activity reserve_stock"],
  }],
  ["memory_loop 10,000 iterations in 4 MiB", () => exec("memory_loop", [{ iterations: 10000 }], { mocks: "memory_loop.json", memoryMib: 4 }), {
    status: "completed", result: { iterations: 10000 }, activations: 10001,
  }],
];

let failed = 0;
for (const [name, run, expected, extra] of cases) {
  try {
    const report = run();
    expectFields(report, expected, name);
    if (extra) extra(report);
    console.log(`ok   exec ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL exec ${name}\n    ${err.message.replace(/\n/g, "\n    ")}`);
  }
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
