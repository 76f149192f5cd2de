"""Start-up benchmark: time from process start to the first poll, with 1, 10 and 50 bundles,
cold (every bundle compiled) and with a warm module cache (`worker.module_cache_dir` filled by a
previous start), and the worker's idle memory afterwards.

The bundles are the example bundles in target/guest-bundles (Rust, C, Zig, AssemblyScript; built
by guest/build-all.sh), cycled and made distinct by a custom section naming their index, so that
50 bundles are 50 different modules to compile and 50 cache entries. "First poll" is the worker's
`polling for workflow tasks` log line, logged right before its first poll, after connecting to
the server and validating the namespace; its JSON timestamp is compared with the wall clock read
just before the process was spawned. Idle RSS is VmRSS one second after that line. A reference
row gives the same for the floor worker (core SDK, no WASM engine, no bundles).

    . scripts/env.sh
    python bench/startup.py             # full: release build, 1/10/50 bundles, 3 repetitions
    python bench/startup.py --smoke     # CI: debug build, 1/3 bundles, 1 repetition
"""

import argparse
import datetime
import json
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import benchlib
from benchlib import REPO, fmt, log, median

READY = "polling for workflow tasks"
IDLE_AFTER_S = 1.0


def leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def variant(wasm, index):
    """`wasm` with a custom section appended that makes it a distinct module."""
    name = b"bench-variant"
    body = leb128(len(name)) + name + str(index).encode()
    return wasm + b"\x00" + leb128(len(body)) + body


def example_bundles():
    bundles = sorted((REPO / "target/guest-bundles").glob("*/*.wasm"))
    if not bundles:
        benchlib.greet_bundle()
        bundles = sorted((REPO / "target/guest-bundles").glob("*/*.wasm"))
    return bundles


