//! `start_timer`, `start_activity`, `start_http_activity` and `cancel`: the calls that ask
//! Temporal to do something later. Each start issues a handle and records the call; none of them blocks.

use wasmtime::{Caller, Linker};

use crate::abi::{ActivityOptions, Call, HttpRequest, TimerRequest};
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use crate::sandbox::handles::HandleKind;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call, read_input};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "start_timer",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let request: TimerRequest =
                    read_input(memory, "start_timer", "start_timer input", offset, len)?;
                if request.duration_ms == 0 {
                    return Err(bad_request(
                        "start_timer",
                        "duration_ms must be at least 1 (a timer of 0 ms would never be recorded)",
                    ));
                }
                let handle = durable.handles.issue(HandleKind::Timer)?;
                durable.push_call(Call::StartTimer { handle, request }, len)?;
                Ok(handle)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "start_activity",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let options: ActivityOptions = read_input(
                    memory,
                    "start_activity",
                    "start_activity input",
                    offset,
                    len,
                )?;
                check_activity_options(&options)?;
                let kind = HandleKind::Activity(options.activity_type.clone());
                let handle = durable.handles.issue(kind)?;
                durable.push_call(
                    Call::StartActivity {
                        handle,
                        options: Box::new(options),
                    },
                    len,
                )?;
                Ok(handle)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "start_http_activity",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let request: HttpRequest = read_input(
                    memory,
                    "start_http_activity",
                    "start_http_activity input",
                    offset,
                    len,
                )?;
                check_http_request(&request)?;
                let input = guest_memory::read(memory, "start_http_activity", offset, len)?;
                let kind = HandleKind::HttpActivity(format!("{} {}", request.method, request.url));
                let handle = durable.handles.issue(kind)?;
                durable.push_call(
                    Call::StartHttpActivity {
                        handle,
                        request: Box::new(request),
                        input: input.to_vec(),
                    },
                    len,
                )?;
                Ok(handle)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "cancel",
        |mut caller: Caller<'_, InstanceState>, handle: u32| {
            durable_call(&mut caller, |_, durable| durable.cancel(handle))
        },
    )?;
    Ok(())
}

/// What Temporal would refuse when scheduling the activity, refused here with the field's name.
fn check_activity_options(options: &ActivityOptions) -> Result<(), GuestBug> {
    if options.activity_type.trim().is_empty() {
        return Err(bad_request(
            "start_activity",
            "activity_type is required and must not be empty",
        ));
    }
    let positive = |timeout: Option<u64>| timeout.is_some_and(|ms| ms > 0);
    if !positive(options.schedule_to_close_timeout_ms)
        && !positive(options.start_to_close_timeout_ms)
    {
        return Err(bad_request(
            "start_activity",
            "one of schedule_to_close_timeout_ms and start_to_close_timeout_ms is required (and \
             must be above 0), as Temporal requires",
        ));
    }
    if options
        .task_queue
        .as_deref()
        .is_some_and(|queue| queue.trim().is_empty())
    {
        return Err(bad_request(
            "start_activity",
            "task_queue must not be empty (leave it out to use the workflow's task queue)",
        ));
    }
    Ok(())
}

/// What the workflow side can tell is wrong with an HTTP request; the worker that runs it checks
/// the rest (allowed hosts, secrets) when it runs.
fn check_http_request(request: &HttpRequest) -> Result<(), GuestBug> {
    let method_ok = !request.method.is_empty()
        && request
            .method
            .bytes()
            .all(|byte| byte.is_ascii_alphabetic() || byte == b'-');
    if !method_ok {
        return Err(bad_request(
            "start_http_activity",
            "method is required and must be an HTTP method such as GET or POST",
        ));
    }
    let scheme_ok = request.url.starts_with("http://") || request.url.starts_with("https://");
    if !scheme_ok {
        return Err(bad_request(
            "start_http_activity",
            "url is required and must be an absolute http:// or https:// URL",
        ));
    }
    Ok(())
}

fn bad_request(call: &'static str, problem: &str) -> GuestBug {
    GuestBug::BadRequest {
        call,
        problem: problem.to_owned(),
    }
}
