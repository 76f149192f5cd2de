"""Workloads for the hostile-guest and fault tests, built on the official Python SDK.

Prints one JSON document on stdout, like `client.py`, so the Rust tests assert on what an
independent Temporal client sees.

    workload.py --address HOST:PORT --task-queue Q alongside HOSTILE_JSON HEALTHY_JSON
        Starts every hostile workflow, then every healthy one, and waits for the healthy results.
        HOSTILE_JSON and HEALTHY_JSON are lists of {"id", "type", "args"}. For each hostile
        workflow it then waits for the first of: a WorkflowTaskFailed event or the workflow
        closing, and terminates it if it is still open. Prints
        {"healthy": [outcome], "hostile": [hostile outcome],
         "hostile_open_when_healthy_done": [bool]}, where an outcome is
        {"status": "completed", "result"} or {"status": "failed", "message", "type"} and a
        hostile outcome is {"id", "task_failure": {"message", "type", "cause"} or null, "status",
        "outcome": outcome or null, "events": [event type names]}.
    workload.py ... start SPECS_JSON
        Starts the workflows in SPECS_JSON ({"id", "type", "args"}) without waiting for them and
        prints {"started": count}. Starting the same id twice is an error.
    workload.py ... outcomes IDS_JSON TIMEOUT_S
        Waits up to TIMEOUT_S in total for every workflow in IDS_JSON to close and prints, per id,
        {"id", "status", "result", "runs", "completed_events", "task_failed", "task_timed_out",
         "events"}; "status" is "timeout" for a workflow still open at the deadline.

The client connects with retries for up to a minute, so it can be started while a server is
restarting.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.exceptions import ApplicationError

CLOSE_EVENTS = {
    "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED",
    "EVENT_TYPE_WORKFLOW_EXECUTION_FAILED",
    "EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED",
    "EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT",
    "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED",
    "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW",
}


async def connect(address, namespace):
    deadline = time.monotonic() + 60
    while True:
        try:
            return await Client.connect(address, namespace=namespace)
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def start(client, task_queue, spec):
    return await client.start_workflow(
        spec["type"],
        args=spec.get("args", []),
        id=spec["id"],
        task_queue=task_queue,
        execution_timeout=timedelta(seconds=spec.get("timeout_s", 300)),
    )


async def outcome(handle):
    try:
        return {"status": "completed", "result": await handle.result()}
    except WorkflowFailureError as err:
        cause = err.cause
        return {
            "status": "failed",
            "message": getattr(cause, "message", str(cause)),
            "type": cause.type if isinstance(cause, ApplicationError) else None,
        }


async def history(handle):
    events = (await handle.fetch_history()).events
    return [EventType.Name(event.event_type) for event in events], events


async def watch_hostile(handle, wait_s=60):
    """Waits for the first workflow task failure or the close of the workflow."""
    deadline = time.monotonic() + wait_s
    while True:
        names, events = await history(handle)
        failure = None
        for event in events:
            if event.HasField("workflow_task_failed_event_attributes"):
                attributes = event.workflow_task_failed_event_attributes
                failure = {
                    "message": attributes.failure.message,
                    "type": attributes.failure.application_failure_info.type,
                    "cause": attributes.cause,
                }
                break
        closed = any(name in CLOSE_EVENTS for name in names)
        if failure or closed or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    result = await outcome(handle) if closed else None
    status = (await handle.describe()).status
    if status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("end of test")
    return {
        "id": handle.id,
        "task_failure": failure,
        "status": status.name,
        "outcome": result,
        "events": names,
    }


async def alongside(client, task_queue, hostile_specs, healthy_specs):
    hostile = [await start(client, task_queue, spec) for spec in hostile_specs]
    healthy = await asyncio.gather(*(start(client, task_queue, spec) for spec in healthy_specs))
    healthy_outcomes = await asyncio.wait_for(
        asyncio.gather(*(outcome(handle) for handle in healthy)), timeout=60
    )
    open_meanwhile = [
        (await handle.describe()).status == WorkflowExecutionStatus.RUNNING for handle in hostile
    ]
    hostile_outcomes = await asyncio.gather(*(watch_hostile(handle) for handle in hostile))
    return {
        "healthy": healthy_outcomes,
        "hostile": hostile_outcomes,
        "hostile_open_when_healthy_done": open_meanwhile,
    }


async def start_many(client, task_queue, specs):
    limit = asyncio.Semaphore(32)

    async def start_one(spec):
        async with limit:
            await start(client, task_queue, spec)

    await asyncio.gather(*(start_one(spec) for spec in specs))
    return {"started": len(specs)}


async def outcomes(client, ids, timeout_s):
    deadline = time.monotonic() + timeout_s
    limit = asyncio.Semaphore(32)

    async def one(workflow_id):
        async with limit:
            handle = client.get_workflow_handle(workflow_id)
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                result = await asyncio.wait_for(outcome(handle), timeout=remaining)
            except asyncio.TimeoutError:
                result = {"status": "timeout"}
            names, _ = await history(handle)
            runs = [
                execution
                async for execution in client.list_workflows(f"WorkflowId = '{workflow_id}'")
            ]
            return {
                "id": workflow_id,
                **result,
                "runs": len(runs),
                "completed_events": names.count("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"),
                "task_failed": names.count("EVENT_TYPE_WORKFLOW_TASK_FAILED"),
                "task_timed_out": names.count("EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT"),
                "events": names,
            }

    return await asyncio.gather(*(one(workflow_id) for workflow_id in ids))


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("alongside")
    p.add_argument("hostile")
    p.add_argument("healthy")
    p = sub.add_parser("start")
    p.add_argument("specs")
    p = sub.add_parser("outcomes")
    p.add_argument("ids")
    p.add_argument("timeout_s", type=float)
    options = parser.parse_args()

    client = await connect(options.address, options.namespace)
    if options.command == "alongside":
        output = await alongside(
            client, options.task_queue, json.loads(options.hostile), json.loads(options.healthy)
        )
    elif options.command == "start":
        output = await start_many(client, options.task_queue, json.loads(options.specs))
    else:
        output = await outcomes(client, json.loads(options.ids), options.timeout_s)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # As in client.py: skip interpreter finalization, which can abort in the SDK's native threads.
    os._exit(0)
