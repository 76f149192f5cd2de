"""End-to-end benchmark of a multi-step durable workflow: how much CPU each workflow worker
spends, and how fast it drains, when N pre-started workflows each run an activity, a 100 ms
timer and two more activities (`BenchSteps` with {"before": 1, "timers": 1, "timer_ms": 100,
"after": 2}, bench/guests/README.md) on a real Temporal dev server.

Rows, measured in the same run and interleaved (the order rotates every repetition):
  - wasm-c, wasm-rust, wasm-go: this worker (`temporal-wasm-worker run`, sticky cache of 1000)
    with the bench guest in C, Rust and Go;
  - wasm-c-nocache, wasm-rust-nocache, wasm-go-nocache: the same with max_cached_workflows = 0,
    so every workflow task replays its run from the start (and core runs one run at a time);
  - rust-sdk: Temporal's Rust SDK running the same workflow natively (bench/rust_sdk_worker/);
  - python: the Python SDK, default sandboxed runner (bench/py_durable_worker.py).
Activities run, for every row, on one external activity worker (the Rust SDK's, on task queue
`bench-activities`), started with each dev server; its CPU is not counted.

For each repetition and row, on a fresh in-memory dev server: start the activity worker and the
row's workflow worker, wait until it polls, stop it (SIGSTOP), pre-start N workflows, then let it
go (SIGCONT) and sample every 0.2 s how many have completed, until all have. Workflows move
through their steps in lock-step, so their results arrive in a burst: CPU and rate are counted
from the release to the last result, not over a 10-90 % window. Reported, as medians:
  - workflow-worker CPU ms per workflow (utime + stime of the worker process);
  - drain wf/s (N over the time from release to the last result);
  - peak RSS of the workflow worker (VmHWM).

    . scripts/env.sh
    python bench/durable_e2e.py              # full: release builds, N=500, 3 repetitions
    python bench/durable_e2e.py --smoke      # CI: debug builds, N=5, 1 repetition, no claims
"""

import argparse
import asyncio
import time
import uuid

import benchlib
import durable_lib
from benchlib import fmt, log, median
from durable_lib import LABELS

ROWS = ("wasm-c", "wasm-rust", "wasm-go", "wasm-c-nocache", "wasm-rust-nocache",
        "wasm-go-nocache", "rust-sdk", "python")
INPUT = {"before": 1, "timers": 1, "timer_ms": 100, "after": 2}
EXPECTED = {"done": 4}
SAMPLE_EVERY_S = 0.2
CACHE = 1000


async def drain(row, binaries, server, client, count, workdir):
    """One measurement: pre-start `count` workflows while the worker is stopped, release it,
    count its CPU until the last result."""
    task_queue = f"bench-{row}-{uuid.uuid4().hex[:8]}"
    command = durable_lib.worker_command(
        row, binaries, server.address, task_queue, workdir, CACHE
    )
    worker_log = workdir / f"{task_queue}.log"
    process = durable_lib.start_worker(command, worker_log)
    try:
        durable_lib.pause(process)
        started = time.monotonic()
        ids = [f"{task_queue}-{index}" for index in range(count)]
        handles = await durable_lib.start_workflows(client, task_queue, ids, INPUT)
        log(f"bench: {row}: {count} workflows started in {time.monotonic() - started:.1f} s")
        cpu0 = benchlib.cpu_seconds(process.pid)
        t0 = time.monotonic()
        durable_lib.resume(process)
        deadline = t0 + max(180, count * 1.0)
        while True:
            done = await durable_lib.completed_count(client, task_queue)
            if done >= count:
                break
            if process.poll() is not None:
                raise RuntimeError(f"{row} worker exited early; its log: {worker_log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{row}: only {done}/{count} completed; log: {worker_log}")
            await asyncio.sleep(SAMPLE_EVERY_S)
        elapsed = time.monotonic() - t0
        cpu = benchlib.cpu_seconds(process.pid) - cpu0
        peak_rss_kib = benchlib.memory_kib(process.pid, "VmHWM")
    finally:
        durable_lib.resume(process)
        benchlib.stop(process)
    result = await handles[-1].result()
    if result != EXPECTED:
        raise RuntimeError(f"{row}: workflow returned {result!r}, expected {EXPECTED!r}")
    measurement = {
        "row": row,
        "cpu_ms_per_wf": cpu * 1000 / count,
        "drain_wf_s": count / elapsed,
        "peak_rss_mib": peak_rss_kib / 1024,
        "drain_s": elapsed,
    }
    log(
        f"bench: {row}: {elapsed:.1f} s to drain, {measurement['drain_wf_s']:.1f} wf/s, "
        f"{measurement['cpu_ms_per_wf']:.3f} CPU ms/wf, peak RSS "
        f"{measurement['peak_rss_mib']:.1f} MiB"
    )
    return measurement


