"""In-process API fuzzing with schemathesis: the app as WSGI, no server.

See docs/TESTING.md, "API fuzzing", for the budget and how to run it alone.
"""

from __future__ import annotations

from contextlib import contextmanager
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
        # each example starts from the same data, so Hypothesis can replay a failure faithfully
        with rolled_back():
            response = case.call(app=app, headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except BaseException as failure:
                findings.append(str(failure))
                raise

    findings: list[str] = []  # kept outside Hypothesis, in case a failure does not replay exactly
    try:
        call()
    except (Exception, BaseExceptionGroup) as error:  # schemathesis groups failures in a BaseExceptionGroup
        if not findings:
            raise
        found = "\n\n".join(dict.fromkeys(findings))
        raise FuzzFailure(f"{operation.label}: {found}") from error


@contextmanager
def rolled_back():
    """Run the block in a savepoint that is rolled back afterwards."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


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


#: Checks of a stateful run: those of every call, plus the ones that need a history.
STATEFUL_CHECK_NAMES = ("use_after_free",)
STEPS_PER_SCENARIO = 8


def run_stateful(schema, *, app, headers: dict, scenarios: int) -> None:
    """Scenarios of linked calls (create, then read, change, delete what was created).

    schemathesis infers the links between operations from the schema (a
    ``POST /x/`` answering ``id`` feeds ``{id}`` of ``/x/{id}/``). Besides no
    5xx and schema conformance, a resource a POST created (201 with an
    ``id``) must be found at its URL until it is deleted, and a deleted one
    must be gone (schemathesis' ``use_after_free``).
    """
    from hypothesis import HealthCheck, Phase, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi import checks as openapi_checks

    checks = [
        not_a_server_error,
        openapi_checks.response_schema_conformance,
        *(getattr(openapi_checks, name) for name in STATEFUL_CHECK_NAMES),
    ]
    base = schema.as_state_machine()
    # Findings are kept outside Hypothesis: when a failing scenario cannot be
    # replayed exactly (responses feed later steps), the report still names it.
    findings: list[str] = []

    class Scenario(base):
        """One scenario's writes are rolled back at its end: every scenario starts from the same data."""

        def setup(self):
            self._savepoint = transaction.savepoint()
            super().setup()

        def teardown(self):
            try:
                super().teardown()
            finally:
                transaction.savepoint_rollback(self._savepoint)
            vanished = self.__dict__.get("_vanished")
            if vanished:
                findings.extend(vanished)
                raise FuzzFailure("\n".join(dict.fromkeys(vanished)))

        def get_call_kwargs(self, case):
            return {"app": app, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=checks, recorder=getattr(self, "recorder", None))
            except BaseException as failure:
                findings.append(f"{case.operation.label}: {failure}")
                raise
            self._track_created(response, case)

        def _track_created(self, response, case):
            """A resource a POST just created (201 with an id) must be found at its own URL until deleted."""
            created = self.__dict__.setdefault("_created", {})
            status, method = response.status_code, case.method.upper()
            path = case.path.format(**(case.path_parameters or {}))
            if method == "POST" and status == 201:
                try:
                    new_id = response.json().get("id")
                except (ValueError, AttributeError):
                    new_id = None
                if new_id is not None:
                    created[f"{path.rstrip('/')}/{new_id}/"] = case.operation.label
            elif method == "DELETE" and 200 <= status < 300:
                created.pop(path, None)
            elif status == 404 and method in {"GET", "PUT", "PATCH"} and path in created:
                # reported at the scenario's end, so a replay draws the same steps
                self.__dict__.setdefault("_vanished", []).append(
                    f"{created[path]} created {path} (201), but {method} {path} answers 404: "
                    "the create and the read are scoped differently"
                )

    try:
        Scenario.run(
            settings=settings(
                max_examples=scenarios,
                stateful_step_count=STEPS_PER_SCENARIO,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
        )
    except (Exception, BaseExceptionGroup) as error:  # schemathesis groups failures in a BaseExceptionGroup
        if not findings:
            raise
        found = "\n\n".join(dict.fromkeys(findings))
        raise FuzzFailure(f"stateful scenario:\n{found}") from error
