"""The WSGI application freezes what start-up built, so full garbage collections skip it (issue 16, p95)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_application_freezes_the_start_up_objects():
    # when: a process loads the application as gunicorn does
    code = (
        "import gc, mrm.wsgi, sys; "
        "from django.urls import get_resolver; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'campaigns.api.views' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mrm.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    frozen, tracked, views_loaded = result.stdout.split()
    # then: the objects of start-up — the views the URL patterns import included — are frozen,
    # and the collector tracks only a small remainder
    assert views_loaded == "True"
    assert int(frozen) > 50_000
    assert int(tracked) < int(frozen) / 10
