"""Parked-workflow benchmark: how much memory a worker needs per workflow it holds while the
workflow waits, with 1,000 and 10,000 of them, and how fast it drains them when they are all
released at once.

Every row holds `BenchSteps` with {"park_ms": 3600000} (bench/guests/README.md): the workflow
starts a one-hour timer and waits for signal `release` or the timer, whichever comes first.
Rows, interleaved within each N (the order rotates with N and repetition):
  - wasm-c, wasm-rust, wasm-go: this worker with the bench guest in C, Rust and Go;
  - wasm-js: the same with the JavaScript guest (QuickJS), when `bash bench/guests/build.sh js`
    has built it (skipped otherwise);
  - rust-sdk: Temporal's Rust SDK, native (bench/rust_sdk_worker/);
  - python: the Python SDK, default sandboxed runner (bench/py_durable_worker.py).
Each worker gets a sticky cache of N + 100 runs, so every parked workflow stays cached.

For each N, repetition and row, on a fresh in-memory dev server: start the worker, park two
warm-up workflows and wait until the worker is idle, read its RSS; start N workflows, wait until
each has recorded its timer (history length) and the worker is idle again, read its RSS and
/proc/<pid>/smaps. Then signal all N and time the drain until all have completed.
Reported, as medians:
  - RSS per parked workflow: (RSS with N parked - RSS after warm-up) / N, in KiB, and PSS the
    same way (shared pages divided among their sharers);
  - for this worker's rows, where the RSS went per parked workflow: the pool's linear-memory
    slots, its fiber stacks, the rest (malloc heap: core's run state, stores, instances, the
    host's run state; the table pool), and the mappings each parked instance added
    (Linux caps a process at vm.max_map_count);
  - address space reserved per pool slot (VmSize / slots: each slot reserves a linear memory
    with its guard, a fiber stack and a table up front);
  - page tables per parked workflow (VmPTE, not part of RSS): each pool slot is 4 GiB apart,
    so each parked instance needs page-table pages of its own;
  - the drain: seconds from the first signal to the last completion, wf/s, worker CPU ms/wf.

    . scripts/env.sh
    python bench/parked.py              # full: release builds, N = 1000 and 10000, 3 reps
    python bench/parked.py --smoke      # CI: debug builds, N = 20, 1 repetition, no claims
"""

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import benchlib
import durable_lib
from benchlib import fmt, log, median
from durable_lib import LABELS
from temporalio.client import Client

ROWS = ("wasm-c", "wasm-rust", "wasm-go", "wasm-js", "rust-sdk", "python")
INPUT = {"park_ms": 3_600_000}
# Started, task scheduled/started/completed, TimerStarted: recorded once a workflow is parked.
PARKED_HISTORY_LENGTH = 5
EXPECTED = {"done": 1}
WARM_UP = 2
# Most Go workflows a row parks: each holds ~2.7 MiB of touched linear memory (Go's runtime).
GO_MAX_PARKED = 1000


