#!/usr/bin/env bash
# Debian libraries Qt needs offscreen and in a window, plus a CJK font for the Chinese UI;
# with --venv also what `python3 -m venv` needs (Debian's python3 ships without venv/ensurepip).
# Installs only what is missing; without root it prints the command to run instead.
set -euo pipefail
packages=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
          fonts-wqy-microhei)
command -v dpkg-query >/dev/null || { echo "not a Debian system: install the equivalents of ${packages[*]}"; exit 0; }
missing=()
if [ "${1:-}" = --venv ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    case "$(command -v python3 || true)" in
        ""|/usr/bin/*|/bin/*) missing+=(python3 python3-venv) ;;  # Debian's own python3 (or none yet)
        *) echo "$(command -v python3) cannot make a virtual environment (no venv/ensurepip module)" >&2; exit 1 ;;
    esac
fi
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "fcviz needs these Debian packages: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
