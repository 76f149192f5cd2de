/**
 * child.ts: child workflows (`start_child_workflow`) and other workflows
 * (`signal_external_workflow`, `cancel_external_workflow`).
 *
 *     const shipped = new ChildWorkflow("Ship").id("ship-" + orderId).arg(orderJson).execute();
 *     new ExternalWorkflow(parentId).signal("order_done", [orderJson]).result();
 */

import * as host from "./host";
import { JsonEntries, JsonWriter } from "./json_write";
import { Payload, writeJsonPayloads, writePayloads } from "./payload";
import { RetryPolicy } from "./activity";
import { Command, Outcome } from "./wait";

/** What happens to a child when its parent closes. */
export const enum ParentClosePolicy {
  /** The default (`terminate`); left out of the request. */
  Default,
  /** Terminate the child. */
  Terminate,
  /** Leave the child running. */
  Abandon,
  /** Ask Temporal to cancel the child. */
  RequestCancel,
}

/** Whether a child may reuse the id of a closed workflow. */
export const enum IdReusePolicy {
  /** The server's default; left out of the request. */
  Default,
  /** Any closed workflow's id may be reused. */
  AllowDuplicate,
  /** Only the id of a workflow that did not complete successfully may be reused. */
  AllowDuplicateFailedOnly,
  /** The id may never be reused. */
  RejectDuplicate,
  /** A running workflow with the id is terminated and the child started. */
  TerminateIfRunning,
}

/** What cancelling a child waits for. */
export const enum ChildCancellation {
  /** The default (`wait_cancellation_completed`); left out of the request. */
  Default,
  /** Resolve once the child has ended after the cancellation. */
  WaitCancellationCompleted,
  /** Resolve once the cancellation request has been recorded. */
  WaitCancellationRequested,
  /** Request cancellation and resolve at once. */
  TryCancel,
  /** Resolve at once without telling the child. */
  Abandon,
}

/** The ABI name of a parent close policy, or null for the default. */
function parentClosePolicyName(policy: ParentClosePolicy): string | null {
  switch (policy) {
    case ParentClosePolicy.Terminate: return "terminate";
    case ParentClosePolicy.Abandon: return "abandon";
    case ParentClosePolicy.RequestCancel: return "request_cancel";
    default: return null;
  }
}

/** The ABI name of an id reuse policy, or null for the default. */
function idReusePolicyName(policy: IdReusePolicy): string | null {
  switch (policy) {
    case IdReusePolicy.AllowDuplicate: return "allow_duplicate";
    case IdReusePolicy.AllowDuplicateFailedOnly: return "allow_duplicate_failed_only";
    case IdReusePolicy.RejectDuplicate: return "reject_duplicate";
    case IdReusePolicy.TerminateIfRunning: return "terminate_if_running";
    default: return null;
  }
}

/** The ABI name of a child cancellation type, or null for the default. */
function childCancellationName(type: ChildCancellation): string | null {
  switch (type) {
    case ChildCancellation.WaitCancellationCompleted: return "wait_cancellation_completed";
    case ChildCancellation.WaitCancellationRequested: return "wait_cancellation_requested";
    case ChildCancellation.TryCancel: return "try_cancel";
    case ChildCancellation.Abandon: return "abandon";
    default: return null;
  }
}

/** A child workflow to start (`child_workflow_options`), built with chained setters. */
export class ChildWorkflow {
  /** Its arguments. */
  args: Payload[] = [];
  /** Its workflow id (default: derived from the parent run, stable on replay). */
  workflowId: string | null = null;
  /** Its task queue (default: the parent's). */
  taskQueueName: string | null = null;
  /** Its namespace (default: the parent's). */
  namespaceName: string | null = null;
  /** Longest time of the whole execution, ms (0: none). */
  executionTimeoutMs: i64 = 0;
  /** Longest time of one run, ms (0: none). */
  runTimeoutMs: i64 = 0;
  /** Longest time of one workflow task, ms (0: the server's default). */
  taskTimeoutMs: i64 = 0;
  /** Whether it may reuse a closed workflow's id (`Default`: left out). */
  idReusePolicy: IdReusePolicy = IdReusePolicy.Default;
  /** What happens to it when the parent closes (`Default`: left out). */
  parentClosePolicy: ParentClosePolicy = ParentClosePolicy.Default;
  /** What cancelling it waits for (`Default`: left out). */
  cancellationType: ChildCancellation = ChildCancellation.Default;
  /** How it is retried, or null. */
  retryPolicy: RetryPolicy | null = null;
  /** A cron schedule, or null. */
  cronSchedule: string | null = null;
  /** Its memo: key → payload JSON (see `memo`). */
  memoEntries: JsonEntries = new JsonEntries();
  /** Its search attributes: name → JSON value (see `searchAttribute`). */
  searchAttributes: JsonEntries = new JsonEntries();

