"""A Temporal client for the end-to-end tests, built on the official Python SDK.

It starts workflows, waits for their outcomes and reads their histories, printing one JSON
document on stdout, so the Rust tests can assert on what an independent Temporal client sees.

    client.py --address HOST:PORT --task-queue Q execute SPEC_JSON
        SPEC_JSON is a list of {"id", "type", "args": [json values], "bytes_args": [base64],
        "timeout_s"}; prints a list of outcomes in the same order:
        {"status": "completed", "result": value, "result_bytes": base64 or null}
        {"status": "failed", "failure": {...decoded by the SDK...}, "raw_failure": {...from history...}}
    client.py ... task-failure WORKFLOW_TYPE WORKFLOW_ID [ARGS_JSON]
        starts the workflow, waits for its first WorkflowTaskFailed event, prints
        {"message", "events"} and terminates the workflow.
    client.py ... query WORKFLOW_ID QUERY_TYPE
        prints {"status": "answered", "value"} or {"status": "query_failed", "message"}.
"""

import argparse
import asyncio
import base64
import json
import os
import sys
from datetime import timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowFailureError, WorkflowQueryFailedError
from temporalio.exceptions import ApplicationError, FailureError


def failure_as_dict(error):
    """The SDK's decoded view of a failure chain."""
    if error is None:
        return None
    rendered = {"message": error.message, "class": type(error).__name__}
    if isinstance(error, ApplicationError):
        rendered["type"] = error.type
        rendered["non_retryable"] = error.non_retryable
        rendered["details"] = list(error.details)
    rendered["cause"] = failure_as_dict(error.__cause__ if isinstance(error.__cause__, FailureError) else None)
    return rendered


def raw_failure_as_dict(failure):
    """The failure proto exactly as stored in history."""
    if failure is None or not failure.ByteSize():
        return None
    rendered = {"message": failure.message, "source": failure.source}
    if failure.HasField("application_failure_info"):
        info = failure.application_failure_info
        rendered["type"] = info.type
        rendered["non_retryable"] = info.non_retryable
        rendered["details"] = [
            {
                "metadata": {k: v.decode("utf-8", "replace") for k, v in p.metadata.items()},
                "data": p.data.decode("utf-8", "replace"),
            }
            for p in info.details.payloads
        ]
    rendered["cause"] = raw_failure_as_dict(failure.cause) if failure.HasField("cause") else None
    return rendered


async def event_names(handle):
    history = await handle.fetch_history()
    return [EventType.Name(event.event_type) for event in history.events], history.events


async def execute_one(client, task_queue, spec):
    args = list(spec.get("args", [])) + [base64.b64decode(b) for b in spec.get("bytes_args", [])]
    handle = await client.start_workflow(
        spec["type"],
        args=args,
        id=spec["id"],
        task_queue=task_queue,
        execution_timeout=timedelta(seconds=spec.get("timeout_s", 60)),
    )
    try:
        result = await handle.result()
    except WorkflowFailureError as err:
        _, events = await event_names(handle)
        raw = None
        for event in events:
            if event.HasField("workflow_execution_failed_event_attributes"):
                raw = raw_failure_as_dict(event.workflow_execution_failed_event_attributes.failure)
        return {"status": "failed", "failure": failure_as_dict(err.cause), "raw_failure": raw}
    if isinstance(result, (bytes, bytearray)):
        return {"status": "completed", "result": None, "result_bytes": base64.b64encode(result).decode()}
    return {"status": "completed", "result": result, "result_bytes": None}


async def execute(client, task_queue, specs):
    return await asyncio.gather(*(execute_one(client, task_queue, spec) for spec in specs))


async def task_failure(client, task_queue, workflow_type, workflow_id, args, wait_s=60):
    handle = await client.start_workflow(
        workflow_type, args=args, id=workflow_id, task_queue=task_queue,
        execution_timeout=timedelta(seconds=120),
    )
    try:
        for _ in range(int(wait_s * 10)):
            names, events = await event_names(handle)
            for event in events:
                if event.HasField("workflow_task_failed_event_attributes"):
                    attributes = event.workflow_task_failed_event_attributes
                    return {
                        "message": attributes.failure.message,
                        "raw_failure": raw_failure_as_dict(attributes.failure),
                        "events": names,
                        "status": (await handle.describe()).status.name,
                    }
            await asyncio.sleep(0.1)
        return {"message": None, "events": names, "status": (await handle.describe()).status.name}
    finally:
        await handle.terminate("end of test")


async def query(client, workflow_id, query_type):
    handle = client.get_workflow_handle(workflow_id)
    try:
        return {"status": "answered", "value": await handle.query(query_type)}
    except WorkflowQueryFailedError as err:
        return {"status": "query_failed", "message": str(err)}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("execute")
    p.add_argument("spec")
    p = sub.add_parser("task-failure")
    p.add_argument("workflow_type")
    p.add_argument("workflow_id")
    p.add_argument("args", nargs="?", default="[]")
    p = sub.add_parser("query")
    p.add_argument("workflow_id")
    p.add_argument("query_type")
    options = parser.parse_args()

    client = await Client.connect(options.address, namespace=options.namespace)
    if options.command == "execute":
        output = await execute(client, options.task_queue, json.loads(options.spec))
    elif options.command == "task-failure":
        output = await task_failure(
            client, options.task_queue, options.workflow_type, options.workflow_id, json.loads(options.args)
        )
    else:
        output = await query(client, options.workflow_id, options.query_type)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # Skip interpreter finalization: the SDK's native runtime threads can still be releasing the
    # GIL then, which aborts the process after the output was written.
    os._exit(0)
