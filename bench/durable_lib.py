"""What the durable benchmarks (durable_e2e.py, parked.py, replay.py) share on top of benchlib:
the workflow every row runs, the workers that run it, the one activity worker every row
shares, and reading a worker's memory by where it is.

Every row runs the same workflow type, `BenchSteps` (bench/guests/README.md), with the same
input and the same commands: this worker with the bench guests in C, Rust and Go
(target/bench-bundles/, built by bench/guests/build.sh), Temporal's Rust SDK natively
(bench/rust_sdk_worker/) and the Python SDK (bench/py_durable_worker.py, default sandbox).
Activities (`echo`) go to task queue `bench-activities`, served by the Rust SDK worker in its
`--activities` mode, started once per dev server.
"""

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib
from benchlib import REPO, log
from temporalio.client import Client

WORKFLOW_TYPE = "BenchSteps"
ACTIVITY_QUEUE = "bench-activities"
LANGUAGES = ("c", "rust", "go")
POLLING = "polling for workflow tasks"

LABELS = {
    "wasm-c": "temporal-wasm-worker, C guest",
    "wasm-rust": "temporal-wasm-worker, Rust guest",
    "wasm-go": "temporal-wasm-worker, Go guest",
    "wasm-js": "temporal-wasm-worker, JavaScript guest (QuickJS)",
    "wasm-c-nocache": "temporal-wasm-worker, C guest, max_cached_workflows = 0",
    "wasm-rust-nocache": "temporal-wasm-worker, Rust guest, max_cached_workflows = 0",
    "wasm-go-nocache": "temporal-wasm-worker, Go guest, max_cached_workflows = 0",
    "rust-sdk": "Temporal Rust SDK (temporalio-sdk 1.1.1), native",
    "python": "Temporal Python SDK (sandboxed)",
}


def bench_bundle(language):
    """The `bench_steps` bundle of `language`, built by bench/guests/build.sh when missing."""
    bundle = REPO / "target/bench-bundles" / language / "bench_steps.wasm"
    if not bundle.is_file():
        subprocess.run(["bash", str(REPO / "bench/guests/build.sh"), language], check=True)
    return bundle


def available_rows(rows):
    """`rows` without the optional JavaScript row when its bundle was not built (it is built by
    `bench/guests/build.sh js`, not by default)."""
    if "wasm-js" in rows and not (REPO / "target/bench-bundles/js/bench_steps.wasm").is_file():
        log("bench: wasm-js skipped: no target/bench-bundles/js/bench_steps.wasm "
            "(bash bench/guests/build.sh js)")
        return tuple(row for row in rows if row != "wasm-js")
    return rows


def rust_sdk_binary(release):
    """Builds bench/rust_sdk_worker (its own project and target dir) and returns its path."""
    profile = ["--release"] if release else []
    command = [
        "cargo", "build", "--locked", *profile, "--manifest-path",
        str(REPO / "bench/rust_sdk_worker/Cargo.toml"), "--message-format=json-render-diagnostics",
    ]
    log("bench: " + " ".join(command))
    env = {**os.environ, "CARGO_TARGET_DIR": str(REPO / "target/bench-rust-sdk")}
    output = subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.PIPE, env=env).stdout
    for line in output.decode().splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            return Path(message["executable"])
    raise RuntimeError("cargo built no rust-sdk-bench-worker executable")


class Binaries:
    """The executables every row needs, built once for the requested profile."""

    def __init__(self, release, rows):
        self.release = release
        self.worker = benchlib.worker_binary(release) if any(r.startswith("wasm") for r in rows) else None
        # The Rust SDK worker serves every row's activities, so it is always built.
        self.rust_sdk = rust_sdk_binary(release)
        for row in rows:
            if row.startswith("wasm-"):
                bench_bundle(language_of(row))


def language_of(row):
    return row.split("-")[1]