  /** A child of type `workflowType`. */
  constructor(public workflowType: string) {}

  /** Adds an argument: the JSON text `json`, as one `json/plain` payload. */
  arg(json: string): ChildWorkflow {
    this.args.push(Payload.json(json));
    return this;
  }

  /** Sets its workflow id. */
  id(workflowId: string): ChildWorkflow {
    this.workflowId = workflowId;
    return this;
  }

  /** Sets its task queue. */
  taskQueue(name: string): ChildWorkflow {
    this.taskQueueName = name;
    return this;
  }

  /** Sets its namespace. */
  namespace(name: string): ChildWorkflow {
    this.namespaceName = name;
    return this;
  }

  /** Longest time of the whole workflow execution, continue-as-new included. */
  executionTimeout(ms: i64): ChildWorkflow {
    this.executionTimeoutMs = ms;
    return this;
  }

  /** Longest time of one run. */
  runTimeout(ms: i64): ChildWorkflow {
    this.runTimeoutMs = ms;
    return this;
  }

  /** Longest time of one workflow task. */
  taskTimeout(ms: i64): ChildWorkflow {
    this.taskTimeoutMs = ms;
    return this;
  }

  /** Whether it may reuse a closed workflow's id. */
  idReuse(policy: IdReusePolicy): ChildWorkflow {
    this.idReusePolicy = policy;
    return this;
  }

  /** What happens to it when the parent closes. */
  parentClose(policy: ParentClosePolicy): ChildWorkflow {
    this.parentClosePolicy = policy;
    return this;
  }

  /** What cancelling it waits for. */
  cancellation(type: ChildCancellation): ChildWorkflow {
    this.cancellationType = type;
    return this;
  }

  /** How it is retried. */
  retry(policy: RetryPolicy): ChildWorkflow {
    this.retryPolicy = policy;
    return this;
  }

  /** Runs it on a cron schedule. */
  cron(schedule: string): ChildWorkflow {
    this.cronSchedule = schedule;
    return this;
  }

  /** Adds memo entry `key` holding the JSON text `json` (as a `json/plain` payload). */
  memo(key: string, json: string): ChildWorkflow {
    const w = new JsonWriter();
    Payload.json(json).writeTo(w);
    this.memoEntries.raw(key, w.toString());
    return this;
  }

  /** Adds search attribute `name` with the JSON value `json` (`"gold"`, `3`, `true`...). */
  searchAttribute(name: string, json: string): ChildWorkflow {
    this.searchAttributes.raw(name, json);
    return this;
  }

