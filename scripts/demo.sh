#!/usr/bin/env bash
# The whole product, end to end, on this machine: installs what is missing, builds the example
# bundles of every language, starts a local Temporal dev server, the worker, the activity workers
# and a payment API, runs example workflows through the Temporal CLI (one order in every language,
# with its query, update and signal), prints their results, and stops everything again.
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

echo "== starting the payment API on 127.0.0.1:18089 (tests/support/payments.py)" >&2
export PAYMENTS_TOKEN="demo-token"
"$PYTHON" tests/support/payments.py --port 18089 >"$work_dir/payments.log" 2>&1 &
pids+=($!)

echo "== starting the worker (config/examples.toml)" >&2
TEMPORAL_ADDRESS="$address" target/debug/temporal-wasm-worker check --config config/examples.toml
TEMPORAL_ADDRESS="$address" target/debug/temporal-wasm-worker run --config config/examples.toml \
    >"$work_dir/worker.log" 2>&1 &
pids+=($!)

echo "== starting activity workers (Temporal's Python SDK): \`charge\` on payments, the inventory on inventory" >&2
for queue in payments inventory; do
    "$PYTHON" tests/support/activities.py --address "$address" --task-queue "$queue" \
        >"$work_dir/activities-$queue.log" 2>&1 &
    pids+=($!)
done
for log in activities-payments activities-inventory payments; do
    for _ in $(seq 1 300); do
        if grep -qx ready "$work_dir/$log.log" 2>/dev/null; then break; fi
        sleep 0.2
    done
done

run() {
    local workflow_type="$1" input="$2"
    echo
    echo "\$ temporal workflow execute --type $workflow_type --task-queue wasm-workflows --input '$input'"
    temporal workflow execute --address "$address" --task-queue wasm-workflows \
        --type "$workflow_type" --workflow-id "demo-$workflow_type-$RANDOM" --input "$input" || true
}
for _ in $(seq 1 600); do
    if grep -q "polling for workflow tasks" "$work_dir/worker.log" 2>/dev/null; then break; fi
    sleep 0.2
done

run RustGreet '"Temporal"'
run GoGreet '"Gopher"'
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

# Durable, in every language: an order reserved on the inventory queue, charged through an HTTP
# activity to the local payment API, then waiting for approval. Its `status` query answers while
# it waits; an `add_note` update is validated and counted; the `approve` signal lets it ship.
order='{"order_id":"A-17","items":[{"sku":"apple","quantity":3,"unit_price_cents":125}],'
order+='"payment_url":"http://127.0.0.1:18089/charges"}'
for language in Rust C Zig As Go Js Ts; do
    id="demo-order-$language-$RANDOM"
    echo
    echo "== ${language}OrderFulfilment"
    echo "\$ temporal workflow start --type ${language}OrderFulfilment --workflow-id $id --input '$order'"
    temporal workflow start --address "$address" --task-queue wasm-workflows \
        --type "${language}OrderFulfilment" --workflow-id "$id" --input "$order" >/dev/null
    for _ in $(seq 1 100); do
        status="$(temporal workflow query --address "$address" --workflow-id "$id" --type status \
            -o json 2>/dev/null || true)"
        if grep -q awaiting_approval <<<"$status"; then break; fi
        sleep 0.2
    done
    echo "\$ temporal workflow query --workflow-id $id --type status"
    temporal workflow query --address "$address" --workflow-id "$id" --type status || true
    echo "\$ temporal workflow update execute --workflow-id $id --name add_note --input '{\"note\":\"gift wrap\"}'"
    temporal workflow update execute --address "$address" --workflow-id "$id" --name add_note \
        --input '{"note":"gift wrap"}' || true
    echo "\$ temporal workflow signal --workflow-id $id --name approve --input '{\"approved_by\":\"ops\"}'"
    temporal workflow signal --address "$address" --workflow-id "$id" --name approve \
        --input '{"approved_by":"ops"}' >/dev/null
    echo "\$ temporal workflow result --workflow-id $id"
    temporal workflow result --address "$address" --workflow-id "$id" || true
done

echo
echo "== worker log" >&2
cat "$work_dir/worker.log"
