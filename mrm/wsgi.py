"""The WSGI application gunicorn serves (Dockerfile, docker-compose.yml; ``make bench`` through perf/bench_wsgi.py).

Once Django is loaded, what it built at start-up — settings, models, every
view, serializer, filter and form the URL patterns import: some 180 000
objects — is moved out of the cyclic garbage collector's sight
(``gc.freeze()``). Otherwise every full collection walks all of them again:
on this 2-core machine 170–180 ms of CPU, in one request in ten to fifteen of an API list,
which is what put the lists' p95 at two to three times their median (issue 16,
docs/PERFORMANCE.md). What requests allocate is collected as before; objects
made at start-up live as long as the process anyway.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrm.settings.local")

application = get_wsgi_application()


def freeze_start_up_objects() -> None:
    """Import what the first requests would (the URL patterns' modules), collect once, freeze the rest."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not in the first request
    gc.collect()
    gc.freeze()


freeze_start_up_objects()
