#!/usr/bin/env bash
# The JavaScript SDK's tests: they run inside the engine itself, with tests/mock_host.js standing
# in for the worker behind `temporal:host`.
#
#   fixtures_test.js  every request the SDK writes and every result it reads, against the golden
#                     ABI fixtures in guest/fixtures (shared with the worker and the other SDKs)
#   driver_test.js    the driver, the event loop, handlers, select and the deterministic globals
#   build_errors.sh   a syntax error (JS, TS, in an imported file) or a worker call at the top
#                     level is refused at build time, naming the file and line
#   the TypeScript    the examples and temporal.d.ts type-check with tsc --noEmit
#
# Builds the engine and the tool first (build.sh), so it needs what build.sh needs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
work="$repo_root/target/guest-js"

# The engine, the tool and typescript (the examples' bundles are build.sh's, run by
# guest/build-all.sh).
engine="$("$here/build.sh" --tools)"
status=0
for suite in fixtures_test driver_test; do
    if ! "$work/tools/release/tw-js" test --engine "$engine" --sdk "$here/sdk" --root "$here/.." \
        --entry "$here/tests/$suite.js" --mock-host "$here/tests/mock_host.js"; then
        status=1
    fi
done
if ! bash "$here/tests/build_errors.sh"; then
    status=1
fi
if "$here/node_modules/.bin/tsc" -p "$here/tsconfig.json" --noEmit; then
    echo "typescript: 1 passed, 0 failed"
else
    echo "typescript: 0 passed, 1 failed"
    status=1
fi
exit $status
