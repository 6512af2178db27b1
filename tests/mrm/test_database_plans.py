"""How PostgreSQL runs MRM's hot queries (issue 16): no JIT, an index for the lists' ordering,
approvers' visibility as EXISTS per row.

Plans are read with ``EXPLAIN`` on the test database. Sequential scans are
priced out (``enable_seqscan = off``) so the plan shows whether an index
*can* serve the ordering: with the index gone, PostgreSQL has to sort.
"""

import pytest
from django.db import connection, transaction

from approvals.models import ApprovalRequest
from budgets.models import Commitment, Expense, FundingRequest

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


@pytest.mark.parametrize(
    ("model", "index"),
    [(FundingRequest, "budgets_fundingrequest_newest"), (ApprovalRequest, "approvals_request_newest")],
)
def test_the_funding_and_approval_lists_newest_first_are_read_from_an_index(model, index):
    # given the list as the API and the pages order it (newest first, then by id)
    page = model.objects.all()[:50]
    assert page.query.order_by == () and model._meta.ordering[1] == "-pk"
    # when PostgreSQL plans it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = page.explain()
    # then it walks the index backwards instead of sorting the table
    assert index in plan, plan
    assert "Sort" not in plan


def _sql(queryset) -> str:
    with connection.cursor() as cursor:
        sql, params = queryset.query.sql_with_params()
        return cursor.mogrify(sql, params).decode()


def _plan(sql: str, *, priced_out: bool = True) -> str:
    """PostgreSQL's plan of ``sql``; ``priced_out`` prices out table and bitmap scans, as a large
    database would, so the plan shows whether an index can serve."""
    with transaction.atomic(), connection.cursor() as cursor:
        if priced_out:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_approvers_rules_ask_each_row_with_exists_instead_of_collecting_sets_of_ids(marketer, approver):
    # given an approver's view of funding requests and a marketer's of approval requests
    funding = _sql(FundingRequest.objects.visible_to(approver))
    approvals = _sql(ApprovalRequest.objects.visible_to(marketer))
    # then "the stages were assigned to me" is an EXISTS correlated on the row, which PostgreSQL
    # may answer by probing the row's own stages (a page) or by hashing once (a count), never
    # "id IN (every request I was ever assigned)" built in full for every query (issue 16)
    assert 'EXISTS(SELECT 1 AS "a" FROM "approvals_stageassignment"' in funding
    assert '"budgets_fundingrequest"."id" IN (SELECT' not in funding
    assert 'EXISTS(SELECT 1 AS "a" FROM "approvals_stageassignment"' in approvals
    assert '"approvals_approvalrequest"."id" IN (SELECT' not in approvals


def test_a_reader_of_every_subject_sees_their_approvals_by_kind_without_sets_of_ids(cmo, finance_user, marketer):
    # given readers of every funding request, campaign and material (leadership, finance) and a marketer
    cmo_sql = _sql(ApprovalRequest.objects.visible_to(cmo))
    finance_sql = _sql(ApprovalRequest.objects.visible_to(finance_user))
    marketer_sql = _sql(ApprovalRequest.objects.visible_to(marketer))
    # then for the readers of everything the subject kind alone says so, first in the OR: counting the
    # CMO's requests no longer builds every campaign's and funding request's id (146 -> 30 ms, issue 16)
    for sql in (cmo_sql, finance_sql):
        assert '"approvals_approvalrequest"."subject_kind" = \'funding_request\' OR' in sql
        assert 'FROM "budgets_fundingrequest"' not in sql
    # while a marketer's funding-request approvals still go through the requests they may read
    assert 'FROM "budgets_fundingrequest"' in marketer_sql


def test_a_budget_lines_expenses_are_summed_from_an_index_without_reading_the_table():
    # given a funding request with an expense, whose budget line's figures a page shows
    from django.test.utils import CaptureQueriesContext

    from budgets.selectors import line_figures
    from tests.budgets.factories import ExpenseFactory

    expense = ExpenseFactory()
    request = FundingRequest.objects.select_related("campaign").get(pk=expense.funding_request_id)
    with CaptureQueriesContext(connection) as queries:
        line_figures([request])
    (figures,) = [q["sql"] for q in queries if 'FROM "budgets_expense"' in q["sql"]]
    # when PostgreSQL plans the line's query
    plan = _plan(figures)
    # then each request's expenses are read from the index that carries their amounts (about 1 000
    # requests behind a page of 50 at scale 1; issue 16)
    assert "Index Only Scan using budgets_expense_request_amount" in plan, plan