  /** The request JSON (`child_workflow_options`). */
  toJson(): JsonWriter {
    const w = new JsonWriter(256);
    w.beginObject().key("workflow_type").string(this.workflowType);
    const workflowId = this.workflowId;
    if (workflowId !== null) w.key("workflow_id").string(workflowId);
    if (this.args.length > 0) {
      w.key("args");
      writePayloads(w, this.args);
    }
    const taskQueue = this.taskQueueName;
    if (taskQueue !== null) w.key("task_queue").string(taskQueue);
    const namespace = this.namespaceName;
    if (namespace !== null) w.key("namespace").string(namespace);
    if (this.executionTimeoutMs > 0) w.key("execution_timeout_ms").integer(this.executionTimeoutMs);
    if (this.runTimeoutMs > 0) w.key("run_timeout_ms").integer(this.runTimeoutMs);
    if (this.taskTimeoutMs > 0) w.key("task_timeout_ms").integer(this.taskTimeoutMs);
    const idReuse = idReusePolicyName(this.idReusePolicy);
    if (idReuse !== null) w.key("id_reuse_policy").string(idReuse);
    const parentClose = parentClosePolicyName(this.parentClosePolicy);
    if (parentClose !== null) w.key("parent_close_policy").string(parentClose);
    const retry = this.retryPolicy;
    if (retry !== null) {
      w.key("retry_policy");
      retry.writeTo(w);
    }
    const cron = this.cronSchedule;
    if (cron !== null) w.key("cron_schedule").string(cron);
    if (this.memoEntries.length > 0) {
      w.key("memo");
      this.memoEntries.writeTo(w);
    }
    if (this.searchAttributes.length > 0) {
      w.key("search_attributes");
      this.searchAttributes.writeTo(w);
    }
    const cancellation = childCancellationName(this.cancellationType);
    if (cancellation !== null) w.key("cancellation_type").string(cancellation);
    return w.endObject();
  }

  /** Starts it; the handle resolves with its result (or its start failure). */
  start(): ChildHandle {
    const w = this.toJson();
    return new ChildHandle(host.start_child_workflow(w.out.ptr, w.out.length));
  }

  /** Starts it and blocks until it ends. */
  execute(): Outcome {
    return this.start().result();
  }
}

/**
 * A started child workflow. A child that could not start resolves with a failed outcome of
 * type `WorkflowAlreadyStarted` or `NamespaceNotFound`.
 */
export class ChildHandle extends Command {}

/** Another workflow, by id: signal it or ask to cancel it. */
export class ExternalWorkflow {
  /** Its run id (default: the current run of `workflowId`). */
  runId: string | null = null;
  /** Its namespace (default: this workflow's). */
  namespaceName: string | null = null;

  /** The workflow with id `workflowId`. */
  constructor(public workflowId: string) {}

  /** Targets one run of it. */
  run(runId: string): ExternalWorkflow {
    this.runId = runId;
    return this;
  }

  /** Targets it in another namespace. */
  namespace(name: string): ExternalWorkflow {
    this.namespaceName = name;
    return this;
  }

  /** Writes `workflow_id`, `run_id`?, `namespace`? into an open object. */
  private writeTarget(w: JsonWriter): void {
    w.key("workflow_id").string(this.workflowId);
    const runId = this.runId;
    if (runId !== null) w.key("run_id").string(runId);
    const namespace = this.namespaceName;
    if (namespace !== null) w.key("namespace").string(namespace);
  }

  /** The JSON of `signal_external_workflow`. */
  signalJson(signalName: string, argsJson: string[]): JsonWriter {
    const w = new JsonWriter(256);
    w.beginObject();
    this.writeTarget(w);
    w.key("signal_name").string(signalName);
    if (argsJson.length > 0) {
      w.key("args");
      writeJsonPayloads(w, argsJson);
    }
    return w.endObject();
  }

  /** The JSON of `cancel_external_workflow`. */
  cancelJson(): JsonWriter {
    const w = new JsonWriter();
    w.beginObject();
    this.writeTarget(w);
    return w.endObject();
  }

  /**
   * Sends it signal `signalName` with arguments (JSON texts, one `json/plain` payload each).
   * The handle completes once the signal was delivered, or fails (no such workflow).
   */
  signal(signalName: string, argsJson: string[] = []): ExternalHandle {
    const w = this.signalJson(signalName, argsJson);
    return new ExternalHandle(host.signal_external_workflow(w.out.ptr, w.out.length));
  }

  /** Asks Temporal to cancel it; the handle completes once requested, or fails. */
  cancel(): ExternalHandle {
    const w = this.cancelJson();
    return new ExternalHandle(host.cancel_external_workflow(w.out.ptr, w.out.length));
  }
}

/** A signal or cancellation sent to another workflow. */
export class ExternalHandle extends Command {}
