/**
 * info.ts: the run's start arguments and `workflow_info` (`get_info_len` / `get_info`).
 */

import * as host from "./host";
import { JsonKind, JsonValue, parseJsonAt } from "./json_read";
import { panic } from "./log";
import { Payload, payloadValue } from "./payload";

/** The parent of a child workflow run. */
export class ParentInfo {
  constructor(
    /** The parent's namespace. */
    public namespace: string,
    /** The parent's workflow id. */
    public workflowId: string,
    /** The parent's run id. */
    public runId: string,
  ) {}
}

/** The workflow's start arguments and `workflow_info`, as returned by `getInfo`. */
export class WorkflowInfo {
  /** The start arguments, in order. */
  params: Payload[] = [];
  /**
   * The whole `workflow_info` object (more fields may appear than the getters below read),
   * read with `get`.
   */
  workflowInfo: JsonValue = JsonValue.object();

  /** Start argument `index` as a JSON value (see `payloadValue`: JSON null when absent). */
  param(index: i32 = 0): JsonValue | null {
    return payloadValue(this.params, index);
  }

  /** The workflow type the run was started as. */
  get workflowType(): string {
    return this.workflowInfo.getString("workflow_type");
  }

  /** The workflow id. */
  get workflowId(): string {
    return this.workflowInfo.getString("workflow_id");
  }

  /** The run id. */
  get runId(): string {
    return this.workflowInfo.getString("run_id");
  }

  /** The namespace. */
  get namespace(): string {
    return this.workflowInfo.getString("namespace");
  }

  /** The task queue the run was started on. */
  get taskQueue(): string {
    return this.workflowInfo.getString("task_queue");
  }

  /** The attempt, from 1 (the workflow's own retry policy counts attempts). */
  get attempt(): i64 {
    return this.workflowInfo.getInteger("attempt", 1);
  }

  /** When the run started, RFC 3339 text (e.g. `2026-01-01T00:00:00Z`). */
  get startTime(): string {
    return this.workflowInfo.getString("start_time");
  }

  /** The parent of a child workflow, or null. */
  get parent(): ParentInfo | null {
    const parent = this.workflowInfo.get("parent");
    if (parent === null || parent.kind != JsonKind.Object) return null;
    return new ParentInfo(parent.getString("namespace"), parent.getString("workflow_id"), parent.getString("run_id"));
  }

  /** The run this one continued as new from, or null. */
  get continuedFromRunId(): string | null {
    return this.workflowInfo.getStringOrNull("continued_from_run_id");
  }

  /** Memo entry `key` as a payload, or null. */
  memo(key: string): Payload | null {
    const memo = this.workflowInfo.get("memo");
    if (memo === null) return null;
    const entry = memo.get(key);
    return entry === null ? null : Payload.fromJson(entry);
  }

  /** The memo's keys, in order. */
  memoKeys(): string[] {
    const memo = this.workflowInfo.get("memo");
    return memo === null ? new Array<string>() : memo.keys;
  }

  /** Search attribute `name` as its JSON value, or null. */
  searchAttribute(name: string): JsonValue | null {
    const attributes = this.workflowInfo.get("search_attributes");
    return attributes === null ? null : attributes.get(name);
  }
}

/** Parses the info JSON the host writes (see `getInfo`); null if it is not an object. */
export function parseInfo(root: JsonValue | null): WorkflowInfo | null {
  if (root === null || root.kind != JsonKind.Object) return null;
  const info = new WorkflowInfo();
  const workflowInfo = root.get("workflow_info");
  if (workflowInfo !== null && workflowInfo.kind == JsonKind.Object) info.workflowInfo = workflowInfo;
  info.params = Payload.listFromJson(root.get("params"));
  return info;
}

/**
 * Reads and parses the info from the host: the start arguments and `workflow_info`. Parsed
 * afresh on each call (nothing is cached), so call it once and keep what you need. Malformed
 * info is a host bug, not bad workflow input, so it aborts (the workflow task fails and is
 * retried) instead of failing the workflow.
 */
export function getInfo(): WorkflowInfo {
  const length = host.get_info_len();
  const buffer = heap.alloc(<usize>length);
  host.get_info(buffer, length);
  const info = parseInfo(parseJsonAt(buffer, length));
  heap.free(buffer);
  if (info === null) {
    panic("the host sent info that is not a JSON object");
    return new WorkflowInfo();
  }
  return info;
}

/** The first start argument as a JSON value: `getInfo().param(0)`. */
export function input(): JsonValue | null {
  return getInfo().param(0);
}
