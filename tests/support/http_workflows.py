"""A workflow worker for the HTTP activity tests, built on the official Python SDK.

HTTP activities are ordinary Temporal activities of type `temporal-wasm-worker.http` that the
wasm worker runs itself on its own task queue. This worker shows that a workflow written with
another SDK can call them like any activity, by name, with the request JSON as the argument.

    http_workflows.py --address HOST:PORT --task-queue Q [--namespace NS]
        Runs the workflow below (no activities) on Q until SIGTERM or SIGINT. Prints the single
        line `ready` on stdout once the worker is polling.

Workflows (arguments and results are JSON values):
    CallActivity(spec)   spec = {"activity_type", "task_queue", "args": [values],
                         "start_to_close_ms"?: 10000, "maximum_attempts"?: 3,
                         "initial_interval_ms"?: 100}; executes the activity by name on that task
                         queue and returns its result. A failed activity fails the workflow with
                         the ActivityError, so the client sees the whole failure chain.
"""

import argparse
import asyncio
import os
import signal
import sys
import time
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.worker import Worker


@workflow.defn(name="CallActivity")
class CallActivity:
    @workflow.run
    async def run(self, spec):
        return await workflow.execute_activity(
            spec["activity_type"],
            args=spec.get("args", []),
            task_queue=spec["task_queue"],
            start_to_close_timeout=timedelta(milliseconds=spec.get("start_to_close_ms", 10_000)),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=spec.get("initial_interval_ms", 100)),
                backoff_coefficient=1.0,
                maximum_attempts=spec.get("maximum_attempts", 3),
            ),
        )


async def connect(address, namespace):
    """Connects, retrying for up to a minute so the worker can start while a server does."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return await Client.connect(address, namespace=namespace)
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    options = parser.parse_args()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    client = await connect(options.address, options.namespace)
    worker = Worker(client, task_queue=options.task_queue, workflows=[CallActivity])
    running = asyncio.create_task(worker.run())
    while not worker.is_running and not running.done():
        await asyncio.sleep(0.05)
    if running.done():
        await running
        raise SystemExit("the worker stopped before it was polling")
    print("ready", flush=True)

    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([running, stopped], return_when=asyncio.FIRST_COMPLETED)
    if not running.done():
        await worker.shutdown()
    await running


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # As in client.py: skip interpreter finalization, which can abort in the SDK's native threads.
    os._exit(0)
