//! What a guest asked for, as core's workflow commands: the calls it made, with the sequence
//! numbers the run assigned them (how it ended the run is [`super::endings`]).

use std::collections::{BTreeMap, HashMap};

use prost_wkt_types::Duration as ProtoDuration;
use temporalio_common::protos::coresdk::child_workflow::{
    ChildWorkflowCancellationType, ParentClosePolicy as ProtoParentClosePolicy,
};
use temporalio_common::protos::coresdk::common::NamespacedWorkflowExecution;
use temporalio_common::protos::coresdk::workflow_commands::{
    ActivityCancellationType, CancelChildWorkflowExecution, CancelTimer, ModifyWorkflowProperties,
    RequestCancelActivity, RequestCancelExternalWorkflowExecution, ScheduleActivity,
    ScheduleLocalActivity, SetPatchMarker, SignalExternalWorkflowExecution,
    StartChildWorkflowExecution, StartTimer, UpsertWorkflowSearchAttributes, WorkflowCommand,
    signal_external_workflow_execution, workflow_command::Variant,
};
use temporalio_common::protos::temporal::api::common::v1::{
    Memo, Payload, RetryPolicy, SearchAttributes,
};
use temporalio_common::protos::temporal::api::enums::v1::WorkflowIdReusePolicy;
use temporalio_common::protos::temporal::api::sdk::v1::UserMetadata;

use crate::abi::{
    self, ActivityOptions, Call, CancellationType, ChildCancellationType, ChildWorkflowOptions,
    ExternalWorkflow, IdReusePolicy, ParentClosePolicy, SignalExternalRequest,
};
use crate::convert::{null_payload, payload_from_abi};

/// What commands need to know about the run that issues them, for the defaults Temporal's SDKs
/// fill in (an activity's task queue, a continued run's type, a child's id and namespace).
#[derive(Clone, Debug, Default)]
pub struct RunContext {
    /// The run's workflow type.
    pub workflow_type: String,
    /// The task queue the run is on.
    pub task_queue: String,
    /// The run's namespace.
    pub namespace: String,
    /// The run's id.
    pub run_id: String,
}

/// The command for `call`; `seq` is the sequence number of the timer or activity it starts or
/// cancels. An answer to an update has no command of its own here: the run answers updates with
/// the protocol instances it holds (see `temporal::updates`).
pub fn command_from_call(call: Call, seq: u32, context: &RunContext) -> Option<WorkflowCommand> {
    Some(match call {
        Call::StartTimer { request, .. } => with_summary(
            Variant::StartTimer(StartTimer {
                seq,
                start_to_fire_timeout: Some(duration(request.duration_ms)),
            }),
            request.summary,
        ),
        Call::StartActivity { options, .. } => {
            let summary = options.summary.clone();
            with_summary(schedule_activity(*options, seq, context), summary)
        }
        Call::StartHttpActivity { request, input, .. } => {
            http_activity(&request, input, seq, context)
        }
        Call::CancelTimer { .. } => Variant::CancelTimer(CancelTimer { seq }).into(),
        Call::RequestCancelActivity { .. } => {
            Variant::RequestCancelActivity(RequestCancelActivity { seq }).into()
        }
        Call::SetPatchMarker {
            patch_id,
            deprecated,
        } => Variant::SetPatchMarker(SetPatchMarker {
            patch_id,
            deprecated,
        })
        .into(),
        Call::StartChildWorkflow { options, .. } => {
            let summary = options.summary.clone();
            with_summary(start_child(*options, seq, context), summary)
        }
        Call::CancelChildWorkflow { .. } => {
            Variant::CancelChildWorkflowExecution(CancelChildWorkflowExecution {
                child_workflow_seq: seq,
                reason: "cancelled by the parent workflow".to_owned(),
            })
            .into()
        }
        Call::SignalExternal { request, .. } => {
            let SignalExternalRequest {
                target,
                signal_name,
                args,
            } = *request;
            Variant::SignalExternalWorkflowExecution(SignalExternalWorkflowExecution {
                seq,
                target: Some(
                    signal_external_workflow_execution::Target::WorkflowExecution(namespaced(
                        target, context,
                    )),
                ),
                signal_name,
                args: args.into_iter().map(payload_from_abi).collect(),
                ..Default::default()
            })
            .into()
        }
        Call::CancelExternal { target, .. } => Variant::RequestCancelExternalWorkflowExecution(
            RequestCancelExternalWorkflowExecution {
                seq,
                workflow_execution: Some(namespaced(target, context)),
                reason: "cancelled by another workflow".to_owned(),
            },
        )
        .into(),
        Call::UpsertSearchAttributes(attributes) => {
            Variant::UpsertWorkflowSearchAttributes(UpsertWorkflowSearchAttributes {
                search_attributes: Some(search_attributes_from_abi(attributes)),
            })
            .into()
        }
        Call::UpsertMemo(memo) => Variant::ModifyWorkflowProperties(ModifyWorkflowProperties {
            upserted_memo: Some(Memo {
                fields: memo
                    .into_iter()
                    .map(|(key, payload)| {
                        // A null payload removes the key, as Temporal's SDKs send it.
                        (key, payload.map_or_else(null_payload, payload_from_abi))
                    })
                    .collect(),
            }),
        })
        .into(),
        Call::RespondUpdate { .. } | Call::EmitMetric(_) => return None,
    })
}

