"""Gate 4: query budgets of every list (docs/TESTING.md, "Query budgets").

Every list page and list endpoint costs the same number of queries for 1 row
and for 50, measured with the shared ``assert_constant_queries`` fixture. Most
lists are held by their app's own tests (``tests/<app>/test_queries.py`` and
others); this module holds the lists no app test measured with the shared
helper, so that the gate covers every list: accounts, the calendar and board,
channels, approvals' secondary lists, stand-ins, templates, notifications,
reports' index and subscriptions, imports and sources, and the lists inside a
campaign's or a funding request's page.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from approvals.choices import SubjectKind
from approvals.models import Delegation
from approvals.services import approval_comment, approval_submit
from budgets.choices import FundingRequestStatus
from campaigns.choices import CampaignStatus
from campaigns.models import Channel
from imports.models import ImportJob, ImportRow
from notifications.services import notifications_resolve, notify
from reports.models import ReportSubscription, SavedReportView
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import ExpenseFactory, FundingRequestFactory, ImportSourceFactory
from tests.campaigns.factories import ActivityFactory, CalendarFeedFactory, CampaignFactory, KPIFactory, TaskFactory
from tests.factories import TeamFactory, UserFactory
from tests.imports.helpers import import_file

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
WINDOW = {"start": (TODAY - dt.timedelta(days=3)).isoformat(), "end": (TODAY + dt.timedelta(days=10)).isoformat()}
numbers = itertools.count(1)


def assert_page_budget(assert_constant_queries, fetch, make_row, *, shows, **kwargs):
    """The page's budget, then the page lists the last row made: the rows measured are rows it shows.

    ``shows(row)`` is the text that row puts on the page (a name, a file name).
    """
    made = []
    assert_constant_queries(fetch, lambda: made.append(make_row()), **kwargs)
    text = shows(made[-1])
    assert text in fetch().content.decode(), f"{text!r} is not on the page: the budget measured rows it does not list"


# --- accounts -------------------------------------------------------------------------------


def test_users_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, team):
    # given a client of a marketer
    client = api_as(marketer)
    # when the list is read with 1 and with 50 colleagues who have roles and teams
    # then it costs the same number of queries
    assert_constant_queries(
        lambda: client.get("/api/v1/users/?page_size=100"),
        lambda: UserFactory(roles=["marketer"], teams=[team]),
    )


def test_teams_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer):
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get("/api/v1/teams/?page_size=100"), TeamFactory)


def test_api_token_list_queries_do_not_grow_with_rows(assert_constant_queries, marketer):
    # given an integration calling with one of the marketer's tokens
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=marketer, name='reader').key}")
    # when it lists the marketer's tokens with 1 and with 50 more
    # then it costs the same number of queries
    assert_constant_queries(
        lambda: client.get("/api/v1/auth/tokens/?page_size=100"),
        lambda: token_issue(user=marketer, name=f"Token {next(numbers)}"),
    )


def test_profile_token_list_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer):
    client.force_login(marketer)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("accounts:profile")),
        lambda: token_issue(user=marketer, name=f"Integration {next(numbers)}"),
        shows=lambda issued: issued.token.name,
    )


# --- campaigns: calendar, board, timeline, feeds, channels ----------------------------------------


@pytest.fixture
def campaign_row(team, marketer):
    """A campaign of team A in this week with a public activity on a channel, a task and a KPI."""

    def make():
        channel = Channel.objects.order_by("pk").first() or Channel.objects.create(code="email", name="E-mail")
        campaign = CampaignFactory(
            team=team,
            owner=marketer,
            status=CampaignStatus.PLANNED,
            start_date=TODAY,
            end_date=TODAY + dt.timedelta(days=5),
            channels=[channel],
        )
        ActivityFactory(campaign=campaign, channel=channel, start_date=TODAY, end_date=TODAY, public=True)
        TaskFactory(campaign=campaign, assignee=marketer)
        KPIFactory(campaign=campaign)
        return campaign

    return make


@pytest.mark.parametrize("kind", ["activity", "campaign"])
def test_calendar_events_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, campaign_row, kind):
    # one event of the kind per row, so the list's length proves every row is shown
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get("/api/v1/calendar/events/", {**WINDOW, "kind": kind}), campaign_row)


def test_public_calendar_events_queries_do_not_grow_with_rows(assert_constant_queries, client, campaign_row):
    assert_constant_queries(lambda: client.get(reverse("campaigns:embed_events"), WINDOW), campaign_row)


def test_upcoming_public_events_queries_do_not_grow_with_rows(assert_constant_queries, client, campaign_row):
    assert_constant_queries(lambda: client.get(reverse("campaigns:embed_events"), {"upcoming": 50}), campaign_row)


@pytest.mark.parametrize(
    ("name", "params"),
    [("campaigns:board", {}), ("campaigns:timeline", WINDOW), ("campaigns:calendar", {})],
)
def test_campaign_views_queries_do_not_grow_with_rows(
    assert_constant_queries, client, marketer, campaign_row, name, params, monkeypatch
):
    from campaigns import selectors

    # every row made is a card, so the budget measures cards (the column cap is tested in test_pages)
    monkeypatch.setattr(selectors, "BOARD_COLUMN_LIMIT", 1000)
    client.force_login(marketer)
    if name == "campaigns:calendar":  # the page is the frame; its events come from the API measured above
        assert_constant_queries(lambda: client.get(reverse(name), params), campaign_row)
        return
    assert_page_budget(
        assert_constant_queries, lambda: client.get(reverse(name), params), campaign_row, shows=lambda c: c.name
    )


def test_calendar_feeds_page_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer):
    client.force_login(marketer)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("campaigns:feeds")),
        lambda: CalendarFeedFactory(owner=marketer, name=f"Feed {next(numbers)}"),
        shows=lambda feed: feed.name,
    )


def _campaign_of(user):
    return CampaignFactory(team=user.memberships.first().team, owner=user, code=f"QB-{next(numbers)}")


def test_campaign_templates_list_and_gallery_queries_do_not_grow_with_rows(
    assert_constant_queries, api_as, client, marketer
):
    from campaigns.services import campaign_template_save

    source = _campaign_of(marketer)
    ActivityFactory(campaign=source)

    def template():
        return campaign_template_save(campaign=source, name=f"Template {next(numbers)}", by=marketer)

    client.force_login(marketer)
    # the gallery first: its 20 templates fit its first page (24)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("campaigns:templates")),
        template,
        shows=lambda made: made.name,
        rows=20,
    )
    assert_constant_queries(lambda: api_as(marketer).get("/api/v1/campaign-templates/?page_size=100"), template)


def test_comments_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, approver):
    from comments.services import comment_post

    campaign = _campaign_of(marketer)

    def comment():
        return comment_post(
            target_type="campaign", target_id=campaign.pk, body=f"@{approver.username} {next(numbers)}", by=marketer
        )

    assert_constant_queries(lambda: api_as(marketer).get("/api/v1/comments/?page_size=100"), comment)


def _attach(kind, obj, by):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments.services import attachment_add

    brief = SimpleUploadedFile(f"brief-{next(numbers)}.txt", b"A brief\n")
    return attachment_add(target_type=kind, target_id=obj.pk, file=brief, by=by)


def test_attachments_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer, approver):
    campaign = _campaign_of(marketer)

    def attachment():
        return _attach("task", TaskFactory(campaign=campaign), marketer)

    assert_constant_queries(lambda: api_as(marketer).get("/api/v1/attachments/?page_size=100"), attachment)
    assert_constant_queries(lambda: api_as(approver).get("/api/v1/attachments/?removed=false"), attachment)


def test_attachments_cards_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer, team):
    campaign = _campaign_of(marketer)
    client.force_login(marketer)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("campaigns:attachments", args=[campaign.pk])),
        lambda: _attach("activity", ActivityFactory(campaign=campaign), marketer),
        shows=lambda made: made.name,
    )
    funding = FundingRequestFactory(
        campaign=campaign,
        status=FundingRequestStatus.APPROVED,
        amount=Decimal("1000000.00"),
        approved_amount=Decimal("1000000.00"),
    )
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("budgets:request_attachments", args=[funding.pk])),
        lambda: _attach("expense", ExpenseFactory(funding_request=funding, amount=Decimal("1.00")), marketer),
        shows=lambda made: made.name,
    )


def test_my_tasks_page_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer):
    from campaigns.models import ChecklistItem

    def task():
        # each task with a checklist ("1/2") and one it comes after: the counts come from one prefetch
        made = TaskFactory(campaign=_campaign_of(marketer), assignee=marketer, title=f"Task {next(numbers)}")
        ChecklistItem.objects.create(task=made, text="One", done=True)
        ChecklistItem.objects.create(task=made, text="Two", position=1)
        made.depends_on.add(TaskFactory(campaign=made.campaign, title=f"Before {next(numbers)}"))
        return made

    client.force_login(marketer)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("campaigns:my_tasks")),
        task,
        shows=lambda task: task.title,
        rows=30,
    )


def test_channels_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, marketer):
    client = api_as(marketer)

    def channel():
        n = next(numbers)
        Channel.objects.create(code=f"channel-{n}", name=f"Channel {n}")

    assert_constant_queries(lambda: client.get("/api/v1/channels/"), channel)


def test_campaign_materials_page_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer, team):
    from tests.materials.factories import make_material

    campaign = CampaignFactory(team=team, owner=marketer)
    client.force_login(marketer)
    assert_constant_queries(
        lambda: client.get(reverse("materials:campaign_materials", args=[campaign.pk])),
        lambda: make_material(by=marketer, campaign=campaign, title=f"Banner {next(numbers)}", previews=False),
        rows=20,
    )


# --- approvals: requests page, comments, templates, stand-ins --------------------------------------


@pytest.fixture
def launch_workflow(approver):
    workflow = WorkflowTemplateFactory(subject_kind=SubjectKind.CAMPAIGN_LAUNCH, name="Budget launch approval")
    StageFactory(template=workflow, order=1, name="Approver", approvers=[approver])
    return workflow


@pytest.fixture
def launch_request(team, marketer, launch_workflow):
    def make():
        campaign = CampaignFactory(team=team, owner=marketer, status=CampaignStatus.PLANNED)
        return approval_submit(subject=campaign, kind=SubjectKind.CAMPAIGN_LAUNCH, by=marketer, reason="launch")

    return make


def test_approval_requests_page_queries_do_not_grow_with_rows(
    assert_constant_queries, client, marketer, launch_request
):
    client.force_login(marketer)
    assert_constant_queries(lambda: client.get(reverse("approvals:list")), launch_request, rows=20)


def test_approval_comments_list_queries_do_not_grow_with_rows(
    assert_constant_queries, api_as, marketer, approver, launch_request
):
    request = launch_request()
    client = api_as(marketer)
    authors = itertools.cycle([marketer, approver])
    assert_constant_queries(
        lambda: client.get(f"/api/v1/approval-requests/{request.pk}/comments/?page_size=100"),
        lambda: approval_comment(request=request, by=next(authors), body="A point"),
    )


@pytest.fixture
def workflow_row(approver):
    def make():
        n = next(numbers)
        workflow = WorkflowTemplateFactory(
            subject_kind=SubjectKind.MATERIAL_VERSION, name=f"Review {n}", is_active=False
        )
        StageFactory(template=workflow, order=1, approvers=[approver, UserFactory(roles=["approver"])])
        StageFactory(template=workflow, order=2, approvers=[approver])
        return workflow

    return make


def test_workflow_templates_list_queries_do_not_grow_with_rows(
    assert_constant_queries, api_as, admin_user, workflow_row
):
    client = api_as(admin_user)
    assert_constant_queries(lambda: client.get("/api/v1/workflow-templates/?page_size=100"), workflow_row)


def test_workflow_templates_page_queries_do_not_grow_with_rows(
    assert_constant_queries, client, admin_user, workflow_row
):
    client.force_login(admin_user)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("approvals:templates")),
        workflow_row,
        shows=lambda w: w.name,
    )


@pytest.fixture
def stand_in(approver):
    """Another absence of the approver, each with its own stand-in."""

    def make():
        start = timezone.localdate() + dt.timedelta(days=next(numbers))
        return Delegation.objects.create(
            approver=approver, stand_in=UserFactory(roles=["approver"]), starts_on=start, ends_on=start
        )

    return make


def test_stand_ins_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, approver, stand_in):
    client = api_as(approver)
    assert_constant_queries(lambda: client.get("/api/v1/delegations/?page_size=100"), stand_in)


def test_stand_ins_page_queries_do_not_grow_with_rows(assert_constant_queries, client, approver, stand_in):
    client.force_login(approver)
    assert_constant_queries(lambda: client.get(reverse("approvals:delegations")), stand_in)


# --- notifications ----------------------------------------------------------------------------------


def test_notifications_page_queries_do_not_grow_with_rows(assert_constant_queries, client, marketer, approver):
    """Rendering each row in the reader's language (money, dates, Markdown, why it is resolved) costs no query."""

    def notice_and_resolved_request():
        notify(
            recipients=[marketer],
            kind="decision",
            message="approvals.decided",
            params={
                "subject": "FR-1",
                "outcome": "approve",
                "who": "Anna",
                "stage": "Finance",
                "status": "approved",
                "amount": "5000.00",
                "approved": "3000.00",
                "note": "Half now",
            },
            actor=approver,
            email=False,
        )
        waiting = notify(
            recipients=[marketer],
            kind="request_submitted",
            message="help.answered",
            params={"name": "Anna", "answer": "**Yes**, see [the guide](https://example.com)."},
            subject_key="tests.subject",
            email=False,
        )
        notifications_resolve(
            subject_key="tests.subject",
            reason="approvals.resolved.decided",
            params={"who": "Anna", "outcome": "approve"},
        )
        return waiting

    client.force_login(marketer)
    assert_constant_queries(lambda: client.get(reverse("notifications:list")), notice_and_resolved_request)


