#!/usr/bin/env bash
# The wheel as a user gets it: build it, install it into a fresh virtual environment, and run
# fcviz from a directory outside the checkout (samples, resources and translations must be inside).
# Usage: scripts/check_wheel.sh [PYTHON]   (PYTHON builds the wheel; default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$work/dist" .
wheel=$(ls "$work"/dist/fcviz-*.whl)
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
cd "$work"
fcviz=$work/venv/bin/fcviz
set -x  # each check prints its command; grep prints the line it found
"$fcviz" presets | grep '^clothes '
"$fcviz" samples | grep "^iris .*$work/venv/.*/fcviz/samples/iris.csv$"
"$fcviz" train clothes_size --epochs 5 --quiet | grep '^epoch 5 loss '
QT_QPA_PLATFORM=offscreen "$fcviz" screenshot --preset digits --out "$work/digits.png" --lang zh_CN 2>"$work/stderr"
set +x
[ ! -s "$work/stderr" ] || { echo "the screenshot printed on stderr:"; cat "$work/stderr"; exit 1; } >&2
[ "$(stat -c %s "$work/digits.png")" -gt 20000 ] || { echo "the screenshot is suspiciously small" >&2; exit 1; }
echo "wheel check passed: $(basename "$wheel")"
