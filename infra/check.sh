#!/usr/bin/env bash
# Checks the Azure deployment templates: `bicep build` of infra/main.bicep (which also compiles every module it uses)
# and `bicep lint` of main.bicep and of each module, with the rules of infra/bicepconfig.json. Fails on any error or
# warning (bicep itself exits 0 on warnings), printing the diagnostics; on success prints one line.
# The bicep CLI comes from NuGet (package Azure.Bicep.CommandLine.linux-x64, restored by tools/bicep), so nothing but
# the .NET SDK is needed. Runs from anywhere.
set -euo pipefail

cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bicep_version=0.49.2
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "infra/check.sh: the bicep package restored here is for linux-x64, not $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac

if ! restore_log="$(dotnet restore tools/bicep/bicep.csproj --verbosity quiet 2>&1)"; then
  printf '%s\n' "$restore_log" >&2
  echo "infra/check.sh: restoring the bicep CLI (tools/bicep) failed" >&2
  exit 2
fi

packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
bicep="${packages%/}/azure.bicep.commandline.linux-x64/${bicep_version}/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "infra/check.sh: no bicep binary at $bicep after the restore" >&2
  exit 2
fi
[ -x "$bicep" ] || chmod +x "$bicep"

failed=0
diagnostics=""

# run LABEL COMMAND...: runs a bicep command, keeps its diagnostics, and counts it as failed on a non-zero exit or
# on any Warning or Error diagnostic. (bicep build --stdout prints the template on stdout, diagnostics on stderr.)
run() {
  local label="$1" output status=0
  shift
  output="$("$@" 2>&1)" || status=$?
  if [ "$status" -ne 0 ] || grep -qE ' : (Warning|Error) ' <<<"$output"; then
    failed=1
    diagnostics+="== ${label} (exit ${status})"$'\n'"${output}"$'\n'
  fi
}

run "bicep build infra/main.bicep" sh -c '"$1" build infra/main.bicep --stdout > /dev/null' sh "$bicep"
run "bicep lint infra/main.bicep" "$bicep" lint infra/main.bicep
for module in infra/modules/*.bicep; do
  run "bicep lint $module" "$bicep" lint "$module"
done

if [ "$failed" -ne 0 ]; then
  printf '%s' "$diagnostics" >&2
  echo "bicep: infra/main.bicep has errors or warnings (see above)" >&2
  exit 1
fi

echo "bicep: infra/main.bicep builds with no warnings"
