#!/usr/bin/env bash
# `./tidepool test`: installs what the tests need when it is missing, then runs every test
# (unit tests, then the integration tests that start PostgreSQL, sshd and windows).
# Extra arguments go to Maven, e.g. `./tidepool test -pl proxy-core -Dit.test=LocalClusterIT`.
# The exit status is Maven's: any failing test fails the command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$ROOT/installers/dev/install-deps.sh" test
cd "$ROOT"
MVN=(mvn -B --no-transfer-progress verify "$@")
if [[ -z "${DISPLAY:-}" ]]; then
  # The JavaFX tests need an X server; xvfb-run (installed above) gives them a virtual one
  # on a free display number and passes Maven's exit status through.
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "${MVN[@]}"
fi
exec "${MVN[@]}"
