"""Gate 2: API fuzzing with schemathesis (docs/TESTING.md, "API fuzzing").

Every operation of the OpenAPI schema, called in-process (WSGI, no server) as
each role with generated input, valid by the schema and not: every check
schemathesis has (tests/support/fuzz.py, ``CALL_CHECK_NAMES``). Half the examples of an operation that takes an
``{id}`` aim at a real object (the matrix row's object of team A).

Then scenarios chain linked operations (create, read, change, delete) as the
roles that write.

Budget: ``MRM_FUZZ_EXAMPLES`` examples per operation and signed-in role
the permission matrix lets through (CI: 50, locally 10), a tenth of it for
anonymous calls and refused roles, and as many
scenarios of 8 steps per writing role; no shrinking.
"""

import pytest

from tests.support.fuzz import (
    InProcessWSGI,
    anonymous_examples,
    examples_per_operation,
    fuzz_operation,
    openapi_document,
    run_stateful,
    schemathesis_schema,
)
from tests.support.matrix import OK, ROLES, RouteKey, all_rows, load_matrix

OPERATIONS = [
    (path, method.upper())
    for path, operations in openapi_document()["paths"].items()
    for method in operations
    if method in {"get", "post", "put", "patch", "delete"}
]
RESOURCE_OF = {key: resource for _module, resource, key, _row in all_rows(load_matrix())}
EXPECTED = {key: row.expect for _module, _resource, key, row in all_rows(load_matrix())}


def budget(path: str, method: str, role: str) -> int:
    """The full budget for a role the matrix lets through; a refused role only has to be refused.

    A role the permission matrix refuses (401, 403, 404 on every object) is
    stopped before its input matters, and the roles let through already try
    that input with the full budget: a tenth of it proves the refusal holds
    and is declared.
    """
    expected = EXPECTED.get(RouteKey(method, path))
    outcome = expected.for_role(role, api=True) if expected is not None else OK
    return examples_per_operation() if role != "anonymous" and outcome == OK else anonymous_examples()


@pytest.fixture
def app():
    return InProcessWSGI()


def known_objects(world, path: str, method: str) -> dict:
    """Path parameters naming a real object of team A, where the matrix row can make one."""
    resource = RESOURCE_OF.get(RouteKey(method, path))
    if resource is None or resource.obj is None or "{id}" not in path:
        return {}
    return {"id": world.make(resource.obj).pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_operation_survives_generated_input(world, app, path, method, role):
    # given an operation of the schema, a caller and maybe a real object to aim at
    operation = schemathesis_schema()[path][method]
    headers = {} if role == "anonymous" else {"Authorization": f"Token {world.token(role)}"}
    examples = budget(path, method, role)
    # when it is called with generated input
    # then it never answers 5xx and documented responses match their schema
    fuzz_operation(
        operation,
        app=app,
        headers=headers,
        examples=examples,
        path_parameters=known_objects(world, path, method),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["marketer", "finance", "admin"])
def test_linked_operations_survive_generated_scenarios(world, app, role):
    # given the roles that create things, with team A's objects around
    for resource in {id(r): r for r in RESOURCE_OF.values() if r.obj is not None}.values():
        world.make(resource.obj)
    # when scenarios chain operations (create, then read, change, delete what was created)
    # then no step answers 5xx or breaks its schema, and created resources can be read back
    run_stateful(
        schemathesis_schema(),
        app=app,
        headers={"Authorization": f"Token {world.token(role)}"},
        scenarios=examples_per_operation(),
    )
