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
    """Call ``operation`` with ``examples`` generated inputs; raise on any failed schemathesis check.

    Every check schemathesis has for a single call runs (:data:`CALL_CHECK_NAMES`):
    no 5xx, the status code, content type, headers and body as documented,
    schema-valid input accepted and schema-invalid input rejected, and the
    operation refusing the call without the token. Half the examples are
    valid by the schema (positive), half are not (negative). With
    ``path_parameters`` (a real object's id) half of each aim at it.
    Shrinking is off: a failure reports the first failing input (with a curl
    line to reproduce it), which keeps the run's time bounded.
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if path_parameters:
        strategies += [operation.as_strategy(mode, path_parameters=path_parameters) for mode in GenerationMode]
    checks = call_checks()
    operation.schema.app = app  # the probes of ``ignored_auth`` (no token, a wrong one) go to the same app

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def call(case):
        # each example starts from the same data, so Hypothesis can replay a failure faithfully
        with rolled_back():
            response = case.call(app=app, headers=headers)
            try:
                case.validate_response(
                    response, checks=checks, headers=headers, transport_kwargs={"app": app, "headers": headers}
                )
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


#: schemathesis' checks of a single call, all of them: those left out need a
#: history of calls (``use_after_free``, ``ensure_resource_availability``,
#: ``object_level_authorization``: run_stateful) or a probe of the coverage phase
#: (``unsupported_method`` and ``allow_header_conformance``: :func:`probe_methods`;
#: ``missing_required_header``: the schema declares no required header; the rest of
#: the coverage phase is not run, docs/TESTING.md says why).
CALL_CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "ignored_auth",
)

#: A request valid by the schema may still be refused (400) for what a schema cannot
#: say: an id that names no object (or none in the user's scope), or a rule across
#: fields. These are those messages (English: the fuzzing users have no language).
#: Any other 400 to schema-valid input fails ``positive_data_acceptance``: the
#: schema promises more than the API accepts.
UNSAYABLE_REFUSALS = (
    # an id that names nothing the user can see (DRF's related fields, the filtersets)
    "does not exist.",
    "is not one of the available choices.",
    "There is no such report.",
    "Choose one of the configurable fields.",
    # rules across fields or about the stored object
    "before the start",  # an end before the start, in each form's words
    "Give both a start and an end time",  # an activity's times go in pairs
    "Name the campaign, or the activity the task belongs to.",
    "Name who takes over (to_user or assignments).",
    "An approved amount goes only with an approval.",
    "The kind cannot change once a version is uploaded.",
    "Give both x and y to pin a comment, or neither.",
    "Choose the workflow template to change.",
    "Choose the expense category to change.",
    "The approved amount cannot exceed the amount asked",
    "days at a time.",
    "Name at least one approver or group.",
    "Say why you apply it over the teams that have not acknowledged.",
    "must lie within FY",  # a fiscal period within its year
    "already exists.",  # a unique code or name taken by another row
    "Unknown kinds:",  # a handover's assignments name kinds of holdings (the schema's keys are free)
    # the calendar's ?status= is a free string in the schema, read as a choice (schema gap, issue 15.6 follow-up)
    "is not one of the choices.",
    # an accounting import names its source (the schema's optional ``mapping`` is required for that kind)
    "Choose the accounting system the file comes from.",
    "There is no active import source",  # a mapping naming no source (like "does not exist.")
    # a column mapping is judged against the kind's columns and the file's headers (issue 17.1); its
    # header keys are free (additional properties) and the upload's ``mapping`` is a string holding JSON
    "is not a column of this import",
    "is given to two columns",
    "The file has no column",
    "Each column of the mapping is a file header and a key.",
    "The mapping is not valid JSON.",
    "Give the mapping as",
    # whether a job has a mapping step is its kind's (a state the schema of the endpoint cannot know)
    "This kind of import has no column mapping.",
    # a NUL or a deep nesting inside keys the schema leaves free (additional properties): the JSON
    # parser (mrm/parsers.py) refuses them anywhere in a body
    "The JSON body contains a NUL character",
    "The JSON body nests deeper than",
    "The number",  # a number too large for any column, in a free key
    # the accepted date window (mrm/bounds.py): OpenAPI 3.0 cannot bound a "date" string
    "Enter a date between",
    # a file is judged by its content, which a schema's "binary" cannot describe
    "This type of file is not accepted.",
    "No file was submitted.",
    "but the file is",  # a material's kind must match its file's type
    # a user who still holds work is handed over before deactivation (a state rule)
    "before deactivating.",
    "You cannot deactivate yourself.",  # a rule about the caller (an admin's own id, met in scenarios)
    # a username and password that are well formed but wrong (POST /api/v1/auth/token/)
    "Unable to log in with the given username and password.",
    # a webhook's URL is resolved and refused when internal (SSRF), which no schema can say
    "cannot be resolved.",
    "points to an internal address",
    "Only http and https URLs can receive webhooks.",
    "The URL has no host.",
    "Put no user name or password in the URL",
    "The URL is not valid.",
    # a bulk change's action needs its own fields (a rule across fields, issue 18.1)
    "Choose the new status.",
    "Choose the new owner.",
    "Choose the team to move them to.",
    "Choose the sponsor, or send null to clear it.",
    "Name tags to add or to remove.",
    "Shift by a whole number of days, not 0",
    "Choose done or open.",
    "Choose the new assignee, or send null to unassign.",
    # a task depends on tasks of its own campaign, never in a circle (issue 18.6)
    "A task can only depend on tasks of the same campaign.",
    "A task cannot depend on itself.",
    "That would make a circle",
    # a comment's @mentions name people who exist and may read the object (free text, issue 18.5)
    "No active user is called",
    "so cannot be mentioned here.",
    # a clone's new dates must stay in the accepted window (its plan's offsets move with the start)
    "some of the plan's dates fall outside the accepted dates.",
    # a search text of spaces or control characters only is empty (search/query.py): "not only
    # whitespace" in every alphabet's sense is more than a schema pattern says
    "Type a word to search for.",
)

#: Schema-violating input the API still accepts (``negative_data_rejection``): each a
#: known gap, ``(location, parameter): why``; none is left (issue 15.6 closed the last:
#: ordering fields, choices, ids, dates, page and page_size, ``?lang=``, non-object
#: bodies, a stage's order, booleans: ``mrm.filters.BooleanFilter``). A negative example
#: whose every mutation is a known gap, one value of an array query parameter, an empty query value (no filter) or a
#: body value of another scalar type (DRF's fields coerce scalars: a number for a text,
#: "5" or 5.0 for an integer, 1 for true) or an object or list in the query string (sent
#: under other names, ``page[x]=…``, so the parameter is absent) is not counted.
KNOWN_ACCEPTED_NEGATIVE: dict[tuple[str, str | None], str] = {}


def call_checks() -> list:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    checks = [CHECKS.get_one(name) for name in CALL_CHECK_NAMES]
    wrapped = {
        "negative_data_rejection": _negative_data_rejection,
        "positive_data_acceptance": _positive_data_acceptance,
    }
    return [wrapped.get(check.__name__, check) for check in checks]


#: Operations whose refusal without a token (or with a wrong one) was already seen.
_AUTH_ENFORCED: set[str] = set()


def _ignored_auth(ctx, response, case):
    """schemathesis' check, its two probes sent once per operation (as its own runner does), not per example."""
    from schemathesis.specs.openapi.checks import ignored_auth

    label = case.operation.label
    if label in _AUTH_ENFORCED:
        return None
    result = ignored_auth(ctx, response, case)
    if 200 <= response.status_code < 300:
        _AUTH_ENFORCED.add(label)
    return result


