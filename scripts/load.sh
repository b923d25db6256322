#!/usr/bin/env bash
# One load or fault scenario against the production server stack on PostgreSQL, loopback only, bounded in time.
#   scripts/load.sh none|db-restart|db-readonly|worker-kill
# gunicorn, the job worker and the scheduler run under scripts/supervise.py (as `make serve-prod` runs them) on
# their own database (LOAD_DB, created and filled with LOAD_CHILDREN synthetic children the first time), and
# `manage.py load_test` drives them for LOAD_SECONDS with LOAD_USERS virtual staff. Results: bench-results/.
# Two-factor sign-in is off for the run (the virtual staff sign in with the demo password); everything else is
# as in production. The faults touch only LOAD_DB: the PostgreSQL server is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
FAULT=${1:-none}
LOAD_DB=${LOAD_DB:-homeward_load}
LOAD_PORT=${LOAD_PORT:-8410}
LOAD_CHILDREN=${LOAD_CHILDREN:-20000}
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_USERS=${LOAD_USERS:-20}
LOAD_THINK=${LOAD_THINK:-0}  # each user's mean pause between requests in the mixed phase (0: back to back)
PY=.venv/bin/python

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${LOAD_DB}"
export HOMEWARD_REQUIRE_2FA=false DEBUG=false LOG_LEVEL=WARNING
export DATABASE_CONN_MAX_AGE=${DATABASE_CONN_MAX_AGE:-60}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-4} PORT=${LOAD_PORT} HOST=127.0.0.1
export HOMEWARD_WORKER_HEARTBEAT_SECONDS=2 HOMEWARD_WORKER_DEAD_SECONDS=10
PROMETHEUS_MULTIPROC_DIR=$(mktemp -d)
export PROMETHEUS_MULTIPROC_DIR

$PY - <<PYTHON
import psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", ["${LOAD_DB}"]).fetchone():
        admin.execute('CREATE DATABASE "${LOAD_DB}"')
PYTHON
$PY manage.py migrate --no-input -v0
$PY manage.py generate_synthetic --children "${LOAD_CHILDREN}" --seed 2026 --if-empty
$PY manage.py create_demo_users > /dev/null
# Fresh planner statistics: right after a bulk load autovacuum has not analysed the tables yet, and with none the
# planner chose sequential scans for the child record's interview queries (30 ms instead of 0.1 ms each).
$PY - <<PYTHON
import psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/${LOAD_DB}", autocommit=True) as db:
    db.execute("ANALYZE")
PYTHON

WORK=$(mktemp -d)
cat > "${WORK}/Procfile" <<PROCFILE
web: exec .venv/bin/gunicorn homeward.wsgi:application --config homeward/gunicorn_conf.py
worker: echo \$\$ > ${WORK}/worker.pid; exec ${PY} manage.py run_worker --no-reload --no-startup-delay --interval 0.5 --worker-id load-worker
scheduler: exec ${PY} manage.py run_scheduler
PROCFILE
scripts/supervise.py --procfile "${WORK}/Procfile" --grace 15 > "${WORK}/server.log" 2>&1 &
SUPERVISOR=$!
trap 'kill -TERM ${SUPERVISOR} 2>/dev/null; wait ${SUPERVISOR} 2>/dev/null; echo "server log: ${WORK}/server.log"' EXIT

mkdir -p bench-results
timeout $((LOAD_SECONDS + 180)) $PY manage.py load_test --base-url "http://127.0.0.1:${LOAD_PORT}" \
  --seconds "${LOAD_SECONDS}" --capacity-seconds "${LOAD_CAPACITY_SECONDS:-10}" --users "${LOAD_USERS}" --think "${LOAD_THINK}" --fault "${FAULT}" --fault-at "${LOAD_FAULT_AT:-$((LOAD_SECONDS / 3))}" \
  --worker-pid-file "${WORK}/worker.pid" --label "${LOAD_NAME:-${FAULT}}" --out "bench-results/load-${LOAD_NAME:-${FAULT}}.json"
grep -c " 500 \|Traceback" "${WORK}/server.log" || true
