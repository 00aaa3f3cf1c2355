#!/usr/bin/env bash
# Build benchmarks/.venv-torchio: TorchIO (and MONAI) for benchmarks/medical_speed.py and
# benchmarks/volume_speed.py (torch pinned).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=benchmarks/.venv-torchio
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q "torch==2.13.0" torchio monai  # monai: benchmarks/volume_speed.py
"$VENV/bin/python" -c "import torch, torchio; print('torch', torch.__version__, 'torchio', torchio.__version__)"
echo "ready: .venv/bin/python benchmarks/medical_speed.py"
