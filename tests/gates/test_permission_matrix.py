"""Gate 1: the permission matrix (docs/TESTING.md, "Permission matrix").

Every app URL and every API operation has a row in ``tests/gates/matrix/<app>.py``;
every row holds for every role; another team's confidential objects stay hidden.
"""

import pytest

from tests.support.matrix import all_rows, check_route, load_matrix, missing_rows, stale_rows

TABLES = load_matrix()
ROWS = list(all_rows(TABLES))

pytestmark = pytest.mark.django_db


def test_every_route_and_api_operation_has_a_row():
    # given the project's URL resolver and OpenAPI schema
    # when comparing them with the tables
    missing = missing_rows(TABLES)
    # then nothing is left undeclared
    assert not missing, "Routes without a permission-matrix row (see docs/TESTING.md):\n" + "\n".join(
        f"  {m}" for m in missing
    )


def test_every_row_names_an_existing_route():
    stale = stale_rows(TABLES)
    assert not stale, "Rows for routes that do not exist:\n" + "\n".join(f"  {s}" for s in stale)


def test_route_keys_are_unique_per_module():
    seen = {}
    for module, resource, key, _row in ROWS:
        assert (module, str(key)) not in seen, f"{key} is declared twice in {module}.py"
        seen[(module, str(key))] = resource.name


@pytest.mark.parametrize(
    ("resource", "key", "row"),
    [pytest.param(resource, key, row, id=f"{module}: {key}") for module, resource, key, row in ROWS],
)
def test_route_behaves_as_declared_for_every_role(matrix_client, world, resource, key, row):
    # given the row's object of team A (and its confidential twin)
    # when every role calls the route
    problems = check_route(matrix_client, world, resource, key, row)
    # then each gets the declared outcome
    assert not problems, f"{key} ({resource.name}):\n" + "\n".join(f"  {p}" for p in problems)
