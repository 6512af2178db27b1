"""Activities, tasks and KPIs from the old spreadsheets (issue 17.1): dry run, apply, re-import, the Russian dialect."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from campaigns.choices import ActivityStatus, KPIMetric
from campaigns.models import KPI, Activity, Task
from imports.choices import RowOutcome
from imports.registry import get_importer
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory
from tests.factories import UserFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db


def csv_file(header: str, *lines: str) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def run(kind, content, by, *, name="parts.csv"):
    return import_file(kind=kind, file_name=name, content=content, by=by)


@pytest.fixture
def campaign(team, marketer, sponsor):
    return CampaignFactory(
        code="BR-001",
        name="Brand spring",
        team=team,
        owner=marketer,
        sponsor=sponsor,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 5, 31),
    )


@pytest.fixture
def their_campaign(other_team, other_team_marketer):
    return CampaignFactory(code="EV-001", name="Their fair", team=other_team, owner=other_team_marketer)


ACTIVITIES = "campaign,external_ref,name,type,channel,start_date,end_date,start_time,end_time,owner,status,public"


def test_activities_dry_run_apply_and_reimport(marketer, campaign, their_campaign):
    # given a file of three activities, one refused for its channel, one of another team's campaign
    content = csv_file(
        ACTIVITIES,
        "BR-001,A-1,Spring webinar,webinar,email,01.04.2026,01.04.2026,10:00,11:30,marketer,planned,yes",
        "BR-001,A-2,Fair,event,fax,2026-04-10,2026-04-12,,,marketer@example.com,,no",
        "EV-001,A-3,Not mine,event,,2026-04-10,2026-04-12,,,,,",
        "NOPE,A-4,Unknown campaign,event,,2026-04-10,2026-04-12,,,ghost,,",
        "BR-001,A-1,Twice,event,,2026-04-10,2026-04-12,,,,,",
    )
    # when
    job, plan = run("activities", content, marketer)
    # then each row says what it would do, with line, column and reason
    outcomes = [row.outcome for row in plan.rows]
    assert outcomes == [RowOutcome.NEW] + [RowOutcome.ERROR] * 4, [row.errors for row in plan.rows]
    assert plan.rows[1].errors == ["channel: no channel has the code or name fax"]
    assert plan.rows[2].errors == ["campaign: EV-001 is a campaign of the team Events; you cannot edit it"]
    assert plan.rows[3].errors == [
        "campaign: no campaign has the code NOPE",
        "owner: no user has the e-mail or username ghost",
    ]
    assert plan.rows[4].errors == ["external_ref: this activity is already on line 2"]
    job.refresh_from_db()
    assert job.summary == {"campaigns": ["NOPE"], "channels": ["fax"], "users": ["ghost"]}
    # when confirmed
    result = confirm_import(batch=job, by=marketer)
    # then the good row is an activity, with its history by the importer
    assert result["created"] == 1
    activity = Activity.objects.get(external_ref="A-1")
    assert (activity.campaign, activity.type, activity.channel.code, activity.public) == (
        campaign,
        "webinar",
        "email",
        True,
    )
    assert (activity.start_time, activity.end_time, activity.owner) == (dt.time(10), dt.time(11, 30), marketer)
    assert activity.history.get().history_user == marketer
    assert job.pk and job.__class__.objects.get(pk=job.pk).result["written"] == {
        "created": {"campaigns.activity": [activity.pk]},
        "updated": {"campaigns.activity": {}},
    }
    # and re-importing the good row is unchanged; a changed name updates it (by external reference)
    again, plan = run("activities", csv_file(ACTIVITIES, content.decode().splitlines()[1]), marketer)
    assert plan.rows[0].outcome == RowOutcome.UNCHANGED, plan.rows[0].changes
    changed = content.decode().splitlines()[1].replace("Spring webinar", "Spring webinar 2")
    again, plan = run("activities", csv_file(ACTIVITIES, changed), marketer)
    assert plan.rows[0].changes == ["name: Spring webinar → Spring webinar 2"]
    confirm_import(batch=again, by=marketer)
    activity.refresh_from_db()
    assert activity.name == "Spring webinar 2"
    again.refresh_from_db()
    assert again.result["written"]["updated"] == {"campaigns.activity": {str(activity.pk): {"name": "Spring webinar"}}}


def test_the_id_column_of_an_export_updates_the_activity(marketer, campaign, their_campaign):
    activity = ActivityFactory(campaign=campaign, name="Old name")
    theirs = ActivityFactory(campaign=their_campaign, name="Theirs")
    content = csv_file(
        "ID,campaign,name",
        f"{activity.pk},BR-001,New name",
        f"{theirs.pk},,Taken over",
        "999999,BR-001,Ghost",
    )
    job, plan = run("activities", content, marketer)
    assert plan.rows[0].changes == ["name: Old name → New name"]
    assert plan.rows[1].errors == ["campaign: EV-001 is a campaign of the team Events; you cannot edit it"]
    assert plan.rows[2].errors == ["ID: no activity has the ID 999999"]
    confirm_import(batch=job, by=marketer)
    activity.refresh_from_db()
    assert activity.name == "New name"


def test_activity_rules_dates_times_and_people_who_left(marketer, campaign):
    UserFactory(username="ivanov", roles=["marketer"], is_active=False)
    content = csv_file(
        "campaign,name,start_date,end_date,start_time,end_time,owner,status,url",
        "BR-001,Backwards,2026-04-10,2026-04-01,,,,,",
        "BR-001,Half time,2026-04-10,2026-04-10,10:00,,,,",
        "BR-001,Left open,2026-04-10,2026-04-10,,,ivanov,planned,",
        "BR-001,Left done,2026-04-10,2026-04-10,,,ivanov,Готово,",
        "BR-001,Bad,31.02.2026,2026-04-10,25:00,,,sleeping,not a url",
        "BR-001,,2026-04-10,2026-04-10,,,,,",
    )
    _job, plan = run("activities", content, marketer)
    assert plan.rows[0].errors == ["end_date: The end date cannot be before the start date."]
    assert plan.rows[1].errors == ["end_time: Give both a start and an end time, or neither for an all-day activity."]
    assert plan.rows[2].errors == ["owner: ivanov has left; only a done or cancelled activity may keep them as owner"]
    assert plan.rows[3].outcome == RowOutcome.NEW
    assert plan.rows[3].data["fields"]["status"] == ActivityStatus.DONE
    errors = plan.rows[4].errors
    assert "start_date: 31.02.2026 is not a date (dd.mm.yyyy or yyyy-mm-dd)" in errors
    assert "start_time: 25:00 is not a time (hh:mm)" in errors
    assert any(e.startswith("status: unknown value sleeping") for e in errors)
    assert "url: Enter a valid URL." in errors
    assert plan.rows[5].errors == ["name: a new activity needs a value here"]


def test_tasks_name_their_activity_and_assignee(marketer, campaign):
    activity = ActivityFactory(campaign=campaign, name="Spring webinar", external_ref="A-1")
    other = CampaignFactory(code="BR-002", team=campaign.team, owner=marketer)
    content = csv_file(
        "campaign,external_ref,activity,title,assignee,due_date,done",
        "BR-001,T-1,A-1,Book the room,marketer,15.03.2026,да",
        "BR-001,T-2,spring webinar,Send invitations,,,нет",
        f"BR-001,T-3,{activity.pk},By the activity's ID,,,",
        "BR-002,T-4,A-1,Wrong campaign,,,",
    )
    job, plan = run("tasks", content, marketer)
    assert [row.outcome for row in plan.rows[:3]] == [RowOutcome.NEW] * 3, [row.errors for row in plan.rows]
    assert plan.rows[3].errors == [
        "activity: the campaign BR-002 has no activity A-1 (its external reference, ID or name)"
    ]
    confirm_import(batch=job, by=marketer)
    booked = Task.objects.get(external_ref="T-1")
    assert (booked.activity, booked.assignee, booked.due_date, booked.done) == (
        activity,
        marketer,
        dt.date(2026, 3, 15),
        True,
    )
    assert booked.done_at is not None
    assert Task.objects.get(external_ref="T-2").activity == activity
    assert not Task.objects.filter(campaign=other).exists()
    # re-import unchanged; reopening a task clears when it was done
    _job, plan = run("tasks", content, marketer)
    assert [row.outcome for row in plan.rows[:3]] == [RowOutcome.UNCHANGED] * 3
    job, plan = run("tasks", csv_file("campaign,external_ref,done", "BR-001,T-1,no"), marketer)
    confirm_import(batch=job, by=marketer)
    booked.refresh_from_db()
    assert (booked.done, booked.done_at) == (False, None)


def test_kpis_are_keyed_by_campaign_metric_and_custom_name(marketer, campaign):
    leads = KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, target=Decimal("100"), actual=None)
    content = csv_file(
        "campaign;metric;custom_name;target;actual",
        "BR-001;Лиды;;200;150,5",
        "BR-001;custom;Booth visits;1 000;",
        "BR-001;revenue;;-5;",
        "BR-001;custom;;10;",
        "BR-001;leads;;300;",
    ).replace(b",", b",")
    job, plan = run("kpis", content.replace(b"\n", b"\r\n"), marketer)
    assert plan.rows[0].changes == ["target: 100.00 → 200.00", "actual: — → 150.50"]
    assert plan.rows[1].outcome == RowOutcome.NEW
    assert plan.rows[2].errors == ["target: Ensure this value is greater than or equal to 0."]
    assert plan.rows[3].errors == ["custom_name: Name the custom metric."]
    assert plan.rows[4].errors == ["metric: this KPI is already on line 2"]
    confirm_import(batch=job, by=marketer)
    leads.refresh_from_db()
    assert (leads.target, leads.actual) == (Decimal("200.00"), Decimal("150.50"))
    booth = KPI.objects.get(custom_name="Booth visits")
    assert booth.target == Decimal("1000.00")


def test_the_russian_excel_dialect_with_russian_headers(marketer, campaign):
    importer = get_importer("activities")
    with translation.override("ru"):
        header = ";".join(importer.template_columns())
    assert header.startswith("ID;Кампания;")
    row = ";".join(
        ["", "BR-001", "R-1", "Выставка", "Мероприятие", "", "01.04.2026", "03.04.2026", "", "", "marketer"]
        + ["Запланирована", "Павильон 3", "", "да", "Стенд"]
    )
    content = (header + "\r\n" + row + "\r\n").encode("cp1251")
    job, plan = run("activities", content, marketer)
    assert plan.rows[0].outcome == RowOutcome.NEW, plan.rows[0].errors
    confirm_import(batch=job, by=marketer)
    fair = Activity.objects.get(external_ref="R-1")
    assert (fair.name, fair.type, fair.start_date, fair.location, fair.public) == (
        "Выставка",
        "event",
        dt.date(2026, 4, 1),
        "Павильон 3",
        True,
    )


@pytest.mark.parametrize("kind", ["activities", "tasks", "kpis"])
def test_templates_per_kind(api_as, marketer, finance_user, kind):
    response = api_as(marketer).get(f"/api/v1/imports/templates/{kind}/?format=csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("ID,Campaign,")
    assert api_as(finance_user).get(f"/api/v1/imports/templates/{kind}/").status_code == 403


def test_an_admin_imports_for_any_team(admin_user, their_campaign):
    job, plan = run("tasks", csv_file("campaign,title", "EV-001,Admin's task"), admin_user)
    assert plan.rows[0].outcome == RowOutcome.NEW
    confirm_import(batch=job, by=admin_user)
    assert Task.objects.get(title="Admin's task").campaign == their_campaign


def _activity_rows(count: int, prefix: str) -> bytes:
    return csv_file(
        "campaign,external_ref,name,type,channel,start_date,end_date,owner",
        *(f"BR-001,{prefix}-{n},Activity {n},event,email,2026-04-01,2026-04-02,marketer" for n in range(count)),
    )


def _statements(queries) -> int:
    """SQLite splits a multi-row statement at 999 parameters: a run of the same statement counts once there."""
    if connection.vendor == "postgresql":
        return len(queries)
    statements = [query["sql"][:40] for query in queries.captured_queries]
    return sum(1 for i, sql in enumerate(statements) if i == 0 or sql != statements[i - 1])


def test_planning_and_applying_cost_the_same_queries_for_10_and_100_rows(marketer, campaign):
    from accounts.models import User
    from imports.tabular import read_table

    importer = get_importer("activities")
    importer.plan_rows(read_table(_activity_rows(2, "W"), "a.csv"), by=marketer)
    plans, applies = [], []
    for size in (10, 100):
        table = read_table(_activity_rows(size, f"Q{size}"), "a.csv")
        with CaptureQueriesContext(connection) as queries:
            importer.plan_rows(table, by=User.objects.get(pk=marketer.pk))
        plans.append(len(queries))
        job, plan = run("activities", _activity_rows(size, f"Q{size}"), marketer)
        job.result = {}
        with CaptureQueriesContext(connection) as queries:
            importer.apply(job=job, rows=plan.rows, by=marketer)
        applies.append(_statements(queries))
    assert plans[0] == plans[1], plans
    assert applies[0] == applies[1] and applies[0] <= 15, applies
    assert Activity.objects.filter(external_ref__startswith="Q100-").count() == 100


def test_a_task_refers_to_an_existing_one_by_its_id_and_cannot_move_campaigns(marketer, campaign):
    task = TaskFactory(campaign=campaign, title="Old")
    other = CampaignFactory(code="BR-009", team=campaign.team, owner=marketer)
    _job, plan = run("tasks", csv_file("ID,campaign,title", f"{task.pk},BR-009,Moved"), marketer)
    assert plan.rows[0].errors == [f"campaign: task #{task.pk} belongs to the campaign BR-001"]
    assert other.tasks.count() == 0
