"""MRM project package: settings, URL wiring, the API base and Celery."""

from mrm.celery import app as celery_app

__all__ = ["celery_app"]
