// check.js - a small test runner for the SDK's tests, which run inside the engine itself
// (`tw-js test`, see ../test.sh): `test(name, fn)` records a case, `report()` prints
// "N passed, M failed" and throws if any failed, which fails the test build.

import { mock } from "temporal:host";
import * as natives from "temporal:natives";

const results = { passed: 0, failed: [] };

/** Runs one case: resets the mock host, calls `fn`, records the outcome. */
export function test(name, fn) {
  mock.reset();
  try {
    fn();
    results.passed++;
  } catch (error) {
    results.failed.push(`${name}: ${error?.message ?? error}${error?.stack ? "\n" + error.stack : ""}`);
  }
}

/** A structural comparison that reads well in a failure message. */
function same(actual, expected) {
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== typeof expected || actual === null || expected === null || typeof actual !== "object") return false;
  if (actual instanceof Uint8Array || expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && expected instanceof Uint8Array && actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(actual, key) && same(actual[key], expected[key]));
}

function show(value) {
  try {
    return JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? `Uint8Array[${[...v]}]` : typeof v === "bigint" ? `${v}n` : v));
  } catch {
    return String(value);
  }
}

/** Fails unless `actual` and `expected` are structurally equal. */
export function equal(actual, expected, what = "value") {
  if (!same(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Fails unless `condition`. */
export function ok(condition, what) {
  if (!condition) throw new Error(`${what}: not true`);
}

/** Runs `fn`, which must throw; returns what it threw. */
export function throws(fn, what = "the call") {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error(`${what} did not throw`);
}

/** Prints the tally; throws (failing the build) if a case failed. */
export function report(suite) {
  for (const failure of results.failed) natives.writeLog(1, `FAILED ${failure}`);
  const line = `${suite}: ${results.passed} passed, ${results.failed.length} failed`;
  natives.writeLog(3, line);
  if (results.failed.length) throw new Error(line);
}
