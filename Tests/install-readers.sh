#!/usr/bin/env bash
# Installs every optional tool the tests use, in one command (Debian or Ubuntu):
#   bash Tests/install-readers.sh
# Without them `swift test` still passes: the tests that need one skip, each with one line
# naming what is missing (with CI set they fail instead).
#   apt: xmllint (libxml2-utils), unzip, LibreOffice headless (libreoffice-calc-nogui), tmux;
#        curl, Chromium and wrk, the real clients of the `serve` tests and its load benchmark
#   pip: openpyxl, python-calamine (real XLSX readers the tests open our files with)
# The OOXML schemas are data, not a package: see README.md, "Tests".
set -euo pipefail

sudo=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
    python3 python3-pip libxml2-utils unzip libreoffice-calc-nogui tmux chromium curl wrk >/dev/null

pip=(python3 -m pip install -q --disable-pip-version-check openpyxl python-calamine)
# A Debian python3 refuses system-wide pip installs (PEP 668); then install for this user.
"${pip[@]}" 2>/dev/null || "${pip[@]}" --user --break-system-packages
python3 -c 'import openpyxl, python_calamine' && echo "install-readers: all optional test tools installed"
