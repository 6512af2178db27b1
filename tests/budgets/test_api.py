"""/api/v1/fiscal-periods/, /api/v1/expense-categories/, /api/v1/budget-allocations/ (PRODUCT.md §8)."""

import datetime

import pytest

from budgets.models import BudgetAllocation, ExpenseCategory, FiscalPeriod
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory, FiscalPeriodFactory
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams_allocations(q1, team, other_team):
    return (
        BudgetAllocationFactory(period=q1, team=team, category=ExpenseCategoryFactory(code="MKT-PR"), amount="1500.00"),
        BudgetAllocationFactory(
            period=q1, team=other_team, category=ExpenseCategoryFactory(code="MKT-EVT"), amount="99.90"
        ),
    )


def test_fiscal_periods_come_with_their_year(api_as, marketer, q1):
    body = api_as(marketer).get("/api/v1/fiscal-periods/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [
        {
            "id": q1.pk,
            "year": {"id": q1.year_id, "name": "FY2027", "start_date": "2027-01-01", "end_date": "2027-12-31"},
            "name": "Q1 2027",
            "kind": "quarter",
            "start_date": "2027-01-01",
            "end_date": "2027-03-31",
        }
    ]


def test_fiscal_periods_filter_by_date_and_year(api_as, marketer, q1):
    FiscalPeriodFactory(
        year=q1.year, name="Q2 2027", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2027, 6, 30)
    )
    client = api_as(marketer)
    names = [p["name"] for p in client.get("/api/v1/fiscal-periods/?contains_date=2027-05-05").json()["results"]]
    assert names == ["Q2 2027"]
    names = [
        p["name"]
        for p in client.get(f"/api/v1/fiscal-periods/?year={q1.year_id}&ordering=-start_date").json()["results"]
    ]
    assert names == ["Q2 2027", "Q1 2027"]


