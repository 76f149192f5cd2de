#!/usr/bin/env bash
# Builds the AssemblyScript example workflows into
# ${BUNDLE_DIR:-<repo>/target/guest-bundles}/assemblyscript/{greet,validate_order}.wasm.
#
# Installs what is missing (Node.js and npm from Debian, the pinned compiler with `npm ci`), so it
# runs unattended on a fresh Debian machine as root; on later runs every install step is skipped.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/assemblyscript"
workflows=(greet validate_order)

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

mkdir -p "$out_dir"
for workflow in "${workflows[@]}"; do
  # -O3z: optimise for size. --runtime stub: a bump allocator that never frees, the smallest
  # runtime, enough for one short run per instance. --noAssert: drop assert() checks (bounds checks
  # stay). --use abort=...: route aborts to our handler instead of importing env.abort.
  node node_modules/assemblyscript/bin/asc.js "$workflow.ts" \
    --outFile "$out_dir/$workflow.wasm" \
    -O3z --runtime stub --noAssert \
    --use abort=temporal_wasm/abortRun
done

# --- Check -----------------------------------------------------------------------------------------

# The worker refuses any import but these five, and needs `run` and `memory` exported.
node - "$out_dir" "${workflows[@]}" <<'EOF'
const fs = require("fs");
const path = require("path");
const [outDir, ...workflows] = process.argv.slice(2);
const allowed = new Set(["get_info_len", "get_info", "write_log", "complete", "complete_with_failure"]);
let ok = true;
for (const workflow of workflows) {
  const file = path.join(outDir, `${workflow}.wasm`);
  const bytes = fs.readFileSync(file);
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module);
  for (const i of imports) {
    if (i.module !== "env" || i.kind !== "function" || !allowed.has(i.name)) {
      console.error(`${file}: import ${i.module}.${i.name} (${i.kind}) is not part of ABI v0`);
      ok = false;
    }
  }
  for (const [name, kind] of [["run", "function"], ["memory", "memory"]]) {
    if (!exports.some((e) => e.name === name && e.kind === kind)) {
      console.error(`${file}: missing ${kind} export ${name}`);
      ok = false;
    }
  }
  const imported = imports.map((i) => `${i.module}.${i.name}`).join(", ");
  console.log(`${file}: ${bytes.length} bytes; imports ${imported}`);
}
process.exit(ok ? 0 : 1);
EOF
