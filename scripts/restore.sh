#!/usr/bin/env bash
# `make restore BACKUP=data/backups/mrm-… [DATABASE_NAME=…] [FORCE=1]`: a backup
# folder back into a database (the one DATABASE_URL names by default; created if
# missing) and MEDIA_ROOT. A database with tables or a media folder with files is
# refused unless forced. Rows and money sums are checked against the backup's
# manifest afterwards. Stop the web, worker and beat processes first.
# Arguments go to `manage.py restore`. See docs/OPERATIONS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python  # the production image has no virtualenv
exec "$PY" manage.py restore "$@"
