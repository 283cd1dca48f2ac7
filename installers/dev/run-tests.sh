#!/usr/bin/env bash
# `./tidepool test`: installs what the tests need when it is missing, then runs every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/installers/dev/install-deps.sh" test
cd "$ROOT"
if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" mvn -B verify "$@"
fi
exec mvn -B verify "$@"
