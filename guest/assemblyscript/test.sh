#!/usr/bin/env bash
# Tests the AssemblyScript SDK and examples.
#
#   1. Builds the examples (build.sh) and the SDK's test bundle (tests/sdk_test.ts, with the
#      bundles' runtime flags but assertions kept) into <repo>/target/guest-assemblyscript/.
#   2. Runs tests/run_tests.mjs in Node.js: every request fixture of guest/fixtures encoded
#      through the SDK's API, every result fixture decoded, the waiting rules, base64 and JSON,
#      and memory_loop's 10,000 iterations under a fake worker.
#   3. If the worker is built (${WORKER:-<repo>/target/debug/temporal-wasm-worker}), runs every
#      example through `temporal-wasm-worker exec` (tests/exec_examples.mjs, mocks in
#      tests/mocks/) and checks each bundle with `temporal-wasm-worker check`.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
bundle_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/assemblyscript"
work_dir="$repo_root/target/guest-assemblyscript"
worker="${WORKER:-$repo_root/target/debug/temporal-wasm-worker}"

"$script_dir/build.sh"

cd "$script_dir"
mkdir -p "$work_dir"
node node_modules/assemblyscript/bin/asc.js tests/sdk_test.ts --outFile "$work_dir/sdk_test.wasm" \
  -O1 --runtime incremental --use abort=sdk/log/abortRun
node tests/run_tests.mjs "$work_dir/sdk_test.wasm" "$bundle_dir/memory_loop.wasm"

if [[ ! -x "$worker" ]]; then
  echo "skipping the exec and check runs: no worker at $worker (cargo build, or set WORKER)" >&2
  exit 0
fi
node tests/exec_examples.mjs "$worker" "$bundle_dir"

# `check` validates a config and loads every bundle it lists, refusing imports it does not provide.
config="$work_dir/check.toml"
{
  echo '[temporal]'
  echo 'task_queue = "wasm-workflows"'
  for example in greet validate_order order_fulfilment memory_loop; do
    echo "[workflows.As_$example]"
    echo "module = \"$bundle_dir/$example.wasm\""
  done
} >"$config"
"$worker" check --config "$config"
