#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server of its own: installs Debian's PostgreSQL if it is
# missing, creates a cluster in a temporary folder on a free port, exports TEST_DATABASE_URL (and
# DATABASE_URL when --as-database-url is given), runs the command, and stops the server (pg_ctl, through
# its own postmaster.pid) on exit, SIGINT or SIGTERM. With --data DIR the cluster lives in DIR and is
# kept after the server stops (created there the first time), so a seeded database serves many runs.
#
#   scripts/with-postgres.sh [--as-database-url] [--data DIR] -- COMMAND [ARGS...]
set -euo pipefail
export_database_url=""
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --as-database-url) export_database_url=1; shift ;;
    --data) keep=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--as-database-url] [--data DIR] -- COMMAND [ARGS...]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "Installing PostgreSQL (Debian package)…"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

dir=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/yjs-pg.XXXXXX")}
port=${PGPORT_TEST:-$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
# initdb refuses to run as root: run the server as the postgres user when we are root.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
started=""
cleanup() {
  # Stops the server this script started, through its own postmaster.pid (never by name).
  [ -n "$started" ] && "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w >/dev/null 2>&1 || true
  [ -n "$keep" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -f "$dir/data/PG_VERSION" ]; then
  "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; exit 1; }
fi
started=1
# No parallel workers within a statement: on a machine of a few cores serving concurrent clients, a worker's
# start-up (about 10 ms) cost more than the page of rows it helped find.
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c max_parallel_workers_per_gather=0" start >/dev/null \
  || { cat "$dir/server.log"; exit 1; }
pid=$(head -1 "$dir/data/postmaster.pid")
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
[ -n "$export_database_url" ] && export DATABASE_URL="$TEST_DATABASE_URL"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $pid)"
"$@"
