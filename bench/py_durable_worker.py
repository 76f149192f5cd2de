"""The Python SDK rows of the durable benchmarks: the official `temporalio` worker with its
default sandboxed workflow runner, running `BenchSteps` step for step and command for command as
the bench guests (bench/guests/README.md) and the Rust SDK worker do.

    py_durable_worker.py --address HOST:PORT --task-queue Q [--max-cached-workflows N]

Logs `polling for workflow tasks` once the worker runs and stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@dataclass
class StepsInput:
    before: int = 0
    timers: int = 0
    timer_ms: int = 0
    after: int = 0
    park_ms: int = 0
    activity_queue: str = "bench-activities"


@workflow.defn(name="BenchSteps")
class BenchSteps:
    def __init__(self) -> None:
        self.released = False

    @workflow.run
    async def run(self, steps: StepsInput) -> dict:
        options = dict(
            task_queue=steps.activity_queue, start_to_close_timeout=timedelta(seconds=10)
        )
        done = 0
        for step in range(steps.before):
            await workflow.execute_activity("echo", step, **options)
            done += 1
        for _ in range(steps.timers):
            await workflow.sleep(timedelta(milliseconds=max(steps.timer_ms, 1)))
            done += 1
        for step in range(steps.after):
            await workflow.execute_activity("echo", steps.before + step, **options)
            done += 1
        if steps.park_ms > 0:
            try:
                await workflow.wait_condition(
                    lambda: self.released, timeout=timedelta(milliseconds=steps.park_ms)
                )
                done += 1
            except asyncio.TimeoutError:
                pass
        return {"done": done}

    @workflow.signal(name="release")
    def release(self) -> None:
        self.released = True


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--max-cached-workflows", type=int, default=1000)
    options = parser.parse_args()

    client = await Client.connect(options.address, namespace=options.namespace)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with Worker(
        client,
        task_queue=options.task_queue,
        workflows=[BenchSteps],
        max_cached_workflows=options.max_cached_workflows,
    ):
        print("polling for workflow tasks", file=sys.stderr, flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    # As bench/py_worker.py: skip interpreter finalization, during which the SDK's native
    # threads can abort the process after a clean shutdown.
    os._exit(0)
