"""The Python SDK row of the end-to-end benchmark: the official `temporalio` worker with its
defaults (sandboxed workflow runner, sticky cache) running `Greet`, the same workflow type, input
and result as the WASM and floor workers.

    py_worker.py --address HOST:PORT --task-queue Q

Logs `polling for workflow tasks` once the worker runs and stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import os
import signal
import sys

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker


@workflow.defn(name="Greet")
class Greet:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}!"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    options = parser.parse_args()

    client = await Client.connect(options.address, namespace=options.namespace)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with Worker(client, task_queue=options.task_queue, workflows=[Greet]):
        print("polling for workflow tasks", file=sys.stderr, flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
    # As tests/support/client.py: skip interpreter finalization, during which the SDK's native
    # threads can abort the process after a clean shutdown.
    os._exit(0)
