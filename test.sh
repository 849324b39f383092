#!/usr/bin/env bash
# Builds SetHub and runs every test project, then prints one summary line: "N passed, N failed, N skipped".
# Exit status: 0 only when the build succeeded and no test failed.
set -uo pipefail

cd "$(dirname "$0")"
results="$(mktemp -d)"
pg_data=""
pg_ctl=""
azurite_pid=""
azurite_data=""

cleanup() {
  if [ -n "$pg_data" ]; then
    as_postgres "$pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_data"
  fi
  if [ -n "$azurite_pid" ]; then
    kill -CONT "$azurite_pid" 2>/dev/null; kill "$azurite_pid" 2>/dev/null; wait "$azurite_pid" 2>/dev/null
  fi
  [ -n "$azurite_data" ] && rm -rf "$azurite_data"
  rm -rf "$results"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: its commands run as the postgres user when we are root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A throwaway PostgreSQL 15 cluster on a free loopback port, for the PostgreSQL store and cluster tests.
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
  port=$(free_port)

  pg_data="$(mktemp -d /tmp/sethub-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_data"
  as_postgres "$bin/initdb" -D "$pg_data" -U postgres --auth=trust --no-sync >/dev/null || return 1
  # Throwaway data: no fsync. Enough connections for three nodes and the tests' pools.
  as_postgres "$pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
    start >/dev/null || { cat "$pg_data/server.log"; return 1; }
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres sethub_tests || return 1

  export SETHUB_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=sethub_tests"
  export SETHUB_TEST_POSTGRES_BIN="$bin"
  if [ "$(id -u)" -eq 0 ]; then
    export SETHUB_TEST_POSTGRES_RESTART="runuser -u postgres -- $pg_ctl -D $pg_data -w -t 60 -m fast restart"
  else
    export SETHUB_TEST_POSTGRES_RESTART="$pg_ctl -D $pg_data -w -t 60 -m fast restart"
  fi
  echo "== PostgreSQL 15 on 127.0.0.1:$port"
}

free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") >/dev/null 2>&1 || { echo "$port"; return; }
  done
}

# Azurite, the Azure Storage emulator, for the AzureStorage mode's tests: the version locked in tools/azurite, on free
# loopback ports, with a throwaway data folder.
. tools/azurite/azurite.sh
start_azurite() {
  local blob queue table
  blob=$(free_port)
  while queue=$(free_port); [ "$queue" = "$blob" ]; do :; done
  while table=$(free_port); [ "$table" = "$blob" ] || [ "$table" = "$queue" ]; do :; done
  azurite_data="$(mktemp -d /tmp/sethub-azurite.XXXXXX)"
  start_azurite_on "$azurite_data" "$azurite_data/azurite.log" "$blob" "$queue" "$table" || return 1
  export SETHUB_TEST_AZURITE="$azurite_connection"
  export SETHUB_TEST_AZURITE_PID="$azurite_pid"
  export SETHUB_TEST_AZURITE_BIN="$PWD/$azurite_bin"
  echo "== Azurite $("$azurite_bin" --version) on 127.0.0.1 (blob $blob, table $table)"
}

configuration="${CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

summary() {
  echo "$1 passed, $2 failed, $3 skipped"
}

echo "== build ($configuration)"
if ! dotnet build SetHub.sln --configuration "$configuration" --nologo; then
  echo "The build failed."
  summary 0 1 0
  exit 1
fi

if ! start_postgres; then
  echo "PostgreSQL did not start: its tests will fail."
fi
if ! start_azurite; then
  echo "Azurite did not start: the AzureStorage tests will fail."
fi

echo "== test"
# Every test project runs at once, each into its own results folder (TRX names are only unique per second).
projects=$(find tests -name '*.Tests.csproj' | sort)
runs=0

# Runs one test project into its own results folder and log (TRX names are only unique per second), in the background.
# Extra arguments are environment assignments for that run.
start_run() {
  local name="$1" project="$2" filter="$3"
  shift 3
  runs=$((runs + 1))
  env "$@" dotnet test "$project" --configuration "$configuration" --no-build --nologo ${filter:+--filter "$filter"} \
    --logger "trx" --results-directory "$results/$name" > "$results/$name.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

wait_runs() {
  local pid
  for pid in "${pids[@]}"; do
    wait "$pid" || test_status=$?
  done
  pids=()
}

test_status=0
pids=(); names=()
# First every project at once, the HTTP suite on SQLite; then the HTTP suite again on PostgreSQL and on Azure Storage
# (Azurite), so every HTTP behaviour is checked in all three modes. The cluster tests choose their modes themselves.
for project in $projects; do
  start_run "$(basename "$project" .csproj)" "$project" ""
done
wait_runs
for mode in Postgres AzureStorage; do
  start_run "SetHub.Tests.$mode" tests/SetHub.Tests/SetHub.Tests.csproj 'FullyQualifiedName!~SetHub.Tests.Cluster' SETHUB_TEST_STORAGE="$mode"
done
wait_runs
for name in "${names[@]}"; do
  echo "-- $name"
  cat "$results/$name.log"
done

# The Bicep of the Azure deployment builds and lints without an error or a warning.
echo "-- infra/check.sh"
infra_passed=0; infra_failed=0
if ./infra/check.sh; then infra_passed=1; else infra_failed=1; fi

# Sum the counters of every TRX file. A test project that produced no TRX (its host crashed) counts as a failure.
passed=$infra_passed; failed=$infra_failed; skipped=0
for trx in "$results"/*/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + total - executed))
done

reports=$(find "$results" -mindepth 2 -name '*.trx' | wc -l)
if [ "$reports" -lt "$runs" ]; then
  echo "Only $reports of $runs test runs reported results."
  failed=$((failed + runs - reports))
fi

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $test_status."
  failed=1
fi

summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
