"""How PostgreSQL runs MRM's hot queries (issue 16): no JIT, and an index for the lists' ordering.

Plans are read with ``EXPLAIN`` on the test database. Sequential scans are
priced out (``enable_seqscan = off``) so the plan shows whether an index
*can* serve the ordering: with the index gone, PostgreSQL has to sort.
"""

import pytest
from django.db import connection, transaction

from budgets.models import Commitment, Expense

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_apps_connections_never_jit_compile():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("model", [Expense, Commitment])
def test_a_spend_list_newest_first_is_read_from_an_index_not_sorted(model):
    # given the list as the pages and the API order it (newest first, then by id)
    page = model.objects.all()[:50]
    assert page.query.order_by == () and model._meta.ordering == ["-date", "-pk"]
    # when PostgreSQL plans it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = page.explain()
    # then it walks the index backwards instead of sorting the table
    assert f"budgets_{model._meta.model_name}_newest" in plan, plan
    assert "Sort" not in plan
