"""Hostile durable workflows beside healthy ones, optionally under a flood of signals or queries,
for tests/durable_hostile.rs. Built on the official Python SDK and on workload.py's helpers.

Prints one JSON document on stdout, like the other support scripts.

    durable_hostile.py --address HOST:PORT --task-queue Q alongside HOSTILE_JSON HEALTHY_JSON [FLOOD_JSON]
        As `workload.py alongside` (HOSTILE_JSON and HEALTHY_JSON are lists of {"id", "type",
        "args"}): starts every hostile workflow, then every healthy one, waits for the healthy
        results, then for each hostile workflow's first task failure or close (terminating it if
        still open). With FLOOD_JSON = {"kind": "signal" | "query", "name", "count",
        "concurrency", "then_signal"?}, a flood of `count` signals (argument: their number) or
        queries named `name` is sent to the first hostile workflow, `concurrency` at a time,
        starting before the healthy workflows do; once it is over, the signal `then_signal` (if
        given) is sent. Prints {"healthy": [outcome], "hostile": [hostile outcome],
        "hostile_open_when_healthy_done": [bool], "flood": {"sent", "failed": [messages],
        "answers": {answer: count}, "seconds", "running_when_healthy_done"} or null}; outcomes as
        in workload.py.
"""

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter

from temporalio.client import WorkflowExecutionStatus

from workload import connect, outcome, start, watch_hostile


async def flood(client, workflow_id, spec):
    """Sends the flood and returns what came of it."""
    handle = client.get_workflow_handle(workflow_id)
    limit = asyncio.Semaphore(spec.get("concurrency", 16))
    answers, failed = Counter(), []

    async def one(number):
        async with limit:
            try:
                if spec["kind"] == "signal":
                    await handle.signal(spec["name"], number)
                else:
                    answers[json.dumps(await handle.query(spec["name"]))] += 1
            except Exception as err:  # reported, not raised: the test asserts on them
                failed.append(f"{type(err).__name__}: {err}")

    started = time.monotonic()
    await asyncio.gather(*(one(number) for number in range(spec["count"])))
    if spec.get("then_signal"):
        await handle.signal(spec["then_signal"])
    return {
        "sent": spec["count"],
        "failed": failed[:20],
        "failed_count": len(failed),
        "answers": dict(answers),
        "seconds": round(time.monotonic() - started, 3),
    }


async def alongside(client, task_queue, hostile_specs, healthy_specs, flood_spec):
    hostile = [await start(client, task_queue, spec) for spec in hostile_specs]
    flooding = None
    if flood_spec:
        flooding = asyncio.create_task(flood(client, hostile[0].id, flood_spec))
    healthy = await asyncio.gather(*(start(client, task_queue, spec) for spec in healthy_specs))
    healthy_outcomes = await asyncio.wait_for(
        asyncio.gather(*(outcome(handle) for handle in healthy)), timeout=60
    )
    running_when_healthy_done = flooding is not None and not flooding.done()
    open_meanwhile = [
        (await handle.describe()).status == WorkflowExecutionStatus.RUNNING for handle in hostile
    ]
    flood_result = None
    if flooding is not None:
        flood_result = await flooding
        flood_result["running_when_healthy_done"] = running_when_healthy_done
    hostile_outcomes = await asyncio.gather(*(watch_hostile(handle) for handle in hostile))
    return {
        "healthy": healthy_outcomes,
        "hostile": hostile_outcomes,
        "hostile_open_when_healthy_done": open_meanwhile,
        "flood": flood_result,
    }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("alongside")
    p.add_argument("hostile")
    p.add_argument("healthy")
    p.add_argument("flood", nargs="?")
    options = parser.parse_args()

    client = await connect(options.address, options.namespace)
    output = await alongside(
        client,
        options.task_queue,
        json.loads(options.hostile),
        json.loads(options.healthy),
        json.loads(options.flood) if options.flood else None,
    )
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # As in client.py: skip interpreter finalization, which can abort in the SDK's native threads.
    os._exit(0)