def _messages(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _messages(v)]
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    return [repr(value)]


def _positive_data_acceptance(ctx, response, case):
    """schemathesis' check, but a 400 for what a schema cannot say (UNSAYABLE_REFUSALS) passes."""
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    if response.status_code == 400:
        try:
            messages = _messages(response.json())
        except ValueError:
            messages = []
        if messages and all(any(known in m for known in UNSAYABLE_REFUSALS) for m in messages):
            return None
    return positive_data_acceptance(ctx, response, case)


def _last_name(path) -> str | None:
    names = [step for step in path or () if isinstance(step, str)]
    return names[-1] if names else None


def _scalar_coercion(mutation) -> bool:
    """A body value of another scalar type, which DRF's fields read as theirs (a number as a text, "5" as 5, 1 as true)."""
    return (
        mutation.parameter_location.value == "body"
        and mutation.operator.value == "change_type"
        and isinstance(mutation.new_value, str | int | float | bool)
    )


def _empty_body_value(case, name) -> bool:
    return isinstance(case.body, dict) and name is not None and case.body.get(name) == ""


def _empty_query_value(case, name) -> bool:
    """An empty value, or an empty object (which a query string sends as ``page=``): no filter, the default page."""
    value = (case.query or {}).get(name)
    return value in ("", {}) or (isinstance(value, list) and all(v == "" for v in value) and value != [])


