#!/usr/bin/env bash
# Starts FerretDB (built by build.sh) on a free loopback port, waits until it accepts
# connections, and prints lines for `eval`:
#   TINTOT_TEST_MONGO_URI=mongodb://127.0.0.1:PORT/
#   FERRETDB_PID=PID
#   PGDATA=DIR            (postgresql only)
#
#   start.sh              its embedded SQLite handler, in a fresh directory
#   start.sh postgresql   its PostgreSQL handler, on a private PostgreSQL cluster created
#                         in a fresh directory (Debian's postgresql package; run as root,
#                         the cluster runs as the postgres user)
#
# Stop it with: kill "$FERRETDB_PID" (and for postgresql:
#   runuser -u postgres -- pg_ctl -D "$PGDATA" stop).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
handler=${1:-sqlite}
bin=$(bash "$here/build.sh")
# A loopback port nothing listens on.
free_port() {
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free loopback port" >&2; exit 1
}
extra=
case "$handler" in
sqlite)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb.XXXXXX")
  args=(--handler=sqlite --sqlite-url="file:$dir/")
  ;;
postgresql)
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$pgbin" ] || { echo "PostgreSQL not installed (apt-get install postgresql)" >&2; exit 1; }
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-pg.XXXXXX")
  chmod 755 "$dir"; mkdir "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir/pg"; fi
  pgport=$(free_port)
  as_pg "$pgbin/initdb" -D "$dir/pg" -U ferretdb --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
  as_pg "$pgbin/pg_ctl" -D "$dir/pg" -l "$dir/pg/postgres.log" -w \
    -o "-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=128MB" start >/dev/null
  as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U ferretdb ferretdb
  args=(--handler=postgresql --postgresql-url="postgres://ferretdb@127.0.0.1:$pgport/ferretdb")
  extra="PGDATA=$dir/pg"
  ;;
*)
  echo "unknown handler $handler (sqlite or postgresql)" >&2; exit 2
  ;;
esac
port=$(free_port)
(cd "$dir" && exec "$bin" "${args[@]}" --listen-addr="127.0.0.1:$port" \
  --telemetry=disable --debug-addr=- --state-dir="$dir" --log-level=error >"$dir/ferretdb.log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "TINTOT_TEST_MONGO_URI=mongodb://127.0.0.1:$port/"
    echo "FERRETDB_PID=$pid"
    if [ -n "$extra" ]; then echo "$extra"; fi
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
