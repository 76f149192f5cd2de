#!/usr/bin/env bash
# Builds every example bundle from source into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/<lang>/.
#
#   guest/build-all.sh             all languages
#   guest/build-all.sh c zig       only these (js builds the JavaScript and TypeScript examples)
#
# Each language's build.sh installs its own toolchain from the registries when it is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
declare -A scripts=(
    [rust]="$here/rust/build.sh"
    [c]="$here/c/build.sh"
    [zig]="$here/zig/build.sh"
    [assemblyscript]="$here/assemblyscript/build.sh"
    [go]="$here/go/build.sh"
    [js]="$here/js/build.sh" # JavaScript and TypeScript: bundles in js/ and ts/
)
languages=("$@")
if [ ${#languages[@]} -eq 0 ]; then
    languages=(rust c zig assemblyscript go js)
fi
for language in "${languages[@]}"; do
    script="${scripts[$language]:-}"
    if [ -z "$script" ]; then
        echo "unknown language '$language' (known: ${!scripts[*]})" >&2
        exit 2
    fi
    echo "== building $language examples" >&2
    bash "$script"
done