def write_config(workdir, name, address, bundles, cache_dir):
    lines = [
        "[temporal]",
        f'address = "{address}"',
        'namespace = "default"',
        f'task_queue = "startup-{uuid.uuid4().hex[:8]}"',
        "",
        "[logging]",
        'format = "json"',
    ]
    if cache_dir:
        lines += ["", "[worker]", f'module_cache_dir = "{cache_dir}"']
    for index, bundle in enumerate(bundles):
        lines += ["", f"[workflows.Bench{index}]", f'module = "{bundle}"']
    config = workdir / f"{name}.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def log_timestamp(line):
    """Wall-clock seconds of a log line: JSON (`timestamp`) or text (first word)."""
    try:
        stamp = json.loads(line)["timestamp"]
    except (ValueError, KeyError):
        stamp = line.split()[0]
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def start_once(command, workdir, label):
    """Starts `command`, waits for the first poll; returns (ms to first poll, idle RSS MiB,
    start-up peak RSS MiB, start-up CPU ms)."""
    log_path = workdir / f"{label}-{uuid.uuid4().hex[:6]}.log"
    spawned_at = time.time()
    process = benchlib.spawn(command, log_path)
    try:
        line = benchlib.wait_for_line(log_path, READY, process, timeout=300)
        if line is None:
            raise RuntimeError(f"{label}: no first poll; log {log_path}:\n"
                               + log_path.read_text(errors="replace")[-3000:])
        cpu_ms = benchlib.cpu_seconds(process.pid) * 1000
        ready_ms = (log_timestamp(line) - spawned_at) * 1000
        time.sleep(IDLE_AFTER_S)
        idle_rss = benchlib.memory_kib(process.pid, "VmRSS") / 1024
        peak_rss = benchlib.memory_kib(process.pid, "VmHWM") / 1024
    finally:
        code = benchlib.stop(process)
    if code != 0:
        raise RuntimeError(f"{label}: exited {code} on SIGTERM; log {log_path}")
    log(f"bench: {label}: first poll after {ready_ms:.1f} ms, start-up CPU {cpu_ms:.0f} ms, "
        f"idle RSS {idle_rss:.1f} MiB, peak {peak_rss:.1f} MiB")
    return {"ready_ms": ready_ms, "idle_rss": idle_rss, "peak_rss": peak_rss, "cpu_ms": cpu_ms}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="debug build, 1 and 3 bundles, 1 repetition"
    )
    parser.add_argument(
        "--counts", help="comma-separated bundle counts (default 1,10,50; smoke 1,3)"
    )
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--address", help="use this server instead of starting a dev server")
    options = parser.parse_args()
    release = not options.smoke
    counts_text = options.counts or ("1,3" if options.smoke else "1,10,50")
    counts = [int(count) for count in counts_text.split(",")]
    reps = options.reps or (1 if options.smoke else 3)

    worker = benchlib.worker_binary(release)
    floor = benchlib.floor_binary(release)
    sources = example_bundles()
    results = {}  # (count, mode) -> [measurement]
    with tempfile.TemporaryDirectory(prefix="tww-startup-") as tmp:
        workdir = Path(tmp)
        bundles = []
        for index in range(max(counts)):
            path = workdir / f"bundle-{index}.wasm"
            path.write_bytes(variant(sources[index % len(sources)].read_bytes(), index))
            bundles.append(path)
        with benchlib.DevServer(workdir, options.address) as server:
            configs = {}
            for count in counts:
                cache_dir = workdir / f"cache-{count}"
                for mode, cache in (("cold", None), ("warm", cache_dir)):
                    configs[(count, mode)] = write_config(
                        workdir, f"{mode}-{count}", server.address, bundles[:count], cache
                    )
                # `check` loads every bundle through the cache: this fills it.
                subprocess.run([worker, "check", "--config", configs[(count, "warm")]],
                               check=True, stdout=subprocess.DEVNULL)
                entries = len(list(cache_dir.glob("*.cwasm")))
                if entries != count:
                    raise RuntimeError(f"expected {count} cache entries, found {entries}")
            floor_command = [floor, "--address", server.address, "--task-queue", "startup-floor"]
            for rep in range(reps):
                modes = ("cold", "warm") if rep % 2 == 0 else ("warm", "cold")
                results.setdefault("floor", []).append(start_once(floor_command, workdir, "floor"))
                for count in counts:
                    for mode in modes:
                        command = [worker, "run", "--config", configs[(count, mode)]]
                        measurement = start_once(command, workdir, f"{count} bundles, {mode}")
                        results.setdefault((count, mode), []).append(measurement)

    def med(key, what):
        return median([m[what] for m in results[key]])

    mode = "release build" if release else "SMOKE RUN (debug build): not a measurement"
    print(f"Start-up to first poll, medians of {reps} interleaved repetitions ({mode}).\n")
    rows = []
    for count in counts:
        rows.append([
            count,
            fmt(med((count, "cold"), "ready_ms"), 0),
            fmt(med((count, "warm"), "ready_ms"), 0),
            fmt(med((count, "cold"), "cpu_ms"), 0),
            fmt(med((count, "warm"), "cpu_ms"), 0),
            fmt(med((count, "cold"), "idle_rss"), 1),
            fmt(med((count, "warm"), "idle_rss"), 1),
            fmt(med((count, "cold"), "peak_rss"), 1),
        ])
    rows.append([
        "floor worker (no WASM)",
        fmt(med("floor", "ready_ms"), 0), "", fmt(med("floor", "cpu_ms"), 0), "",
        fmt(med("floor", "idle_rss"), 1), "", fmt(med("floor", "peak_rss"), 1),
    ])
    print(benchlib.markdown_table(
        ["bundles", "cold: ms to first poll", "warm cache: ms to first poll", "cold: CPU ms",
         "warm: CPU ms", "cold: idle RSS MiB", "warm: idle RSS MiB", "cold: peak RSS MiB"],
        rows,
    ))
    largest = max(counts)
    print()
    warm_ready = fmt(med((largest, "warm"), "ready_ms"), 0)
    print(f"- {largest} bundles, warm cache: {warm_ready} ms to first poll (target <= 200 ms)")
    print(f"- {largest} bundles: idle RSS {fmt(med((largest, 'warm'), 'idle_rss'), 1)} MiB warm, "
          f"{fmt(med((largest, 'cold'), 'idle_rss'), 1)} MiB cold (target <= 64 MiB)")


if __name__ == "__main__":
    main()