def worker_command(row, binaries, address, task_queue, workdir, max_cached):
    """The command line of `row`'s workflow worker, polling `task_queue` with a sticky cache of
    `max_cached` runs (0 for the -nocache rows)."""
    if row.endswith("-nocache"):
        max_cached = 0
    if row.startswith("wasm-"):
        config = workdir / f"{task_queue}.toml"
        config.write_text(
            f'[temporal]\naddress = "{address}"\nnamespace = "default"\n'
            f'task_queue = "{task_queue}"\n\n'
            f"[worker]\nmax_cached_workflows = {max_cached}\n\n"
            f'[workflows.{WORKFLOW_TYPE}]\nmodule = "{bench_bundle(language_of(row))}"\n'
        )
        return [binaries.worker, "run", "--config", config]
    if row == "rust-sdk":
        return [binaries.rust_sdk, "--address", address, "--task-queue", task_queue,
                "--max-cached-workflows", max_cached]
    if row == "python":
        return [sys.executable, REPO / "bench/py_durable_worker.py", "--address", address,
                "--task-queue", task_queue, "--max-cached-workflows", max_cached]
    raise ValueError(f"unknown row {row}")


def start_worker(command, log_path, timeout=120):
    """Starts a worker and waits until it polls; returns the process."""
    process = benchlib.spawn(command, log_path)
    if benchlib.wait_for_line(log_path, POLLING, process, timeout) is None:
        benchlib.stop(process)
        raise RuntimeError(f"the worker did not start polling; its log: {log_path}")
    return process


def start_activity_worker(binaries, address, workdir):
    """The one activity worker of a dev server: `echo` on `bench-activities`."""
    log_path = workdir / "activities.log"
    process = benchlib.spawn(
        [binaries.rust_sdk, "--address", address, "--activities", "--task-queue", ACTIVITY_QUEUE],
        log_path,
    )
    if benchlib.wait_for_line(log_path, "polling for activity tasks", process, 120) is None:
        benchlib.stop(process)
        raise RuntimeError(f"the activity worker did not start; its log: {log_path}")
    return process


@contextlib.contextmanager
def smoke_server(workdir, options):
    """The server every row uses: `--address` if given; in a smoke run one dev server for all
    rows (each row has its own task queues), so CI does not start one per row; otherwise None,
    and each measurement starts a fresh one."""
    if options.address or not options.smoke:
        yield options.address
        return
    with benchlib.DevServer(workdir) as server:
        yield server.address


async def interleaved(prefix, options, rows, binaries, measure, reps):
    """Runs `measure(row, server, client, workdir)` for every row, `reps` times, each on a fresh
    dev server with the shared activity worker serving (on the smoke server when there is one);
    the row order rotates every repetition. Returns the measurements, each with its `rep`."""
    results = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, \
            smoke_server(Path(tmp), options) as address:
        for rep in range(reps):
            order = rows[rep % len(rows):] + rows[: rep % len(rows)]
            for row in order:
                workdir = Path(tmp) / f"{rep + 1}-{row}"
                workdir.mkdir()
                with benchlib.DevServer(workdir, address) as server:
                    client = await Client.connect(server.address)
                    activities = start_activity_worker(binaries, server.address, workdir)
                    try:
                        measurement = await measure(row, server, client, workdir)
                    finally:
                        benchlib.stop(activities)
                measurement["rep"] = rep + 1
                results.append(measurement)
    return results


def pause(process):
    process.send_signal(signal.SIGSTOP)


def resume(process):
    process.send_signal(signal.SIGCONT)


async def start_workflows(client, task_queue, ids, workflow_input, concurrency=64):
    """Starts a `BenchSteps` workflow with `workflow_input` for each id; returns the handles."""
    limit = asyncio.Semaphore(concurrency)

    async def start(workflow_id):
        async with limit:
            return await client.start_workflow(
                WORKFLOW_TYPE, workflow_input, id=workflow_id, task_queue=task_queue
            )

    return await asyncio.gather(*(start(workflow_id) for workflow_id in ids))


async def completed_count(client, task_queue):
    query = f'TaskQueue = "{task_queue}" AND ExecutionStatus = "Completed"'
    return (await client.count_workflows(query)).count


