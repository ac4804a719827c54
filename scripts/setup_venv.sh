#!/usr/bin/env bash
# Create or reuse the local virtual environment .venv and install what the
# notebooks and tests need: the helpers package (editable) with the dependencies
# and the extras listed in pyproject.toml. Re-running is cheap: it reinstalls
# only when requirements.txt or pyproject.toml changed, or more extras are asked.
#
#   bash scripts/setup_venv.sh                       # extras: test
#   EXTRAS=test,browser bash scripts/setup_venv.sh   # + Playwright, JupyterLab
#   TORCH_SPEC="torch==2.13.0" bash scripts/setup_venv.sh
#
# PyTorch: on Linux without an NVIDIA GPU, torch comes from PyTorch's CPU index
# (TORCH_INDEX, https://download.pytorch.org/whl/cpu), which has the CPU build
# only; from the default index, pip would bring gigabytes of CUDA packages. When
# that index cannot be reached, the default index is used and a line says so.
# TORCH_SPEC picks the version and may carry pip options of its own, e.g.
#   TORCH_SPEC="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
EXTRAS=${EXTRAS:-test}
if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.mirdl-installed
want=$(cat requirements.txt pyproject.toml jupyter/mirdl-tutorial.json | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$want" ]; then
    have=$(sed -n 2p "$stamp")
    missing=$(tr , '\n' <<<"$EXTRAS" | grep -vxF -f <(tr , '\n' <<<"$have") || true)
    [ -z "$missing" ] && exit 0
    EXTRAS="$have,$EXTRAS"
fi
pip() { .venv/bin/python -m pip "$@"; }
pip install --quiet --upgrade pip

cpu_only_linux() {
    [ "$(uname -s)" = Linux ] && ! command -v nvidia-smi >/dev/null 2>&1 \
        && [ ! -e /proc/driver/nvidia/version ]
}
TORCH_INDEX=${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
if [[ "${TORCH_SPEC:-}" == *--*index-url* ]]; then
    pip install --quiet ${TORCH_SPEC}   # the caller chose the index
elif cpu_only_linux; then
    spec=${TORCH_SPEC:-torch>=2.11,<3}
    if .venv/bin/python - "$TORCH_INDEX" <<'EOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/torch/", timeout=15)
EOF
    then
        echo "Installing $spec from PyTorch's CPU index ($TORCH_INDEX)"
        pip install --quiet --index-url "$TORCH_INDEX" "$spec"
    else
        echo "PyTorch's CPU index ($TORCH_INDEX) is unreachable: installing $spec" \
             "from the default index"
        pip install --quiet "$spec"
    fi
elif [ -n "${TORCH_SPEC:-}" ]; then
    pip install --quiet ${TORCH_SPEC}
fi
# requirements.txt is `-e .[test]`; other extras (browser, site, lab) on top
pip install --quiet -e ".[$(tr -d ' ' <<<"$EXTRAS")]"
# JupyterLab settings of the project (save widget state with the notebook, so
# that a saved explorer reopens with its figure): pip installs them with a
# regular install, not with an editable one, so copy them here.
overrides=.venv/share/jupyter/lab/settings/overrides.d
mkdir -p "$overrides" && cp jupyter/mirdl-tutorial.json "$overrides/"
printf '%s\n%s\n' "$want" "$EXTRAS" > "$stamp"
echo "Installed into .venv (extras: $EXTRAS): $(.venv/bin/python -c 'import torch, librosa; print("torch", torch.__version__, "| librosa", librosa.__version__)')"
