#!/usr/bin/env bash
# Builds the C example workflows into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/c/<name>.wasm.
#
# Toolchain: Debian's clang and lld (wasm-ld) plus binaryen (wasm-opt), installed with apt-get
# when missing. Any clang >= 14 works; the versions are those of the Debian release.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/c"
workflows=(greet validate_order)

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
#   -Oz -flto                 smallest code, optimised across temporal_wasm.c and the workflow
#   -mbulk-memory             memcpy becomes memory.copy instead of a libc call
cflags=(--target=wasm32 -ffreestanding -nostdlib -std=c11 -Oz -flto -mbulk-memory
        -Wall -Wextra -Wpedantic)
# --no-entry            a library-style module: the worker calls `run`, there is no _start
# --export=run          the ABI's entry point (memory is exported by default)
# --strip-all           no name or producers sections
# --stack-first         a stack overflow traps at address 0 instead of corrupting static data
ldflags=(--no-entry --export=run --strip-all --gc-sections --stack-first -z stack-size=65536)

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
mkdir -p "$out_dir"

clang "${cflags[@]}" -c -o "$build_dir/temporal_wasm.o" "$here/temporal_wasm.c"
for workflow in "${workflows[@]}"; do
    clang "${cflags[@]}" -c -o "$build_dir/$workflow.o" "$here/$workflow.c"
    wasm-ld "${ldflags[@]}" -o "$build_dir/$workflow.wasm" "$build_dir/$workflow.o" "$build_dir/temporal_wasm.o"
    # wasm-opt trims a further ~15 % that LLVM leaves (redundant locals, block structure).
    wasm-opt -Oz --converge --enable-bulk-memory --strip-debug --strip-producers \
        -o "$out_dir/$workflow.wasm" "$build_dir/$workflow.wasm"
    echo "$out_dir/$workflow.wasm ($(wc -c <"$out_dir/$workflow.wasm") bytes)"
done