fn schedule_activity(options: ActivityOptions, seq: u32, context: &RunContext) -> Variant {
    let ActivityOptions {
        activity_type,
        args,
        task_queue,
        activity_id,
        schedule_to_close_timeout_ms,
        schedule_to_start_timeout_ms,
        start_to_close_timeout_ms,
        heartbeat_timeout_ms,
        retry_policy,
        cancellation_type,
        summary: _,
    } = options;
    let cancellation_type = match cancellation_type {
        CancellationType::TryCancel => ActivityCancellationType::TryCancel,
        CancellationType::WaitCancellationCompleted => {
            ActivityCancellationType::WaitCancellationCompleted
        }
        CancellationType::Abandon => ActivityCancellationType::Abandon,
    };
    Variant::ScheduleActivity(ScheduleActivity {
        seq,
        // Temporal's SDKs use the sequence number too: unique within the run, stable on replay.
        activity_id: activity_id.unwrap_or_else(|| seq.to_string()),
        activity_type,
        task_queue: task_queue.unwrap_or_else(|| context.task_queue.clone()),
        arguments: args.into_iter().map(payload_from_abi).collect(),
        schedule_to_close_timeout: schedule_to_close_timeout_ms.map(duration),
        schedule_to_start_timeout: schedule_to_start_timeout_ms.map(duration),
        start_to_close_timeout: start_to_close_timeout_ms.map(duration),
        heartbeat_timeout: heartbeat_timeout_ms.map(duration),
        retry_policy: retry_policy.map(retry_policy_from_abi),
        cancellation_type: cancellation_type.into(),
        ..Default::default()
    })
}

/// An HTTP activity: an ordinary activity of type [`abi::HTTP_ACTIVITY_TYPE`] on the worker's
/// own task queue (or a local activity), whose one argument is the guest's request JSON.
fn http_activity(
    request: &abi::HttpRequest,
    input: Vec<u8>,
    seq: u32,
    context: &RunContext,
) -> WorkflowCommand {
    let argument = Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: input,
        ..Default::default()
    };
    let start_to_close = match (
        request.start_to_close_timeout_ms,
        request.schedule_to_close_timeout_ms,
    ) {
        (None, None) => Some(abi::DEFAULT_HTTP_START_TO_CLOSE_MS),
        (start_to_close, _) => start_to_close,
    };
    let retry_policy = request.retry_policy.clone().map(retry_policy_from_abi);
    let variant = if request.local {
        Variant::ScheduleLocalActivity(ScheduleLocalActivity {
            seq,
            // Local activities are numbered apart from activities: without the prefix, the first
            // of each would share an id, and with it the request's Idempotency-Key.
            activity_id: format!("local-{seq}"),
            activity_type: abi::HTTP_ACTIVITY_TYPE.to_owned(),
            attempt: 1,
            arguments: vec![argument],
            schedule_to_close_timeout: request.schedule_to_close_timeout_ms.map(duration),
            start_to_close_timeout: start_to_close.map(duration),
            retry_policy,
            ..Default::default()
        })
    } else {
        Variant::ScheduleActivity(ScheduleActivity {
            seq,
            activity_id: seq.to_string(),
            activity_type: abi::HTTP_ACTIVITY_TYPE.to_owned(),
            task_queue: context.task_queue.clone(),
            arguments: vec![argument],
            schedule_to_close_timeout: request.schedule_to_close_timeout_ms.map(duration),
            start_to_close_timeout: start_to_close.map(duration),
            retry_policy,
            ..Default::default()
        })
    };
    with_summary(variant, Some(format!("{} {}", request.method, request.url)))
}

