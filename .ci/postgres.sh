#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the tests and print the variable that points them at it.
#
#   eval "$(.ci/postgres.sh)"          # then: uv run pytest tests/test_history_*.py
#   .ci/postgres.sh stop               # stop the cluster again (it keeps its data for the next start)
#   .ci/postgres.sh drop               # stop and delete the cluster
#
# Works as root (or as a user with sudo) on Debian 12 with nothing but Debian's package mirrors:
# installs the `postgresql` package with apt-get when no server is installed, creates a cluster of its own
# (`svar`, UTF-8, listening on 127.0.0.1 only, port 55432) with the Debian tools pg_createcluster and
# pg_ctlcluster (the server runs in the background as the `postgres` user), makes a login role and a
# database, and prints on stdout:
#
#   export SVAR_TEST_POSTGRES_URL=postgresql+psycopg://svar:svar@127.0.0.1:55432/svar_test
#
# Everything else goes to stderr. Running it again is safe (it reuses what exists). Override with
# SVAR_PG_PORT, SVAR_PG_CLUSTER, SVAR_PG_DB, SVAR_PG_USER, SVAR_PG_PASSWORD.
set -euo pipefail

PORT="${SVAR_PG_PORT:-55432}"
CLUSTER="${SVAR_PG_CLUSTER:-svar}"
DB="${SVAR_PG_DB:-svar_test}"
ROLE="${SVAR_PG_USER:-svar}"
PASSWORD="${SVAR_PG_PASSWORD:-svar}"

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if [ "$(id -u)" = 0 ]; then
    SUDO=()
    as_postgres() { runuser -u postgres -- "$@"; }
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
    as_postgres() { sudo -u postgres -- "$@"; }
else
    die "run me as root or install sudo"
fi

server_version() {
    # the newest installed server major version, or nothing
    local bin
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [ -x "$bin" ] && basename "$(dirname "$(dirname "$bin")")"
    done | sort -V | tail -n 1
}

VERSION="$(server_version)"
if [ -z "$VERSION" ] || ! command -v pg_createcluster >/dev/null 2>&1; then
    [ "${1:-start}" = start ] || die "PostgreSQL is not installed"
    log "installing PostgreSQL from the Debian packages"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql postgresql-client >&2
    VERSION="$(server_version)"
    [ -n "$VERSION" ] || die "apt-get installed no PostgreSQL server"
fi

cluster_status() {
    # "online", "down", or nothing when the cluster does not exist
    pg_lsclusters --no-header 2>/dev/null | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $4 }'
}

case "${1:-start}" in
    start) ;;
    stop)
        if [ "$(cluster_status)" = online ]; then "${SUDO[@]}" pg_ctlcluster "$VERSION" "$CLUSTER" stop >&2; fi
        log "stopped cluster $VERSION/$CLUSTER"
        exit 0
        ;;
    drop)
        if [ -n "$(cluster_status)" ]; then "${SUDO[@]}" pg_dropcluster --stop "$VERSION" "$CLUSTER" >&2; fi
        log "dropped cluster $VERSION/$CLUSTER"
        exit 0
        ;;
    *) die "usage: $0 [start|stop|drop]" ;;
esac

# The socket directory is made at boot by systemd-tmpfiles; containers have no boot.
"${SUDO[@]}" install -d -m 2775 -o postgres -g postgres /var/run/postgresql

if [ -z "$(cluster_status)" ]; then
    log "creating cluster $VERSION/$CLUSTER on 127.0.0.1:$PORT"
    "${SUDO[@]}" pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" --locale C.UTF-8 --encoding UTF8 \
        -- --auth-local=peer --auth-host=scram-sha-256 >&2
fi
# Loopback only (Debian's postgresql.conf includes conf.d/).
CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER/conf.d"
"${SUDO[@]}" install -d -o postgres -g postgres "$CONF_DIR"
echo "listen_addresses = '127.0.0.1'" | "${SUDO[@]}" tee "$CONF_DIR/svar-ci.conf" >/dev/null
if [ "$(cluster_status)" != online ]; then
    log "starting cluster $VERSION/$CLUSTER"
    "${SUDO[@]}" pg_ctlcluster "$VERSION" "$CLUSTER" start >&2 ||
        die "the cluster did not start; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
fi
PORT="$(pg_lsclusters --no-header | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $3 }')"

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || die "the server on 127.0.0.1:$PORT does not accept connections"

# The role may create databases and schemas (each test uses a fresh schema and drops it).
as_postgres psql -q -X -v ON_ERROR_STOP=1 -p "$PORT" -d postgres \
    -v role="$ROLE" -v password="$PASSWORD" >&2 <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password') \gexec
SQL
if ! as_postgres psql -q -X -tA -p "$PORT" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" |
    grep -q 1; then
    as_postgres createdb -p "$PORT" -O "$ROLE" -E UTF8 "$DB" >&2
fi

URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
PGPASSWORD="$PASSWORD" psql -q -X -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DB" -c "SELECT 1" >/dev/null ||
    die "cannot log in as $ROLE over TCP"
log "ready: PostgreSQL $VERSION cluster $CLUSTER, database $DB on 127.0.0.1:$PORT"
echo "export SVAR_TEST_POSTGRES_URL=$URL"