# --- reports ------------------------------------------------------------------------------------------


def test_reports_index_queries_do_not_grow_with_saved_views(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)

    def saved_view():
        n = next(numbers)
        return SavedReportView.objects.create(report="roi", name=f"ROI {n}", slug=f"roi-{n}", owner=finance_user)

    assert_page_budget(
        assert_constant_queries, lambda: client.get(reverse("reports:index")), saved_view, shows=lambda v: v.name
    )


def test_report_subscriptions_page_queries_do_not_grow_with_rows(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)

    def subscription():
        item = ReportSubscription.objects.create(report="roi", name=f"ROI {next(numbers)}", owner=finance_user)
        item.recipients.set([finance_user, UserFactory(roles=["finance"])])
        return item

    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("reports:subscriptions")),
        subscription,
        shows=lambda item: item.name,
    )


# --- budgets: imports, sources, a campaign's money, a request's spend ---------------------------------------


def test_import_sources_page_queries_do_not_grow_with_rows(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("budgets:sources")),
        lambda: ImportSourceFactory(name=f"Export {next(numbers)}"),
        shows=lambda source: source.name,
    )


def test_imports_page_queries_do_not_grow_with_rows(assert_constant_queries, client, finance_user):
    client.force_login(finance_user)
    source = ImportSourceFactory()

    def batch():
        n = next(numbers)
        return ImportJob.objects.create(
            kind="actuals",
            options={"source": source.pk},
            file_name=f"export-{n}.csv",
            sha256=f"{n:064d}",
            created_by=UserFactory(roles=["finance"]),
        )

    assert_page_budget(
        assert_constant_queries, lambda: client.get(reverse("budgets:imports")), batch, shows=lambda b: b.file_name
    )


