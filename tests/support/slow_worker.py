"""A real Celery worker whose first report export of each run hangs, so a test can kill it mid-run.

Run as ``python -m tests.support.slow_worker -A mrm worker ...`` (the usual
``celery`` arguments) with ``MRM_TEST_SLOW_EXPORT_DIR`` naming a folder.
The first time a worker process renders an export for a run, it writes
``run-<id>.pid`` there (its own process id, so the test knows whom to kill)
and then waits up to ``MRM_TEST_SLOW_EXPORT_SECONDS`` (default 120) before
rendering; once that file exists, later attempts render at once. Everything
else is MRM's own code: the task, the service, the exports.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _install_slow_exports() -> None:
    import django

    django.setup()
    from reports import exports

    folder = Path(os.environ["MRM_TEST_SLOW_EXPORT_DIR"])
    pause = float(os.environ.get("MRM_TEST_SLOW_EXPORT_SECONDS", "120"))
    real_render = exports.render

    def render(result, fmt, progress=None, **options):
        from reports.models import ReportRun

        run = ReportRun.objects.filter(status="running").order_by("-started_at").first()
        marker = folder / f"run-{run.pk if run else 'unknown'}.pid"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            deadline = time.monotonic() + pause
            while time.monotonic() < deadline:
                time.sleep(0.1)
        return real_render(result, fmt, progress=progress, **options)

    exports.render = render


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrm.settings.local")
    _install_slow_exports()
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
