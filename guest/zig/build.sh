#!/usr/bin/env bash
# Builds the Zig example workflows into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/zig/<name>.wasm.
#
# Toolchain: Zig from PyPI's `ziglang` package (run as `python3 -m ziglang`), pinned below, and
# binaryen's wasm-opt from Debian. Both are installed when missing. If the pinned Zig is not
# already importable by python3, it is installed with `pip --target` into
# <repo>/target/toolchains/, which works on Debian's externally managed Python too.
#
# Each example is one root file; the SDK is module `temporal` (sdk/temporal.zig), and the order
# check validate_order and order_fulfilment share is module `order`.
set -euo pipefail

zig_version="0.17.1"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/zig"
cache_dir="${ZIG_LOCAL_CACHE_DIR:-$repo_root/target/zig-cache}"
toolchain_dir="$repo_root/target/toolchains/ziglang-$zig_version"
workflows=(greet validate_order order_fulfilment memory_loop)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update -qq
        apt_updated=1
    fi
    echo "installing $* with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Prints the version of `python3 -m ziglang` with the given PYTHONPATH, or nothing.
zig_version_with() {
    PYTHONPATH="$1" python3 -m ziglang version 2>/dev/null || true
}

if ! command -v python3 >/dev/null; then apt_install python3 python3-pip; fi
if ! command -v wasm-opt >/dev/null; then apt_install binaryen; fi

if [ "$(zig_version_with "${PYTHONPATH:-}")" = "$zig_version" ]; then
    zig_pythonpath="${PYTHONPATH:-}"
else
    zig_pythonpath="$toolchain_dir"
    if [ "$(zig_version_with "$zig_pythonpath")" != "$zig_version" ]; then
        if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip; fi
        echo "installing ziglang==$zig_version from PyPI into $toolchain_dir" >&2
        rm -rf "$toolchain_dir"
        PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
            --no-input --no-deps --target "$toolchain_dir" "ziglang==$zig_version"
    fi
fi
zig() { PYTHONPATH="$zig_pythonpath" python3 -m ziglang "$@"; }

# -mcpu: pin the wasm features instead of following Zig's moving `generic` CPU; these are
# supported by every current engine, and wasm-opt below is told the same set.
# -fno-entry --export=run: no _start; the worker calls `run` (memory is exported by default).
# -fstrip: no debug info, name or producers sections.
# --stack: 256 KiB of shadow stack instead of 1 MiB: the SDK's JSON code does not recurse
# deeply, and the rest of a small memory cap is left to the heap.
zig_flags=(-target wasm32-freestanding -mcpu=mvp+bulk_memory+sign_ext+mutable_globals
           -O ReleaseSmall -fno-entry --export=run -fstrip --stack 262144 --cache-dir "$cache_dir")

# The modules each example's root file imports, as `zig build-exe` flags.
modules_of() {
    case "$1" in
        validate_order | order_fulfilment)
            echo "--dep temporal --dep order -Mroot=examples/$1/$1.zig" \
                 "--dep temporal -Morder=examples/validate_order/order.zig -Mtemporal=sdk/temporal.zig" ;;
        *)
            echo "--dep temporal -Mroot=examples/$1/$1.zig -Mtemporal=sdk/temporal.zig" ;;
    esac
}

build_dir="$(mktemp -d)"
trap 'rm -rf "$build_dir"' EXIT
mkdir -p "$out_dir"

for workflow in "${workflows[@]}"; do
    # shellcheck disable=SC2046 # modules_of prints flags to split
    (cd "$here" && zig build-exe "${zig_flags[@]}" $(modules_of "$workflow") \
        -femit-bin="$build_dir/$workflow.wasm")
    # wasm-opt trims a further ~10 % that LLVM leaves.
    wasm-opt -Oz --converge --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --strip-debug --strip-producers -o "$out_dir/$workflow.wasm" "$build_dir/$workflow.wasm"
    echo "$out_dir/$workflow.wasm ($(wc -c <"$out_dir/$workflow.wasm") bytes)"
done
