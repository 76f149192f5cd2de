"""End-to-end benchmark: how fast three workers drain N pre-started `Greet` workflows from a
real Temporal dev server, and what each worker process spends doing it.

Rows, measured in the same run and interleaved (the order rotates every repetition):
  - wasm: this worker (`temporal-wasm-worker run`) with the Rust example greet bundle;
  - floor: benches/floor_worker, the same core-SDK loop (and the product's default sticky cache)
    answering without WASM; with --rows floor-nocache, the same floor with no sticky cache;
  - python: the official Python SDK worker (bench/py_worker.py), default sandboxed runner;
  - with --backtrace-row, wasm-bt: the WASM worker with RUST_BACKTRACE=1. Every worker otherwise
    runs without RUST_BACKTRACE/RUST_LIB_BACKTRACE, whatever the caller's environment: with
    either set, each run's end captures a native backtrace (a measurable cost).

For each repetition and row, on a fresh in-memory dev server (so every drain starts from the
same empty state; `--address` shares one existing server instead): start N workflows
(`Greet("Temporal")`) on a fresh task queue with the Python client, then start the worker and
sample, every 0.2 s, how many have completed, the worker's and the server's CPU seconds
(/proc/<pid>/stat) and the whole machine's busy CPU seconds (/proc/stat). How "completed" is
counted is the mode (`--mode`, both by default, each a row of its own):
  - count: the server's visibility count of completed workflows, polled by one client;
  - await: as real callers do, the client awaits every workflow's result, 100 result
    long-polls in flight at once, and counts the results it got.
Reported, as medians over the repetitions:
  - drain wf/s and worker CPU ms/wf over the steady window from 10 % to 90 % of N completed
    (start-up and the tail excluded; with too few samples, over the whole drain);
  - worker CPU ms/wf over the whole life of the process (start-up included);
  - peak RSS of the worker process (VmHWM);
  - in the same window, the dev server's CPU ms/wf and the cores the machine kept busy: when
    the worker's share is small and the server's large, the server sets the pace.

    . scripts/env.sh
    python bench/e2e.py                 # full: release builds, N=1000, 3 repetitions
    python bench/e2e.py --smoke         # CI: debug builds, N=10, 1 repetition, no timing claims
    python bench/e2e.py --mode await    # only the callers-await-results drains
    python bench/e2e.py --rows wasm,floor   # without the Python SDK row
"""

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import benchlib
from benchlib import REPO, fmt, log, median
from temporalio.client import Client

ROWS = ("wasm", "floor", "python")
# Rows run only when --rows names them.
EXTRA_ROWS = ("floor-nocache",)
ROW_LABELS = {
    "wasm": "temporal-wasm-worker (Rust greet bundle)",
    "wasm-bt": "temporal-wasm-worker with RUST_BACKTRACE=1",
    "floor": "floor: core SDK, no WASM",
    "floor-nocache": "floor without a sticky cache (max_cached_workflows = 0)",
    "python": "Python SDK worker (sandboxed)",
}
WORKFLOW_TYPE = "Greet"
INPUT = "Temporal"
EXPECTED = "Hello, Temporal!"
SAMPLE_EVERY_S = 0.2
MODES = ("count", "await")
# Result long-polls a caller keeps in flight in the await mode.
AWAITING_AT_ONCE = 100


def build(release):
    """Paths of the worker and floor binaries, built for the requested profile."""
    return benchlib.worker_binary(release), benchlib.floor_binary(release)


def worker_command(row, binaries, address, task_queue, workdir):
    """The command line and extra environment of `row`'s worker."""
    worker, floor = binaries
    if row in ("wasm", "wasm-bt"):
        config = workdir / f"{task_queue}.toml"
        config.write_text(
            f'[temporal]\naddress = "{address}"\nnamespace = "default"\n'
            f'task_queue = "{task_queue}"\n\n'
            f'[workflows.{WORKFLOW_TYPE}]\nmodule = "{benchlib.greet_bundle()}"\n'
        )
        env = {"RUST_BACKTRACE": "1"} if row == "wasm-bt" else {}
        return [worker, "run", "--config", config], env
    if row in ("floor", "floor-nocache"):
        cache = ["--max-cached-workflows", "0"] if row == "floor-nocache" else []
        return [floor, "--address", address, "--task-queue", task_queue, *cache], {}
    script = REPO / "bench/py_worker.py"
    return [sys.executable, script, "--address", address, "--task-queue", task_queue], {}


async def prestart(client, task_queue, count):
    limit = asyncio.Semaphore(64)

    async def start(index):
        async with limit:
            return await client.start_workflow(
                WORKFLOW_TYPE, INPUT, id=f"{task_queue}-{index}", task_queue=task_queue
            )

    return await asyncio.gather(*(start(index) for index in range(count)))


async def completed(client, task_queue):
    query = f'TaskQueue = "{task_queue}" AND ExecutionStatus = "Completed"'
    return (await client.count_workflows(query)).count