async def wait_history_length(client, ids, length, timeout, concurrency=64):
    """Waits until every workflow's history has at least `length` events (what the workflow
    records before it parks), describing only the ones not there yet, round after round."""
    limit = asyncio.Semaphore(concurrency)
    waiting = list(ids)
    deadline = time.monotonic() + timeout

    async def there(workflow_id):
        async with limit:
            description = await client.get_workflow_handle(workflow_id).describe()
            return description.history_length >= length

    while waiting:
        reached = await asyncio.gather(*(there(workflow_id) for workflow_id in waiting))
        waiting = [workflow_id for workflow_id, ok in zip(waiting, reached) if not ok]
        if waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{len(waiting)} workflows never reached {length} history events "
                    f"(e.g. {waiting[0]})"
                )
            await asyncio.sleep(0.5)


async def signal_all(client, ids, name, concurrency=64):
    limit = asyncio.Semaphore(concurrency)

    async def send(workflow_id):
        async with limit:
            await client.get_workflow_handle(workflow_id).signal(name)

    await asyncio.gather(*(send(workflow_id) for workflow_id in ids))


def wait_quiet(pid, quiet_s=1.0, timeout=60.0):
    """Waits until process `pid` has used no CPU for `quiet_s` (to the clock tick)."""
    deadline = time.monotonic() + timeout
    last = benchlib.cpu_seconds(pid)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = benchlib.cpu_seconds(pid)
        if now - last > 0.011:
            quiet_since = time.monotonic()
        last = now
        if time.monotonic() - quiet_since >= quiet_s:
            return


def smaps(pid):
    """Resident memory of `pid` in KiB, split by where it is: {region: {rss, pss, dirty}} for
    the wasmtime pool's linear memories, its fiber stacks, and the rest (heap, table pool, code,
    thread stacks), plus the number of mappings. Mapping by mapping, by the rules of
    benches/support/durable.rs (the pools sit next to each other and to the table pool):
    linear memory is every mapping directly below a slot's huge (>= 1 GiB) `---p` reservation,
    back to the previous `---p`; fiber stacks are the `rw-p` mappings directly above a 4 KiB
    `---p` guard page, of the size most common among them. A worker without a pool has
    everything in `other`."""
    mappings = []
    with open(f"/proc/{pid}/smaps") as file:
        for line in file:
            fields = line.split()
            if not fields:
                continue
            if "-" in fields[0] and not fields[0].endswith(":"):
                start, end = (int(part, 16) for part in fields[0].split("-"))
                mappings.append({"start": start, "end": end, "perms": fields[1],
                                 "rss": 0, "pss": 0, "dirty": 0})
            elif fields[0] == "Rss:":
                mappings[-1]["rss"] = int(fields[1])
            elif fields[0] == "Pss:":
                mappings[-1]["pss"] = int(fields[1])
            elif fields[0] == "Private_Dirty:":
                mappings[-1]["dirty"] = int(fields[1])

    def adjacent(index):
        return index > 0 and mappings[index - 1]["end"] == mappings[index]["start"]

    def guard(mapping):
        return mapping["perms"] == "---p"

    def size(mapping):
        return mapping["end"] - mapping["start"]

    linear = set()
    for index, mapping in enumerate(mappings):
        if guard(mapping) and size(mapping) >= 1 << 30:
            below = index
            while adjacent(below) and not guard(mappings[below - 1]):
                below -= 1
                linear.add(below)

    def above_guard(index):
        return (adjacent(index) and mappings[index]["perms"] == "rw-p"
                and guard(mappings[index - 1]) and size(mappings[index - 1]) == 4096)

    sizes = {}
    for index in range(len(mappings)):
        if above_guard(index):
            sizes[size(mappings[index])] = sizes.get(size(mappings[index]), 0) + 1
    stack_size = max(sizes, key=lambda s: (sizes[s], s)) if linear and sizes else None
    result = {name: {"rss": 0, "pss": 0, "dirty": 0}
              for name in ("linear_memory", "fiber_stacks", "other")}
    for index, mapping in enumerate(mappings):
        if index in linear:
            name = "linear_memory"
        elif above_guard(index) and size(mapping) == stack_size:
            name = "fiber_stacks"
        else:
            name = "other"
        for key in ("rss", "pss", "dirty"):
            result[name][key] += mapping[key]
    result["mappings"] = len(mappings)
    return result
