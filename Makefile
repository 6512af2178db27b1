# MRM tasks. The two commands a newcomer needs: `make start` and `make test`.
.PHONY: start test stack backup restore lint check messages vendor screenshots bench load seed-scale clean

start:  ## Install, migrate, seed demo data, run web + scheduler (SQLite, no servers)
	scripts/start.sh

test:  ## The full test suite (SQLite by default; DATABASE_URL/REDIS_URL switch)
	scripts/test.sh $(ARGS)

stack:  ## The same on PostgreSQL + Redis with a Celery worker, beat and the outbox relay
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mrm} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} scripts/start.sh

backup:  ## Database + media into a new folder of BACKUP_DIR (default data/backups/); docs/OPERATIONS.md
	scripts/backup.sh $(ARGS)

restore:  ## make restore BACKUP=data/backups/mrm-... [DATABASE_NAME=name] [FORCE=1]; docs/OPERATIONS.md
	scripts/restore.sh $(BACKUP) $(if $(DATABASE_NAME),--database-name "$(DATABASE_NAME)") $(if $(FORCE),--force) $(ARGS)

lint:  ## ruff (style, bugs, bandit security rules)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

check:  ## Django system checks, migrations and the production deploy check
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=mrm.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-0123456789abcdefghij \
	DJANGO_ALLOWED_HOSTS=mrm.example.com MRM_BASE_URL=https://mrm.example.com \
	.venv/bin/python manage.py check --deploy --fail-level WARNING

messages:  ## Refresh the translation catalogues after changing strings
	.venv/bin/python manage.py makemessages -l ru --ignore=.venv --ignore=node_modules --ignore=staticfiles
	.venv/bin/python manage.py makemessages -d djangojs -l ru --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=static/vendor

vendor:  ## Re-vendor the pinned front-end packages into static/vendor/
	scripts/vendor.sh

screenshots:  ## Regenerate docs/screenshots/ from the browser tests, then list the pictures that changed (review them)
	MRM_SCREENSHOTS=docs/screenshots scripts/test.sh -m browser
	.venv/bin/python scripts/compare_screenshots.py

bench:  ## Hot paths on PostgreSQL under gunicorn vs raw SQL (docs/PERFORMANCE.md); ARGS="--quick", "--scale 1" or "--quick --check" (CI)
	.venv/bin/python scripts/bench.py $(ARGS)

load:  ## 30 people at once for 5 minutes under gunicorn as in production (locust; docs/PERFORMANCE.md); ARGS="--duration 1m"
	.venv/bin/python scripts/load.py $(ARGS)

seed-scale:  ## A large department's data (manage.py seed_scale; ARGS="--scale 0.1"); docs/PERFORMANCE.md
	.venv/bin/python manage.py seed_scale $(ARGS)

clean:
	rm -rf staticfiles .pytest_cache
