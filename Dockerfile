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
CMD ["gunicorn", "mrm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