async def park_and_release(row, binaries, server, client, count, workdir):
    task_queue = f"parked-{row}-{uuid.uuid4().hex[:8]}"
    cache = count + 100
    command = durable_lib.worker_command(row, binaries, server.address, task_queue, workdir, cache)
    worker_log = workdir / f"{task_queue}.log"
    process = durable_lib.start_worker(command, worker_log)
    pid = process.pid
    try:
        warm = [f"{task_queue}-warm-{index}" for index in range(WARM_UP)]
        await durable_lib.start_workflows(client, task_queue, warm, INPUT)
        await durable_lib.wait_history_length(client, warm, PARKED_HISTORY_LENGTH, 120)
        durable_lib.wait_quiet(pid)
        rss0 = benchlib.memory_kib(pid, "VmRSS")
        pte0 = benchlib.memory_kib(pid, "VmPTE")
        smaps0 = durable_lib.smaps(pid)

        ids = [f"{task_queue}-{index}" for index in range(count)]
        started = time.monotonic()
        await durable_lib.start_workflows(client, task_queue, ids, INPUT)
        await durable_lib.wait_history_length(
            client, ids, PARKED_HISTORY_LENGTH, max(300, count * 0.2)
        )
        log(f"bench: {row}: {count} parked in {time.monotonic() - started:.1f} s")
        durable_lib.wait_quiet(pid)
        rss1 = benchlib.memory_kib(pid, "VmRSS")
        pte1 = benchlib.memory_kib(pid, "VmPTE")
        smaps1 = durable_lib.smaps(pid)
        vm_size = benchlib.memory_kib(pid, "VmSize")

        cpu0 = benchlib.cpu_seconds(pid)
        t0 = time.monotonic()
        await durable_lib.signal_all(client, warm + ids, "release")
        signalled_s = time.monotonic() - t0
        deadline = t0 + max(300, count * 0.5)
        while await durable_lib.completed_count(client, task_queue) < count + WARM_UP:
            if process.poll() is not None:
                raise RuntimeError(f"{row} worker exited early; its log: {worker_log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{row}: the drain did not finish; log: {worker_log}")
            await asyncio.sleep(0.2)
        drain_s = time.monotonic() - t0
        drain_cpu = benchlib.cpu_seconds(pid) - cpu0
    finally:
        benchlib.stop(process)
    result = await client.get_workflow_handle(ids[-1]).result()
    if result != EXPECTED:
        raise RuntimeError(f"{row}: workflow returned {result!r}, expected {EXPECTED!r}")

    def per(region, key):
        return (smaps1[region][key] - smaps0[region][key]) / count

    measurement = {
        "row": row,
        "count": count,
        "rss_kib": (rss1 - rss0) / count,
        "pte_kib": (pte1 - pte0) / count,
        "pss_kib": sum(per(region, "pss") for region in ("linear_memory", "fiber_stacks", "other")),
        "linear_memory_kib": per("linear_memory", "rss"),
        "fiber_stacks_kib": per("fiber_stacks", "rss"),
        "other_kib": per("other", "rss"),
        "mappings": (smaps1["mappings"] - smaps0["mappings"]) / count,
        "total_mappings": smaps1["mappings"],
        "reserved_gib_per_slot": (vm_size / (cache + 2) / (1 << 20)) if row.startswith("wasm") else None,
        "rss_mib": rss1 / 1024,
        "signal_s": signalled_s,
        "drain_s": drain_s,
        "drain_wf_s": (count + WARM_UP) / drain_s,
        "drain_cpu_ms_per_wf": drain_cpu * 1000 / (count + WARM_UP),
    }
    log(
        f"bench: {row}: N={count}: {measurement['rss_kib']:.1f} KiB RSS per parked workflow "
        f"(linear memory {measurement['linear_memory_kib']:.1f}, fiber stacks "
        f"{measurement['fiber_stacks_kib']:.1f}, rest {measurement['other_kib']:.1f}), "
        f"{measurement['mappings']:.1f} mappings each; drain {drain_s:.1f} s"
    )
    return measurement


