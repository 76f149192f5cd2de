#!/usr/bin/env bash
# Builds the C example workflows into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/c/<name>.wasm.
#
# Toolchain: Debian's clang and lld (wasm-ld) plus binaryen (wasm-opt), installed with apt-get
# when missing. Any clang >= 14 works; the versions are those of the Debian release. The SDK
# needs no libc. Unit tests of the SDK: ./test.sh (native, with the system's cc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/c"
sdk="$here/sdk"
examples="$here/examples"
workflows=(greet validate_order order_fulfilment memory_loop)
# Sources a workflow shares with another: order_fulfilment checks orders as validate_order does.
declare -A shared=([order_fulfilment]="$examples/validate_order")

install_toolchain() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing clang, lld and binaryen with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang lld binaryen >/dev/null
}

if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || ! command -v wasm-opt >/dev/null; then
    install_toolchain
fi

# Compile and link separately: when wasm-opt is on PATH, the clang driver runs it after linking
# without the module's feature flags, which fails on bulk-memory instructions.
#   -ffreestanding -nostdlib  no libc; clang's own stdint.h/stdbool.h/stddef.h still work
#   -Oz -flto                 smallest code, optimised across the SDK and the workflow, so a
#                             bundle keeps (and imports) only what it calls
#   -mbulk-memory             memcpy becomes memory.copy instead of a libc call
cflags=(--target=wasm32 -ffreestanding -nostdlib -std=c11 -Oz -flto -mbulk-memory
        -Wall -Wextra -Wpedantic -Werror -I "$sdk")
# --no-entry            a library-style module: the worker calls `run`, there is no _start
# --export=run          the ABI's entry point (memory is exported by default)
# --strip-all           no name or producers sections
# --stack-first         a stack overflow traps at address 0 instead of corrupting static data
# -z stack-size=65536   the shadow stack: the SDK never recurses, 64 KiB is plenty; a durable
#                       guest's stack stays in linear memory while the worker parks it
ldflags=(--no-entry --export=run --strip-all --gc-sections --stack-first -z stack-size=65536)

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
mkdir -p "$out_dir" "$build_dir/sdk"

started_ms=$(($(date +%s%N) / 1000000))
sdk_objects=()
for source in "$sdk"/*.c; do
    object="$build_dir/sdk/$(basename "$source" .c).o"
    clang "${cflags[@]}" -c -o "$object" "$source"
    sdk_objects+=("$object")
done

# A workflow's sources: every .c of its folder, plus the helpers of a folder it shares (all
# but that folder's own workflow, e.g. validate_order.c, whose `run` is not ours).
sources_of() {
    local workflow="$1" dir source
    for source in "$examples/$workflow"/*.c; do echo "$source"; done
    for dir in ${shared[$workflow]:-}; do
        for source in "$dir"/*.c; do
            [ "$(basename "$source" .c)" = "$(basename "$dir")" ] || echo "$source"
        done
    done
}

for workflow in "${workflows[@]}"; do
    includes=(-I "$examples/$workflow")
    for dir in ${shared[$workflow]:-}; do includes+=(-I "$dir"); done
    objects=()
    while read -r source; do
        object="$build_dir/$workflow-$(basename "$source" .c).o"
        clang "${cflags[@]}" "${includes[@]}" -c -o "$object" "$source"
        objects+=("$object")
    done < <(sources_of "$workflow")
    wasm-ld "${ldflags[@]}" -o "$build_dir/$workflow.wasm" "${objects[@]}" "${sdk_objects[@]}"
    # wasm-opt trims a further ~15 % that LLVM leaves (redundant locals, block structure).
    wasm-opt -Oz --converge --enable-bulk-memory --strip-debug --strip-producers \
        -o "$out_dir/$workflow.wasm" "$build_dir/$workflow.wasm"
    echo "$out_dir/$workflow.wasm ($(wc -c <"$out_dir/$workflow.wasm") bytes)"
done
elapsed_ms=$(($(date +%s%N) / 1000000 - started_ms))
printf 'built %d C bundles in %d.%03d s\n' "${#workflows[@]}" $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
