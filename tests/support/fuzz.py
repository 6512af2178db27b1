"""In-process API fuzzing with schemathesis: the app as WSGI, no server.

See docs/TESTING.md, "API fuzzing", for the budget and how to run it alone.
"""

from __future__ import annotations

from functools import cache

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction

from mrm import env

#: Examples per operation and signed-in role; CI sets 50 (.ci/run), locally 10.
DEFAULT_EXAMPLES = 10


def examples_per_operation() -> int:
    return env.get_int("MRM_FUZZ_EXAMPLES", DEFAULT_EXAMPLES)


def anonymous_examples() -> int:
    """Anonymous calls only meet the authentication gate: a tenth of the budget is plenty."""
    return max(3, examples_per_operation() // 10)


@cache
def openapi_document() -> dict:
    """The schema drf-spectacular serves at /api/schema/, generated in-process."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # through JSON, as a client receives it (lazy translations become strings)
    return json.loads(OpenApiJsonRenderer().render(schema))


@cache
def schemathesis_schema():
    import schemathesis

    return schemathesis.openapi.from_dict(openapi_document())


class InProcessWSGI(WSGIHandler):
    """Django's WSGI handler inside a test's transaction.

    Each request runs in a savepoint: what it writes stays for the next
    example (so a created object can be read back), but a request that
    leaves the transaction aborted (a database error on PostgreSQL) is
    rolled back alone instead of poisoning every later request. The
    connection-closing signal handlers are disconnected, as Django's test
    client does, so the test's transaction survives.
    """

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            savepoint = transaction.savepoint()
            response = super().__call__(environ, start_response)
            try:
                transaction.savepoint_commit(savepoint)
            except DatabaseError:
                transaction.savepoint_rollback(savepoint)
            return response
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
