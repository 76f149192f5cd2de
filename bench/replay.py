"""Replay benchmark: how long a worker takes to catch up with a long history it no longer has
cached — one workflow of 1,000 activity steps, evicted (its worker restarted) and replayed.

The workflow is `BenchSteps` with {"before": 1000, "park_ms": 3600000} (bench/guests/README.md):
1,000 `echo` activities one after the other, then a wait for signal `release` (one-hour
timeout). Rows, interleaved (the order rotates every repetition): this worker with the bench
guest in C, Rust and Go, and Temporal's Rust SDK running the same workflow natively.

For each repetition and row, on a fresh in-memory dev server: a first worker runs the workflow
through its 1,000 activities (served by the Rust SDK activity worker) until it parks (6,005
history events), and is stopped; a second, fresh worker starts and polls; then the workflow is
signalled. The second worker has nothing cached, so it fetches the whole history, replays all
1,000 steps, applies the signal and completes the workflow. Reported, as medians:
  - catch-up s: from the signal to the workflow's result (the history fetch, the replay and
    the completion's round trip);
  - the second worker's CPU over the same time.

    . scripts/env.sh
    python bench/replay.py              # full: release builds, 1,000 steps, 3 repetitions
    python bench/replay.py --smoke      # CI: debug builds, 20 steps, 1 repetition, no claims
"""

import argparse
import asyncio
import time
import uuid

import benchlib
import durable_lib
from benchlib import fmt, log, median
from durable_lib import LABELS

ROWS = ("wasm-c", "wasm-rust", "wasm-go", "rust-sdk")
CACHE = 1000


async def replay(row, binaries, server, client, steps, workdir):
    task_queue = f"replay-{row}-{uuid.uuid4().hex[:8]}"
    workflow_id = f"{task_queue}-1"
    command = durable_lib.worker_command(row, binaries, server.address, task_queue, workdir, CACHE)
    first = durable_lib.start_worker(command, workdir / f"{task_queue}-first.log")
    try:
        started = time.monotonic()
        [handle] = await durable_lib.start_workflows(
            client, task_queue, [workflow_id], {"before": steps, "park_ms": 3_600_000}
        )
        # Started + the first task (4), six events per activity step, then TimerStarted.
        await durable_lib.wait_history_length(client, [workflow_id], 4 + 6 * steps + 1,
                                              max(120, steps * 0.5))
        log(f"bench: {row}: {steps} steps run in {time.monotonic() - started:.1f} s")
    finally:
        benchlib.stop(first)
    second_log = workdir / f"{task_queue}-second.log"
    second = durable_lib.start_worker(command, second_log)
    try:
        durable_lib.wait_quiet(second.pid, quiet_s=0.5)
        cpu0 = benchlib.cpu_seconds(second.pid)
        t0 = time.monotonic()
        await handle.signal("release")
        result = await handle.result()
        catch_up_s = time.monotonic() - t0
        cpu_s = benchlib.cpu_seconds(second.pid) - cpu0
    finally:
        benchlib.stop(second)
    if result != {"done": steps + 1}:
        raise RuntimeError(f"{row}: workflow returned {result!r}; second worker: {second_log}")
    history = [event async for event in handle.fetch_history_events()]
    timeouts = [e for e in history if e.HasField("workflow_task_timed_out_event_attributes")]
    measurement = {
        "row": row,
        "catch_up_s": catch_up_s,
        "cpu_ms": cpu_s * 1000,
        "task_timeouts": len(timeouts),
    }
    log(f"bench: {row}: caught up in {catch_up_s:.3f} s, {cpu_s * 1000:.0f} CPU ms "
        f"({len(timeouts)} workflow task timeouts on the way)")
    return measurement


def report(results, rows, steps, reps, release):
    mode = "release builds" if release else "SMOKE RUN (debug builds, tiny history): not a measurement"
    med = {}
    for row in rows:
        runs = [m for m in results if m["row"] == row]
        if runs:
            med[row] = {key: median([m[key] for m in runs])
                        for key in ("catch_up_s", "cpu_ms", "task_timeouts")}
    print(f"Replay of one evicted workflow of {steps} activity steps, medians of {reps} "
          f"interleaved repetitions ({mode}).\n")
    print(benchlib.markdown_table(
        ["worker", "catch-up s", "worker CPU ms", "workflow task timeouts"],
        [[LABELS[row], fmt(m["catch_up_s"], 3), fmt(m["cpu_ms"], 0), fmt(m["task_timeouts"], 0)]
         for row, m in med.items()],
    ))
    if "rust-sdk" in med:
        print()
        sdk = med["rust-sdk"]
        for row, m in med.items():
            if row.startswith("wasm"):
                print(f"- {row} / Rust SDK catch-up time: "
                      f"{fmt(m['catch_up_s'] / sdk['catch_up_s'], 2)}x (target <= 1.5x); CPU "
                      f"{fmt(m['cpu_ms'] / sdk['cpu_ms'] if sdk['cpu_ms'] else None, 2)}x")
    print("\nPer repetition (in the order run):\n")
    print(benchlib.markdown_table(
        ["rep", "worker", "catch-up s", "worker CPU ms"],
        [[m["rep"], m["row"], fmt(m["catch_up_s"], 3), fmt(m["cpu_ms"], 0)] for m in results],
    ))


async def main_async(options):
    release = not options.smoke
    steps = options.steps or (20 if options.smoke else 1000)
    reps = options.reps or (1 if options.smoke else 3)
    rows = tuple(options.rows.split(",")) if options.rows else ROWS
    binaries = durable_lib.Binaries(release, rows)

    async def measure(row, server, client, workdir):
        return await replay(row, binaries, server, client, steps, workdir)

    results = await durable_lib.interleaved("tww-replay-", options, rows, binaries, measure, reps)
    report(results, rows, steps, reps, release)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="debug builds, 20 steps, 1 repetition")
    parser.add_argument("--steps", type=int, help="activity steps (default 1000; smoke 20)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--rows", help="comma-separated subset of: " + ",".join(ROWS))
    parser.add_argument("--address", help="use this server instead of starting dev servers")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
