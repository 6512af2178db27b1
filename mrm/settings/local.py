"""The embedded default: a laptop or a demo, no server to install.

SQLite in ``data/``, Celery tasks in-process, mail written to ``data/mail``.
"""

from mrm import env
from mrm.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DJANGO_DEBUG", True)
# A fixed key is fine for a local demo; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "mrm-local-development-key-not-for-production"  # noqa: F405

# In-process tasks would log every run into the terminal of `make start`.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405
