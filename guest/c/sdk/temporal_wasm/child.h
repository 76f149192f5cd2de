/*
 * temporal_wasm/child.h - child workflows and other workflows.
 *
 * Starting child workflows, and signalling or cancelling workflows the run did not start.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after wait.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_CHILD_H
#define TEMPORAL_WASM_CHILD_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/child.h"
#endif

/* =============================================================================================
 * Child workflows
 * =========================================================================================== */

/** `id_reuse_policy` of a child. */
typedef enum {
    TW_ID_REUSE_DEFAULT = 0,
    TW_ID_REUSE_ALLOW_DUPLICATE,
    TW_ID_REUSE_ALLOW_DUPLICATE_FAILED_ONLY,
    TW_ID_REUSE_REJECT_DUPLICATE,
    TW_ID_REUSE_TERMINATE_IF_RUNNING,
} tw_id_reuse_policy;

/** What happens to a child when its parent closes. */
typedef enum {
    TW_PARENT_CLOSE_DEFAULT = 0,        /* terminate */
    TW_PARENT_CLOSE_TERMINATE,
    TW_PARENT_CLOSE_ABANDON,
    TW_PARENT_CLOSE_REQUEST_CANCEL,
} tw_parent_close_policy;

/** What cancelling a child waits for. */
typedef enum {
    TW_CHILD_CANCEL_DEFAULT = 0,        /* wait_cancellation_completed */
    TW_CHILD_WAIT_CANCELLATION_COMPLETED,
    TW_CHILD_WAIT_CANCELLATION_REQUESTED,
    TW_CHILD_TRY_CANCEL,
    TW_CHILD_ABANDON,
} tw_child_cancellation;

/**
 * `child_workflow_options`. `workflow_type` is required; `workflow_id` defaults to one derived
 * from the parent run and the handle, `namespace` and `task_queue` to the parent's.
 */
typedef struct {
    tw_str workflow_type;
    tw_str workflow_id;
    tw_strs args;
    tw_str task_queue;
    tw_str namespace_name;
    int64_t execution_timeout_ms;
    int64_t run_timeout_ms;
    int64_t task_timeout_ms;
    tw_id_reuse_policy id_reuse_policy;
    tw_parent_close_policy parent_close_policy;
    const tw_retry_policy *retry_policy;
    tw_str cron_schedule;
    tw_pairs memo;                      /* key -> JSON text */
    tw_pairs search_attributes;         /* name -> JSON value text */
    tw_child_cancellation cancellation_type;
} tw_child_options;

/** Starts a child workflow and returns its handle (it resolves when the child ends). */
tw_handle tw_child_start(const tw_child_options *options);

/**
 * Starts a child workflow and waits for its result. A child that could not start fails with
 * type "WorkflowAlreadyStarted" or "NamespaceNotFound"; one that failed has kind
 * "child_workflow" and its own failure as the cause.
 */
tw_result tw_child_execute(const tw_child_options *options);

/* =============================================================================================
 * Other workflows
 * =========================================================================================== */

/** Another workflow execution; `run_id` and `namespace_name` are optional. */
typedef struct {
    tw_str workflow_id;
    tw_str run_id;
    tw_str namespace_name;
} tw_external_workflow;

/** Signals another workflow; the handle resolves once the signal was delivered, or fails. */
tw_handle tw_signal_external(const tw_external_workflow *target, tw_str signal_name, tw_strs args);

/** Requests another workflow's cancellation; the handle resolves once it was requested. */
tw_handle tw_cancel_external(const tw_external_workflow *target);

#endif /* TEMPORAL_WASM_CHILD_H */
