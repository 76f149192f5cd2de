// thrower: fails with a JavaScript exception, for tests/js_determinism.rs: the exception's
// message and class name become the workflow's failure message and type.
//
// Input: "type" (a TypeError from reading a property of null), "custom" (a class of its own,
// with a cause), anything else (an ApplicationFailure with details).

import { ApplicationFailure } from "temporal";

class OutOfApples extends Error {}
OutOfApples.prototype.name = "OutOfApples";

export default function thrower(kind) {
  if (kind === "type") {
    const order = null;
    return order.items;
  }
  if (kind === "custom") throw new OutOfApples("no apples left", { cause: new RangeError("stock -1") });
  throw ApplicationFailure.nonRetryable("refused", "Refused", { kind });
}
