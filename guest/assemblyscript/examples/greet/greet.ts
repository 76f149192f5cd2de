/**
 * greet: says hello to the name given as the first start argument.
 *
 * Input:  params[0] (optional): a json/plain payload holding a JSON string, e.g. "Alice".
 * Result: the JSON string "Hello, <name>!" ("Hello, World!" without params).
 * Fails:  non-retryable `InvalidInput` when params[0] is not a json/plain JSON string.
 */
import { JsonKind, LogLevel, complete, failWorkflow, getInfo, jsonString, log } from "../../sdk";

/** The workflow's entry point, called once per run by the worker. */
export function run(): void {
  const params = getInfo().params;
  let name = "World";
  if (params.length > 0) {
    const value = params[0].json();
    if (value === null || value.kind != JsonKind.String) {
      failWorkflow("greet expects a JSON string name", "InvalidInput", true);
      return;
    }
    name = value.text;
  }
  log(LogLevel.Info, "greeting " + name);
  complete(jsonString("Hello, " + name + "!"));
}
