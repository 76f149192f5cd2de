//! Commands: the imports that ask Temporal to do something (`start_timer`, `start_activity`,
//! `start_http_activity`, `start_child_workflow`, `signal_external_workflow`,
//! `cancel_external_workflow`) and `cancel`.
//!
//! Each command gets a handle and, from its responder, a [`Reply`] that is scheduled on the
//! timeline, so it resolves in a later activation as under Temporal. Failures and cancellations
//! come wrapped as the worker wraps them.

use std::time::Duration;

use serde_json::json;

use super::TestHost;
use super::reply::{Reply, ReplyBody, Request};
use super::state::{Kind, millis, parse, str_of};
use super::timeline::Event;
use crate::Failure;

/// `start_timer`: a timer needs a duration of at least 1 ms, as the worker insists.
pub(super) fn start_timer(host: &mut TestHost, json: &[u8]) -> u32 {
    let duration = parse("start_timer", json)["duration_ms"].as_u64();
    assert!(
        duration.is_some_and(|ms| ms >= 1),
        "guest bug: `start_timer` needs duration_ms of at least 1"
    );
    host.command("start_timer", Kind::Timer, json)
}

/// `start_activity`: an activity needs a type and a start-to-close or schedule-to-close
/// timeout, as the worker insists.
pub(super) fn start_activity(host: &mut TestHost, json: &[u8]) -> u32 {
    let options = parse("start_activity", json);
    assert!(
        !str_of(&options, "activity_type").is_empty(),
        "guest bug: `start_activity` needs an activity_type"
    );
    let timeout = |field: &str| options[field].as_u64().is_some_and(|ms| ms > 0);
    assert!(
        timeout("start_to_close_timeout_ms") || timeout("schedule_to_close_timeout_ms"),
        "guest bug: `start_activity` needs start_to_close_timeout_ms or \
         schedule_to_close_timeout_ms"
    );
    host.command("start_activity", Kind::Activity, json)
}

/// `cancel`: a pending timer is cancelled at once, a pending activity, HTTP activity, child or
/// external call resolves as cancelled in the next activation; a resolved one stays as it is.
pub(super) fn cancel(host: &mut TestHost, handle: u32) {
    host.record("cancel", None, json!(handle), None);
    let slot = host.slot("cancel", handle);
    assert!(
        !slot.is_channel(),
        "guest bug: `cancel` of handle {handle}, a channel"
    );
    if !slot.pending {
        return;
    }
    match slot.kind {
        Kind::Timer => {
            slot.pending = false;
            slot.items.push_back(
                br#"{"cancelled":{"message":"timer cancelled by the workflow","kind":"cancelled","source":"temporal-wasm-worker"}}"#
                    .to_vec(),
            );
        }
        Kind::Activity | Kind::Http => {
            let json = json!({"cancelled": {
                "message": "Activity cancelled",
                "kind": "activity",
                "retry_state": "cancel_requested",
                "activity": {
                    "activity_type": slot.label.strip_prefix("activity ").unwrap_or("temporal-wasm-worker.http"),
                    "activity_id": handle.to_string(),
                },
                "cause": {"message": "cancelled", "kind": "cancelled"},
            }});
            let at = host.now_millis;
            host.schedule(at, Event::Resolve(handle, json.to_string().into_bytes()));
        }
        _ => {
            let json = json!({"cancelled": {"message": "cancelled", "kind": "cancelled"}});
            let at = host.now_millis;
            host.schedule(at, Event::Resolve(handle, json.to_string().into_bytes()));
        }
    }
}

impl TestHost {
    /// A command: parse, record, issue a handle and schedule its reply.
    pub(super) fn command(&mut self, name: &'static str, kind: Kind, json: &[u8]) -> u32 {
        let value = parse(name, json);
        let label = match &kind {
            Kind::Timer => format!("timer ({} ms)", value["duration_ms"]),
            Kind::Activity => format!("activity {}", value["activity_type"].as_str().unwrap_or("")),
            Kind::Http => format!(
                "HTTP {} {}",
                str_of(&value, "method"),
                str_of(&value, "url")
            ),
            Kind::Child => format!("child workflow {}", str_of(&value, "workflow_type")),
            _ => format!("{name} to {}", str_of(&value, "workflow_id")),
        };
        let handle = self.issue(kind.clone(), label);
        self.record(name, None, value.clone(), Some(handle));
        let request = Request {
            handle,
            json: value,
        };
        let key = |field: &str| str_of(&request.json, field).to_owned();
        let reply = match &kind {
            Kind::Timer => match &mut self.timer_responder {
                Some(responder) => responder(&request),
                None => Reply::empty().after(Duration::from_millis(
                    request.json["duration_ms"].as_u64().unwrap_or(0),
                )),
            },
            Kind::Activity => match self.activity_responders.get_mut(&key("activity_type")) {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            Kind::Http => match &mut self.http_responder {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            Kind::Child => match self.child_responders.get_mut(&key("workflow_type")) {
                Some(responder) => responder(&request),
                None => Reply::never(),
            },
            _ => match &mut self.external_responder {
                Some(responder) => responder(&request),
                None => Reply::empty(),
            },
        };
        let json = match reply.body {
            ReplyBody::Json(json) => json,
            ReplyBody::Error(failure) => wrapped_failure(&kind, &request, failure),
            ReplyBody::Never => return handle,
        };
        let at = self.now_millis + millis(reply.after);
        self.schedule(at, Event::Resolve(handle, json));
        handle
    }
}

/// An application failure of a command, as the worker hands it to the workflow.
fn wrapped_failure(kind: &Kind, request: &Request, failure: Failure) -> Vec<u8> {
    // A `Failure` serialises its guest-written fields only; the worker adds `kind`.
    let mut application = json!(failure);
    application["kind"] = json!("application");
    let failure = application;
    let retry_state = if failure["non_retryable"] == true {
        "non_retryable_failure"
    } else {
        "maximum_attempts_reached"
    };
    let outer = match kind {
        Kind::Activity | Kind::Http => {
            let activity_type = match kind {
                Kind::Http => "temporal-wasm-worker.http",
                _ => str_of(&request.json, "activity_type"),
            };
            json!({
                "message": "Activity task failed",
                "type": failure["type"],
                "kind": "activity",
                "retry_state": retry_state,
                "activity": {"activity_type": activity_type, "activity_id": request.handle.to_string()},
                "cause": failure,
            })
        }
        Kind::Child => json!({
            "message": "Child Workflow execution failed",
            "type": failure["type"],
            "kind": "child_workflow",
            "retry_state": retry_state,
            "child_workflow": {
                "workflow_type": str_of(&request.json, "workflow_type"),
                "workflow_id": str_of(&request.json, "workflow_id"),
            },
            "cause": failure,
        }),
        _ => failure,
    };
    json!({ "failed": outer }).to_string().into_bytes()
}
