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


class FuzzFailure(AssertionError):
    """An operation answered 5xx or broke its documented response schema."""


def examples_per_operation() -> int:
    return env.get_int("MRM_FUZZ_EXAMPLES", DEFAULT_EXAMPLES)


def anonymous_examples() -> int:
    """Anonymous calls only meet the authentication gate: a tenth of the budget is plenty."""
    return max(3, examples_per_operation() // 10)


@cache
def openapi_document(urlconf: str | None = None) -> dict:
    """The schema drf-spectacular serves at /api/schema/, generated in-process."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    # through JSON, as a client receives it (lazy translations become strings)
    return json.loads(OpenApiJsonRenderer().render(schema))


@cache
def schemathesis_schema(urlconf: str | None = None):
    import schemathesis

    return schemathesis.openapi.from_dict(openapi_document(urlconf))


def fuzz_operation(operation, *, app, headers: dict, examples: int, path_parameters: dict | None = None) -> None:
    """Call ``operation`` with ``examples`` generated inputs; raise on a 5xx or a response off its schema.

    With ``path_parameters`` (a real object's id) half the examples aim at it.
    Shrinking is off: a failure reports the first failing input (with a curl
    line to reproduce it), which keeps the run's time bounded.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    strategy = operation.as_strategy()
    if path_parameters:
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=path_parameters))

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case):
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    try:
        call()
    except BaseExceptionGroup as failures:  # schemathesis groups distinct failures
        notes = "\n".join(getattr(failures, "__notes__", []))
        raise FuzzFailure(f"{operation.label}: {failures}\n{notes}".rstrip()) from failures


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
