"""Budget pages: who sees what, the grid with SQL totals, in-place editing, imports (PRODUCT.md §2, §4)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import ActualLine, BudgetAllocation, ExpenseCategory, FiscalPeriod, FiscalYear, ImportBatch
from imports.models import ImportJob
from tests.budgets.factories import BudgetAllocationFactory, ExpenseCategoryFactory
from tests.factories import TeamFactory, UserFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
FINANCE_PAGES = [
    "budgets:imports",
    "budgets:actuals",
    "budgets:sources",
    "budgets:year_create",
    "budgets:category_create",
]


@pytest.fixture
def grid(q1, team, other_team):
    pr = ExpenseCategoryFactory(code="MKT-PR", name="Public relations")
    evt = ExpenseCategoryFactory(code="MKT-EVT", name="Events")
    BudgetAllocationFactory(period=q1, team=team, category=pr, amount=Decimal("1500.00"))
    BudgetAllocationFactory(period=q1, team=team, category=evt, amount=Decimal("500.25"))
    BudgetAllocationFactory(period=q1, team=other_team, category=evt, amount=Decimal("1000.00"))
    return q1


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("budgets:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_a_role_is_refused_with_a_reason(client):
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("budgets:index"))
    assert response.status_code == 403
    assert "Budgets are available to marketers" in response.content.decode()


def test_finance_sees_every_team_with_totals_computed_by_the_database(client, finance_user, grid):
    client.force_login(finance_user)
    response = client.get(reverse("budgets:index"), {"period": grid.pk}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Brand" in html and "Events" in html
    grand_total = response.context["grid"].total
    assert grand_total == Decimal("3000.25")
    assert list(response.context["grid"].team_totals) == [Decimal("2000.25"), Decimal("1000.00")]
    assert "₽3,000.25" in html
    assert "/budgets/allocations/" in html  # finance edits cells


def test_a_marketer_sees_only_their_teams_column_and_cannot_edit(client, marketer, grid):
    client.force_login(marketer)
    response = client.get(reverse("budgets:index"), {"period": grid.pk})
    grid_data = response.context["grid"]
    assert [t.name for t in grid_data.teams] == ["Brand"]
    assert grid_data.total == Decimal("2000.25")
    assert "/budgets/allocations/" not in response.content.decode()
    for name in FINANCE_PAGES:
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("fixture", ["leadership_user", "cmo"])
def test_leadership_reads_every_team_but_edits_nothing(request, client, fixture, grid):
    # given the CMO or a marketing director (leadership reads all money, read-only)
    client.force_login(request.getfixturevalue(fixture))
    # when they open the allocations grid, then every team's money is there
    response = client.get(reverse("budgets:index"), {"period": grid.pk})
    assert response.context["grid"].total == Decimal("3000.25")
    # and they can change none of it
    url = reverse("budgets:allocation_cell", args=[grid.pk, 1, 1])
    assert client.post(url, {"amount": "1"}).status_code == 403
    for name in FINANCE_PAGES:
        assert client.get(reverse(name)).status_code == 403


def test_an_approver_outside_leadership_reads_only_his_teams(client, grid, team):
    # given an approver who is not leadership, a member of one team only
    approver = UserFactory(username="brand-approver", roles=["approver"], teams=[team])
    client.force_login(approver)
    # when he opens the grid, then only his team's column and money are there
    grid_shown = client.get(reverse("budgets:index"), {"period": grid.pk}).context["grid"]
    assert [t.pk for t in grid_shown.teams] == [team.pk]
    assert grid_shown.total == Decimal("2000.25")


def test_an_unknown_period_is_404(client, finance_user, grid):
    client.force_login(finance_user)
    assert client.get(reverse("budgets:index"), {"period": 999999}).status_code == 404


def test_russian_readers_see_russian_money(client, finance_user, grid):
    finance_user.language = "ru"
    finance_user.save()
    client.force_login(finance_user)
    html = client.get(reverse("budgets:index"), {"period": grid.pk}).content.decode()
    assert f"3{NBSP}000,25{NBSP}₽" in html


def test_the_grid_costs_the_same_for_1_and_50_rows(client, finance_user, q1, team, django_assert_max_num_queries):
    client.force_login(finance_user)
    BudgetAllocationFactory(period=q1, team=team, category=ExpenseCategoryFactory())
    url = f"{reverse('budgets:index')}?period={q1.pk}"
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    teams = [TeamFactory(name=f"Team {i}", slug=f"team-{i}") for i in range(5)]
    for index in range(50):
        BudgetAllocationFactory(period=q1, team=teams[index % 5], category=ExpenseCategoryFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["grid"].rows) == 51


def test_finance_edits_a_cell_in_place_and_gets_the_grid_with_new_totals(client, finance_user, grid, team):
    client.force_login(finance_user)
    category = ExpenseCategory.objects.get(code="MKT-PR")
    url = reverse("budgets:allocation_cell", args=[grid.pk, team.pk, category.pk])
    # when the cell is opened
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'name="amount"' in form.content.decode()
    assert "<html" not in form.content.decode()
    # and saved
    saved = client.post(url, {"amount": "2000.00", "note": ""}, HTTP_HX_REQUEST="true")
    # then
    assert saved.status_code == 200
    assert saved.context["grid"].total == Decimal("3500.25")
    assert BudgetAllocation.objects.get(team=team, category=category).amount == Decimal("2000.00")


def test_a_bad_amount_is_a_translated_error_and_changes_nothing(client, finance_user, grid, team):
    client.force_login(finance_user)
    category = ExpenseCategory.objects.get(code="MKT-PR")
    url = reverse("budgets:allocation_cell", args=[grid.pk, team.pk, category.pk])
    response = client.post(url, {"amount": "-5"}, HTTP_HX_REQUEST="true")
    # htmx swaps only successful responses: the cell's form comes back into the cell with its error
    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("closest td", "innerHTML")
    assert "greater than or equal to 0" in response.content.decode()
    assert BudgetAllocation.objects.get(team=team, category=category).amount == Decimal("1500.00")
    finance_user.language = "ru"
    finance_user.save()
    response = client.post(url, {"amount": "много"}, HTTP_HX_REQUEST="true")
    assert "Введите число" in response.content.decode()
    # without htmx the page says 400
    assert client.post(url, {"amount": "-5"}).status_code == 400


def test_an_empty_amount_removes_the_allocation_without_htmx(client, finance_user, grid, team):
    client.force_login(finance_user)
    category = ExpenseCategory.objects.get(code="MKT-PR")
    url = reverse("budgets:allocation_cell", args=[grid.pk, team.pk, category.pk])
    response = client.post(url, {"amount": ""})
    assert response.status_code == 302
    assert not BudgetAllocation.objects.filter(team=team, category=category).exists()


def test_finance_creates_a_year_with_quarters_and_an_overlapping_period_is_refused(client, finance_user):
    client.force_login(finance_user)
    response = client.post(
        reverse("budgets:year_create"), {"name": "FY2027", "start_date": "2027-01-01", "period_kind": "quarter"}
    )
    assert response.status_code == 302
    year = FiscalYear.objects.get()
    assert year.periods.count() == 4
    response = client.post(
        reverse("budgets:period_create", args=[year.pk]),
        {"name": "Extra", "kind": "month", "start_date": "2027-03-01", "end_date": "2027-03-31"},
    )
    assert response.status_code == 400
    assert "overlaps Q1 2027" in response.content.decode()
    assert FiscalPeriod.objects.count() == 4


def test_the_category_tree_page(client, marketer):
    root = ExpenseCategoryFactory(code="MKT", name="Marketing")
    ExpenseCategoryFactory(code="MKT-PR", name="PR", parent=root)
    client.force_login(marketer)
    response = client.get(reverse("budgets:categories"))
    assert [(c.code, depth) for c, depth in response.context["tree"]] == [("MKT", 0), ("MKT-PR", 1)]
    assert reverse("budgets:category_create") not in response.content.decode()


def test_categories_import_journey_dry_run_then_confirm(
    client, finance_user, categories_csv, django_capture_on_commit_callbacks
):
    client.force_login(finance_user)
    upload = SimpleUploadedFile("expense_categories.csv", categories_csv, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # the job runs in-process after the commit
        response = client.post(reverse("budgets:import_upload", args=["categories"]), {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["job"].counts["new"] == 10
    assert "Confirm import" in preview.content.decode()
    assert not ExpenseCategory.objects.exists()
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("budgets:import_apply", args=[job.pk]))
    assert confirmed["Location"] == reverse("budgets:import_preview", args=[job.pk])
    assert ExpenseCategory.objects.count() == 10
    done = client.get(confirmed["Location"])
    assert done.context["result_url"] == reverse("budgets:categories")


def test_an_unreadable_upload_is_an_error_on_the_job_page(client, finance_user, django_capture_on_commit_callbacks):
    client.force_login(finance_user)
    upload = SimpleUploadedFile("c.csv", b"foo,bar\n1,2\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("budgets:import_upload", args=["categories"]), {"file": upload})
    page = client.get(response["Location"])
    assert page.context["job"].status == "failed"
    assert "lacks the column" in page.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_job_page_polls_while_the_file_is_read(client, finance_user, categories_csv):
    # given an upload whose job has not run yet (the worker is busy)
    client.force_login(finance_user)
    upload = SimpleUploadedFile("expense_categories.csv", categories_csv, content_type="text/csv")
    response = client.post(reverse("budgets:import_upload", args=["categories"]), {"file": upload})
    # when htmx polls
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    # then the fragment alone answers, asking to be polled again
    html = fragment.content.decode()
    assert fragment.templates[0].name == "budgets/partials/_import_job.html"
    assert 'data-status="queued"' in html and 'hx-trigger="every 1s"' in html


def test_accounting_import_journey_shows_the_broken_line_and_fills_the_queue(
    client, finance_user, accounting_source, accounting_csv, django_capture_on_commit_callbacks
):
    client.force_login(finance_user)
    upload = SimpleUploadedFile("export.csv", accounting_csv, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("budgets:import_upload", args=["actuals"]), {"file": upload, "source": accounting_source.pk}
        )
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "the amount abc is not a number" in html
    assert not ActualLine.objects.exists()
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("budgets:import_apply", args=[job.pk]))
    done = client.get(confirmed["Location"])
    queue = client.get(done.context["result_url"])
    assert queue.context["totals"] == {"total": Decimal("1386500.00"), "count": 4}
    assert "FR-2027-0002" in queue.content.decode()
    # and once applied, the import page still shows the line that was not imported
    errors = client.get(reverse("budgets:import_preview", args=[job.pk]), {"outcome": "error"}).content.decode()
    assert "the amount abc is not a number" in errors
    assert "0000-000114" not in errors


def test_row_messages_are_in_the_uploaders_language(
    client, finance_user, accounting_source, accounting_csv, django_capture_on_commit_callbacks
):
    finance_user.language = "ru"
    finance_user.save()
    client.force_login(finance_user)
    upload = SimpleUploadedFile("export.csv", accounting_csv, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("budgets:import_upload", args=["actuals"]), {"file": upload, "source": accounting_source.pk}
        )
    html = client.get(response["Location"]).content.decode()
    assert "сумма abc не является числом" in html
    assert "Загрузка факта из учёта" in html


def test_finance_ignores_a_line_from_the_queue(client, finance_user, accounting_source, accounting_csv):

    batch, _plan = import_file(
        kind="actuals", file_name="e.csv", content=accounting_csv, source=accounting_source, by=finance_user
    )
    confirm_import(batch=batch, by=finance_user)
    line = ActualLine.objects.get(document_number="0000-000133")
    client.force_login(finance_user)
    response = client.post(
        reverse("budgets:actual_line_status", args=[line.pk]),
        {"status": "ignored", "note": "Stand paid by sales", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("budgets:actuals")
    line.refresh_from_db()
    assert line.status == "ignored"
    queue = client.get(reverse("budgets:actuals"))
    assert queue.context["totals"]["count"] == 3


def test_import_sources_page_and_form(client, finance_user):
    client.force_login(finance_user)
    response = client.post(
        reverse("budgets:source_create"),
        {
            "name": "SAP",
            "encoding": "no-such-encoding",
            "delimiter": ";",
            "date_format": "%d.%m.%Y",
            "date_column": "1",
            "document_number_column": "2",
            "amount_column": "3",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "Unknown encoding" in response.content.decode()
    response = client.post(
        reverse("budgets:source_create"),
        {
            "name": "SAP",
            "encoding": "utf-8",
            "delimiter": "\\t",
            "date_format": "%Y-%m-%d",
            "date_column": "1",
            "document_number_column": "2",
            "amount_column": "3",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("budgets:sources")).status_code == 200


def test_the_navigation_shows_budgets(client, marketer):
    client.force_login(marketer)
    html = client.get("/").content.decode()
    assert f'href="{reverse("budgets:index")}"' in html


def test_history_of_the_year_records_the_page_user(client, finance_user):
    client.force_login(finance_user)
    client.post(reverse("budgets:year_create"), {"name": "FY2030", "start_date": "2030-01-01", "period_kind": "month"})
    year = FiscalYear.objects.get()
    assert year.history.get().history_user == finance_user
    assert year.periods.count() == 12
    assert year.periods.order_by("start_date").last().end_date == datetime.date(2030, 12, 31)


def test_the_allocation_page_shows_its_history_with_who_and_what(client, finance_user, grid, team):
    from budgets import services

    category = ExpenseCategory.objects.get(code="MKT-PR")
    services.allocation_set(period=grid, team=team, category=category, amount=Decimal("1750.00"), by=finance_user)
    client.force_login(finance_user)
    response = client.get(reverse("budgets:allocation_cell", args=[grid.pk, team.pk, category.pk]))
    history = response.context["history"]
    assert [entry.action for entry in history] == ["changed", "created"]
    assert history[0].who == finance_user
    assert history[0].changes == [{"field": "amount", "old": "₽1,500.00", "new": "₽1,750.00"}]
    assert 'data-testid="history"' in response.content.decode()


def test_the_category_page_shows_a_parent_change_by_name(client, finance_user):
    from budgets import services

    root = ExpenseCategoryFactory(code="ROOT", name="Root")
    category = services.category_create(code="LEAF", name="Leaf", by=finance_user)
    services.category_update(category=category, parent=root, by=finance_user)
    client.force_login(finance_user)
    response = client.get(reverse("budgets:category_edit", args=[category.pk]))
    change = response.context["history"][0].changes[0]
    assert change == {"field": "parent category", "old": "—", "new": "ROOT · Root"}


@pytest.mark.parametrize("typed", [f"2{NBSP}750,50", "2 750,50", "2750,50", "2750.50"])
def test_a_russian_reader_types_amounts_the_russian_way(client, finance_user, grid, team, typed):
    finance_user.language = "ru"
    finance_user.save()
    client.force_login(finance_user)
    category = ExpenseCategory.objects.get(code="MKT-PR")
    url = reverse("budgets:allocation_cell", args=[grid.pk, team.pk, category.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="1{NBSP}500,00"' in form  # the current amount, written the Russian way
    response = client.post(url, {"amount": typed}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert BudgetAllocation.objects.get(team=team, category=category).amount == Decimal("2750.50")


def test_year_totals_count_only_the_allocations_the_reader_may_see(client, marketer, finance_user, grid):
    client.force_login(marketer)
    assert client.get(reverse("budgets:years")).context["years"][0].allocated == Decimal("2000.25")
    client.force_login(finance_user)
    assert client.get(reverse("budgets:years")).context["years"][0].allocated == Decimal("3000.25")


def test_finance_classifies_a_line_on_its_page_and_sees_the_history(
    client, finance_user, accounting_source, accounting_csv
):

    batch, _plan = import_file(
        kind="actuals", file_name="e.csv", content=accounting_csv, source=accounting_source, by=finance_user
    )
    confirm_import(batch=batch, by=finance_user)
    line = ActualLine.objects.get(document_number="0000-000121")
    assert line.category is None
    printing = ExpenseCategoryFactory(code="MKT-PRN", name="Printed materials")
    client.force_login(finance_user)
    page = client.get(reverse("budgets:actual_line", args=[line.pk]))
    assert page.status_code == 200
    assert "Листовки, заявка FR-2027-0002" in page.content.decode()
    # when
    response = client.post(reverse("budgets:actual_line", args=[line.pk]), {"category": printing.pk})
    # then
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.category == printing
    assert line.amount == Decimal("48500.00")
    history = client.get(reverse("budgets:actual_line", args=[line.pk])).context["history"]
    assert history[0].who == finance_user
    assert history[0].changes == [{"field": "category", "old": "—", "new": "MKT-PRN · Printed materials"}]


def test_an_inactive_category_cannot_classify_a_line(client, finance_user, accounting_source, accounting_csv):

    batch, _plan = import_file(
        kind="actuals", file_name="e.csv", content=accounting_csv, source=accounting_source, by=finance_user
    )
    confirm_import(batch=batch, by=finance_user)
    line = ActualLine.objects.first()
    old = ExpenseCategoryFactory(code="OLD", is_active=False)
    client.force_login(finance_user)
    response = client.post(reverse("budgets:actual_line", args=[line.pk]), {"category": old.pk})
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.category_id != old.pk
