#!/usr/bin/env bash
# `make test`: the full test suite, browser tests included.
# With DATABASE_URL/REDIS_URL set it runs on PostgreSQL and Redis; extra
# arguments go to pytest (e.g. `make test ARGS="-k campaigns"`).
# Tests run in parallel, one process per core (pytest-xdist, a test file per
# process at a time); MRM_TEST_WORKERS=N sets how many, 0 runs them in this one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=mrm.settings.test
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
workers="${MRM_TEST_WORKERS:-auto}"
if [ "$workers" != 0 ]; then
  set -- -n "$workers" --dist loadfile "$@"
fi
exec .venv/bin/python -m pytest "$@"
