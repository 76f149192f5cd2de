#!/usr/bin/env bash
# Builds the test guests into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/tests/<name>.wasm.
#
# The test guests are fixtures for the worker's integration tests: each is a crate of its own
# under tests/guests/ (an empty [workspace], its own Cargo.lock, built with --locked), so
# building them never touches the daemon's or the guest SDK's lockfile.
#
# Toolchain: the machine's Rust (rustup) with the wasm32-unknown-unknown target, added when
# missing.
#
# Host-side unit tests of a guest (no wasm involved):
#   CARGO_TARGET_DIR=<repo>/target/test-guests cargo test --manifest-path tests/guests/scenario/Cargo.toml
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/tests"
target=wasm32-unknown-unknown
guests=(scenario)

# Our own target dir: test guest builds never share artifacts or locks with the daemon's.
export CARGO_TARGET_DIR="$repo_root/target/test-guests"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

if [ ! -d "$(rustc --print sysroot)/lib/rustlib/$target" ]; then
    echo "adding the Rust target $target with rustup" >&2
    rustup target add "$target"
fi

# Panic locations inside dependencies are embedded in the bundle as file paths; name them
# relative to a fixed root instead of this machine's cargo home, so bundles are the same
# wherever they are built.
cargo_home="${CARGO_HOME:-${HOME:-}/.cargo}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo"

mkdir -p "$out_dir"
for guest in "${guests[@]}"; do
    cargo build --manifest-path "$here/$guest/Cargo.toml" --locked --release --target "$target"
    cp "$CARGO_TARGET_DIR/$target/release/$guest.wasm" "$out_dir/$guest.wasm"
    echo "$out_dir/$guest.wasm ($(wc -c <"$out_dir/$guest.wasm") bytes)"
done
