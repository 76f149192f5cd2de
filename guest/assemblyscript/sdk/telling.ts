/**
 * telling.ts: what the workflow tells the world about itself while it runs: query answers
 * (`set_query_result`), current details (`set_current_details`), search attributes, memo and
 * metrics.
 */

import { ByteBuffer } from "./bytes";
import * as host from "./host";
import { JsonEntries, JsonWriter, Pairs } from "./json_write";
import { Payload, writeJsonPayloads } from "./payload";

// ---- Queries and details -------------------------------------------------------------------

/**
 * Publishes the answer to query `name` from now on: the JSON text `valueJson` as one
 * `json/plain` payload, or no value when null. Queries are answered by the worker from the
 * latest published value, without running workflow code, so they can never change the run.
 */
export function setQueryResult(name: string, valueJson: string | null): void {
  const nameBytes = new ByteBuffer(name.length + 8);
  nameBytes.utf8(name);
  if (valueJson === null) {
    host.set_query_result(nameBytes.ptr, nameBytes.length, 0, 0);
    return;
  }
  const w = new JsonWriter(valueJson.length * 2 + 64);
  writeJsonPayloads(w, [valueJson]);
  host.set_query_result(nameBytes.ptr, nameBytes.length, w.out.ptr, w.out.length);
}

/**
 * Says what the workflow is doing now, in text (Markdown allowed): the Temporal UI shows it
 * as the workflow's current details.
 */
export function setCurrentDetails(text: string): void {
  const bytes = new ByteBuffer(text.length + 8);
  bytes.utf8(text);
  host.set_current_details(bytes.ptr, bytes.length);
}

// ---- Search attributes, memo, metrics ------------------------------------------------------

/**
 * Search attributes to upsert: `upsertSearchAttributes(new SearchAttributes().keyword(...))`.
 * The server types each value from the attribute's registered type.
 */
export class SearchAttributes {
  /** The attributes: name → JSON value (`null` removes it). */
  entries: JsonEntries = new JsonEntries();

  /** Sets a string (Keyword or Text) attribute. */
  string(name: string, value: string): SearchAttributes {
    this.entries.raw(name, new JsonWriter().string(value).toString());
    return this;
  }

  /** Sets an integer attribute. */
  integer(name: string, value: i64): SearchAttributes {
    this.entries.raw(name, value.toString());
    return this;
  }

  /** Sets a double attribute. */
  number(name: string, value: f64): SearchAttributes {
    this.entries.raw(name, new JsonWriter().number(value).toString());
    return this;
  }

  /** Sets a boolean attribute. */
  bool(name: string, value: bool): SearchAttributes {
    this.entries.raw(name, value ? "true" : "false");
    return this;
  }

  /** Sets an attribute to the JSON value `json` (a keyword list, a datetime string...). */
  json(name: string, json: string): SearchAttributes {
    this.entries.raw(name, json);
    return this;
  }

  /** Removes an attribute. */
  remove(name: string): SearchAttributes {
    this.entries.raw(name, "null");
    return this;
  }
}

/** Upserts search attributes (`upsert_search_attributes`). */
export function upsertSearchAttributes(attributes: SearchAttributes): void {
  const w = new JsonWriter();
  attributes.entries.writeTo(w);
  host.upsert_search_attributes(w.out.ptr, w.out.length);
}

/** Memo entries to upsert: `upsertMemo(new Memo().json("note", '"gift wrap"'))`. */
export class Memo {
  /** The entries: key → payload JSON (`null` removes it). */
  entries: JsonEntries = new JsonEntries();

  /** Sets `key` to the JSON text `json` (as a `json/plain` payload). */
  json(key: string, json: string): Memo {
    return this.payload(key, Payload.json(json));
  }

  /** Sets `key` to a payload. */
  payload(key: string, payload: Payload): Memo {
    const w = new JsonWriter();
    payload.writeTo(w);
    this.entries.raw(key, w.toString());
    return this;
  }

  /** Removes `key`. */
  remove(key: string): Memo {
    this.entries.raw(key, "null");
    return this;
  }
}

/** Upserts memo entries (`upsert_memo`). */
export function upsertMemo(memo: Memo): void {
  const w = new JsonWriter();
  memo.entries.writeTo(w);
  host.upsert_memo(w.out.ptr, w.out.length);
}

/** The kinds of metric `emitMetric` records. */
export const enum MetricKind {
  /** Adds a whole non-negative number. */
  Counter,
  /** Sets a value. */
  Gauge,
  /** Records a value in a histogram. */
  Histogram,
}

/** The JSON of `emit_metric`. */
export function metricJson(name: string, kind: MetricKind, value: f64, labels: Pairs | null): JsonWriter {
  const w = new JsonWriter();
  w.beginObject().key("name").string(name);
  w.key("kind").string(kind == MetricKind.Counter ? "counter" : kind == MetricKind.Gauge ? "gauge" : "histogram");
  // Whole numbers are written as integers (`1`, not `1.0`): counters take whole numbers.
  if (value == Math.floor(value) && Math.abs(value) < 9.0e15) w.key("value").integer(<i64>value);
  else w.key("value").number(value);
  if (labels !== null && labels.length > 0) {
    w.key("labels");
    labels.writeTo(w);
  }
  return w.endObject();
}

/**
 * Records a metric, exported by the worker as `wasm_guest_<name>` with the workflow type as a
 * label (never while replaying, so once per execution).
 */
export function emitMetric(name: string, kind: MetricKind, value: f64, labels: Pairs | null = null): void {
  const w = metricJson(name, kind, value, labels);
  host.emit_metric(w.out.ptr, w.out.length);
}

/** Adds `value` to counter `name`. */
export function counter(name: string, value: i64 = 1, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Counter, <f64>value, labels);
}

/** Sets gauge `name` to `value`. */
export function gauge(name: string, value: f64, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Gauge, value, labels);
}

/** Records `value` in histogram `name`. */
export function histogram(name: string, value: f64, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Histogram, value, labels);
}
