#!/usr/bin/env bash
# Builds the Rust example workflows into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/rust/<name>.wasm.
#
# Toolchain: the machine's Rust (rustup) with the wasm32-unknown-unknown target, added when
# missing; binaryen's wasm-opt from Debian, installed with apt-get when missing. Crate versions
# are pinned by Cargo.lock (--locked).
#
# Host-side tests of the SDK and the examples (no wasm involved):
#   CARGO_TARGET_DIR=<repo>/target/guest-rust cargo test --manifest-path guest/rust/Cargo.toml
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/rust"
target=wasm32-unknown-unknown
# Cargo package name and bundle name of each example (examples/<bundle name>/).
examples=(
    greet:greet
    validate-order:validate_order
    order-fulfilment:order_fulfilment
    memory-loop:memory_loop
)

# Our own target dir: guest builds never share artifacts or locks with the daemon's.
export CARGO_TARGET_DIR="$repo_root/target/guest-rust"
# The machine has two cores shared with other builds.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

if [ ! -d "$(rustc --print sysroot)/lib/rustlib/$target" ]; then
    echo "adding the Rust target $target with rustup" >&2
    rustup target add "$target"
fi

if ! command -v wasm-opt >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "installing binaryen (wasm-opt) with apt-get" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq binaryen >/dev/null
fi

# Panic locations inside dependencies are embedded in the bundle as file paths; name them
# relative to a fixed root instead of this machine's cargo home, so bundles are the same
# wherever they are built.
cargo_home="${CARGO_HOME:-${HOME:-}/.cargo}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo"

mkdir -p "$out_dir"
for example in "${examples[@]}"; do
    package="${example%%:*}"
    bundle="${example#*:}"
    # One cargo invocation per example, so one example's serde_json features (validate_order
    # and order_fulfilment want arbitrary_precision) do not enlarge another's bundle.
    cargo build --manifest-path "$here/Cargo.toml" --release --locked --target "$target" -p "$package"
    # wasm-opt trims what LLVM leaves (~12 %). The release profile already stripped the name,
    # producers and target_features sections, so the features rustc enables by default are
    # listed explicitly.
    wasm-opt -Oz --strip-debug --strip-producers \
        --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
        -o "$out_dir/$bundle.wasm" "$CARGO_TARGET_DIR/$target/release/$bundle.wasm"
    echo "$out_dir/$bundle.wasm ($(wc -c <"$out_dir/$bundle.wasm") bytes)"
done
