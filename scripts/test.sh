#!/usr/bin/env bash
# `make test`: the full test suite, browser tests included.
# With DATABASE_URL/REDIS_URL set it runs on PostgreSQL and Redis; extra
# arguments go to pytest (e.g. `make test ARGS="-k campaigns"`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=mrm.settings.test
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
exec .venv/bin/python -m pytest "$@"
