#!/usr/bin/env bash
# Tests the Zig SDK and examples.
#
# 1. `zig test` of the SDK's own unit tests (base64, JSON, failures) and of
#    tests/fixtures_test.zig (its tests in tests/fixtures/), which encodes every request of
#    guest/fixtures and decodes every result, info, payload and failure fixture (natively: the
#    encoders and decoders call no host import). The SDK's scratch comes from std.testing.allocator there, so leaks fail.
# 2. If the worker binary is built (<repo>/target/debug/temporal-wasm-worker, or $WORKER), the
#    examples and tests/api_tour.zig are built and run through `temporal-wasm-worker exec`
#    with the mocks of tests/mocks, checked against tests/exec_cases.json (memory_loop: 10,000
#    iterations under a 4 MiB cap). Skipped with a note otherwise.
#
# Uses the Zig that build.sh installs (it installs it when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
zig_version="0.17.1"
toolchain_dir="$repo_root/target/toolchains/ziglang-$zig_version"
cache_dir="${ZIG_LOCAL_CACHE_DIR:-$repo_root/target/zig-cache}"
test_dir="$repo_root/target/guest-zig-tests"

# The same toolchain as build.sh (which installs it when it is missing).
if [ "$(PYTHONPATH="${PYTHONPATH:-}" python3 -m ziglang version 2>/dev/null || true)" = "$zig_version" ]; then
    zig_pythonpath="${PYTHONPATH:-}"
else
    zig_pythonpath="$toolchain_dir"
    if [ "$(PYTHONPATH="$zig_pythonpath" python3 -m ziglang version 2>/dev/null || true)" != "$zig_version" ]; then
        BUNDLE_DIR="$test_dir/bundles" "$here/build.sh" >/dev/null
    fi
fi
zig() { PYTHONPATH="$zig_pythonpath" python3 -m ziglang "$@"; }

cd "$here" # the fixtures test reads ../fixtures
echo "== zig test sdk/temporal.zig"
zig test --cache-dir "$cache_dir" sdk/temporal.zig
echo "== zig test tests/fixtures_test.zig"
zig test --cache-dir "$cache_dir" --dep temporal -Mroot=tests/fixtures_test.zig -Mtemporal=sdk/temporal.zig

worker="${WORKER:-$repo_root/target/debug/temporal-wasm-worker}"
if [ ! -x "$worker" ]; then
    echo "== exec tests skipped: no worker at $worker (cargo build, or set WORKER)"
    exit 0
fi
echo "== exec tests with $worker"
BUNDLE_DIR="$test_dir/bundles" "$here/build.sh" >/dev/null
zig build-exe -target wasm32-freestanding -mcpu=mvp+bulk_memory+sign_ext+mutable_globals \
    -O ReleaseSmall -fno-entry --export=run -fstrip --stack 262144 --cache-dir "$cache_dir" \
    --dep temporal -Mroot=tests/api_tour.zig -Mtemporal=sdk/temporal.zig \
    -femit-bin="$test_dir/bundles/zig/api_tour.wasm"
python3 "$here/tests/exec_check.py" "$worker" "$test_dir/bundles/zig"
