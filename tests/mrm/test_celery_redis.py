"""A real Celery worker on Redis runs MRM's tasks (CI's PostgreSQL + Redis run)."""

import os
import subprocess
import sys

import pytest
from celery.result import allow_join_result
from django.conf import settings

pytestmark = pytest.mark.redis


def test_a_worker_consumes_the_redis_queue(tmp_path):
    from mrm.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mrm.settings.local",
        "REDIS_URL": settings.REDIS_URL,
        "MRM_DATA_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mrm",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            "mrm-test",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        app.conf.update(broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL, task_always_eager=False)
        result = app.send_task("mrm.tasks.ping_task", queue="mrm-test")
        # an earlier test in this process may have run a worker in it, which marks joins as blocking
        with allow_join_result():
            assert result.get(timeout=60) == "pong"
    finally:
        app.conf.update(task_always_eager=True)
        worker.terminate()
        worker.wait(timeout=30)
