"""A Temporal client for the durable-workflow tests, built on the official Python SDK.

Prints one JSON document on stdout, like the other support scripts, so the Rust tests assert on
what an independent Temporal client sees.

    durable.py --address HOST:PORT --task-queue Q start SPECS_JSON
        Starts each {"id", "type", "args": [json values]} and prints {"started": count}. A spec
        with "start_signal": NAME (and "start_signal_args": [json values]) is started with
        signal-with-start.
    durable.py ... cancel WORKFLOW_ID
        Requests cancellation of the workflow and prints {"cancelled": id}.
    durable.py ... signal WORKFLOW_ID SIGNAL_NAME ARGS_JSON
        Sends the signal with the JSON values in ARGS_JSON and prints {"signalled": id}.
    durable.py ... outcomes IDS_JSON TIMEOUT_S
        Waits up to TIMEOUT_S in total for each workflow (following continue-as-new to the last
        run) and prints, per id:
        {"id", "status": COMPLETED|FAILED|CANCELED|TERMINATED|TIMED_OUT|RUNNING, "result",
         "failure": decoded failure chain or null, "runs": number of runs in the chain,
         "events": event type names of the last run, "first_run_events": of the first run,
         "task_failures": [messages of WorkflowTaskFailed events, all runs],
         "activity_inputs": [decoded first argument of each ActivityTaskScheduled, first run],
         "completed_task_identities": [identity of each WorkflowTaskCompleted, last run]}.
    durable.py ... task-failure WORKFLOW_ID TIMEOUT_S
        Waits up to TIMEOUT_S for the first WorkflowTaskFailed event of the workflow's current
        run and prints {"message", "cause"} (cause: the WorkflowTaskFailedCause name), or
        {"message": null} if none came.
    durable.py ... terminate WORKFLOW_ID
        Terminates the workflow and prints {"terminated": id}.
    durable.py ... update WORKFLOW_ID UPDATE_NAME ARGS_JSON
        Executes the update with the JSON values in ARGS_JSON, waiting for its outcome, and
        prints {"result": value} or {"failure": decoded failure chain} (a rejection or a failure).
    durable.py ... query WORKFLOW_ID QUERY_NAME
        Queries the workflow and prints {"value": value} or {"failure": message}.
    durable.py ... describe WORKFLOW_ID
        Prints {"status", "search_attributes": {name: [values]}, "memo": {key: decoded value},
        "parent_id"}.
    durable.py ... list QUERY
        Prints {"ids": [workflow ids]} of the executions client.list_workflows(QUERY) finds.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.converter import DataConverter
from temporalio.api.enums.v1 import WorkflowTaskFailedCause
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    CancelledError,
    FailureError,
    TimeoutError,
)


def failure_as_dict(error):
    """The SDK's decoded view of a failure chain."""
    if error is None:
        return None
    rendered = {"message": error.message, "class": type(error).__name__}
    if isinstance(error, ApplicationError):
        rendered["type"] = error.type
        rendered["non_retryable"] = error.non_retryable
        rendered["details"] = list(error.details)
    if isinstance(error, TimeoutError):
        rendered["timeout_type"] = error.type.name if error.type is not None else None
    if isinstance(error, CancelledError):
        rendered["details"] = list(error.details)
    if isinstance(error, ActivityError):
        rendered["activity_type"] = error.activity_type
    cause = error.__cause__ if isinstance(error.__cause__, FailureError) else None
    rendered["cause"] = failure_as_dict(cause)
    return rendered


async def history_of(client, workflow_id, run_id):
    handle = client.get_workflow_handle(workflow_id, run_id=run_id)
    return (await handle.fetch_history()).events


def decode_first_arg(payloads):
    if not payloads.payloads:
        return None
    return DataConverter.default.payload_converter.from_payloads(payloads.payloads[:1])[0]


async def outcome(client, workflow_id, deadline):
    handle = client.get_workflow_handle(workflow_id)
    # The chain is walked from its first run, whichever run is the latest now.
    first_run_id = (await handle.describe()).raw_description.workflow_execution_info.first_run_id
    status, result, failure = "RUNNING", None, None
    remaining = max(0.1, deadline - time.monotonic())
    try:
        result = await asyncio.wait_for(handle.result(follow_runs=True), remaining)
        status = "COMPLETED"
    except WorkflowFailureError as err:
        failure = failure_as_dict(err.cause)
        status = (await client.get_workflow_handle(workflow_id).describe()).status.name
    except asyncio.TimeoutError:
        status = "RUNNING"
    # Walk the chain of runs from the first one, through continue-as-new.
    runs, run_id, task_failures = 0, first_run_id, []
    first_events, events = [], []
    identities = []
    while run_id:
        runs += 1
        history = await history_of(client, workflow_id, run_id)
        names = [EventType.Name(event.event_type) for event in history]
        if runs == 1:
            first_events = history
        events = names
        identities = [
            event.workflow_task_completed_event_attributes.identity
            for event in history
            if event.HasField("workflow_task_completed_event_attributes")
        ]
        next_run = None
        for event in history:
            if event.HasField("workflow_task_failed_event_attributes"):
                task_failures.append(event.workflow_task_failed_event_attributes.failure.message)
            if event.HasField("workflow_execution_continued_as_new_event_attributes"):
                next_run = event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        run_id = next_run
    activity_inputs = [
        decode_first_arg(event.activity_task_scheduled_event_attributes.input)
        for event in first_events
        if event.HasField("activity_task_scheduled_event_attributes")
    ]
    return {
        "id": workflow_id,
        "status": status,
        "result": result,
        "failure": failure,
        "runs": runs,
        "events": events,
        "first_run_events": [EventType.Name(event.event_type) for event in first_events],
        "task_failures": task_failures,
        "activity_inputs": activity_inputs,
        "completed_task_identities": identities,
    }