class AwaitedResults:
    """The await mode's caller: awaits every workflow's result, AWAITING_AT_ONCE at a time."""

    def __init__(self, handles):
        self.done = 0
        self.results = []
        limit = asyncio.Semaphore(AWAITING_AT_ONCE)

        async def await_one(handle):
            async with limit:
                result = await handle.result()
            self.results.append(result)
            self.done += 1

        self.task = asyncio.gather(*(await_one(handle) for handle in handles))


async def drain(row, mode, binaries, server, client, count, workdir):
    """One measurement: pre-start `count` workflows, start the worker, time the drain."""
    task_queue = f"bench-{row}-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    handles = await prestart(client, task_queue, count)
    log(f"bench: {row}: {count} workflows started in {time.monotonic() - started:.1f} s")
    command, env = worker_command(row, binaries, server.address, task_queue, workdir)
    worker_log = workdir / f"{task_queue}.log"
    server_pid = server.process.pid if server.process else None
    awaited = AwaitedResults(handles) if mode == "await" else None
    t0 = time.monotonic()
    process = benchlib.spawn(command, worker_log, env)
    # (seconds since start, completed, worker CPU s, server CPU s, machine busy CPU s)
    samples = []
    try:
        deadline = t0 + max(120, count * 0.5)
        while True:
            if awaited is None:
                done = await completed(client, task_queue)
            else:
                done = awaited.done
            samples.append((
                time.monotonic() - t0,
                done,
                benchlib.cpu_seconds(process.pid),
                benchlib.cpu_seconds(server_pid) if server_pid else None,
                benchlib.machine_busy_seconds(),
            ))
            if done >= count:
                break
            if process.poll() is not None:
                raise RuntimeError(f"{row} worker exited early; its log: {worker_log}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{row}: only {done}/{count} completed; worker log: {worker_log}"
                )
            await asyncio.sleep(SAMPLE_EVERY_S)
        peak_rss_kib = benchlib.memory_kib(process.pid, "VmHWM")
    finally:
        benchlib.stop(process)
    if awaited is not None:
        await awaited.task
    results = awaited.results if awaited is not None else [await handles[-1].result()]
    if any(result != EXPECTED for result in results):
        raise RuntimeError(f"{row}: a workflow did not return {EXPECTED!r}")
    measurement = summarize(f"{row} ({mode})", count, samples, peak_rss_kib)
    measurement["row"], measurement["mode"] = row, mode
    return measurement


