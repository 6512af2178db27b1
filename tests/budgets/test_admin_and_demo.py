"""The Django admin pages of budgets, and the demo data."""

import io

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from budgets import demo
from budgets.models import ActualLine, BudgetAllocation, ExpenseCategory, FiscalYear, ImportBatch
from tests.budgets.factories import BudgetAllocationFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "fiscalyear",
    "fiscalperiod",
    "expensecategory",
    "budgetallocation",
    "importsource",
    "importbatch",
    "actualline",
    "fundingrequest",
    "commitment",
    "expense",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_search_and_filter_every_budget_model(client, admin_user, model, q1, team):
    BudgetAllocationFactory(period=q1, team=team)
    client.force_login(admin_user)
    url = reverse(f"admin:budgets_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "MKT"}).status_code == 200


def test_money_records_are_read_only_in_the_admin(client, admin_user):
    # given an approved request with an expense
    from tests.budgets.factories import ExpenseFactory

    expense = ExpenseFactory()
    client.force_login(admin_user)
    # then the admin shows them but offers no add, change or delete: money moves through the services
    assert client.get(reverse("admin:budgets_expense_change", args=[expense.pk])).status_code == 200
    assert client.get(reverse("admin:budgets_expense_add")).status_code == 403
    assert client.post(reverse("admin:budgets_expense_delete", args=[expense.pk]), {"post": "yes"}).status_code == 403
    assert (
        client.get(reverse("admin:budgets_fundingrequest_history", args=[expense.funding_request_id])).status_code
        == 200
    )


def test_a_marketer_is_not_let_into_the_admin(client, marketer):
    client.force_login(marketer)
    response = client.get(reverse("admin:budgets_budgetallocation_changelist"))
    assert response.status_code == 302


def test_demo_data_is_complete_and_idempotent():
    # given the demo teams and users
    accounts_demo.seed(io.StringIO())
    # when the budgets demo runs twice
    demo.seed(io.StringIO())
    counts = (FiscalYear.objects.count(), ExpenseCategory.objects.count(), BudgetAllocation.objects.count())
    lines = ActualLine.objects.count()
    demo.seed(io.StringIO())
    # then nothing is duplicated
    assert (FiscalYear.objects.count(), ExpenseCategory.objects.count(), BudgetAllocation.objects.count()) == counts
    assert ActualLine.objects.count() == lines == 4
    assert counts[0] == 2 and counts[1] == 10
    assert FiscalYear.objects.first().periods.count() == 4
    assert set(BudgetAllocation.objects.values_list("team__name", flat=True)) == {
        "Brand",
        "Digital",
        "Events",
        "Регион Север",
    }
    assert ActualLine.objects.filter(status="unmapped", request_number="").count() == 1
    assert ImportBatch.objects.filter(applied_at__isnull=True).count() == 0


def test_the_demo_reads_its_own_copies_of_the_samples():
    from pathlib import Path

    samples = Path(__file__).resolve().parent.parent / "data"
    assert demo.CATEGORIES_FILE.read_bytes() == (samples / "expense_categories.csv").read_bytes()
    assert demo.ACCOUNTING_FILE.read_bytes() == (samples / "accounting_export_cp1251.csv").read_bytes()
    assert "tests" not in demo.CATEGORIES_FILE.parts


def test_roles_carry_the_declared_model_permissions(finance_user, marketer, approver):
    # given the role groups synchronised after migrate (BudgetsConfig.role_permissions)
    # then finance maintains the structure and the imports, the others only read the structure
    assert finance_user.has_perms(
        ["budgets.change_budgetallocation", "budgets.add_actualline", "budgets.view_importbatch"]
    )
    for user in (marketer, approver):
        assert user.has_perm("budgets.view_budgetallocation")
        assert user.has_perm("budgets.view_expensecategory")
        assert not user.has_perm("budgets.change_budgetallocation")
        assert not user.has_perm("budgets.view_actualline")


def test_demo_money_covers_every_state_and_matches_the_sample_export():
    # given the demo users, workflow templates and campaigns
    from approvals import demo as approvals_demo
    from budgets.models import Commitment, Expense, FundingRequest
    from campaigns import demo as campaigns_demo
    from campaigns.models import Campaign

    accounts_demo.seed(io.StringIO())
    approvals_demo.seed(io.StringIO())
    campaigns_demo.seed(io.StringIO())
    # when the budgets demo runs twice
    demo.seed(io.StringIO())
    counts = (FundingRequest.objects.count(), Commitment.objects.count(), Expense.objects.count())
    demo.seed(io.StringIO())
    # then
    assert (FundingRequest.objects.count(), Commitment.objects.count(), Expense.objects.count()) == counts
    assert set(FundingRequest.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "partially_approved",
        "rejected",
        "withdrawn",
    }
    assert FundingRequest.objects.get(number="FR-2027-0001").status == "approved"
    assert FundingRequest.objects.get(number="FR-2027-0002").status == "approved"
    assert ActualLine.objects.filter(status="mapped").count() == 3
    assert list(ActualLine.objects.filter(status="unmapped").values_list("request_number", flat=True)) == [""]
    assert Campaign.objects.get(code="DEMO-04").status == "active"
