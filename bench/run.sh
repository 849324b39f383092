#!/usr/bin/env bash
# The benchmark in one command (bench/README.md): builds SetHub and the bench in Release, starts a durable
# PostgreSQL 15 of its own when a PostgreSQL mode is asked for, runs the scenarios, writes bench/results/, and stops
# everything it started. Exit status 0 when the run completed: figures that miss a target are reported, not failures.
#
#   ./bench/run.sh [--quick] [--scenarios a,b,...] [--modes sqlite,postgres] [more options: bench/README.md]
set -uo pipefail

cd "$(dirname "$0")/.."
repo="$(pwd)"
command_line="./bench/run.sh${*:+ $*}"
work="$(mktemp -d /tmp/sethub-bench.XXXXXX)"
pg_data=""
pg_ctl=""
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# PostgreSQL refuses to run as root: its commands run as the postgres user when we are root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Ends what this run started, even when the bench itself crashed: the hub processes it recorded (only if they are
# still SetHub), then PostgreSQL, then the work folder.
cleanup() {
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      if [ -n "$pid" ] && grep -qa "SetHub.dll" "/proc/$pid/cmdline" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$work/pids"
  fi
  if [ -n "$pg_data" ]; then
    as_postgres "$pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Which modes and scenarios were asked for decides whether PostgreSQL is needed.
modes="sqlite,postgres"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--modes" ] && [ $((i + 1)) -lt ${#args[@]} ]; then
    modes="${args[$((i + 1))]}"
  fi
done

# A durable PostgreSQL 15 (fsync and synchronous_commit at their defaults, on) on a free loopback port.
start_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)"
  if [ -z "$bin" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "== installing PostgreSQL 15"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >/dev/null 2>&1; }
    bin="$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)"
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL 15 is not installed and could not be installed."
    return 1
  fi
  pg_ctl="$bin/pg_ctl"

  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") >/dev/null 2>&1 || break
  done

  pg_data="$work/pg"
  mkdir -p "$pg_data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_data" && chmod 755 "$work"
  as_postgres "$bin/initdb" -D "$pg_data" -U postgres --auth=trust >/dev/null || return 1
  # Durable defaults; only enough connections for three nodes' pools and the bench.
  as_postgres "$pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $port -k $pg_data -c listen_addresses=127.0.0.1 -c max_connections=400" \
    start >/dev/null || { cat "$pg_data/server.log"; return 1; }
  pg_connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "== PostgreSQL 15 on 127.0.0.1:$port (durable)"
}

# One build of SetHub and the bench (bench/bench.slnf filters the solution to them; the tests are not needed).
echo "== build (Release)"
if ! dotnet build bench/bench.slnf --configuration Release --nologo -v quiet; then
  echo "The build failed."
  exit 1
fi

bench_args=(--repo "$repo" --work "$work" --command-line "$command_line"
  --git-sha "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || echo "-dirty")"
  --dotnet-version "$(dotnet --version)")
if [[ ",$modes," == *",postgres,"* || ",$modes," == *",postgresql,"* ]]; then
  start_postgres || exit 1
  bench_args+=(--postgres "$pg_connection" --postgres-data "$pg_data")
fi

# 10,000 waiting long polls hold 10,000 sockets in the bench and as many in the hub, which inherits this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet bench/SetHub.Bench/bin/Release/net10.0/SetHub.Bench.dll "${bench_args[@]}" "$@"