def _object_query_value(case, name) -> bool:
    """A query parameter generated as an object (``{"": {...}}``), which a query string cannot carry as a value."""
    return isinstance((case.query or {}).get(name), dict)


def _negative_data_rejection(ctx, response, case):
    """schemathesis' check, but an example negated only where a gap is known (KNOWN_ACCEPTED_NEGATIVE) passes."""
    from schemathesis.specs.openapi.checks import negative_data_rejection

    data = case.meta.phase.data if case.meta is not None else None
    mutations = getattr(data, "mutations", ()) or ()
    parameters = case.operation.definition.raw.get("parameters", [])
    # one value of an array parameter is an array of one in a query string (``channel=3``),
    # whatever type schemathesis meant
    lenient = {
        ("query", p["name"])
        for p in parameters
        if p.get("in") == "query" and p.get("schema", {}).get("type") == "array"
    }
    known = [
        (m.parameter_location.value, m.parameter or _last_name(m.path)) in KNOWN_ACCEPTED_NEGATIVE
        or (m.parameter_location.value, m.parameter or _last_name(m.path)) in lenient
        or _scalar_coercion(m)
        or (m.parameter_location.value == "query" and isinstance(m.new_value, dict | list))
        # the same when the mutation names the type ("object") and the case holds the value: an object
        # nested in a query string is sent as ``offset=`` or under other names, never as a value
        or (m.parameter_location.value == "query" and _object_query_value(case, m.parameter or _last_name(m.path)))
        # DRF reads "" as null for a nullable field (and refuses it for the others)
        or (m.parameter_location.value == "body" and _empty_body_value(case, _last_name(m.path)))
        # an empty query value is no filter at all (django-filter skips empty values)
        or (m.parameter_location.value == "query" and _empty_query_value(case, m.parameter or _last_name(m.path)))
        for m in mutations
    ]
    if known and all(known):
        return None
    return negative_data_rejection(ctx, response, case)


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


@cache
def in_process_app() -> InProcessWSGI:
    """The handler a test process calls, one per process as a WSGI server keeps one.

    schemathesis learns the app's constants (the literals of its code it feeds
    the generator) once per app object: a new handler per test cost 0.2 s of
    source scanning in every one of the gate's 1 152 tests.
    """
    return InProcessWSGI()


#: Checks of a stateful run: those of every call, plus the ones that need a history.
STATEFUL_CHECK_NAMES = ("use_after_free", "ensure_resource_availability")
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
    from schemathesis.specs.openapi import checks as openapi_checks

    checks = [*call_checks(), *(getattr(openapi_checks, name) for name in STATEFUL_CHECK_NAMES)]
    schema.app = app  # the probes of ``ignored_auth`` go to the same app
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
                case.validate_response(
                    response,
                    checks=checks,
                    headers=headers,
                    transport_kwargs={"app": app, "headers": headers},
                    recorder=getattr(self, "recorder", None),
                )
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


#: The checks of schemathesis' coverage phase that this gate runs: an undeclared method
#: answers 405 with ``Allow``, and ``OPTIONS`` advertises exactly the declared methods.
METHOD_CHECK_NAMES = ("not_a_server_error", "unsupported_method", "allow_header_conformance")


def undeclared_method_probes(schema) -> list:
    """schemathesis' coverage-phase probes of methods a path does not declare (one per path and method).

    Its API emits them from the same generator as every other coverage case,
    last: the others are generated and dropped (about 40 s for the whole schema
    on this machine); only these are called (about 500).
    """
    from schemathesis import GenerationMode
    from schemathesis.generation.meta import CoverageScenario

    probes = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for case in schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation),
        ):
            if case.meta.phase.data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD:
                probes.append(case)
    return probes


def probe_methods(schema, *, app, headers: dict) -> None:
    """Call every undeclared-method probe; raise :class:`FuzzFailure` listing each that failed a check."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    checks = [CHECKS.get_one(name) for name in METHOD_CHECK_NAMES]
    schema.app = app
    findings = []
    for case in undeclared_method_probes(schema):
        with rolled_back():
            response = case.call(app=app, headers=headers)
            try:
                case.validate_response(
                    response, checks=checks, headers=headers, transport_kwargs={"app": app, "headers": headers}
                )
            except BaseException as failure:  # a FailureGroup
                findings.append(f"{case.method} {case.operation.path}: {failure}")
    if findings:
        raise FuzzFailure("\n\n".join(findings))
