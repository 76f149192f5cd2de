"""An activity worker for the end-to-end tests, built on the official Python SDK.

Wasm workflows never run activities themselves: they schedule them on a task queue that some
other worker serves. This is that worker for the tests, so durable workflows see real activity
results, application failures, retries, timeouts and cancellations, all recorded by Temporal.

    activities.py --address HOST:PORT --task-queue Q [--namespace NS]
        Runs the activities below (no workflows) on Q until SIGTERM or SIGINT, then shuts down
        gracefully: polling stops, activities still running get a short grace period, then are
        cancelled. Prints the single line `ready` on stdout once the worker is polling.

Activities (arguments and results are JSON values):
    echo(*args)                returns args[0] for one argument, the list of args for several,
                               null for none.
    fail_typed(spec)           spec = {"type", "message", "details": [values], "non_retryable"};
                               raises ApplicationError(message, *details, type=, non_retryable=).
    flaky(spec)                spec = {"succeed_on_attempt": n, "value": v}; raises a retryable
                               ApplicationError of type "Flaky" while the attempt is below n,
                               then returns {"value": v, "attempt": attempt}.
    slow(spec)                 spec = {"seconds": s, "heartbeat_ms"?: 200}; sleeps s seconds,
                               heartbeating every heartbeat_ms, and returns "finished". A
                               cancellation, noticed through a heartbeat, is re-raised so
                               Temporal records the activity as cancelled.
    sleep_past_timeout(s)      sleeps s seconds without heartbeating, then returns "late": for a
                               start_to_close timeout shorter than s.
    charge(order)              the README's example activity: order = {"order_id"}; returns
                               {"order_id", "status": "charged"}.
    count_calls(key)           counts its calls per key in this process and returns the count,
                               for exactly-once checks across retries and replays.
    record_call(spec)          spec = {"dir", "key", "seconds"?: s}: appends the attempt number
                               to the file dir/key, then (if asked) runs s seconds, heartbeating,
                               and returns how many lines the file has. Counts calls across
                               restarts (and kill -9) of this worker, for at-least-once checks.

The order fulfilment examples' inventory (run on task queue `inventory`):
    reserve_stock(order)       order = {"order_id", "items"}; returns {"reservation_id": "R-<id>"}.
    release_stock(r)           r = {"reservation_id"}; returns {"released": reservation_id}.
    refund(c)                  c = {"charge_id"}; returns {"refunded": charge_id}.
    ship(s)                    s = {"order_id", "reservation_id"}; returns {"tracking": "T-<id>"}.

Heartbeats are throttled to at most one per 200 ms whatever the activity's heartbeat timeout
(the SDK's default is 30 s without one), so a cancellation reaches `slow` within a step or two.
"""

import argparse
import asyncio
import os
import signal
import sys
import time
from collections import Counter
from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

# How long activities still running at shutdown may go on before they are cancelled.
GRACEFUL_SHUTDOWN = timedelta(seconds=2)
# Heartbeats reach the server at most this often; short, so cancellations arrive quickly.
HEARTBEAT_THROTTLE = timedelta(milliseconds=200)
# More than any test runs at once, so no activity ever waits for a slot.
MAX_CONCURRENT_ACTIVITIES = 200

# Calls of count_calls per key, since this process started.
CALLS = Counter()


@activity.defn
async def echo(*args):
    """Returns its input, so a workflow can check what it sent and what it got back."""
    if not args:
        return None
    return args[0] if len(args) == 1 else list(args)


@activity.defn
async def fail_typed(spec):
    """Fails with the application error `spec` describes, to check how failures reach guests."""
    raise ApplicationError(
        spec.get("message", ""),
        *spec.get("details", []),
        type=spec.get("type"),
        non_retryable=spec.get("non_retryable", False),
    )


@activity.defn
async def flaky(spec):
    """Fails retryably until attempt `succeed_on_attempt`, to check the retry policy is applied."""
    attempt = activity.info().attempt
    if attempt < spec["succeed_on_attempt"]:
        raise ApplicationError(
            f"attempt {attempt} fails; attempt {spec['succeed_on_attempt']} will succeed",
            type="Flaky",
        )
    return {"value": spec.get("value"), "attempt": attempt}


@activity.defn
async def slow(spec):
    """Runs for a while, heartbeating, so a workflow can cancel it mid-way."""
    step = spec.get("heartbeat_ms", 200) / 1000
    deadline = time.monotonic() + spec["seconds"]
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            # A heartbeat is how a cancellation request reaches the activity: the SDK then
            # cancels this task, and the sleep below raises CancelledError.
            activity.heartbeat({"remaining_s": round(remaining, 3)})
            await asyncio.sleep(min(step, remaining))
    except asyncio.CancelledError:
        activity.logger.info("slow was cancelled")
        # Re-raised, so Temporal records the activity as cancelled rather than completed.
        raise
    return "finished"


@activity.defn
async def sleep_past_timeout(seconds):
    """Outlives a short start_to_close timeout without heartbeating, so the server times it out."""
    await asyncio.sleep(seconds)
    return "late"


@activity.defn
async def charge(order):
    """The README's example activity: "charges" an order and says so."""
    return {"order_id": order["order_id"], "status": "charged"}


@activity.defn
async def count_calls(key):
    """Counts how often it ran for `key`, so a test can tell retries and duplicates apart."""
    CALLS[key] += 1
    return CALLS[key]


@activity.defn
async def record_call(spec):
    """Records this attempt in a file, so calls are counted even across kills of this worker."""
    path = os.path.join(spec["dir"], spec["key"])
    with open(path, "a") as calls:
        calls.write(f"{activity.info().attempt}\n")
    deadline = time.monotonic() + spec.get("seconds", 0)
    while (remaining := deadline - time.monotonic()) > 0:
        activity.heartbeat()
        await asyncio.sleep(min(0.2, remaining))
    with open(path) as calls:
        return sum(1 for _ in calls)


@activity.defn
async def reserve_stock(order):
    """Reserves an order's items (the order fulfilment examples' first step)."""
    return {"reservation_id": f"R-{order['order_id']}"}


@activity.defn
async def release_stock(reservation):
    """Gives a reservation back: the compensation of reserve_stock."""
    return {"released": reservation["reservation_id"]}


@activity.defn
async def refund(charge):
    """Refunds a charge: the compensation of the payment."""
    return {"refunded": charge["charge_id"]}


@activity.defn
async def ship(shipment):
    """Ships a reserved order and returns its tracking number."""
    return {"tracking": f"T-{shipment['order_id']}"}


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

    # Either signal asks for the same graceful shutdown, once.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    client = await connect(options.address, options.namespace)
    worker = Worker(
        client,
        task_queue=options.task_queue,
        activities=[
            echo,
            fail_typed,
            flaky,
            slow,
            sleep_past_timeout,
            charge,
            count_calls,
            record_call,
            reserve_stock,
            release_stock,
            refund,
            ship,
        ],
        max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        default_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
        max_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
    )
    running = asyncio.create_task(worker.run())
    # The worker counts as running once it has validated the namespace and started its pollers.
    while not worker.is_running and not running.done():
        await asyncio.sleep(0.05)
    if running.done():
        # The worker failed to start: raise its error, if it has one.
        await running
        raise SystemExit("the worker stopped before it was polling")
    print("ready", flush=True)

    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([running, stopped], return_when=asyncio.FIRST_COMPLETED)
    if not running.done():
        await worker.shutdown()
    # Raises if the worker failed rather than being stopped.
    await running


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    # As in client.py: skip interpreter finalization, which can abort in the SDK's native threads.
    os._exit(0)
