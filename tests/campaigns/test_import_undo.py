"""Undo of the last import while nothing depends on it (issue 17.1): campaigns, activities, tasks, KPIs."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import KPI, Activity, Campaign, Task
from campaigns.services import campaign_update, task_create
from imports import services
from imports.choices import JobStatus
from mrm.exceptions import StateConflict
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory
from tests.factories import UserFactory
from tests.imports.helpers import confirm_import, import_file

pytestmark = pytest.mark.django_db

CAMPAIGNS = "code,name,team,owner,sponsor,start_date,end_date,channels"


def csv_file(header: str, *lines: str) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def imported(kind, content, by):
    job, _plan = import_file(kind=kind, file_name=f"{kind}.csv", content=content, by=by)
    confirm_import(batch=job, by=by)
    job.refresh_from_db()
    return job


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


def test_undo_of_a_campaign_import_deletes_what_it_created_and_restores_what_it_changed(marketer, campaign, sponsor):
    # given a campaign with channels, and an import that renames it, re-channels it and creates a programme and child
    campaign.channels.set([1])
    channels_before = sorted(campaign.channels.values_list("pk", flat=True))
    job = imported(
        "campaigns",
        csv_file(
            CAMPAIGNS,
            "BR-001,Renamed,Brand,marketer,sponsor,2026-03-01,2026-05-31,social",
            "BR-101,Child,Brand,marketer,,2026-03-01,2026-03-31,",
            "BR-100,Programme,Brand,marketer,,2026-03-01,2026-05-31,",
        ),
        marketer,
    )
    # the job records what it wrote, for the undo
    created = sorted(Campaign.objects.filter(code__in=["BR-100", "BR-101"]).values_list("pk", flat=True))
    written = job.result["written"]
    assert sorted(written["created"]["campaigns.campaign"]) == created
    assert written["updated"]["campaigns.campaign"] == {
        str(campaign.pk): {"name": "Brand spring", "channels": channels_before}
    }
    assert services.undoable_objections(job, marketer) == []
    # when undone
    job = services.import_job_undo(job=job, by=marketer)
    # then the new campaigns are gone, the changed one is as it was, with its history saying who undid it
    assert (job.status, job.undone_by, job.result["undone"]) == (
        JobStatus.UNDONE,
        marketer,
        {"deleted": 2, "restored": 1},
    )
    assert job.undone_at is not None
    assert not Campaign.objects.filter(code__in=["BR-100", "BR-101"]).exists()
    campaign.refresh_from_db()
    assert campaign.name == "Brand spring"
    assert sorted(campaign.channels.values_list("pk", flat=True)) == channels_before
    latest = campaign.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.name) == (marketer, "Brand spring")
    assert f"#{job.pk}" in latest.history_change_reason
    assert sorted(c.channel_id for c in latest.channels.all()) == channels_before
    # and undoing again is a conflict
    with pytest.raises(StateConflict, match="already undone"):
        services.import_job_undo(job=job, by=marketer)


def test_only_the_last_import_of_a_kind_by_that_person_can_be_undone(marketer, campaign):
    first = imported("tasks", csv_file("campaign,title", "BR-001,First"), marketer)
    second = imported("tasks", csv_file("campaign,title", "BR-001,Second"), marketer)
    with pytest.raises(StateConflict, match="Only the last import of this kind"):
        services.import_job_undo(job=first, by=marketer)
    services.import_job_undo(job=second, by=marketer)
    # once the later one is undone, the earlier one is the last
    services.import_job_undo(job=first, by=marketer)
    assert not Task.objects.exists()


def test_nothing_is_undone_once_something_depends_on_it(marketer, campaign):
    from tests.budgets.factories import FundingRequestFactory

    # a created campaign got a funding request
    job = imported("campaigns", csv_file(CAMPAIGNS, "BR-200,New,Brand,marketer,,2026-03-01,2026-03-31,"), marketer)
    FundingRequestFactory(campaign=Campaign.objects.get(code="BR-200"))
    with pytest.raises(StateConflict, match="1 funding requests now depend on the campaigns this import created"):
        services.import_job_undo(job=job, by=marketer)
    assert Campaign.objects.filter(code="BR-200").exists()


def test_an_object_changed_after_the_import_blocks_its_undo(marketer, campaign):
    job = imported(
        "campaigns", csv_file(CAMPAIGNS, "BR-001,Renamed,Brand,marketer,sponsor,2026-03-01,2026-05-31,"), marketer
    )
    campaign.refresh_from_db()
    campaign_update(campaign=campaign, by=marketer, description="Edited by hand")
    objections = services.undoable_objections(job, marketer)
    assert objections == [f"1 campaign of this import was changed after it: #{campaign.pk}."]


def test_an_activity_that_got_tasks_from_elsewhere_is_not_undone(marketer, campaign):
    job = imported(
        "activities",
        csv_file("campaign,external_ref,name,start_date,end_date", "BR-001,A-1,Fair,2026-04-01,2026-04-02"),
        marketer,
    )
    activity = Activity.objects.get(external_ref="A-1")
    task_create(campaign=campaign, by=marketer, title="Book the stand", activity=activity)
    assert services.undoable_objections(job, marketer) == ["1 tasks now depend on the activities this import created."]


def test_a_status_move_is_not_undone(marketer, campaign):
    job = imported(
        "campaigns",
        csv_file(CAMPAIGNS + ",status", "BR-001,Brand spring,Brand,marketer,sponsor,2026-03-01,2026-05-31,,planned"),
        marketer,
    )
    assert services.undoable_objections(job, marketer) == [
        "The import moved the status of BR-001; a status change is taken back through the lifecycle."
    ]


def test_undo_of_activities_tasks_and_kpis_restores_each_field(marketer, campaign):
    activity = ActivityFactory(campaign=campaign, name="Old", external_ref="A-1", start_date=dt.date(2026, 4, 1))
    task = TaskFactory(campaign=campaign, title="Old task", external_ref="T-1", done=False)
    kpi = KPIFactory(campaign=campaign, target=Decimal("100"), actual=None)
    jobs = [
        imported(
            "activities",
            csv_file(
                "campaign,external_ref,name,start_date,end_date",
                "BR-001,A-1,New,2026-04-01,2026-04-05",
                "BR-001,A-2,Added,2026-04-01,2026-04-05",
            ),
            marketer,
        ),
        imported("tasks", csv_file("campaign,external_ref,done", "BR-001,T-1,yes"), marketer),
        imported("kpis", csv_file("campaign,metric,target,actual", "BR-001,leads,200,50"), marketer),
    ]
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    for job in jobs:
        services.import_job_undo(job=job, by=marketer)
    activity.refresh_from_db()
    task.refresh_from_db()
    kpi.refresh_from_db()
    assert (activity.name, activity.end_date) == ("Old", dt.date(2026, 4, 1))
    assert not Activity.objects.filter(external_ref="A-2").exists()
    assert (task.done, task.done_at) == (False, None)
    assert (kpi.target, kpi.actual) == (Decimal("100.00"), None)
    assert kpi.history.order_by("-history_date", "-history_id").first().history_user == marketer
    assert KPI.objects.count() == 1


def test_who_may_undo(marketer, team, campaign, admin_user, categories_csv, finance_user):
    colleague = UserFactory(username="colleague", roles=["marketer"], teams=[team])
    job = imported("tasks", csv_file("campaign,title", "BR-001,Mine"), marketer)
    # a colleague of the same team who did not confirm it may not; an admin may
    with pytest.raises(PermissionDenied):
        services.import_job_undo(job=job, by=colleague)
    services.import_job_undo(job=job, by=admin_user)
    # a kind whose importer cannot undo (budgets' categories) says so
    categories = imported("categories", categories_csv, finance_user)
    with pytest.raises(StateConflict, match="This kind of import cannot be undone"):
        services.import_job_undo(job=categories, by=finance_user)


def test_a_job_not_applied_cannot_be_undone(marketer, campaign):
    job, _plan = import_file(
        kind="tasks", file_name="t.csv", content=csv_file("campaign,title", "BR-001,X"), by=marketer
    )
    with pytest.raises(StateConflict, match="Only an applied import can be undone"):
        services.import_job_undo(job=job, by=marketer)


def test_the_api_undoes_per_role(api_as, marketer, campaign, other_team_marketer, finance_user, approver, admin_user):
    job = imported("tasks", csv_file("campaign,title", "BR-001,Via the API"), marketer)
    url = f"/api/v1/imports/{job.pk}/undo/"
    # another team's marketer and finance do not see the job; an approver may import nothing
    assert api_as(other_team_marketer).post(url).status_code == 404
    assert api_as(finance_user).post(url).status_code == 404
    assert api_as(approver).post(url).status_code == 403
    # the uploader undoes it (200 with the job), once
    response = api_as(marketer).post(url)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["undone_by"]) == ("undone", marketer.pk)
    assert api_as(marketer).post(url).status_code == 409
    assert not Task.objects.filter(title="Via the API").exists()
    # a refusal is a 409 with the reasons, never a 500
    job = imported("tasks", csv_file("campaign,external_ref,title", "BR-001,T-9,Again"), marketer)
    task = Task.objects.get(external_ref="T-9")
    from campaigns.services import task_update

    task_update(task=task, by=marketer, title="Edited")
    response = api_as(admin_user).post(f"/api/v1/imports/{job.pk}/undo/")
    assert response.status_code == 409
    assert "changed after it" in response.json()["detail"]


def test_the_undo_button_on_the_job_page(client, marketer, campaign):
    job = imported("kpis", csv_file("campaign,metric,target", "BR-001,leads,10"), marketer)
    client.force_login(marketer)
    page = client.get(f"/campaigns/import/{job.pk}/").content.decode()
    assert "Undo this import" in page
    response = client.post(f"/campaigns/import/{job.pk}/undo/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.UNDONE
    page = client.get(f"/campaigns/import/{job.pk}/").content.decode()
    assert "Undo this import" not in page and "Undone on" in page
    assert not KPI.objects.exists()


def test_upload_by_the_api_with_a_column_mapping(api_as, marketer, campaign, django_capture_on_commit_callbacks):
    import json

    content = csv_file("Кампания,Задача,Срок", "BR-001,Mapped task,01.04.2026")
    mapping = {"columns": {"Задача": "title", "Срок": "due_date"}, "source": "Old tracker"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(marketer).post(
            "/api/v1/imports/",
            {"kind": "tasks", "file": SimpleUploadedFile("t.csv", content), "mapping": json.dumps(mapping)},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    detail = api_as(marketer).get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert detail["status"] == "ready", detail
    assert detail["counts"]["new"] == 1
    assert detail["options"]["saved_mapping"]["source"] == "Old tracker"
