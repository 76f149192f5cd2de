"""Shared parts of the end-to-end and start-up benchmarks.

Processes: every child is started with PR_SET_PDEATHSIG, so it dies with the benchmark even if
the benchmark is killed, and is stopped again (SIGTERM, then SIGKILL) when it is done with.
Measurements: CPU seconds (utime + stime) and memory (VmRSS, VmHWM) come from /proc/<pid>.
Only 127.0.0.1 addresses are used.
"""

import ctypes
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PR_SET_PDEATHSIG = 1


def log(message):
    print(message, file=sys.stderr, flush=True)


def _die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Variables that would override a worker's own config, or change its speed: with either
# backtrace variable set, every wasmtime error (and so every run's end) captures a native
# backtrace. Workers run without them unless a caller adds them back explicitly.
_STRIPPED = ("RUST_LOG", "RUST_BACKTRACE", "RUST_LIB_BACKTRACE")


def _clean_environment(extra):
    """This environment without TEMPORAL_*, TWW__* and `_STRIPPED`, plus `extra`."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TEMPORAL_", "TWW__")) and name not in _STRIPPED
    }
    return {**kept, "NO_COLOR": "1", **(extra or {})}


def spawn(args, log_path, env=None):
    """Starts `args` with stdout and stderr to `log_path`; it dies if this process dies."""
    with open(log_path, "wb") as output:
        return subprocess.Popen(
            [str(arg) for arg in args],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_clean_environment(env),
            preexec_fn=_die_with_parent,
        )


def stop(process, timeout=30):
    """SIGTERM, then SIGKILL after `timeout` seconds; returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def cpu_seconds(pid):
    """User + system CPU seconds of process `pid` (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds():
    """CPU seconds all cores of the machine spent not idle, since boot (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(field) for field in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def memory_kib(pid, key):
    """A `VmRSS`/`VmHWM`-style line of /proc/<pid>/status, in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def cargo_executables(args):
    """Runs `cargo ARGS` and returns {target name: executable path} of what it built."""
    command = ["cargo", *args, "--message-format=json-render-diagnostics"]
    log("bench: " + " ".join(command))
    output = subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.PIPE).stdout
    executables = {}
    for line in output.decode().splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            executables[message["target"]["name"]] = Path(message["executable"])
    return executables


def worker_binary(release):
    """Builds the worker (release, or the debug build tests use) and returns its path."""
    profile = ["--release"] if release else []
    built = cargo_executables(["build", "--locked", *profile, "--bin", "temporal-wasm-worker"])
    return built["temporal-wasm-worker"]


def floor_binary(release):
    """Builds benches/floor_worker (bench profile, or the test profile CI builds) and returns
    its path."""
    command = "bench" if release else "test"
    built = cargo_executables([command, "--locked", "--no-run", "--bench", "floor_worker"])
    return built["floor_worker"]


def greet_bundle():
    """The Rust example `greet` bundle, built by guest/build-all.sh when missing."""
    bundle = REPO / "target/guest-bundles/rust/greet.wasm"
    if not bundle.is_file():
        subprocess.run(["bash", str(REPO / "guest/build-all.sh"), "rust"], check=True)
    return bundle


def temporal_cli():
    return os.environ.get("TEMPORAL_CLI", "temporal")


class DevServer:
    """`temporal server start-dev` on free 127.0.0.1 ports, in memory; or an existing server."""

    def __init__(self, workdir, address=None):
        self.address = address
        self.process = None
        self.workdir = Path(workdir)

    def __enter__(self):
        if self.address:
            return self
        port = free_port()
        self.address = f"127.0.0.1:{port}"
        args = [
            temporal_cli(), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
            "--log-level", "warn", "--port", port, "--http-port", free_port(),
            "--metrics-port", free_port(),
        ]
        self.process = spawn(args, self.workdir / "server.log")
        deadline = time.monotonic() + 90
        while True:
            ready = subprocess.run(
                [temporal_cli(), "operator", "namespace", "describe", "--namespace", "default",
                 "--address", self.address],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if ready.returncode == 0:
                return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the dev server did not start: "
                    + (self.workdir / "server.log").read_text(errors="replace")[-2000:]
                )
            time.sleep(0.3)

    def __exit__(self, *exc):
        if self.process:
            stop(self.process)


def wait_for_line(path, needle, process, timeout):
    """Waits until file `path` contains a line with `needle`; returns the line, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if needle in line:
                    return line
        if process.poll() is not None:
            return None
        time.sleep(0.005)
    return None


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value, digits=2, suffix=""):
    return "n/a" if value is None else f"{value:.{digits}f}{suffix}"
