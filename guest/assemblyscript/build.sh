#!/usr/bin/env bash
# Builds the AssemblyScript example workflows into
# ${BUNDLE_DIR:-<repo>/target/guest-bundles}/assemblyscript/{greet,validate_order,order_fulfilment,memory_loop}.wasm
# and prints each path and size.
#
# Installs what is missing (Node.js and npm from Debian, the pinned compiler with `npm ci`), so it
# runs unattended on a fresh Debian machine as root; on later runs every install step is skipped.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/assemblyscript"
examples=(greet validate_order order_fulfilment memory_loop)

# --- Tools -----------------------------------------------------------------------------------------

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing nodejs and npm (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 20 )); then
  echo "warning: assemblyscript asks for Node.js >= 20, this is $(node --version); trying anyway" >&2
fi

cd "$script_dir"
# The compiler version is pinned in package.json and package-lock.json; reinstall when it differs.
pinned="$(node -p 'require("./package-lock.json").packages["node_modules/assemblyscript"].version')"
installed="$(node -p 'try { require("./node_modules/assemblyscript/package.json").version } catch { "" }')"
if [[ "$installed" != "$pinned" ]]; then
  echo "installing assemblyscript $pinned (npm ci)" >&2
  npm ci --no-audit --no-fund --ignore-scripts
fi

# --- Build -----------------------------------------------------------------------------------------

# test.sh builds the SDK's test bundle with the same runtime flags (and assertions kept).
#   --runtime incremental: TLSF allocator + incremental GC over a shadow stack. A durable
#     workflow's instance lives as long as its run, so memory must be reclaimed while it runs
#     (the stub runtime never frees; the minimal one only frees on an explicit __collect, which
#     is unsafe in the middle of straight-line code). It exports and imports nothing extra.
#   --use abort=sdk/log/abortRun: by default every AssemblyScript module imports `env.abort`,
#     which the worker refuses; abortRun logs the reason through `write_log` and traps instead.
#   No `--exportRuntime`: nothing outside the module allocates in it.
asc_flags=(--runtime incremental --use abort=sdk/log/abortRun)

mkdir -p "$out_dir"
pids=()
for example in "${examples[@]}"; do
  # -O3z: optimise for size. --noAssert: drop assert() checks (bounds checks stay). One compiler
  # process per example, in parallel.
  node node_modules/assemblyscript/bin/asc.js "examples/$example/$example.ts" \
    --outFile "$out_dir/$example.wasm" -O3z --noAssert "${asc_flags[@]}" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid"
done

# --- Check -----------------------------------------------------------------------------------------

# Every import must be one of the worker's ABI v0/v1 calls (module `env`): `env.abort` (no
# --use abort), `env.seed` (Math.random) or `env.trace` (trace) would make the worker refuse the
# bundle. `run` and `memory` must be exported.
node - "$out_dir" "${examples[@]}" <<'EOF'
const fs = require("fs");
const path = require("path");
const [outDir, ...examples] = process.argv.slice(2);
const allowed = new Set([
  "get_info_len", "get_info", "write_log", "complete", "complete_with_failure",
  "start_timer", "start_activity", "start_http_activity", "start_child_workflow", "signal_external_workflow",
  "cancel_external_workflow", "cancel", "wait", "is_ready", "result_len", "take_result", "signal_channel",
  "update_channel", "respond_update", "cancellation_channel", "set_query_result", "set_current_details",
  "continue_as_new", "complete_as_cancelled", "now", "random", "patched", "is_replaying", "log_level",
  "upsert_search_attributes", "upsert_memo", "emit_metric",
]);
const v0 = new Set(["get_info_len", "get_info", "write_log", "complete", "complete_with_failure"]);
let ok = true;
for (const example of examples) {
  const file = path.join(outDir, `${example}.wasm`);
  const bytes = fs.readFileSync(file);
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module);
  for (const i of imports) {
    if (i.module !== "env" || i.kind !== "function" || !allowed.has(i.name)) {
      console.error(`${file}: import ${i.module}.${i.name} (${i.kind}) is not an ABI call`);
      ok = false;
    }
  }
  for (const [name, kind] of [["run", "function"], ["memory", "memory"]]) {
    if (!exports.some((e) => e.name === name && e.kind === kind)) {
      console.error(`${file}: missing ${kind} export ${name}`);
      ok = false;
    }
  }
  const durable = imports.some((i) => !v0.has(i.name));
  console.log(`${file}: ${bytes.length} bytes, ${durable ? "durable (ABI v1)" : "one-shot (ABI v0)"}, ${imports.length} imports`);
}
process.exit(ok ? 0 : 1);
EOF
