"""Campaigns from the old spreadsheets (issue 17.1): dry run, apply, idempotency, the Russian dialect, who may."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignTransition
from imports import services
from imports.choices import JobStatus, RowOutcome
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

HEADER = "code,name,team,owner,sponsor,start_date,end_date,planned_cost,status,channels,tags,parent,description"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def run(content, by, *, name="campaigns.csv"):
    return import_file(kind="campaigns", file_name=name, content=content, by=by)


@pytest.fixture
def admin(db):
    return UserFactory(username="boss", roles=["admin"])


@pytest.fixture
def left_owner(db):
    return UserFactory(username="ivanov", email="ivanov@old.example", roles=["marketer"], is_active=False)


def test_the_dry_run_says_per_row_what_would_happen_with_line_column_and_reason(marketer, team, sponsor):
    # given one campaign MRM knows and a file naming it, two new ones and some that cannot import
    CampaignFactory(code="BR-001", name="Brand spring", team=team, owner=marketer, sponsor=sponsor)
    content = csv_file(
        "BR-001,Brand spring 2,Brand,marketer,sponsor,2026-03-01,2026-03-31,1000,draft,email,,,",
        'BR-010,Webinars,brand,marketer@example.com,,01.04.2026,30.04.2026,"1 500,50",,email;social,"a, b",,',
        "BR-011,Bad,Nowhere,ghost@example.com,,2026-04-01,2026-03-01,abc,sleeping,fax,,,",
        "BR-010,Duplicate,Brand,marketer,,2026-04-01,2026-04-30,0,,,,,",
    )
    # when
    job, plan = run(content, marketer)
    # then each row says what it would do, with its line in the file (header = line 1)
    outcomes = {row.line: row.outcome for row in plan.rows}
    assert outcomes == {2: RowOutcome.CHANGED, 3: RowOutcome.NEW, 4: RowOutcome.ERROR, 5: RowOutcome.ERROR}
    changed = plan.rows[0]
    assert "name: Brand spring → Brand spring 2" in changed.changes
    assert plan.rows[1].data["fields"]["planned_cost"] == "1500.50"
    assert plan.rows[1].data["fields"]["start_date"] == "2026-04-01"
    errors = plan.rows[2].errors
    assert "team: no team is named Nowhere" in errors
    assert "owner: no user has the e-mail or username ghost@example.com" in errors
    assert "end_date: the end date is before the start date" in errors
    assert "planned_cost: abc is not an amount with at most two decimals" in errors
    assert any(e.startswith("status: unknown status sleeping") for e in errors)
    assert "channels: no channel has the code or name fax" in errors
    assert plan.rows[3].errors == ["code: the code BR-010 is already on line 3"]
    # and what MRM does not know is listed before anything is written
    job.refresh_from_db()
    assert job.summary == {"channels": ["fax"], "teams": ["Nowhere"], "users": ["ghost@example.com"]}
    assert job.counts[RowOutcome.ERROR] == 2
    assert Campaign.objects.count() == 1


def test_messages_are_in_the_uploaders_language(team, sponsor):
    russian = UserFactory(username="olga", roles=["marketer"], teams=[team], language="ru")
    _job, plan = run(csv_file("X-1,Имя,Nowhere,olga,,2026-04-01,2026-04-30,0,,,,,"), russian)
    assert any("team:" in e and "Nowhere" in e and "no team" not in e for e in plan.rows[0].errors)


def test_applying_creates_campaigns_with_their_parts_through_the_services(marketer, team, sponsor, left_owner):
    # given a programme after its child in the file, and a historical campaign owned by someone who has left
    content = csv_file(
        "BR-101,Spring webinar,Brand,marketer,sponsor,2026-03-01,2026-03-31,0,planned,email;Social media,"
        '"webinar, spring",BR-100,First of the series',
        "BR-100,Spring programme,Brand,marketer,sponsor,2026-03-01,2026-05-31,0,,,,,",
        'BR-050,Old fair,Brand,ivanov@old.example,sponsor,01.09.2025,30.09.2025,"250 000,00",completed,,,,',
    )
    job, plan = run(content, marketer)
    assert [row.outcome for row in plan.rows] == [RowOutcome.NEW] * 3, [row.errors for row in plan.rows]
    # when
    result = confirm_import(batch=job, by=marketer)
    # then
    assert (result["created"], result["changed"]) == (3, 0)
    child = Campaign.objects.get(code="BR-101")
    assert child.parent.code == "BR-100"
    assert sorted(child.channels.values_list("code", flat=True)) == ["email", "social"]
    assert (child.tags, child.description, child.status) == ("webinar, spring", "First of the series", "planned")
    old = Campaign.objects.get(code="BR-050")
    assert (old.owner, old.status, old.planned_cost) == (left_owner, CampaignStatus.COMPLETED, Decimal("250000.00"))
    assert old.start_date == dt.date(2025, 9, 1)
    # with the audit of who and when, and the imported status as a transition with the import's note
    assert old.history.earliest().history_user == marketer
    transition = CampaignTransition.objects.get(campaign=old)
    assert (transition.from_status, transition.to_status, transition.by) == ("draft", "completed", marketer)
    assert f"import #{job.pk}" in transition.note


def test_the_russian_excel_dialect(marketer, team, sponsor):
    # given a file as Russian Excel saves it: Windows-1251, semicolons, decimal comma, dd.mm.yyyy, Russian headers
    with translation.override("ru"):
        from campaigns.importers import CAMPAIGN_COLUMNS, header_for

        header = ";".join(header_for(key) for key in CAMPAIGN_COLUMNS)
    lines = [
        header,
        "РФ-001;Весенняя выставка;Brand;marketer;sponsor;01.03.2026;31.03.2026;1 250 000,50;Черновик;email, social;"
        "выставка;;Стенд в павильоне 3",
    ]
    content = "\r\n".join(lines).encode("cp1251")
    job, plan = run(content, marketer)
    assert plan.rows[0].outcome == RowOutcome.NEW, plan.rows[0].errors
    confirm_import(batch=job, by=marketer)
    campaign = Campaign.objects.get(code="РФ-001")
    assert (campaign.name, campaign.planned_cost, campaign.start_date, campaign.end_date) == (
        "Весенняя выставка",
        Decimal("1250000.50"),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
    )
    assert campaign.description == "Стенд в павильоне 3"
    assert campaign.channels.count() == 2


def test_an_xlsx_file(marketer, team, sponsor):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["X-1", "Xlsx", "Brand", "marketer", "sponsor", dt.datetime(2026, 5, 1), dt.datetime(2026, 5, 31), 1200.5]
        + ["", "email", "", "", ""]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    job, plan = run(buffer.getvalue(), marketer, name="campaigns.xlsx")
    assert plan.rows[0].outcome == RowOutcome.NEW, plan.rows[0].errors
    confirm_import(batch=job, by=marketer)
    campaign = Campaign.objects.get(code="X-1")
    assert (campaign.start_date, campaign.planned_cost) == (dt.date(2026, 5, 1), Decimal("1200.50"))


def test_a_second_identical_import_changes_nothing(marketer, team, sponsor):
    content = csv_file(
        'BR-200,Summer,Brand,marketer,sponsor,2026-06-01,2026-06-30,"1 000,00",planned,email;social,"a, b",,Text',
        "BR-201,Summer child,Brand,marketer,,2026-06-01,2026-06-10,0,,,,BR-200,",
    )
    job, _plan = run(content, marketer)
    confirm_import(batch=job, by=marketer)
    history_before = Campaign.history.count()
    transitions_before = CampaignTransition.objects.count()
    # when the same file is imported again
    again, plan = run(content, marketer)
    # then every row is unchanged and applying writes nothing
    assert [row.outcome for row in plan.rows] == [RowOutcome.UNCHANGED] * 2, [row.changes for row in plan.rows]
    result = confirm_import(batch=again, by=marketer)
    assert (result["created"], result["changed"]) == (0, 0)
    assert Campaign.history.count() == history_before
    assert CampaignTransition.objects.count() == transitions_before


def test_an_update_goes_through_the_lifecycle(marketer, team, sponsor):
    campaign = CampaignFactory(code="BR-300", name="Autumn", team=team, owner=marketer, sponsor=sponsor)
    content = csv_file("BR-300,Autumn,Brand,marketer,sponsor,2026-09-01,2026-09-30,0,planned,,,,")
    job, plan = run(content, marketer)
    assert "status: draft → planned" in plan.rows[0].changes
    confirm_import(batch=job, by=marketer)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNED
    assert CampaignTransition.objects.get(campaign=campaign).by == marketer
    # and a move the lifecycle forbids is refused with the reason
    _job, plan = run(csv_file("BR-300,Autumn,Brand,marketer,sponsor,2026-09-01,2026-09-30,0,completed,,,,"), marketer)
    assert plan.rows[0].errors == ["status: a campaign cannot go from planned to completed"]


def test_the_launch_guards_apply_to_imported_active_campaigns(marketer, team, sponsor):
    # a planned cost needs an approved funding request before a campaign is active (budgets' launch guard)
    _job, plan = run(csv_file("BR-400,Live,Brand,marketer,sponsor,2026-01-01,2026-12-31,5000,active,,,,"), marketer)
    assert plan.rows[0].outcome == RowOutcome.ERROR
    assert plan.rows[0].errors[0].startswith("status: The campaign has a planned cost")
    _job, plan = run(csv_file("BR-401,Free,Brand,marketer,sponsor,2026-01-01,2026-12-31,0,active,,,,"), marketer)
    assert plan.rows[0].outcome == RowOutcome.NEW


def test_a_campaign_that_left_draft_needs_a_sponsor_and_open_campaigns_an_active_owner(marketer, team, left_owner):
    content = csv_file(
        "BR-500,No sponsor,Brand,marketer,,2026-01-01,2026-01-31,0,planned,,,,",
        "BR-501,Left owner,Brand,ivanov,,2026-01-01,2026-01-31,0,draft,,,,",
        "BR-502,Left owner history,Brand,ivanov,,2025-01-01,2025-01-31,0,cancelled,,,,",
    )
    _job, plan = run(content, marketer)
    assert plan.rows[0].errors == ["sponsor: a campaign that has left draft needs a sponsor"]
    assert plan.rows[1].errors == [
        "owner: ivanov has left; only a completed or cancelled campaign may keep them as owner"
    ]
    assert plan.rows[2].outcome == RowOutcome.NEW


def test_a_marketer_imports_only_their_teams_campaigns(marketer, team, other_team, other_team_marketer, sponsor):
    # given a campaign of another team
    theirs = CampaignFactory(code="EV-001", name="Their fair", team=other_team, owner=other_team_marketer)
    content = csv_file(
        "EV-001,Renamed by someone else,Events,events-marketer,,2026-01-01,2026-01-31,0,,,,,",
        "EV-002,New for another team,Events,marketer,,2026-01-01,2026-01-31,0,,,,,",
        "BR-600,Mine,Brand,marketer,,2026-01-01,2026-01-31,0,,,,,",
    )
    job, plan = run(content, marketer)
    assert plan.rows[0].errors == ["code: EV-001 is a campaign of the team Events; you cannot edit it"]
    assert plan.rows[1].errors == ["team: you can only import campaigns of your own teams, not of Events"]
    assert plan.rows[2].outcome == RowOutcome.NEW
    # when confirmed, the allowed rows import and the refused ones do not
    result = confirm_import(batch=job, by=marketer)
    assert result["created"] == 1
    theirs.refresh_from_db()
    assert theirs.name == "Their fair"
    assert not Campaign.objects.filter(code="EV-002").exists()


def test_an_admin_imports_for_any_team(admin, team, other_team, other_team_marketer):
    CampaignFactory(code="EV-001", name="Their fair", team=other_team, owner=other_team_marketer)
    content = csv_file("EV-001,Renamed by the admin,Events,events-marketer,,2026-01-01,2026-01-31,0,,,,,")
    job, plan = run(content, admin)
    assert plan.rows[0].outcome == RowOutcome.CHANGED
    confirm_import(batch=job, by=admin)
    assert Campaign.objects.get(code="EV-001").name == "Renamed by the admin"


@pytest.mark.parametrize("who", ["finance_user", "approver", "leadership_user"])
def test_who_may_not_import_campaigns(request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.import_job_create_from_bytes(kind="campaigns", file_name="c.csv", content=csv_file(), by=user)


def test_a_file_without_the_code_column_is_refused_whole(marketer):
    job = services.import_job_create_from_bytes(
        kind="campaigns", file_name="c.csv", content=b"name,team\nA,Brand\n", by=marketer
    )
    job = services.import_job_parse(job.pk)
    assert job.status == JobStatus.FAILED
    assert "lacks the column Code" in job.error


def test_parents_refused_or_unknown_and_loops(marketer, team):
    content = csv_file(
        "BR-700,Bad child,Brand,marketer,,2026-01-01,2026-01-31,0,,,,NOPE,",
        "BR-701,Bad parent,Nowhere,marketer,,2026-01-01,2026-01-31,0,,,,,",
        "BR-702,Child of bad,Brand,marketer,,2026-01-01,2026-01-31,0,,,,BR-701,",
        "BR-703,Loop a,Brand,marketer,,2026-01-01,2026-01-31,0,,,,BR-704,",
        "BR-704,Loop b,Brand,marketer,,2026-01-01,2026-01-31,0,,,,BR-703,",
    )
    job, plan = run(content, marketer)
    assert plan.rows[0].errors == ["parent: no campaign has the code NOPE"]
    assert plan.rows[2].errors == ["parent: the parent BR-701 is refused on line 3"]
    assert plan.rows[3].errors == ["parent: the parent BR-704 would make a loop"]
    assert plan.rows[4].errors == ["parent: the parent BR-703 would make a loop"]
    job.refresh_from_db()
    assert job.summary["parents"] == ["NOPE"]


def _rows(count: int, prefix: str) -> bytes:
    return csv_file(
        *(
            f'{prefix}-{n:04d},Campaign {n},Brand,marketer,sponsor,2026-01-01,2026-01-31,"1 000,00",planned,'
            f"email;social,a,,"
            for n in range(count)
        )
    )


def test_planning_costs_the_same_queries_for_50_and_500_rows(marketer, team, sponsor):
    from accounts.models import User
    from campaigns.importers import plan_campaigns
    from imports.tabular import read_table

    plan_campaigns(read_table(_rows(5, "WARM"), "c.csv"), by=marketer)  # first-use caches (content types)
    counts = []
    for size in (50, 500):
        table = read_table(_rows(size, f"Q{size}"), "c.csv")
        uploader = User.objects.get(pk=marketer.pk)  # as the worker reads it: nothing cached
        with CaptureQueriesContext(connection) as queries:
            plan = plan_campaigns(table, by=uploader)
        assert plan.counts()[RowOutcome.NEW] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _apply_queries(job, plan, by) -> int:
    from campaigns.importers import apply_campaigns

    with CaptureQueriesContext(connection) as queries:
        apply_campaigns(job=job, rows=plan.rows, by=by)
    if connection.vendor == "postgresql":
        return len(queries)
    # SQLite takes at most 999 parameters a statement: Django splits a multi-row INSERT or UPDATE into
    # batches, so a run of the same statement counts once (PostgreSQL's count is exact).
    statements = [query["sql"][:40] for query in queries.captured_queries]
    return sum(1 for i, sql in enumerate(statements) if i == 0 or sql != statements[i - 1])


def test_applying_costs_the_same_queries_for_50_and_500_rows(marketer, team, sponsor):
    # given the first import of each size (creates), then a second that renames and re-channels them all (updates)
    warm_job, warm_plan = run(_rows(5, "W"), marketer)
    _apply_queries(warm_job, warm_plan, marketer)
    creates, updates = [], []
    for size in (50, 500):
        job, plan = run(_rows(size, f"A{size}"), marketer)
        creates.append(_apply_queries(job, plan, marketer))
        renamed = _rows(size, f"A{size}").replace(b"Campaign ", b"Renamed ").replace(b"email;social", b"email")
        job, plan = run(renamed, marketer)
        assert plan.counts()[RowOutcome.CHANGED] == size
        updates.append(_apply_queries(job, plan, marketer))
    # then the cost does not grow with the file
    assert creates[0] == creates[1] and creates[0] <= 20, creates
    assert updates[0] == updates[1] and updates[0] <= 20, updates
    renamed = Campaign.objects.get(code="A500-0499")
    assert renamed.name == "Renamed 499"
    assert list(renamed.channels.values_list("code", flat=True)) == ["email"]
    # and each campaign's history has both versions, with their channels, by the importer
    first, second = renamed.history.order_by("history_date", "history_id")
    assert (first.history_type, second.history_type, second.history_user) == ("+", "~", marketer)
    assert sorted(c.channel.code for c in first.channels.all()) == ["email", "social"]
    assert [c.channel.code for c in second.channels.all()] == ["email"]


def test_the_api_takes_a_campaigns_file_and_shows_the_summary_and_row_errors(
    api_as, marketer, team, sponsor, other_team_marketer, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(marketer)
    content = csv_file(
        'BR-900,Via the API,Brand,marketer,sponsor,2026-02-01,2026-02-28,"2 000,00",planned,email,,,',
        "BR-901,Unknown owner,Brand,nobody,,2026-02-01,2026-02-28,0,,,,,",
    )
    # when uploaded (the job runs after the commit, in-process here)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/",
            {"kind": "campaigns", "file": SimpleUploadedFile("c.csv", content)},
            format="multipart",
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    detail = client.get(f"/api/v1/imports/{job_id}/").json()
    assert (detail["status"], detail["counts"]["new"], detail["counts"]["error"]) == ("ready", 1, 1)
    assert detail["summary"] == {"users": ["nobody"]}
    assert detail["row_errors"] == [{"line": 3, "errors": ["owner: no user has the e-mail or username nobody"]}]
    # another team's marketer does not see this job (a marketer sees the imports they uploaded)
    assert api_as(other_team_marketer).get(f"/api/v1/imports/{job_id}/").status_code == 404
    client = api_as(marketer)
    # when confirmed, the good row is imported
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/imports/{job_id}/confirm/").status_code == 202
    detail = client.get(f"/api/v1/imports/{job_id}/").json()
    assert (detail["status"], detail["result"]["created"]) == ("applied", 1)
    assert Campaign.objects.get(code="BR-900").planned_cost == Decimal("2000.00")


def test_the_import_pages_are_for_those_who_may_import_campaigns(client, marketer, finance_user):
    client.force_login(finance_user)
    assert client.get("/campaigns/import/").status_code == 403
    client.force_login(marketer)
    page = client.get("/campaigns/import/")
    assert page.status_code == 200
    assert "Code, Name, Team, Owner" in page.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_template_has_the_headers_in_the_users_language_and_imports_back(api_as, team, sponsor, language):
    from openpyxl import load_workbook

    from campaigns.importers import CAMPAIGN_COLUMNS, header_for

    user = UserFactory(username="filler", roles=["marketer"], teams=[team], language=language)
    client = api_as(user)
    with translation.override(language):
        expected = [header_for(key) for key in CAMPAIGN_COLUMNS]
    # when the XLSX and CSV templates are downloaded
    xlsx = client.get("/api/v1/imports/templates/campaigns/?format=xlsx")
    csv_template = client.get("/api/v1/imports/templates/campaigns/?format=csv")
    # then both carry the headers in the user's language
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="campaigns-template.xlsx"' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == expected
    text = csv_template.content.decode("utf-8-sig")
    delimiter = ";" if language == "ru" else ","
    assert text.strip() == delimiter.join(expected)
    # and a template filled in imports as it is (Russian: the semicolon dialect with a decimal comma)
    row = ["TPL-1", "Filled", "Brand", "filler", "sponsor", "01.07.2026", "31.07.2026", "1 500,00"] + [""] * 5
    filled = (text + delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row) + "\r\n").encode()
    job, plan = run(filled, user)
    assert plan.rows[0].outcome == RowOutcome.NEW, plan.rows[0].errors
    assert plan.rows[0].data["fields"]["planned_cost"] == "1500.00"


def test_templates_are_for_kinds_that_have_one_and_callers_who_may_import(api_as, marketer, finance_user):
    client = api_as(marketer)
    assert client.get("/api/v1/imports/templates/horses/").status_code == 404
    assert client.get("/api/v1/imports/templates/campaigns/?format=pdf").status_code in (404,)
    assert client.get("/api/v1/imports/templates/campaigns/").status_code == 200  # XLSX by default
    assert api_as(finance_user).get("/api/v1/imports/templates/campaigns/?format=csv").status_code == 403
    assert api_as(UserFactory(roles=["approver"])).get("/api/v1/imports/templates/campaigns/").status_code == 403