def test_import_upload_page_queries_do_not_grow_with_jobs(assert_constant_queries, client, finance_user):
    # the engine's upload page (every kind with a mapping step) lists the kind's recent imports
    client.force_login(finance_user)

    def job():
        n = next(numbers)
        return ImportJob.objects.create(
            kind="expenses",
            file_name=f"invoices-{n}.csv",
            sha256=f"{n:064d}",
            created_by=UserFactory(roles=["finance"]),
        )

    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("imports:import_kind", args=["expenses"])),
        job,
        shows=lambda j: j.file_name,
    )


def test_import_job_page_queries_do_not_grow_with_file_rows(assert_constant_queries, client, finance_user):
    job = ImportJob.objects.create(
        kind="expenses", status="ready", file_name="invoices.csv", sha256="2" * 64, created_by=finance_user
    )
    client.force_login(finance_user)

    def line():
        n = next(numbers)
        return ImportRow.objects.create(job=job, line=n + 2, outcome="error", label=f"INV-{n:06d}", errors=["x"])

    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("imports:import_preview", args=[job.pk])),
        line,
        shows=lambda row: row.label,
    )


def test_campaign_money_section_queries_do_not_grow_with_requests(assert_constant_queries, client, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    client.force_login(marketer)

    def request_with_spend():
        funding = FundingRequestFactory(
            campaign=campaign, status=FundingRequestStatus.APPROVED, approved_amount=Decimal("1000.00")
        )
        ExpenseFactory(funding_request=funding)

    assert_constant_queries(
        lambda: client.get(reverse("budgets:campaign_money", kwargs={"campaign_pk": campaign.pk})),
        request_with_spend,
    )


def test_funding_request_page_queries_do_not_grow_with_spend(assert_constant_queries, client, marketer, team):
    funding = FundingRequestFactory(
        campaign=CampaignFactory(team=team, owner=marketer),
        status=FundingRequestStatus.APPROVED,
        amount=Decimal("1000000.00"),
        approved_amount=Decimal("1000000.00"),
    )
    client.force_login(marketer)
    recorders = itertools.cycle([marketer, UserFactory(roles=["finance"])])
    assert_constant_queries(
        lambda: client.get(reverse("budgets:request_detail", args=[funding.pk])),
        lambda: ExpenseFactory(funding_request=funding, recorded_by=next(recorders), amount=Decimal("1.00")),
    )


def test_the_reports_catalogue_costs_the_same_whatever_its_filter_choices(
    api_as, finance_user, django_assert_num_queries
):
    # the catalogue's rows are the report definitions (code); its parameters list teams, periods, categories
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.budgets.factories import ExpenseCategoryFactory, FiscalPeriodFactory

    client = api_as(finance_user)

    def choices():
        n = next(numbers)
        TeamFactory()
        ExpenseCategoryFactory()
        day = dt.date(2030, 1, 1) + dt.timedelta(days=n)
        FiscalPeriodFactory(name=f"Day {n}", kind="month", start_date=day, end_date=day)

    choices()
    assert client.get("/api/v1/reports/?page_size=100").status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/reports/?page_size=100").status_code == 200
    for _ in range(49):
        choices()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/reports/?page_size=100").status_code == 200
    assert len(one) == len(many), "\n".join(q["sql"][:200] for q in many.captured_queries)


# --- the gate covers every list ----------------------------------------------------------------------------------

#: List pages (no object in the URL) that must have a budget test. API lists are found in the schema.
LIST_PAGES = [
    "dashboard",
    "accounts:users",
    "campaigns:list",
    "campaigns:board",
    "campaigns:timeline",
    "campaigns:calendar",
    "campaigns:feeds",
    "campaigns:templates",
    "campaigns:my_tasks",
    "campaigns:embed_events",
    "materials:list",
    "budgets:index",
    "budgets:years",
    "budgets:categories",
    "budgets:imports",
    "budgets:sources",
    "budgets:actuals",
    "budgets:requests",
    "budgets:review_queue",
    "budgets:utilisation",
    "approvals:inbox",
    "approvals:list",
    "approvals:delegations",
    "approvals:templates",
    "notifications:list",
    "reports:index",
    "reports:subscriptions",
    "changes:list",
    "help:index",
    "help:questions",
    "help:inbox",
    "help:champions",
]
#: API lists whose rows are not data, with the test that holds them instead.
NOT_DATA_LISTS = {
    "/api/v1/reports/": "the catalogue of report definitions (code): "
    "test_the_reports_catalogue_costs_the_same_whatever_its_filter_choices",
}


def budget_test_sources() -> str:
    """The source of every test that calls the shared query-budget helper.

    Each test function is taken with its decorators (parametrized paths) and
    the module-level constants it names (``BASE = "/api/v1/..."``), so a path
    mentioned elsewhere in the same module does not count.
    """
    import ast
    import re
    from pathlib import Path

    from django.conf import settings

    texts = []
    for path in sorted((Path(settings.BASE_DIR) / "tests").rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        if "assert_constant_queries(" not in source or path.name == "test_gates_bite.py":
            continue
        tree = ast.parse(source)
        constants = {
            target.id: ast.get_source_segment(source, node)
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            body = ast.get_source_segment(source, node)
            if "assert_constant_queries(" not in body and "assert_page_budget(" not in body:
                continue
            decorators = [ast.get_source_segment(source, d) for d in node.decorator_list]
            text = "\n".join([*decorators, body])
            used = [value for name, value in constants.items() if re.search(rf"\b{name}\b", text)]
            texts.append("\n".join([text, *used]))
    return "\n".join(texts)


def list_operations() -> list[str]:
    """API paths whose GET answers a list (paginated or a plain array), from the OpenAPI schema."""
    from tests.support.fuzz import openapi_document

    found = []
    for path, operations in openapi_document()["paths"].items():
        schema = (
            operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        ).get("schema", {})
        if schema.get("type") == "array" or "Paginated" in schema.get("$ref", ""):
            found.append(path)
    return found


def mentioned(path: str, text: str) -> bool:
    """The path in a string literal of the text: ``"/api/v1/x/`` or, with ``{id}``, ``f"/api/v1/x/{...}/y/``."""
    import re

    pattern = r"[\"']" + r"\{[^}]+\}".join(re.escape(part) for part in re.split(r"\{[^}]+\}", path))
    return re.search(pattern + r"(?:[\"'?]|$)", text, re.MULTILINE) is not None


def test_every_list_has_a_query_budget_test():
    # given the text of every test that measures a list with the shared helper
    text = budget_test_sources()
    # when looking for each API list of the schema and each list page
    missing = [
        f"GET {path}"
        for path in list_operations()
        if path not in NOT_DATA_LISTS
        and not mentioned(path.replace("{id}", "{pk}"), text)
        and not mentioned(path, text)
    ]
    missing += [
        f"page {name} ({reverse(name)})"
        for name in LIST_PAGES
        if f'"{name}"' not in text and not mentioned(reverse(name), text)
    ]
    # then each is measured somewhere
    assert not missing, (
        "Lists without a query-budget test (assert_constant_queries, docs/TESTING.md 'Query budgets'):\n"
        + "\n".join(f"  {m}" for m in missing)
    )


def test_the_coverage_check_finds_literal_and_templated_paths():
    text = 'client.get("/api/v1/campaigns/?page_size=100")\nclient.get(f"/api/v1/materials/{material.pk}/versions/")'
    assert mentioned("/api/v1/campaigns/", text)
    assert mentioned("/api/v1/materials/{id}/versions/", text)
    assert not mentioned("/api/v1/tasks/", text)
    assert not mentioned("/api/v1/materials/", text)  # only as the prefix of another list


def test_import_preview_queries_do_not_grow_with_file_rows(assert_constant_queries, client, finance_user):
    # given an accounting export read into its stored plan, one more line each time
    from budgets.choices import ImportKind

    header = "Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий\n"
    job, _plan = import_file(
        kind=ImportKind.ACTUALS,
        file_name="export.csv",
        content=(header + "03.02.2027;DOC-0;ООО;1 000,00;44.01;Статья;FR-2099-0000\n").encode("cp1251"),
        source=ImportSourceFactory(),
        by=finance_user,
    )
    client.force_login(finance_user)

    def line():
        n = next(numbers)
        ImportRow.objects.create(
            job=job,
            line=n + 2,
            outcome="new",
            label=f"DOC-{n:06d}",
            data={"date": "2027-02-03", "amount": "1000.00", "request_number": f"FR-2099-{n:04d}"},
        )
        return f"DOC-{n:06d}"

    # then the preview costs the same for 1 line and 50, and lists them (paged from the store)
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(reverse("budgets:import_preview", args=[job.pk])),
        line,
        shows=lambda document: document,
    )


def test_import_jobs_api_list_queries_do_not_grow_with_rows(assert_constant_queries, api_as, finance_user):
    client = api_as(finance_user)

    def job():
        n = next(numbers)
        return ImportJob.objects.create(
            kind="categories", file_name=f"c-{n}.csv", sha256=f"{n:064d}", created_by=UserFactory(roles=["finance"])
        )

    assert_constant_queries(lambda: client.get("/api/v1/imports/?page_size=100"), job)


def test_material_page_queries_do_not_grow_with_versions(assert_constant_queries, client, marketer, team):
    from materials.services import material_version_upload
    from tests.materials.factories import make_material
    from tests.materials.samples import png_upload

    material = make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer), previews=False)
    client.force_login(marketer)
    assert_constant_queries(
        lambda: client.get(reverse("materials:detail", args=[material.pk])),
        lambda: material_version_upload(material=material, file=png_upload(), by=marketer),
        rows=20,
    )


