#!/usr/bin/env bash
# Starts FerretDB (built by build.sh) on a free loopback port with its embedded SQLite
# handler in a fresh directory, waits until it accepts connections, and prints
#   TINTOT_TEST_MONGO_URI=mongodb://127.0.0.1:PORT/
#   FERRETDB_PID=PID
# for `eval`. Stop it with: kill "$FERRETDB_PID".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(bash "$here/build.sh")
dir=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb.XXXXXX")
# A loopback port nothing listens on.
port=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free loopback port" >&2; exit 1; }
(cd "$dir" && exec "$bin" --handler=sqlite --sqlite-url="file:$dir/" --listen-addr="127.0.0.1:$port" \
  --telemetry=disable --debug-addr=- --state-dir="$dir" --log-level=error >"$dir/ferretdb.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "TINTOT_TEST_MONGO_URI=mongodb://127.0.0.1:$port/"
    echo "FERRETDB_PID=$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "ferretdb exited:" >&2; cat "$dir/ferretdb.log" >&2; exit 1
  fi
  sleep 0.1
done
echo "ferretdb did not start listening on 127.0.0.1:$port" >&2
kill "$pid" 2>/dev/null || true
exit 1
