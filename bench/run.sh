#!/usr/bin/env bash
# The benchmark in one command (bench/README.md): builds SetHub and the bench in Release, starts a durable
# PostgreSQL 15 of its own when a PostgreSQL mode is asked for and a throwaway Azurite (the Azure Storage emulator)
# when the AzureStorage mode is, runs the scenarios, writes bench/results/, and stops everything it started. Exit
# status 0 when the run completed: figures that miss a target are reported, not failures.
#
#   ./bench/run.sh [--quick] [--scenarios a,b,...] [--modes sqlite,postgres,azure] [more options: bench/README.md]
set -uo pipefail

cd "$(dirname "$0")/.."
repo="$(pwd)"
command_line="./bench/run.sh${*:+ $*}"
work="$(mktemp -d /tmp/sethub-bench.XXXXXX)"
pg_data=""
pg_ctl=""
azurite_pid=""
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
# still SetHub), then PostgreSQL and Azurite, then the work folder.
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
  if [ -n "$azurite_pid" ] && grep -qa "azurite" "/proc/$azurite_pid/cmdline" 2>/dev/null; then
    kill "$azurite_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$azurite_pid" 2>/dev/null || break
      sleep 0.1
    done
    grep -qa "azurite" "/proc/$azurite_pid/cmdline" 2>/dev/null && kill -9 "$azurite_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Which modes were asked for decides whether PostgreSQL and Azurite are needed.
modes="sqlite,postgres"  # lowercased below, like the bench reads them
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--modes" ] && [ $((i + 1)) -lt ${#args[@]} ]; then
    modes="${args[$((i + 1))]}"
  fi
done
modes="${modes,,}"

# A loopback port nothing listens on (and not one of the arguments).
free_port() {
  local port taken
  for port in $(shuf -i 20000-60000 -n 50); do
    for taken in "$@"; do
      [ "$port" = "$taken" ] && continue 2
    done
    (echo >"/dev/tcp/127.0.0.1/$port") >/dev/null 2>&1 || { echo "$port"; return 0; }
  done
  return 1
}

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

# A throwaway Azurite, the Azure Storage emulator (the version locked in tools/azurite, like test.sh's), on free
# loopback ports with its data in the work folder, for the AzureStorage mode. One Node.js process: its pid is the
# bench's to measure (the bin script's "#!/usr/bin/env node" execs node in place).
. tools/azurite/azurite.sh
start_azurite() {
  local blob queue table
  blob=$(free_port) && queue=$(free_port "$blob") && table=$(free_port "$blob" "$queue") || { echo "No free ports for Azurite."; return 1; }
  start_azurite_on "$work/azurite" "$work/azurite.log" "$blob" "$queue" "$table" || return 1
  azurite_version="Azurite $("$azurite_bin" --version 2>/dev/null), Node.js $(node --version 2>/dev/null)"
  echo "== $azurite_version on 127.0.0.1 (blob $blob, queue $queue, table $table; pid $azurite_pid)"
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
if [[ ",$modes," == *",azure,"* || ",$modes," == *",azurestorage,"* || ",$modes," == *",azurite,"* ]]; then
  start_azurite || exit 1
  bench_args+=(--azurite "$azurite_connection" --azurite-pid "$azurite_pid" --azurite-version "$azurite_version")
fi

# 10,000 waiting long polls hold 10,000 sockets in the bench and as many in the hub, which inherits this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet bench/SetHub.Bench/bin/Release/net10.0/SetHub.Bench.dll "${bench_args[@]}" "$@"
