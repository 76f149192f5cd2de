/**
 * checks.ts: the checks the SDK's tests (tests/sdk_test/*.ts) make. A failed check aborts the
 * run through `panic` (the SDK's `abortRun`), whose error log line run_tests.mjs reports.
 */
import { panic } from "../../sdk";

/** Aborts the test unless `condition` holds; `what` names the check. */
export function check(condition: bool, what: string): void {
  if (!condition) panic("check failed: " + what);
}

/** Aborts the test unless `actual` is the string `expected`. */
export function checkText(actual: string | null, expected: string, what: string): void {
  if (actual === null) panic(what + ": expected \"" + expected + "\", got null");
  else if (actual != expected) panic(what + ": expected \"" + expected + "\", got \"" + actual + "\"");
}

/** Aborts the test unless `actual` is the integer `expected`. */
export function checkInt(actual: i64, expected: i64, what: string): void {
  if (actual != expected) panic(what + ": expected " + expected.toString() + ", got " + actual.toString());
}

/** `value` without its null: aborts the test if it is null (`what` is missing). */
export function some<T>(value: T, what: string): NonNullable<T> {
  if (value === null) panic(what + " is missing");
  return changetype<NonNullable<T>>(value);
}
