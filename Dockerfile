# MRM production image: the web process, the Celery worker and beat share it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# postgresql-client: pg_dump/pg_restore of `manage.py backup`/`restore` (Debian 12's is 15, as the compose server).
RUN apt-get update && apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core poppler-utils \
      postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
# Static files are collected with the production storage (hashed names + manifest),
# which is what the web process serves; the key and host exist only for this step.
RUN DJANGO_SETTINGS_MODULE=mrm.settings.production DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=build.invalid MRM_DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv --ignore=node_modules
RUN useradd --create-home mrm && mkdir -p /data && chown mrm /data
USER mrm
EXPOSE 8000
# docker-compose.yml gives each service its command; alone, the image serves the web app.
# Gunicorn (docs/OPERATIONS.md "Web workers"): no request does heavy work (imports and large exports
# run as Celery jobs), so a worker silent for 30 s is stuck and is restarted; each worker is recycled
# after about 1000 requests (jittered, so they do not all restart at once) to return its memory.
# docker-compose.yml's web command uses the same flags (tests/mrm/test_web_workers.py).
CMD ["gunicorn", "mrm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--graceful-timeout", "25", "--keep-alive", "5", "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-"]
