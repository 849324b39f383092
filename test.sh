#!/usr/bin/env bash
# Builds SetHub and runs every test project, then prints one summary line: "N passed, N failed, N skipped".
# Exit status: 0 only when the build succeeded and no test failed.
set -uo pipefail

cd "$(dirname "$0")"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

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

echo "== test"
# Every test project runs at once, each into its own results folder (TRX names are only unique per second).
projects=$(find tests -name '*.Tests.csproj' | sort)
pids=()
for project in $projects; do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" --configuration "$configuration" --no-build --nologo \
    --logger "trx" --results-directory "$results/$name" > "$results/$name.log" 2>&1 &
  pids+=("$!")
done

test_status=0
for pid in "${pids[@]}"; do
  wait "$pid" || test_status=$?
done
for project in $projects; do
  name="$(basename "$project" .csproj)"
  echo "-- $name"
  cat "$results/$name.log"
done

# Sum the counters of every TRX file. A test project that produced no TRX (its host crashed) counts as a failure.
passed=0; failed=0; skipped=0
for trx in "$results"/*/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + total - executed))
done

expected=$(echo "$projects" | wc -w)
reports=$(find "$results" -mindepth 2 -name '*.trx' | wc -l)
if [ "$reports" -lt "$expected" ]; then
  echo "Only $reports of $expected test projects reported results."
  failed=$((failed + expected - reports))
fi

if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $test_status."
  failed=1
fi

summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