def test_change_request_page_queries_do_not_grow_with_affected_teams(
    assert_constant_queries, client, marketer, admin_user, team
):
    from changes.models import AffectedTeam
    from tests.changes.factories import make_change

    # given a change request that more and more teams' work depends on
    change = make_change(by=marketer, team=team)
    client.force_login(admin_user)
    names = (f"Affected team {n}" for n in itertools.count(1))

    def affected_team():
        other = TeamFactory(name=next(names))
        AffectedTeam.objects.create(change_request=change, team=other)
        change.affected_users.add(UserFactory(roles=["marketer"], teams=[other]))
        return other.name

    # then its page costs the same for 1 affected team and 30, and names them
    assert_page_budget(
        assert_constant_queries,
        lambda: client.get(change.get_absolute_url()),
        affected_team,
        rows=30,
        shows=lambda name: name,
    )


def test_import_job_rows_api_queries_do_not_grow_with_rows(assert_constant_queries, api_as, finance_user):
    # given a job's stored plan, one more row each time
    job = ImportJob.objects.create(kind="categories", file_name="c.csv", sha256="0" * 64, created_by=finance_user)
    client = api_as(finance_user)

    def row():
        n = next(numbers)
        return ImportRow.objects.create(job=job, line=n + 2, outcome="new", label=f"C-{n}", data={"code": f"C-{n}"})

    # then the page of rows costs the same for 1 row and 50
    assert_constant_queries(lambda: client.get(f"/api/v1/imports/{job.pk}/rows/?page_size=100"), row)
