#!/usr/bin/env bash
# Create or reuse the local virtual environment .venv and install what the
# notebooks and tests need: the helpers package (editable) with the dependencies
# and test tools listed in pyproject.toml. Re-running is cheap: it reinstalls
# only when requirements.txt or pyproject.toml changed.
#
#   TORCH_SPEC="torch==2.13.0" bash scripts/setup_venv.sh   # pick a torch first
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.mirdl-installed
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "${TORCH_SPEC:-}" ]; then
    # Install torch first so that the range in pyproject.toml is already met
    # (an unpinned torch on Linux pulls gigabytes of CUDA packages).
    .venv/bin/python -m pip install --quiet "$TORCH_SPEC"
fi
.venv/bin/python -m pip install --quiet -r requirements.txt   # -e .[test]
echo "$want" > "$stamp"
echo "Installed into .venv: $(.venv/bin/python -c 'import torch, librosa; print("torch", torch.__version__, "| librosa", librosa.__version__)')"
