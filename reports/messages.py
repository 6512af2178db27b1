"""What the reports app says on its own (why a background run failed), as message keys (``mrm.messages``).

Stored as notes in a run's ``error`` and rendered when read, in the reader's
language: the run page (``|note``) and the API (``NoteField``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

RUN_LOST = "reports.run.lost"
RUN_NEVER_STARTED = "reports.run.never_started"


def register() -> None:
    register_message(
        RUN_LOST,
        title=gettext_lazy(
            "The export stopped before finishing, %(attempts)s times: the worker running it was lost "
            "(stopped, restarted or out of memory). Try fewer rows or another format, or ask an administrator."
        ),
    )
    register_message(
        RUN_NEVER_STARTED,
        title=gettext_lazy(
            "No worker started this export within %(hours)s hours of the request, so it was given up. "
            "Export the report again; if this repeats, ask an administrator to check the background workers."
        ),
    )