def test_a_marketers_campaign_list_finds_what_they_approve_from_their_own_assignments(marketer):
    # given a marketer's campaign list: confidential campaigns of open requests they approve are
    # visible (§2), "they" being the marketer and anyone they stand in for today
    from campaigns.models import Campaign

    campaigns = Campaign.objects.visible_to(marketer)
    sql = _sql(campaigns)
    # then the assignee is one set (the user, and whom they stand in for), never "user = me OR user IN
    # (stand-ins)": that OR can use no index, and PostgreSQL went through every open funding request
    # (3 000 at scale 1) to find a marketer's none, twice a page (the page and its count; issue 16)
    assert f'"user_id" = {marketer.pk} OR' not in sql
    assert "UNION ALL" in sql
    # and PostgreSQL may start from the assignee's index (which one it picks depends on the data)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE tablename = 'approvals_stageassignment' AND indexdef LIKE '%%(user_id)'"
        )
        assert cursor.fetchone() is not None


def test_the_campaign_lists_search_is_read_from_trigram_indexes_not_every_campaign(marketer):
    # given the list's search as the API and the pages filter it (a substring of five columns)
    from campaigns.api.filters import CampaignFilter
    from campaigns.models import Campaign

    searched = CampaignFilter({"search": "Москва"}, queryset=Campaign.objects.all()).qs
    # when PostgreSQL plans it with reading every row priced out (in table or in index order)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = searched.explain()
    # then each column's UPPER(...) LIKE '%…%' is served by its trigram index, ORed: no column
    # left to read from every row (a search read all 10 000 campaigns twice a page; issue 16)
    for column in ("code", "name", "description", "objective", "tags"):
        assert f"campaigns_campaign_{column}_trgm" in plan, plan
    assert "BitmapOr" in plan


def test_a_budget_lines_requests_are_matched_to_their_lines_by_one_hashed_list():
    # given requests of two teams on two lines, whose figures a page shows
    from django.test.utils import CaptureQueriesContext

    from budgets.selectors import line_figures
    from tests.budgets.factories import FundingRequestFactory

    requests = [FundingRequestFactory(), FundingRequestFactory()]
    rows = list(FundingRequest.objects.select_related("campaign").filter(pk__in=[r.pk for r in requests]))
    with CaptureQueriesContext(connection) as queries:
        line_figures(rows)
    (sums,) = [q["sql"] for q in queries if 'FROM "budgets_expense"' in q["sql"]]
    # then each team is named once, in a list, and which team goes with which (period, category) is
    # one code per line in a list PostgreSQL hashes: as an OR of (team, period, category) triples it
    # tested the whole OR on each of 6 500 requests of the lines' pairs at scale 1 and spent 11 ms
    # planning it (issue 16)
    assert '"campaigns_campaign"."team_id" IN (' in sums
    assert '"campaigns_campaign"."team_id" = ' not in sums
    assert "MOD(" in sums and sums.count('"category_id" = ') == 2
    plan = _plan(sums, priced_out=False)
    assert "= ANY ('{" in plan, plan


def test_an_approvers_pending_work_starts_from_their_open_assignments_and_the_running_stages(cmo):
    # given what waits on an approver ("pending for me": the inbox, its count, the API filter)
    pending = ApprovalRequest.objects.pending_for(cmo).values("pk")
    # when PostgreSQL plans it, tables priced out as on a large department's database
    plan = _plan(_sql(pending))
    # then it reads the approver's undecided assignments from their partial index: a few of the
    # thousands an approver decided (with the running stages' index, count and page each 18 -> 11 ms
    # at scale 1; issue 16)
    assert "approvals_assignment_open" in plan, plan
