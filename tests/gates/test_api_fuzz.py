"""Gate 2: API fuzzing with schemathesis (docs/TESTING.md, "API fuzzing").

Every operation of the OpenAPI schema, called in-process (WSGI, no server) as
each role with generated input, valid by the schema and not: every check
schemathesis has (tests/support/fuzz.py, ``CALL_CHECK_NAMES``). Half the examples of an operation that takes an
``{id}`` aim at a real object (the matrix row's object of team A).

Then scenarios chain linked operations (create, read, change, delete) as the
roles that write.

Budget: ``MRM_FUZZ_EXAMPLES`` examples per operation (CI: 50, locally 10) for
the first role the permission matrix lets through, a fifth for the other roles
let through, a tenth for anonymous calls and refused roles (``budget``), and as many
scenarios of 8 steps per writing role; no shrinking.
"""

import pytest

from tests.support.fuzz import (
    anonymous_examples,
    examples_per_operation,
    fuzz_operation,
    in_process_app,
    openapi_document,
    probe_methods,
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


#: Who gets an operation's full budget: the first of these the matrix lets through.
LEAD_ROLES = ("marketer", "admin", "finance", "approver", "leadership", "other_team")


def budget(path: str, method: str, role: str) -> int:
    """Examples for ``role`` on an operation: the full budget once, a share for the other roles.

    The first role of :data:`LEAD_ROLES` the permission matrix lets through
    tries the operation's input with the full budget; another role let
    through gets a fifth (it reads the same input, through another scope);
    a role the matrix refuses (and anonymous) a tenth: it is stopped before
    its input matters, and only has to be refused as declared.
    """
    expected = EXPECTED.get(RouteKey(method, path))

    def allowed(who: str) -> bool:
        return who != "anonymous" and (expected is None or expected.for_role(who, api=True) == OK)

    if not allowed(role):
        return anonymous_examples()
    lead = next((who for who in LEAD_ROLES if allowed(who)), role)
    return examples_per_operation() if role == lead else max(3, examples_per_operation() // 5)


@pytest.fixture
def app():
    return in_process_app()


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


@pytest.mark.django_db
def test_undeclared_methods_are_refused_as_the_schema_says(world, app):
    # given every path of the schema and the methods it does not declare (schemathesis' coverage phase)
    # when each is called by an admin (who passes every permission, so the method is what is judged)
    # then it answers 405 with an Allow header, and OPTIONS advertises exactly the declared methods
    probe_methods(schemathesis_schema(), app=app, headers={"Authorization": f"Token {world.token('admin')}"})
