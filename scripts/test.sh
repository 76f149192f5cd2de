#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it: set-up, lint, every example bundle built from
# source, then every test (unit, host, CLI, and end to end against a real Temporal dev server
# that the tests start themselves; set TEMPORAL_ADDRESS to use an existing server instead).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bash scripts/setup.sh
. scripts/env.sh

echo "== lint" >&2
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo fmt --manifest-path guest/rust/Cargo.toml --all -- --check
cargo fmt --manifest-path tests/guests/scenario/Cargo.toml --all -- --check
cargo fmt --manifest-path guest/js/tools/Cargo.toml --all -- --check
bash scripts/lint-docker.sh

echo "== guest example bundles" >&2
bash guest/build-all.sh

echo "== test guests (the durable scenario guest, raw ABI v1)" >&2
bash tests/guests/build.sh
CARGO_TARGET_DIR="$repo_root/target/test-guests" \
    cargo test --locked --manifest-path tests/guests/scenario/Cargo.toml

echo "== guest SDK tests (each against guest/fixtures; the ones that run bundles use the worker)" >&2
cargo build --locked
CARGO_TARGET_DIR="$repo_root/target/guest-rust" cargo test --locked --manifest-path guest/rust/Cargo.toml
bash guest/c/test.sh
bash guest/zig/test.sh
bash guest/assemblyscript/test.sh
bash guest/go/build.sh --test
bash guest/js/test.sh

echo "== tests" >&2
cargo test --locked

echo "== fault and load tests" >&2
# Hundreds of workflows through a worker that is killed, stopped and has its bundles broken, and
# a server restarted under it (tests/faults.rs); each test is bounded and cleans up after itself.
cargo test --locked --test faults -- --ignored --test-threads=1
# The same for durable (ABI v1) workflows parked mid-way (tests/durable_faults.rs): kill -9,
# a server restart, an eviction storm, SIGTERM with HTTP activities in flight, the activity
# worker killed, a full instance pool, two workers. 200 parked instead of the full 500 keeps the
# step to about three minutes on two busy cores.
DURABLE_FAULTS_PARKED=200 cargo test --locked --test durable_faults -- --ignored --test-threads=1

echo "== benchmark smoke runs" >&2
# Each benchmark once, in the debug build and with a tiny N, so none can rot; no timing claims.
# The real numbers come from the full runs in bench/README.md.
cargo test --locked --bench host_path --bench floor_worker
"$PYTHON" bench/e2e.py --smoke
"$PYTHON" bench/startup.py --smoke
# The durable benchmarks: their bench_steps bundles first (the Rust benches skip a missing one).
bash bench/guests/build.sh
cargo test --locked --bench resume_path --bench parked_memory
"$PYTHON" bench/durable_e2e.py --smoke
"$PYTHON" bench/parked.py --smoke
"$PYTHON" bench/replay.py --smoke
