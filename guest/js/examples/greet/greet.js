// greet: returns "Hello, <name>!" for a JSON string argument (default "World").
//
// Input:  an optional JSON string.
// Result: the greeting, a JSON string.
// Fails:  non-retryably with type InvalidInput for any other argument.

import { ApplicationFailure, log } from "temporal";

export default function greet(name = "World") {
  if (typeof name !== "string") {
    throw ApplicationFailure.nonRetryable("greet expects a JSON string name", "InvalidInput");
  }
  log.info(`greeting ${name}`);
  return `Hello, ${name}!`;
}
