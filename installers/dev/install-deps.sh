#!/usr/bin/env bash
# Installs the system packages a task needs, when they are missing (Debian/Ubuntu, as root or with sudo).
# usage: install-deps.sh test|bench|demo
set -euo pipefail
echo "install-deps: not written yet" >&2
exit 1
