"""The Celery application.

With ``REDIS_URL`` it talks to Redis (worker + beat); without it the
embedded default runs tasks in-process (see ``mrm.settings.base``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrm.settings.local")

app = Celery("mrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from mrm.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
