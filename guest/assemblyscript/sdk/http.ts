/**
 * http.ts: HTTP activities (`start_http_activity`): an HTTP request that the worker itself
 * executes as an ordinary Temporal activity (recorded in history, retried by its policy,
 * visible in the UI). 2xx and 3xx complete; 408, 429, 5xx, connection errors and timeouts fail
 * retryably; other 4xx fail non-retryably. Header values may name secrets, `{{secret NAME}}`,
 * that the worker fills in at call time (history keeps the placeholder).
 *
 *     const charged = HttpRequest.post(paymentUrl)
 *       .header("content-type", "application/json")
 *       .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
 *       .bodyText(bodyJson)
 *       .startToCloseMs(10000)
 *       .execute();
 *     const response = charged.response; // null when it failed: see charged.failure
 */

import { base64Decode } from "./base64";
import { utf8Bytes } from "./bytes";
import { Failure } from "./failure";
import * as host from "./host";
import { JsonKind, JsonValue, parseJson } from "./json_read";
import { JsonWriter, Pairs } from "./json_write";
import { RetryPolicy } from "./activity";
import { Command, Outcome } from "./wait";

/** An HTTP request to run as an activity (`http_request`), built with chained setters. */
export class HttpRequest {
  /** Request headers, in order. */
  headers: Pairs = new Pairs();
  /** The body, or null for none. */
  body: Uint8Array | null = null;
  /** Longest time of one attempt, ms (0: the worker's default). */
  startToCloseTimeoutMs: i64 = 0;
  /** Longest time for all attempts, ms (0: none). */
  scheduleToCloseTimeoutMs: i64 = 0;
  /** How it is retried, or null for Temporal's default. */
  retryPolicy: RetryPolicy | null = null;
  /** The largest response body accepted, bytes (0: the worker's default). */
  maxResponseBytes: i64 = 0;
  /** Whether it runs as a Temporal local activity (a marker, no server round trip). */
  local: bool = false;

  /** A request with `method` (`GET`, `POST`...) to `url`. */
  constructor(public method: string, public url: string) {}

  /** A GET request. */
  static get(url: string): HttpRequest {
    return new HttpRequest("GET", url);
  }

  /** A POST request. */
  static post(url: string): HttpRequest {
    return new HttpRequest("POST", url);
  }

  /** Adds a header (a value may name a secret: `Bearer {{secret TOKEN}}`). */
  header(name: string, value: string): HttpRequest {
    this.headers.add(name, value);
    return this;
  }

  /** Sets the body bytes. */
  bodyBytes(bytes: Uint8Array): HttpRequest {
    this.body = bytes;
    return this;
  }

  /** Sets the body to the UTF-8 of `text` (JSON text, say). */
  bodyText(text: string): HttpRequest {
    this.body = utf8Bytes(text);
    return this;
  }

  /** Longest time of one attempt. */
  startToCloseMs(ms: i64): HttpRequest {
    this.startToCloseTimeoutMs = ms;
    return this;
  }

  /** Longest time for all attempts. */
  scheduleToCloseMs(ms: i64): HttpRequest {
    this.scheduleToCloseTimeoutMs = ms;
    return this;
  }

  /** How it is retried. */
  retry(policy: RetryPolicy): HttpRequest {
    this.retryPolicy = policy;
    return this;
  }

  /** The largest response body accepted. */
  maxResponse(bytes: i64): HttpRequest {
    this.maxResponseBytes = bytes;
    return this;
  }

  /** Runs it as a local activity (for short calls). */
  asLocal(local: bool = true): HttpRequest {
    this.local = local;
    return this;
  }

  /** The request JSON (`http_request`). */
  toJson(): JsonWriter {
    const w = new JsonWriter(256);
    w.beginObject().key("method").string(this.method).key("url").string(this.url);
    if (this.headers.length > 0) {
      w.key("headers");
      this.headers.writeTo(w);
    }
    const body = this.body;
    if (body !== null) w.key("body").base64(body);
    if (this.startToCloseTimeoutMs > 0) w.key("start_to_close_timeout_ms").integer(this.startToCloseTimeoutMs);
    if (this.scheduleToCloseTimeoutMs > 0) w.key("schedule_to_close_timeout_ms").integer(this.scheduleToCloseTimeoutMs);
    const retry = this.retryPolicy;
    if (retry !== null) {
      w.key("retry_policy");
      retry.writeTo(w);
    }
    if (this.maxResponseBytes > 0) w.key("max_response_bytes").integer(this.maxResponseBytes);
    w.key("local").bool(this.local);
    return w.endObject();
  }

  /** Schedules it; the handle resolves with the response. */
  start(): HttpHandle {
    const w = this.toJson();
    return new HttpHandle(host.start_http_activity(w.out.ptr, w.out.length));
  }

  /** Schedules it and blocks until it resolves. */
  execute(): HttpResult {
    return this.start().response();
  }
}

/** An HTTP response (`http_response`). */
export class HttpResponse {
  constructor(
    /** The status code (2xx or 3xx: anything else fails the activity). */
    public status: i32,
    /** The response headers, an object of strings (names as the server sent them). */
    public headers: JsonValue,
    /** The body bytes. */
    public body: Uint8Array,
  ) {}

  /** Reads the JSON object the host sends; null if it is not one. */
  static fromJson(value: JsonValue | null): HttpResponse | null {
    if (value === null || value.kind != JsonKind.Object) return null;
    const body = base64Decode(value.getString("body"));
    if (body === null) return null;
    let headers = value.get("headers");
    if (headers === null || headers.kind != JsonKind.Object) headers = JsonValue.object();
    return new HttpResponse(<i32>value.getInteger("status"), headers, body);
  }

  /** Header `name` (ASCII case-insensitive), or null. */
  header(name: string): string | null {
    const wanted = name.toLowerCase();
    for (let i = 0; i < this.headers.keys.length; i++) {
      if (this.headers.keys[i].toLowerCase() == wanted && this.headers.items[i].isString) return this.headers.items[i].text;
    }
    return null;
  }

  /** The body as UTF-8 text. */
  text(): string {
    return String.UTF8.decode(this.body.buffer);
  }

  /** The body parsed as JSON, or null if it is not JSON. */
  json(): JsonValue | null {
    return parseJson(this.body);
  }
}

/** What an HTTP activity resolved with: a response, or a failure. */
export class HttpResult {
  constructor(
    /** The activity's outcome as is. */
    public outcome: Outcome,
    /** The response when it completed (a 2xx or 3xx), else null. */
    public response: HttpResponse | null,
  ) {}

  /** Whether it completed with a response. */
  get ok(): bool {
    return this.response !== null;
  }

  /** Why it failed (the status and capped body are in its details), or null. */
  get failure(): Failure | null {
    return this.outcome.failure;
  }
}

/** A scheduled HTTP activity. */
export class HttpHandle extends Command {
  /** Blocks until it resolves and reads the response. */
  response(): HttpResult {
    const outcome = this.result();
    return new HttpResult(outcome, outcome.ok ? HttpResponse.fromJson(outcome.value()) : null);
  }
}
