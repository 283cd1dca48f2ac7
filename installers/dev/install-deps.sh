#!/usr/bin/env bash
# Installs the system packages a Tidepool task needs, when they are missing.
#
# usage: installers/dev/install-deps.sh test|bench|demo
#
#   test   everything the test suite starts: PostgreSQL server and clients (initdb, pg_ctl,
#          pg_basebackup, pg_rewind, psql, pgbench), pgpool-II (its pcp_* tools and the
#          pgpool_recovery extension), PgBouncer, sshd, sudo (remote commands run through
#          `sudo -n -u` when ssh_sudo_user is set), Xvfb + GTK/GL for the JavaFX tests,
#          ImageMagick for screenshots, Java 17+ and Maven
#   bench  PostgreSQL, PgBouncer, pgpool-II, Java and Maven
#   demo   PostgreSQL, Java and Maven, GTK/GL for the console
#
# On Debian/Ubuntu it runs apt-get as root, or through `sudo -n` when that works without a
# password. When everything is present it prints nothing and does not touch apt (no
# `apt-get update`). Without apt, or without the rights to use it, it prints exactly what
# to install and exits 1.
#
# Package services are kept from running: a policy-rc.d blocks service starts during the
# install, Debian's automatic "main" PostgreSQL cluster is not created, and any postgresql,
# pgpool2 or pgbouncer service found running afterwards is stopped, so nothing holds the
# ports 5432, 9999 or 6432 that the demo and the benchmark use.
set -euo pipefail

task="${1:-}"
case "$task" in
  test|bench|demo) ;;
  *) echo "usage: $0 test|bench|demo" >&2; exit 2 ;;
esac

LOG="${TMPDIR:-/tmp}/tidepool-install-deps.log"

say() { echo "install-deps: $*" >&2; }

is_installed() { # package name; true when dpkg has it fully installed
  command -v dpkg-query >/dev/null 2>&1 &&
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

any_installed() { # alternatives of one package (renamed across releases)
  local p
  for p in "$@"; do is_installed "$p" && return 0; done
  return 1
}

# The newest /usr/lib/postgresql/N/bin holding every program the harness runs, if any.
pg_bindir() {
  local dir best="" bestver=0 ver p ok
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -d "$dir" ]] || continue
    ok=1
    for p in initdb postgres pg_ctl pg_basebackup pg_rewind pgbench psql; do
      [[ -x "$dir/$p" ]] || { ok=0; break; }
    done
    ver="$(basename "$(dirname "$dir")")"
    if (( ok )) && [[ "$ver" =~ ^[0-9]+$ ]] && (( ver > bestver )); then
      best="$dir"; bestver="$ver"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
}

java_ok() { # a java of version 17 or newer on PATH
  command -v java >/dev/null 2>&1 || return 1
  local v
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  [[ "${v%%.*}" =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 17 ))
}

# ---------------------------------------------------------------- what is missing
# Each entry: "package[|alternative...]". The first name is what gets installed.
missing=()
need() { any_installed ${1//|/ } || missing+=("$1"); }

need_postgresql() {
  # The `postgresql` metapackage brings the supported server (initdb, postgres, pg_ctl,
  # pg_basebackup, pg_rewind and, on Debian 12, pgbench: all in postgresql-N) and its client
  # (psql, in postgresql-client-N); postgresql-contrib is an empty transitional package there.
  if [[ -z "$(pg_bindir || true)" ]]; then
    missing+=("postgresql" "postgresql-contrib")
  fi
}

need_java_maven() {
  java_ok || missing+=("openjdk-17-jdk-headless")
  command -v mvn >/dev/null 2>&1 || missing+=("maven")
}

need_postgresql
case "$task" in
  test)
    need "pgpool2"
    need "pgbouncer"
    need "openssh-server"
    need "sudo"
    need "xvfb"
    need "xauth"
    need "libgtk-3-0|libgtk-3-0t64"
    need "libgl1"
    need "imagemagick"
    ;;
  bench)
    need "pgpool2"
    need "pgbouncer"
    ;;
  demo)
    need "libgtk-3-0|libgtk-3-0t64"
    need "libgl1"
    ;;
esac
need_java_maven

# pgpool-II's server-side extension (pgpool_recovery) matches the PostgreSQL major version,
# which is known only once PostgreSQL is installed.
pg_major() {
  local dir
  dir="$(pg_bindir || true)"
  [[ -n "$dir" ]] && basename "$(dirname "$dir")"
}
if [[ "$task" == test ]]; then
  if major="$(pg_major)"; then
    need "postgresql-$major-pgpool2"
  else
    missing+=("postgresql-N-pgpool2")
  fi
fi