fn start_child(options: ChildWorkflowOptions, seq: u32, context: &RunContext) -> Variant {
    let ChildWorkflowOptions {
        workflow_type,
        workflow_id,
        args,
        task_queue,
        namespace,
        execution_timeout_ms,
        run_timeout_ms,
        task_timeout_ms,
        id_reuse_policy,
        parent_close_policy,
        retry_policy,
        cron_schedule,
        memo,
        search_attributes,
        cancellation_type,
        summary: _,
    } = options;
    let parent_close_policy = match parent_close_policy {
        ParentClosePolicy::Terminate => ProtoParentClosePolicy::Terminate,
        ParentClosePolicy::Abandon => ProtoParentClosePolicy::Abandon,
        ParentClosePolicy::RequestCancel => ProtoParentClosePolicy::RequestCancel,
    };
    let id_reuse_policy = id_reuse_policy.map_or(WorkflowIdReusePolicy::Unspecified, |policy| {
        match policy {
            IdReusePolicy::AllowDuplicate => WorkflowIdReusePolicy::AllowDuplicate,
            IdReusePolicy::AllowDuplicateFailedOnly => {
                WorkflowIdReusePolicy::AllowDuplicateFailedOnly
            }
            IdReusePolicy::RejectDuplicate => WorkflowIdReusePolicy::RejectDuplicate,
            // Deprecated by Temporal in favour of conflict policies, still honoured by servers.
            #[allow(deprecated)]
            IdReusePolicy::TerminateIfRunning => WorkflowIdReusePolicy::TerminateIfRunning,
        }
    });
    let cancellation_type = match cancellation_type {
        ChildCancellationType::WaitCancellationCompleted => {
            ChildWorkflowCancellationType::WaitCancellationCompleted
        }
        ChildCancellationType::WaitCancellationRequested => {
            ChildWorkflowCancellationType::WaitCancellationRequested
        }
        ChildCancellationType::TryCancel => ChildWorkflowCancellationType::TryCancel,
        ChildCancellationType::Abandon => ChildWorkflowCancellationType::Abandon,
    };
    Variant::StartChildWorkflowExecution(StartChildWorkflowExecution {
        seq,
        namespace: namespace.unwrap_or_else(|| context.namespace.clone()),
        // Go's SDK derives it the same way: unique per parent run, stable on replay.
        workflow_id: workflow_id.unwrap_or_else(|| format!("{}_{seq}", context.run_id)),
        workflow_type,
        task_queue: task_queue.unwrap_or_else(|| context.task_queue.clone()),
        input: args.into_iter().map(payload_from_abi).collect(),
        workflow_execution_timeout: execution_timeout_ms.map(duration),
        workflow_run_timeout: run_timeout_ms.map(duration),
        workflow_task_timeout: task_timeout_ms.map(duration),
        parent_close_policy: parent_close_policy.into(),
        workflow_id_reuse_policy: id_reuse_policy.into(),
        retry_policy: retry_policy.map(retry_policy_from_abi),
        cron_schedule: cron_schedule.unwrap_or_default(),
        memo: memo
            .unwrap_or_default()
            .into_iter()
            .map(|(key, payload)| (key, payload_from_abi(payload)))
            .collect(),
        search_attributes: search_attributes.map(search_attributes_from_abi),
        cancellation_type: cancellation_type.into(),
        ..Default::default()
    })
}

fn namespaced(target: ExternalWorkflow, context: &RunContext) -> NamespacedWorkflowExecution {
    NamespacedWorkflowExecution {
        namespace: target
            .namespace
            .unwrap_or_else(|| context.namespace.clone()),
        workflow_id: target.workflow_id,
        run_id: target.run_id.unwrap_or_default(),
    }
}

/// Search attributes from their JSON values, each sent as Temporal's SDKs send them.
pub(super) fn search_attributes_from_abi(
    attributes: BTreeMap<String, serde_json::Value>,
) -> SearchAttributes {
    SearchAttributes {
        indexed_fields: attributes
            .into_iter()
            .map(|(name, value)| (name, search_attribute_payload(&value)))
            .collect(),
    }
}

/// Temporal's retry policy from the ABI's; absent fields keep Temporal's defaults.
pub fn retry_policy_from_abi(policy: abi::RetryPolicy) -> RetryPolicy {
    RetryPolicy {
        initial_interval: policy.initial_interval_ms.map(duration),
        backoff_coefficient: policy.backoff_coefficient.unwrap_or(0.0),
        maximum_interval: policy.maximum_interval_ms.map(duration),
        maximum_attempts: policy.maximum_attempts.unwrap_or(0),
        non_retryable_error_types: policy.non_retryable_error_types,
    }
}

/// A search attribute value as Temporal's SDKs send it: its JSON in a `json/plain` payload (the
/// server types it by the attribute's registered type); `null` removes the attribute.
pub fn search_attribute_payload(value: &serde_json::Value) -> Payload {
    if value.is_null() {
        return null_payload();
    }
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: value.to_string().into_bytes(),
        ..Default::default()
    }
}

fn with_summary(variant: Variant, summary: Option<String>) -> WorkflowCommand {
    WorkflowCommand {
        variant: Some(variant),
        user_metadata: summary.map(|summary| UserMetadata {
            summary: Some(search_attribute_payload(&serde_json::Value::String(
                summary,
            ))),
            details: None,
        }),
        ..Default::default()
    }
}

/// A protobuf duration of `ms` milliseconds.
pub fn duration(ms: u64) -> ProtoDuration {
    ProtoDuration {
        seconds: i64::try_from(ms / 1000).unwrap_or(i64::MAX),
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}