async def task_failure(client, workflow_id, timeout_s):
    handle = client.get_workflow_handle(workflow_id)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for event in (await handle.fetch_history()).events:
            if event.HasField("workflow_task_failed_event_attributes"):
                attributes = event.workflow_task_failed_event_attributes
                return {
                    "message": attributes.failure.message,
                    "cause": WorkflowTaskFailedCause.Name(attributes.cause),
                }
        await asyncio.sleep(0.2)
    return {"message": None}


async def update(client, workflow_id, name, args):
    handle = client.get_workflow_handle(workflow_id)
    try:
        return {"result": await handle.execute_update(name, args=args)}
    except WorkflowUpdateFailedError as err:
        cause = err.cause if isinstance(err.cause, FailureError) else None
        return {"failure": failure_as_dict(cause)}


async def query(client, workflow_id, name):
    try:
        return {"value": await client.get_workflow_handle(workflow_id).query(name)}
    except WorkflowQueryFailedError as err:
        return {"failure": err.message}


async def describe(client, workflow_id):
    description = await client.get_workflow_handle(workflow_id).describe()
    return {
        "status": description.status.name if description.status is not None else None,
        "search_attributes": {
            name: list(values) for name, values in description.search_attributes.items()
        },
        "memo": await description.memo(),
        "parent_id": description.parent_id,
    }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start")
    p.add_argument("specs")
    p = sub.add_parser("cancel")
    p.add_argument("workflow_id")
    p = sub.add_parser("signal")
    p.add_argument("workflow_id")
    p.add_argument("signal_name")
    p.add_argument("args")
    p = sub.add_parser("task-failure")
    p.add_argument("workflow_id")
    p.add_argument("timeout_s", type=float)
    p = sub.add_parser("terminate")
    p.add_argument("workflow_id")
    p = sub.add_parser("update")
    p.add_argument("workflow_id")
    p.add_argument("update_name")
    p.add_argument("args")
    p = sub.add_parser("query")
    p.add_argument("workflow_id")
    p.add_argument("query_name")
    p = sub.add_parser("describe")
    p.add_argument("workflow_id")
    p = sub.add_parser("list")
    p.add_argument("query")
    p = sub.add_parser("outcomes")
    p.add_argument("ids")
    p.add_argument("timeout_s", type=float)
    options = parser.parse_args()

    client = await Client.connect(options.address, namespace=options.namespace)
    if options.command == "start":
        specs = json.loads(options.specs)
        for spec in specs:
            signal = {}
            if "start_signal" in spec:
                signal = {
                    "start_signal": spec["start_signal"],
                    "start_signal_args": spec.get("start_signal_args", []),
                }
            await client.start_workflow(
                spec["type"],
                args=spec.get("args", []),
                id=spec["id"],
                task_queue=options.task_queue,
                execution_timeout=timedelta(seconds=spec.get("timeout_s", 300)),
                **signal,
            )
        output = {"started": len(specs)}
    elif options.command == "cancel":
        await client.get_workflow_handle(options.workflow_id).cancel()
        output = {"cancelled": options.workflow_id}
    elif options.command == "signal":
        await client.get_workflow_handle(options.workflow_id).signal(
            options.signal_name, args=json.loads(options.args)
        )
        output = {"signalled": options.workflow_id}
    elif options.command == "task-failure":
        output = await task_failure(client, options.workflow_id, options.timeout_s)
    elif options.command == "terminate":
        await client.get_workflow_handle(options.workflow_id).terminate("end of test")
        output = {"terminated": options.workflow_id}
    elif options.command == "update":
        output = await update(
            client, options.workflow_id, options.update_name, json.loads(options.args)
        )
    elif options.command == "query":
        output = await query(client, options.workflow_id, options.query_name)
    elif options.command == "describe":
        output = await describe(client, options.workflow_id)
    elif options.command == "list":
        executions = client.list_workflows(options.query)
        output = {"ids": [execution.id async for execution in executions]}
    else:
        deadline = time.monotonic() + options.timeout_s
        output = await asyncio.gather(
            *(outcome(client, workflow_id, deadline) for workflow_id in json.loads(options.ids))
        )
    json.dump(output, sys.stdout, default=str)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # Skip interpreter finalization: the SDK's native runtime threads can still be releasing the
    # GIL then, which aborts the process after the output was written.
    os._exit(0)