if (( ${#missing[@]} == 0 )); then
  exit 0
fi

# ---------------------------------------------------------------- can we install?
names=()
for entry in "${missing[@]}"; do names+=("${entry%%|*}"); done

explain_and_fail() {
  say "$1"
  say "install these packages, then run this again: ${names[*]}"
  if [[ " ${names[*]} " == *" postgresql-N-pgpool2 "* ]]; then
    say "  (postgresql-N-pgpool2: N is the PostgreSQL major version, e.g. postgresql-15-pgpool2)"
  fi
  say "  (without apt: PostgreSQL server and client programs, pgbench, pgpool-II with pcp tools,"
  say "   PgBouncer, OpenSSH server, sudo, Xvfb + xauth, GTK 3, libGL, ImageMagick, Java 17+, Maven;"
  say "   point TIDEPOOL_PG_BINDIR at the directory holding initdb when it is not found)"
  exit 1
}

command -v apt-get >/dev/null 2>&1 || explain_and_fail "apt-get not found (not Debian/Ubuntu)"
SUDO=()
if (( EUID != 0 )); then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    explain_and_fail "not root and no password-less sudo"
  fi
fi
run_root() { "${SUDO[@]}" "$@"; }

# ---------------------------------------------------------------- keep services down
POLICY=/usr/sbin/policy-rc.d
CREATECLUSTER_DROPIN=/etc/postgresql-common/createcluster.d/tidepool-no-main-cluster.conf
policy_created=0
cleanup() {
  if (( policy_created )); then
    run_root rm -f "$POLICY" || true
  fi
}
trap cleanup EXIT

if [[ ! -e "$POLICY" ]]; then
  # exit 101: "action forbidden" for invoke-rc.d and deb-systemd-invoke.
  printf '#!/bin/sh\n# Temporary, from Tidepool install-deps.sh: no service starts during installs.\nexit 101\n' |
    run_root tee "$POLICY" >/dev/null
  run_root chmod 755 "$POLICY"
  policy_created=1
fi
# Debian creates and starts a "main" cluster on port 5432 when the server is installed; the
# tests make their own clusters, so none is wanted (a setting for postgresql-common's future
# installs only; existing clusters are untouched).
if [[ " ${names[*]} " == *" postgresql "* ]]; then
  run_root mkdir -p "$(dirname "$CREATECLUSTER_DROPIN")"
  echo "create_main_cluster = false" | run_root tee "$CREATECLUSTER_DROPIN" >/dev/null
fi

# What runs before the install is the machine owner's business and is left alone; only what
# the install itself started is stopped afterwards.
services_running() {
  local service
  for service in postgresql pgpool2 pgbouncer ssh; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
      echo "service:$service"
    fi
  done
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print "cluster:" $1 ":" $2}'
  fi
  local exe
  for exe in pgpool pgbouncer; do
    pgrep -x "$exe" >/dev/null 2>&1 && echo "process:$exe"
  done
  return 0
}
before="$(services_running)"

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

apt_install() {
  if ! run_root apt-get install "${APT_OPTS[@]}" "$@" >>"$LOG" 2>&1; then
    say "apt-get install $* failed; last lines of $LOG:"
    tail -n 30 "$LOG" >&2
    exit 1
  fi
}

: >"$LOG"
say "installing: ${names[*]} (log: $LOG)"
if ! run_root apt-get update -q >>"$LOG" 2>&1; then
  say "apt-get update failed; last lines of $LOG:"
  tail -n 30 "$LOG" >&2
  exit 1
fi

# Renamed packages (libgtk-3-0 became libgtk-3-0t64 on Ubuntu 24.04): install the name apt knows.
resolved=()
for entry in "${missing[@]}"; do
  [[ "$entry" == postgresql-N-pgpool2 ]] && continue
  chosen="${entry%%|*}"
  for alternative in ${entry//|/ }; do
    if apt-cache show "$alternative" >/dev/null 2>&1; then chosen="$alternative"; break; fi
  done
  resolved+=("$chosen")
done
if (( ${#resolved[@]} > 0 )); then
  apt_install "${resolved[@]}"
fi

if [[ " ${names[*]} " == *" postgresql-N-pgpool2 "* ]]; then
  major="$(pg_major)" || { say "PostgreSQL was installed but its programs were not found under /usr/lib/postgresql"; exit 1; }
  apt_install "postgresql-$major-pgpool2"
fi

# ---------------------------------------------------------------- verify and tidy up
# Stop whatever the install started despite the policy (systemd presets, say).
while read -r item; do
  [[ -n "$item" ]] || continue
  grep -qxF "$item" <<<"$before" && continue
  case "$item" in
    service:*) run_root systemctl stop "${item#service:}" >>"$LOG" 2>&1 || true ;;
    cluster:*) IFS=: read -r _ ver name <<<"$item"; run_root pg_ctlcluster "$ver" "$name" stop >>"$LOG" 2>&1 || true ;;
    process:*) say "warning: ${item#process:} is running after the install; stop it if it holds 9999/6432" ;;
  esac
done <<<"$(services_running)"
if command -v ss >/dev/null 2>&1; then
  for port in 5432 9999 6432; do
    if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      say "warning: something still listens on port $port (the demo and benchmark use 5432/9999/6432)"
    fi
  done
fi

still=()
[[ -n "$(pg_bindir || true)" ]] || still+=("PostgreSQL server/client programs")
java_ok || still+=("java 17+")
command -v mvn >/dev/null 2>&1 || still+=("mvn")
if [[ "$task" == test ]]; then
  command -v xvfb-run >/dev/null 2>&1 || still+=("xvfb-run")
  command -v pcp_node_info >/dev/null 2>&1 || still+=("pcp_node_info (pgpool2)")
  command -v sudo >/dev/null 2>&1 || still+=("sudo")
fi
if (( ${#still[@]} > 0 )); then
  say "still missing after the install: ${still[*]}"
  exit 1
fi
say "done"
