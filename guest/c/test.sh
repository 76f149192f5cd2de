#!/usr/bin/env bash
# Tests the C SDK natively with the system's C compiler (cc, clang or gcc):
#   sdk_test      the pure parts (base64, JSON, memory, payloads, failures, request encoders,
#                 result decoders) against the golden fixtures in guest/fixtures
#   workflow_test the four example workflows on a mock worker (tests/mock_*.c), every path
#                 of order_fulfilment and memory_loop's 10,000 steps in a 4 MiB heap
# Both build with -fsanitize=address,undefined where the compiler supports it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out="${C_TEST_DIR:-$repo_root/target/guest-c/tests}"
cc="${CC:-$(command -v cc || command -v clang || command -v gcc)}"
mkdir -p "$out"

sdk="$here/sdk"
pure=("$sdk"/memory.c "$sdk"/base64.c "$sdk"/json_parse.c "$sdk"/json_read.c "$sdk"/json_write.c "$sdk"/payload.c "$sdk"/requests.c)
calls=("$sdk"/workflow.c "$sdk"/waiting.c "$sdk"/commands.c "$sdk"/channels.c "$sdk"/deterministic.c "$sdk"/telling.c)
cflags=(-std=c11 -g -O1 -Wall -Wextra -Wpedantic -Werror -I "$sdk" -I "$here/tests")
if echo 'int main(void){return 0;}' | "$cc" -fsanitize=address,undefined -x c - -o "$out/probe" 2>/dev/null; then
    cflags+=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi

# sdk_test.c runs the groups of sdk_test_*.c (base64 and JSON, memory, encoders, decoders).
"$cc" "${cflags[@]}" -o "$out/sdk_test" "$here"/tests/sdk_test*.c "$here/tests/check.c" "${pure[@]}"
# The tests keep their fixture texts for the whole run: no leak report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
"$out/sdk_test" "$repo_root/guest/fixtures"

if [ -f "$here/tests/workflow_test.c" ]; then
    # One binary per example (each defines `run`), with a 4 MiB native heap: the memory cap the
    # worker gives memory_loop.
    # every_call is a test-only workflow (tests/every_call.c) that makes each SDK call once.
    # Each binary: the harness (workflow_test.c), the example's tests (workflow_test_<name>.c)
    # and the mock worker (mock_host.c, mock_channels.c, mock_text.c).
    mock=("$here/tests/mock_host.c" "$here/tests/mock_channels.c" "$here/tests/mock_text.c")
    for example in greet validate_order order_fulfilment memory_loop every_call; do
        if [ "$example" = every_call ]; then
            sources=("$here/tests/every_call.c")
        else
            sources=("$here/examples/$example"/*.c)
        fi
        includes=(-I "$here/examples/$example")
        if [ "$example" = order_fulfilment ]; then
            sources+=("$here/examples/validate_order/order.c")
            includes+=(-I "$here/examples/validate_order")
        fi
        "$cc" "${cflags[@]}" "${includes[@]}" -DTW_NATIVE_HEAP_BYTES='(4u << 20)' \
            -o "$out/workflow_test_$example" "$here/tests/workflow_test.c" "$here/tests/workflow_test_$example.c" \
            "${mock[@]}" "$here/tests/check.c" "${sources[@]}" "${pure[@]}" "${calls[@]}"
        "$out/workflow_test_$example" "$repo_root/guest/fixtures"
    done
fi
