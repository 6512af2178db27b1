"""When the database goes away: a clean 503, never a traceback.

A PostgreSQL restart, a failover or a network cut makes every query fail with
``OperationalError`` or ``InterfaceError``, in a view as much as in the
middleware that loads the session or the user. Django sends every such
uncaught error to ``handler500`` (:func:`mrm.views.server_error`), which asks
:func:`is_database_outage` and answers :func:`database_unavailable` instead of
the 500 page: ``{"detail": ...}`` under ``/api/``, the translated ``503.html``
elsewhere, both with ``Retry-After``. Django still logs the error with its
traceback, so the outage shows in the logs.

Only errors that mean "the database cannot serve anyone right now" count; a
missing table, a syntax error, a deadlock or a statement timeout is a bug or a
conflict of this request, and stays a 500. Once the database is back, the
persistent connections are checked before reuse (``CONN_HEALTH_CHECKS``), so
the app recovers without a restart. docs/OPERATIONS.md describes it.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

# Seconds a client is asked to wait before trying again: about one database restart.
RETRY_AFTER_SECONDS = 30

# PostgreSQL's SQLSTATE classes (and codes) that mean the server cannot serve now:
# 08 connection exception, 53 insufficient resources (too many connections, disk
# full, out of memory), 58 system error (I/O), 57P01-57P03 administrator or crash
# shutdown, "cannot connect now" (starting up). 57014 (statement timeout) is not.
_POSTGRES_OUTAGE_PREFIXES = ("08", "53", "58", "57P01", "57P02", "57P03")

# SQLite's primary result codes for the same: busy/locked (another writer holds
# the file too long), out of memory, I/O error, disk full, cannot open the file.
_SQLITE_OUTAGE_CODES = {5, 6, 7, 10, 13, 14}


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the database is unavailable, rather than that this request is wrong.

    ``InterfaceError`` always does (the connection is gone). ``OperationalError``
    does when the driver's error carries no SQLSTATE (libpq could not connect or
    lost the server) or one of the outage classes above; for SQLite, when its
    result code is one of the outage codes.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _SQLITE_OUTAGE_CODES
    sqlstate = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_POSTGRES_OUTAGE_PREFIXES)


def database_unavailable(request) -> HttpResponse:
    """The 503 for a database outage: JSON for the API, the friendly page for people.

    The page is rendered without the request, so no context processor (menus,
    notification counts) queries the database that just failed; the language
    is the one ``LocaleMiddleware`` chose from the cookie or the browser.
    """
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable: its database cannot be reached. Try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
