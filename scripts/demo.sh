#!/usr/bin/env bash
# The whole product, end to end, on this machine: installs what is missing, builds the example
# bundles, starts a local Temporal dev server and the worker, runs example workflows through the
# Temporal CLI, prints their results, and stops everything again.
#
#   scripts/demo.sh            demo on port 7233 (set TEMPORAL_PORT to change it)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
port="${TEMPORAL_PORT:-7233}"
address="127.0.0.1:$port"
work_dir="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work_dir"
}
trap cleanup EXIT

bash scripts/setup.sh
. scripts/env.sh

echo "== building the worker and the example bundles" >&2
cargo build --quiet --locked
bash guest/build-all.sh

echo "== starting a Temporal dev server on $address" >&2
temporal server start-dev --headless --ip 127.0.0.1 --port "$port" --http-port "$((port + 10000))" \
    --metrics-port "$((port + 10001))" --log-level warn >"$work_dir/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
    if temporal operator namespace describe --namespace default --address "$address" >/dev/null 2>&1; then
        break
    fi
    sleep 0.2
done

echo "== starting the worker (config/examples.toml)" >&2
TEMPORAL_ADDRESS="$address" target/debug/temporal-wasm-worker check --config config/examples.toml
TEMPORAL_ADDRESS="$address" target/debug/temporal-wasm-worker run --config config/examples.toml \
    >"$work_dir/worker.log" 2>&1 &
pids+=($!)

echo "== starting an activity worker for \`charge\` on task queue payments (Temporal's Python SDK)" >&2
"$PYTHON" tests/support/activities.py --address "$address" --task-queue payments \
    >"$work_dir/activities.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
    if grep -qx ready "$work_dir/activities.log" 2>/dev/null; then break; fi
    sleep 0.2
done

run() {
    local workflow_type="$1" input="$2"
    echo
    echo "\$ temporal workflow execute --type $workflow_type --task-queue wasm-workflows --input '$input'"
    temporal workflow execute --address "$address" --task-queue wasm-workflows \
        --type "$workflow_type" --workflow-id "demo-$workflow_type-$RANDOM" --input "$input" || true
}
run RustGreet '"Temporal"'
run CGreet '"Temporal"'
run ZigValidateOrder '{"order_id":"A-17","items":[{"sku":"apple","quantity":3,"unit_price_cents":125}]}'
run AsValidateOrder '{"order_id":"B-2","items":[]}'

# Durable: waits a second on a timer (the guest's stack parked between workflow tasks), then
# charges order 17 through the activity.
echo
echo "\$ temporal workflow execute --type ChargeAfterDelay --task-queue wasm-workflows"
temporal workflow execute --address "$address" --task-queue wasm-workflows \
    --type ChargeAfterDelay --workflow-id "demo-charge-$RANDOM" || true
# The same, cancelled while it waits: it ends as Canceled without charging.
cancelled="demo-charge-cancelled-$RANDOM"
temporal workflow start --address "$address" --task-queue wasm-workflows \
    --type ChargeAfterDelay --workflow-id "$cancelled" >/dev/null
echo
echo "\$ temporal workflow cancel --workflow-id $cancelled"
temporal workflow cancel --address "$address" --workflow-id "$cancelled" >/dev/null
temporal workflow result --address "$address" --workflow-id "$cancelled" || true

echo
echo "== worker log" >&2
cat "$work_dir/worker.log"
