# Puts the tools installed by scripts/setup.sh on PATH. Source it: `. scripts/env.sh`.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/target/tools/venv/bin:$PATH"
export PYTHON="$repo_root/target/tools/venv/bin/python"
export TEMPORAL_CLI="$repo_root/target/tools/venv/bin/temporal"
