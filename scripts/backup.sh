#!/usr/bin/env bash
# `make backup`: the database (pg_dump custom format, or a copy of the SQLite file
# made with SQLite's backup API) and MEDIA_ROOT into a new timestamped folder of
# BACKUP_DIR (default data/backups/), with a manifest of row counts and money sums.
# Arguments go to `manage.py backup` (e.g. --keep 14). See docs/OPERATIONS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python  # the production image has no virtualenv
exec "$PY" manage.py backup "$@"
