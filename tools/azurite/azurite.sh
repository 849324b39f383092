# Sourced by test.sh and bench/run.sh (from the repository root): installs the Azurite version locked in this folder
# when missing or stale, and starts it on given loopback ports.
#
#   start_azurite_on DATA_DIR LOG BLOB_PORT QUEUE_PORT TABLE_PORT
#
# On success it sets azurite_pid (one Node.js process: the bin script's "#!/usr/bin/env node" execs node in place),
# azurite_bin and azurite_connection (the emulator's well-known development account, explicit endpoints). On failure
# it prints why (and the emulator's log) and returns 1.

start_azurite_on() {
  local data="$1" log="$2" blob="$3" queue="$4" table="$5"
  if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Node.js and npm"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1; }
  fi
  azurite_bin=tools/azurite/node_modules/.bin/azurite
  if [ ! -x "$azurite_bin" ] || [ tools/azurite/package-lock.json -nt tools/azurite/node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null; then
      echo "npm is not installed and could not be installed: Azurite cannot be installed."
      return 1
    fi
    echo "== installing Azurite (npm ci in tools/azurite)"
    npm ci --prefix tools/azurite --no-audit --no-fund --loglevel=error >/dev/null || return 1
  fi

  mkdir -p "$data"
  "$azurite_bin" --silent --disableTelemetry --skipApiVersionCheck --location "$data" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$log" 2>&1 &
  azurite_pid=$!
  local waited
  for waited in $(seq 1 150); do
    if (echo >"/dev/tcp/127.0.0.1/$blob") >/dev/null 2>&1 && (echo >"/dev/tcp/127.0.0.1/$queue") >/dev/null 2>&1 \
      && (echo >"/dev/tcp/127.0.0.1/$table") >/dev/null 2>&1; then
      break
    fi
    if ! kill -0 "$azurite_pid" 2>/dev/null || [ "$waited" -eq 150 ]; then
      echo "Azurite did not start:"
      cat "$log"
      return 1
    fi
    sleep 0.2
  done

  # The emulator's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
  local account=devstoreaccount1
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  azurite_connection="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
}