def summarize(row, count, samples, peak_rss_kib):
    def first_at_least(target):
        return next(sample for sample in samples if sample[1] >= target)

    low = first_at_least(max(1, math.ceil(count * 0.1)))
    high = first_at_least(math.floor(count * 0.9))
    steady = high[1] - low[1] >= max(10, count // 4) and high[0] > low[0]
    if not steady:  # too few samples in the window (smoke runs): the whole drain
        low, high = (0.0, 0, *samples[0][2:]), samples[-1]
    window_done = high[1] - low[1]
    end = samples[-1]
    server_cpu = (
        (high[3] - low[3]) * 1000 / window_done if high[3] is not None and window_done else None
    )
    measurement = {
        "row": row,
        "drain_wf_s": window_done / (high[0] - low[0]) if high[0] > low[0] else None,
        "cpu_ms_per_wf": (high[2] - low[2]) * 1000 / window_done if window_done else None,
        "cpu_ms_per_wf_total": end[2] * 1000 / count,
        "peak_rss_mib": peak_rss_kib / 1024,
        "server_cpu_ms_per_wf": server_cpu,
        "machine_busy_cores": (high[4] - low[4]) / (high[0] - low[0]) if high[0] > low[0] else None,
        "drain_s": end[0],
        "steady_window": steady,
    }
    log(
        "bench: {row}: {drain_s:.1f} s to drain, {rate} wf/s, {cpu} CPU ms/wf "
        "({total} with start-up), peak RSS {peak_rss_mib:.1f} MiB, machine busy {busy} of "
        "{cores} cores".format(
            rate=fmt(measurement["drain_wf_s"], 1),
            cpu=fmt(measurement["cpu_ms_per_wf"], 3),
            total=fmt(measurement["cpu_ms_per_wf_total"], 3),
            busy=fmt(measurement["machine_busy_cores"], 2),
            cores=os.cpu_count(),
            **measurement,
        )
    )
    return measurement


def report(all_results, rows, modes, count, reps, release):
    for mode in modes:
        print(f"\n## Mode `{mode}`: " + (
            "callers await every result (100 in flight)\n" if mode == "await"
            else "completions counted in visibility\n"))
        report_mode([m for m in all_results if m["mode"] == mode], rows, count, reps, release)


def report_mode(results, rows, count, reps, release):
    by_row = {row: [m for m in results if m["row"] == row] for row in rows}
    med = {
        row: {key: median([m[key] for m in runs]) for key in runs[0] if key != "row"}
        for row, runs in by_row.items()
        if runs
    }
    header = [
        "worker", "drain wf/s", "worker CPU ms/wf", "(min–max)",
        "worker CPU ms/wf incl. start-up", "peak RSS MiB", "dev server CPU ms/wf",
        "machine busy cores",
    ]

    def spread(row, key, digits):
        values = [m[key] for m in by_row[row] if m[key] is not None]
        return f"{fmt(min(values), digits)}–{fmt(max(values), digits)}" if values else "n/a"

    rows = [
        [
            ROW_LABELS[row],
            fmt(med[row]["drain_wf_s"], 1),
            fmt(med[row]["cpu_ms_per_wf"], 3),
            spread(row, "cpu_ms_per_wf", 3),
            fmt(med[row]["cpu_ms_per_wf_total"], 3),
            fmt(med[row]["peak_rss_mib"], 1),
            fmt(med[row]["server_cpu_ms_per_wf"], 2),
            fmt(med[row]["machine_busy_cores"], 2) + f" of {os.cpu_count()}",
        ]
        for row in rows
        if row in med
    ]
    mode = "release builds" if release else "SMOKE RUN (debug builds, tiny N): not a measurement"
    print(f"End-to-end drain of N={count} pre-started `Greet` workflows, medians of {reps} "
          f"interleaved repetitions ({mode}).\n")
    print(benchlib.markdown_table(header, rows))

    def ratio(a, b):
        return a / b if a is not None and b else None

    if "wasm" in med and "floor" in med:
        wasm, floor = med["wasm"], med["floor"]
        cpu_vs_floor = ratio(wasm["cpu_ms_per_wf"], floor["cpu_ms_per_wf"])
        drain_vs_floor = ratio(wasm["drain_wf_s"], floor["drain_wf_s"])
        print()
        print(f"- worker CPU per workflow, wasm / floor: {fmt(cpu_vs_floor, 3)}x (target <= 1.05x)")
        if "python" in med:
            python_vs_wasm = ratio(med["python"]["cpu_ms_per_wf"], wasm["cpu_ms_per_wf"])
            print(
                f"- worker CPU per workflow, Python / wasm: {fmt(python_vs_wasm, 2)}x "
                "(target >= 3x)"
            )
        print(f"- drain throughput, wasm / floor: {fmt(drain_vs_floor, 3)}x (target >= 0.95x)")
        if "wasm-bt" in med:
            with_bt = ratio(med["wasm-bt"]["cpu_ms_per_wf"], floor["cpu_ms_per_wf"])
            print(
                "- worker CPU per workflow, wasm with RUST_BACKTRACE=1 / floor: "
                f"{fmt(with_bt, 3)}x"
            )
    print("\nPer repetition (in the order run):\n")
    print(benchlib.markdown_table(
        ["rep", "worker", "drain wf/s", "worker CPU ms/wf", "peak RSS MiB", "drain s"],
        [
            [m["rep"], m["row"], fmt(m["drain_wf_s"], 1), fmt(m["cpu_ms_per_wf"], 3),
             fmt(m["peak_rss_mib"], 1), fmt(m["drain_s"], 1)]
            for m in results
        ],
    ))


async def main_async(options):
    release = not options.smoke
    count = options.n or (10 if options.smoke else 1000)
    reps = options.reps or (1 if options.smoke else 3)
    binaries = build(release)
    benchlib.greet_bundle()
    rows = tuple(options.rows.split(",")) if options.rows else ROWS
    rows += ("wasm-bt",) if options.backtrace_row else ()
    modes = MODES if options.mode == "both" else (options.mode,)
    runs = [(row, mode) for mode in modes for row in rows]
    results = []
    with tempfile.TemporaryDirectory(prefix="tww-e2e-") as tmp:
        for rep in range(reps):
            order = runs[rep % len(runs):] + runs[: rep % len(runs)]
            for row, mode in order:
                # A fresh dev server for every drain: one that keeps every finished workflow
                # slows down as they pile up, which would favour whichever row ran first.
                workdir = Path(tmp) / f"{rep + 1}-{row}-{mode}"
                workdir.mkdir()
                with benchlib.DevServer(workdir, options.address) as server:
                    client = await Client.connect(server.address)
                    measurement = await drain(
                        row, mode, binaries, server, client, count, workdir
                    )
                measurement["rep"] = rep + 1
                results.append(measurement)
    report(results, rows, modes, count, reps, release)


def rows_option(text):
    """`--rows`: a comma-separated subset of ROWS."""
    known = ROWS + EXTRA_ROWS
    unknown = [row for row in text.split(",") if row not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown rows {unknown}; rows are {','.join(known)}")
    return text


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="debug builds, N=10, 1 repetition")
    parser.add_argument("--n", type=int, help="workflows per drain (default 1000; smoke 10)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--address", help="use this server instead of starting a dev server")
    parser.add_argument(
        "--mode", choices=("both",) + MODES, default="both",
        help="how completions are counted: visibility count, callers awaiting results, or both",
    )
    parser.add_argument(
        "--rows", type=rows_option,
        help="comma-separated rows to run, of " + ",".join(ROWS + EXTRA_ROWS)
        + " (default: " + ",".join(ROWS) + ")",
    )
    parser.add_argument(
        "--backtrace-row", action="store_true",
        help="add a row: the WASM worker with RUST_BACKTRACE=1 (workers otherwise run without it)",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
