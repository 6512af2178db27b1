#!/usr/bin/env bash
# `make start`: MRM with demo data on this machine, nothing else to install.
#
# Embedded default: SQLite in data/, background tasks run in-process and a
# scheduler process runs the periodic jobs. With DATABASE_URL and REDIS_URL
# set, the same script runs on PostgreSQL with a Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PY=.venv/bin/python
HOST=${MRM_HOST:-127.0.0.1}
PORT=${MRM_PORT:-8000}
mkdir -p data/logs

echo "==> Preparing the database and translations"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
$PY manage.py seed_demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  echo "==> Starting a Celery worker, beat and the outbox relay on $REDIS_URL (logs in data/logs/)"
  .venv/bin/celery -A mrm worker --loglevel=INFO --concurrency=2 >data/logs/worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A mrm beat --loglevel=INFO -s data/celerybeat-schedule >data/logs/beat.log 2>&1 &
  pids+=($!)
  # Hands recorded side effects to Redis, and keeps retrying while Redis is down (docs/OPERATIONS.md).
  $PY manage.py run_outbox_relay >data/logs/relay.log 2>&1 &
  pids+=($!)
else
  echo "==> Starting the scheduler (periodic jobs run in its process; log in data/logs/scheduler.log)"
  .venv/bin/celery -A mrm beat --loglevel=INFO -s data/celerybeat-schedule >data/logs/scheduler.log 2>&1 &
  pids+=($!)
fi

$PY - <<PYEOF
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrm.settings.local")
django.setup()
from accounts.demo import demo_logins
print()
print("MRM is starting at  http://$HOST:$PORT/")
print("API docs:           http://$HOST:$PORT/api/docs/")
print("Demo logins (username / password / role):")
for username, password, roles in demo_logins():
    print(f"  {username:<10} {password:<10} {roles}")
print("Stop with Ctrl+C.")
print()
PYEOF
$PY manage.py runserver "$HOST:$PORT"
