#!/usr/bin/env bash
# A workflow the engine cannot load is refused at build time, with the file and line at fault:
# each case builds a file of tests/broken with build.sh and checks that the build fails and
# that its first error line names the place (as compilers do) and the kind of error.
#
#   tests/build_errors.sh     after build.sh has built the engine, the tool and typescript
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
js="$(cd "$here/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

passed=0 failed=0
# expect FILE PATTERN: building tests/broken/FILE fails and its output matches PATTERN (grep -E).
expect() {
    local file="$1" pattern="$2" output status
    output="$("$js/build.sh" "$here/broken/$file" -o "$out/${file%.*}.wasm" 2>&1)"
    status=$?
    if [ $status -ne 0 ] && [ ! -f "$out/${file%.*}.wasm" ] && grep -Eq "$pattern" <<<"$output"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: building $file (exit $status) should fail matching /$pattern/; it said:" >&2
        echo "$output" >&2
    fi
}

expect syntax_error.js '^error: .*/tests/broken/syntax_error\.js:7:14: SyntaxError: '
expect imports_broken.js '^error: .*/tests/broken/broken_helper\.js:4:14: SyntaxError: '
expect syntax_error.ts 'tests/broken/syntax_error\.ts\(6,14\): error TS1136'
expect top_level_call.js '^error: .*/tests/broken/top_level_call\.js:6:1: InternalError: temporal: start_timer was called while the bundle was being built'

echo "build errors: $passed passed, $failed failed"
[ $failed -eq 0 ]