def report(results, rows, count, reps, release):
    by_row = {row: [m for m in results if m["row"] == row] for row in rows}
    med = {
        row: {key: median([m[key] for m in runs]) for key in ("cpu_ms_per_wf", "drain_wf_s",
                                                             "peak_rss_mib")}
        for row, runs in by_row.items() if runs
    }

    def spread(row):
        values = [m["cpu_ms_per_wf"] for m in by_row[row]]
        return f"{min(values):.3f}–{max(values):.3f}"

    mode = "release builds" if release else "SMOKE RUN (debug builds, tiny N): not a measurement"
    print(f"Multi-step durable workflows (activity, 100 ms timer, activity, activity): drain of "
          f"N={count} pre-started, medians of {reps} interleaved repetitions ({mode}).\n")
    print(benchlib.markdown_table(
        ["workflow worker", "CPU ms/wf", "(min–max)", "drain wf/s", "peak RSS MiB"],
        [[LABELS[row], fmt(med[row]["cpu_ms_per_wf"], 3), spread(row),
          fmt(med[row]["drain_wf_s"], 1), fmt(med[row]["peak_rss_mib"], 1)]
         for row in rows if row in med],
    ))

    def ratio(a, b):
        return None if a is None or not b else a / b

    if "rust-sdk" in med or "python" in med:
        print()
        for language in durable_lib.LANGUAGES:
            row = f"wasm-{language}"
            if row not in med:
                continue
            cpu = med[row]["cpu_ms_per_wf"]
            if "rust-sdk" in med:
                print(f"- {row} / Rust SDK CPU per workflow: "
                      f"{fmt(ratio(cpu, med['rust-sdk']['cpu_ms_per_wf']), 2)}x (target <= 1.10x)")
            if "python" in med:
                print(f"- Python SDK / {row} CPU per workflow: "
                      f"{fmt(ratio(med['python']['cpu_ms_per_wf'], cpu), 2)}x (target >= 3x)")
    print("\nPer repetition (in the order run):\n")
    print(benchlib.markdown_table(
        ["rep", "worker", "CPU ms/wf", "drain wf/s", "peak RSS MiB", "drain s"],
        [[m["rep"], m["row"], fmt(m["cpu_ms_per_wf"], 3), fmt(m["drain_wf_s"], 1),
          fmt(m["peak_rss_mib"], 1), fmt(m["drain_s"], 1)] for m in results],
    ))


async def main_async(options):
    release = not options.smoke
    count = options.n or (5 if options.smoke else 500)
    reps = options.reps or (1 if options.smoke else 3)
    rows = tuple(options.rows.split(",")) if options.rows else ROWS
    binaries = durable_lib.Binaries(release, rows)

    async def measure(row, server, client, workdir):
        return await drain(row, binaries, server, client, count, workdir)

    results = await durable_lib.interleaved(
        "tww-durable-e2e-", options, rows, binaries, measure, reps
    )
    report(results, rows, count, reps, release)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="debug builds, N=5, 1 repetition")
    parser.add_argument("--n", type=int, help="workflows per drain (default 500; smoke 5)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--rows", help="comma-separated subset of: " + ",".join(ROWS))
    parser.add_argument("--address", help="use this server instead of starting dev servers")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