def test_finance_creates_a_period_and_an_overlap_is_a_400_with_the_reason(api_as, finance_user, q1):
    client = api_as(finance_user)
    payload = {
        "year": q1.year_id,
        "name": "Q2 2027",
        "kind": "quarter",
        "start_date": "2027-04-01",
        "end_date": "2027-06-30",
    }
    created = client.post("/api/v1/fiscal-periods/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["year"]["name"] == "FY2027"
    overlap = client.post(
        "/api/v1/fiscal-periods/", {**payload, "name": "X", "start_date": "2027-06-01"}, format="json"
    )
    assert overlap.status_code == 400
    assert "overlaps Q2 2027" in overlap.json()["non_field_errors"][0]
    assert FiscalPeriod.objects.count() == 2


def test_allocations_are_money_strings_and_marketers_see_their_own_teams_only(api_as, marketer, two_teams_allocations):
    mine, theirs = two_teams_allocations
    body = api_as(marketer).get("/api/v1/budget-allocations/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == mine.pk
    assert row["amount"] == "1500.00"
    assert (row["team"], row["team_name"], row["category_code"], row["period_name"]) == (
        mine.team_id,
        "Brand",
        "MKT-PR",
        "Q1 2027",
    )
    # another team's allocation does not exist for this marketer
    assert api_as(marketer).get(f"/api/v1/budget-allocations/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("fixture", ["leadership_user", "cmo", "finance_user", "admin_user"])
def test_leadership_finance_and_admins_read_every_team(request, api_as, fixture, two_teams_allocations):
    user = request.getfixturevalue(fixture)
    assert api_as(user).get("/api/v1/budget-allocations/").json()["count"] == 2


def test_an_approver_in_no_team_reads_no_allocation(api_as, approver, two_teams_allocations):
    # approvers who are not leadership see their own teams' money only (one scope per viewer, §2)
    assert api_as(approver).get("/api/v1/budget-allocations/").json()["count"] == 0


def test_allocations_filter_and_order(api_as, finance_user, two_teams_allocations, other_team):
    client = api_as(finance_user)
    rows = client.get(f"/api/v1/budget-allocations/?team={other_team.pk}").json()["results"]
    assert [r["category_code"] for r in rows] == ["MKT-EVT"]
    rows = client.get("/api/v1/budget-allocations/?ordering=-amount").json()["results"]
    assert [r["amount"] for r in rows] == ["1500.00", "99.90"]
    category = ExpenseCategory.objects.get(code="MKT-PR")
    rows = client.get(
        f"/api/v1/budget-allocations/?category={category.pk}&period={two_teams_allocations[0].period_id}"
    ).json()["results"]
    assert len(rows) == 1


def test_finance_writes_allocations_and_bad_input_is_a_400(api_as, finance_user, q1, team):
    client = api_as(finance_user)
    category = ExpenseCategoryFactory()
    payload = {"period": q1.pk, "team": team.pk, "category": category.pk, "amount": "2500.50"}
    created = client.post("/api/v1/budget-allocations/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["amount"] == "2500.50"
    negative = client.post("/api/v1/budget-allocations/", {**payload, "amount": "-1"}, format="json")
    assert negative.status_code == 400 and "amount" in negative.json()
    duplicate = client.post("/api/v1/budget-allocations/", payload, format="json")
    assert duplicate.status_code == 400
    assert "already exists" in str(duplicate.json())
    pk = created.json()["id"]
    patched = client.patch(f"/api/v1/budget-allocations/{pk}/", {"amount": "10.00"}, format="json")
    assert patched.status_code == 200 and patched.json()["amount"] == "10.00"
    assert client.delete(f"/api/v1/budget-allocations/{pk}/").status_code == 204
    assert not BudgetAllocation.objects.exists()


@pytest.mark.parametrize("fixture", ["marketer", "leadership_user"])
def test_others_cannot_write_403(request, api_as, fixture, two_teams_allocations, q1, team):
    user = request.getfixturevalue(fixture)
    client = api_as(user)
    mine = two_teams_allocations[0]
    payload = {"period": q1.pk, "team": team.pk, "category": mine.category_id, "amount": "1.00"}
    assert client.post("/api/v1/budget-allocations/", payload, format="json").status_code == 403
    response = client.patch(f"/api/v1/budget-allocations/{mine.pk}/", {"amount": "1.00"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only finance and administrators maintain budgets, categories and periods."
    assert client.post("/api/v1/expense-categories/", {"code": "X", "name": "X"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/fiscal-periods/{q1.pk}/").status_code == 403
    mine.refresh_from_db()
    assert str(mine.amount) == "1500.00"


def test_a_write_to_another_teams_allocation_is_404_not_403(api_as, marketer, two_teams_allocations):
    theirs = two_teams_allocations[1]
    assert (
        api_as(marketer).patch(f"/api/v1/budget-allocations/{theirs.pk}/", {"amount": "1"}, format="json").status_code
        == 404
    )


def test_anonymous_is_401_and_a_user_without_role_sees_nothing(api_client, api_as, two_teams_allocations):
    assert api_client.get("/api/v1/budget-allocations/").status_code == 401
    assert api_client.get("/api/v1/expense-categories/").status_code == 401
    nobody = UserFactory(username="nobody")
    assert api_as(nobody).get("/api/v1/budget-allocations/").json()["count"] == 0
    assert api_as(nobody).get("/api/v1/fiscal-periods/").json()["count"] == 0


def test_categories_tree_in_the_api_and_a_used_category_cannot_be_deleted(api_as, finance_user, two_teams_allocations):
    client = api_as(finance_user)
    parent = ExpenseCategoryFactory(code="MKT")
    created = client.post(
        "/api/v1/expense-categories/",
        {"code": "MKT-NEW", "name": "New", "name_ru": "Новая", "parent": parent.pk, "gl_account": "44.01.9"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["parent_code"] == "MKT"
    rows = client.get("/api/v1/expense-categories/?root=false&search=new").json()["results"]
    assert [r["code"] for r in rows] == ["MKT-NEW"]
    used = two_teams_allocations[0].category
    response = client.delete(f"/api/v1/expense-categories/{used.pk}/")
    assert response.status_code == 409
    assert "Deactivate it instead" in response.json()["detail"]
    loop = client.patch(f"/api/v1/expense-categories/{parent.pk}/", {"parent": created.json()["id"]}, format="json")
    assert loop.status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/v1/budget-allocations/", "/api/v1/expense-categories/", "/api/v1/fiscal-periods/"]
)
def test_list_endpoints_cost_the_same_for_1_and_50_rows(api_as, finance_user, q1, url, django_assert_max_num_queries):
    client = api_as(finance_user)
    BudgetAllocationFactory(period=q1, team=TeamFactory(name="T0", slug="t0"), category=ExpenseCategoryFactory())
    with django_assert_max_num_queries(5) as one:
        assert client.get(url).status_code == 200
    year = q1.year
    for index in range(1, 50):
        period = FiscalPeriodFactory(
            year=year,
            name=f"D{index}",
            kind="month",
            start_date=datetime.date(2027, 4, 1) + datetime.timedelta(days=index),
            end_date=datetime.date(2027, 4, 1) + datetime.timedelta(days=index),
        )
        BudgetAllocationFactory(
            period=period,
            team=TeamFactory(name=f"T{index}", slug=f"t{index}"),
            category=ExpenseCategoryFactory(parent=ExpenseCategory.objects.first()),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(f"{url}?page_size=100")
    assert response.json()["count"] >= 50


def test_a_period_cannot_move_to_another_year(api_as, finance_user, q1):
    from budgets.models import FiscalYear

    other = FiscalYear.objects.create(
        name="FY2028", start_date=datetime.date(2028, 1, 1), end_date=datetime.date(2028, 12, 31)
    )
    response = api_as(finance_user).patch(f"/api/v1/fiscal-periods/{q1.pk}/", {"year": other.pk}, format="json")
    assert response.status_code == 400
    assert "year" in response.json()
    q1.refresh_from_db()
    assert q1.year.name == "FY2027"
    renamed = api_as(finance_user).patch(f"/api/v1/fiscal-periods/{q1.pk}/", {"name": "Q1"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Q1"