def report(results, rows, counts, reps, release):
    mode = "release builds" if release else "SMOKE RUN (debug builds, tiny N): not a measurement"
    print(f"Parked workflows (each waiting on a signal, with a one-hour timer), medians of {reps} "
          f"repetitions ({mode}).\n")
    keys = ("rss_kib", "pte_kib", "pss_kib", "linear_memory_kib", "fiber_stacks_kib", "other_kib",
            "mappings", "total_mappings", "reserved_gib_per_slot", "rss_mib", "signal_s",
            "drain_s", "drain_wf_s", "drain_cpu_ms_per_wf")
    med = {}
    for count in counts:
        for row in rows:
            runs = [m for m in results if m["row"] == row and m["count"] == count]
            if runs:
                med[(row, count)] = {key: median([m[key] for m in runs]) for key in keys}
    table = []
    for count in counts:
        for row in rows:
            m = med.get((row, count))
            if not m:
                continue
            wasm = row.startswith("wasm")
            table.append([
                LABELS[row], count, fmt(m["rss_kib"], 1), fmt(m["pss_kib"], 1),
                fmt(m["linear_memory_kib"], 1) if wasm else "",
                fmt(m["fiber_stacks_kib"], 1) if wasm else "",
                fmt(m["other_kib"], 1), fmt(m["pte_kib"], 1), fmt(m["mappings"], 2),
                fmt(m["reserved_gib_per_slot"], 2) if wasm else "", fmt(m["rss_mib"], 0),
            ])
    print(benchlib.markdown_table(
        ["worker", "parked", "RSS KiB/wf", "PSS KiB/wf", "linear memory", "fiber stack",
         "heap and rest", "page tables KiB/wf", "mappings/wf", "GiB reserved/slot", "worker RSS MiB"],
        table,
    ))
    print("\nThe drain, once all are signalled at once:\n")
    print(benchlib.markdown_table(
        ["worker", "parked", "signalling s", "drain s", "drain wf/s", "worker CPU ms/wf"],
        [[LABELS[row], count, fmt(m["signal_s"], 1), fmt(m["drain_s"], 1),
          fmt(m["drain_wf_s"], 1), fmt(m["drain_cpu_ms_per_wf"], 3)]
         for (row, count), m in med.items()],
    ))
    print()
    for count in counts:
        c, python = med.get(("wasm-c", count)), med.get(("python", count))
        rust, sdk = med.get(("wasm-rust", count)), med.get(("rust-sdk", count))
        if c:
            line = f"- N={count}: C guest {fmt(c['rss_kib'], 1)} KiB per parked workflow " \
                   f"(target <= 64 KiB: {fmt(c['rss_kib'] / 64, 2)}x)"
            if sdk:
                line += f"; {fmt(c['rss_kib'] / sdk['rss_kib'], 2)}x the Rust SDK's (target <= 1.5x)"
            print(line)
        if rust and python:
            print(f"- N={count}: Rust guest {fmt(rust['rss_kib'], 1)} KiB vs the Python SDK's "
                  f"{fmt(python['rss_kib'], 1)} KiB: {fmt(rust['rss_kib'] / python['rss_kib'], 2)}x "
                  f"(target <= 1x)")
    print("\nPer repetition (in the order run):\n")
    print(benchlib.markdown_table(
        ["rep", "worker", "parked", "RSS KiB/wf", "linear memory", "fiber stack", "rest",
         "drain s"],
        [[m["rep"], m["row"], m["count"], fmt(m["rss_kib"], 1), fmt(m["linear_memory_kib"], 1),
          fmt(m["fiber_stacks_kib"], 1), fmt(m["other_kib"], 1), fmt(m["drain_s"], 1)]
         for m in results],
    ))


async def main_async(options):
    release = not options.smoke
    counts = [int(c) for c in options.counts.split(",")] if options.counts else (
        [20] if options.smoke else [1000, 10000])
    reps = options.reps or (1 if options.smoke else 3)
    rows = durable_lib.available_rows(tuple(options.rows.split(",")) if options.rows else ROWS)
    binaries = durable_lib.Binaries(release, rows)
    results = []
    with tempfile.TemporaryDirectory(prefix="tww-parked-") as tmp, \
            durable_lib.smoke_server(Path(tmp), options) as address:
        step = 0
        for count in counts:
            for rep in range(reps):
                order = rows[step % len(rows):] + rows[: step % len(rows)]
                step += 1
                for row in order:
                    if row == "wasm-go" and count > GO_MAX_PARKED:
                        log(f"bench: wasm-go at N={count} skipped: a parked Go guest holds "
                            f"~2.7 MiB, more than this machine has for {count} of them")
                        continue
                    workdir = Path(tmp) / f"{count}-{rep + 1}-{row}"
                    workdir.mkdir()
                    with benchlib.DevServer(workdir, address) as server:
                        client = await Client.connect(server.address)
                        measurement = await park_and_release(
                            row, binaries, server, client, count, workdir
                        )
                    measurement["rep"] = rep + 1
                    results.append(measurement)
    report(results, rows, counts, reps, release)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="debug builds, N=20, 1 repetition")
    parser.add_argument("--counts", help="comma-separated N (default 1000,10000; smoke 20)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--rows", help="comma-separated subset of: " + ",".join(ROWS))
    parser.add_argument("--address", help="use this server instead of starting dev servers")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
