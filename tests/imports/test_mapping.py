"""The column-mapping step (issue 17.1): unknown headers wait for a mapping, which is remembered per source."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Task
from imports import services
from imports.choices import JobStatus, RowOutcome
from imports.models import ImportMapping, header_fingerprint
from mrm.exceptions import StateConflict
from tests.campaigns.factories import CampaignFactory
from tests.imports.helpers import confirm_import

pytestmark = pytest.mark.django_db

OLD_TRACKER = "Кампания;Что сделать;Кому;Дедлайн;Комментарий\r\nBR-001;Book the room;marketer;15.03.2026;call first\r\n"


@pytest.fixture
def campaign(team, marketer):
    return CampaignFactory(code="BR-001", team=team, owner=marketer)


def upload(content: str, by, *, mapping=None, kind="tasks"):
    job = services.import_job_create_from_bytes(
        kind=kind, file_name="tracker.csv", content=content.encode("cp1251"), by=by, mapping=mapping
    )
    return services.import_job_parse(job.pk)


MAPPING = {"Что сделать": "title", "Кому": "assignee", "Дедлайн": "due_date", "Комментарий": ""}


def test_a_file_with_unknown_headers_waits_for_its_mapping_then_reads_with_it(marketer, campaign):
    # when a file whose headers are not all MRM's is uploaded
    job = upload(OLD_TRACKER, marketer)
    # then it waits for the mapping, listing the headers it does not know, and plans nothing
    assert job.status == JobStatus.MAPPING
    assert job.summary == {"columns": ["Что сделать", "Кому", "Дедлайн", "Комментарий"]}
    assert job.header == ["Кампания", "Что сделать", "Кому", "Дедлайн", "Комментарий"]
    assert not job.rows.exists()
    # when the user maps them (the comment ignored) under a source name
    job = services.import_job_map(job=job, mapping={"columns": MAPPING, "source": "Old tracker"}, by=marketer)
    assert job.status == JobStatus.QUEUED
    job = services.import_job_parse(job.pk)
    # then the file is read with it and the mapping is remembered for the source
    assert job.status == JobStatus.READY, job.error
    plan = services.stored_plan(job)
    assert plan.rows[0].outcome == RowOutcome.NEW, plan.rows[0].errors
    assert plan.rows[0].data["fields"]["due_date"] == "2026-03-15"
    saved = ImportMapping.objects.get()
    assert (saved.kind, saved.source, saved.columns, saved.created_by) == ("tasks", "Old tracker", MAPPING, marketer)
    assert saved.fingerprint == header_fingerprint(job.header)
    assert job.options["saved_mapping"] == {"id": saved.pk, "source": "Old tracker"}
    confirm_import(batch=job, by=marketer)
    task = Task.objects.get()
    assert (task.title, task.assignee, task.due_date) == ("Book the room", marketer, dt.date(2026, 3, 15))


def test_the_next_file_with_the_same_headers_or_source_uses_the_remembered_mapping(marketer, campaign):
    first = upload(OLD_TRACKER, marketer)
    services.import_job_parse(services.import_job_map(job=first, mapping={"columns": MAPPING}, by=marketer).pk)
    saved = ImportMapping.objects.get()
    assert saved.source == ""
    # the same headers in another order and case: read at once with the remembered mapping
    reordered = "кому;Кампания;Дедлайн;Что сделать;Комментарий\r\nmarketer;BR-001;16.03.2026;Print flyers;\r\n"
    job = upload(reordered, marketer)
    assert job.status == JobStatus.READY, (job.status, job.summary)
    assert job.options["saved_mapping"] == {"id": saved.pk, "source": ""}
    assert services.stored_plan(job).rows[0].data["fields"]["title"] == "Print flyers"
    # a named source's mapping serves a file from it with fewer columns
    named = upload(OLD_TRACKER, marketer, mapping={"source": "Old tracker", "columns": MAPPING})
    assert named.status == JobStatus.READY
    fewer = "Кампания;Что сделать\r\nBR-001;Order badges\r\n"
    job = upload(fewer, marketer, mapping="Old tracker")
    assert job.status == JobStatus.READY, (job.status, job.summary)
    assert services.stored_plan(job).rows[0].data["fields"]["title"] == "Order badges"


def test_a_wrong_mapping_is_refused_with_its_reason(marketer, campaign):
    job = upload(OLD_TRACKER, marketer)
    with pytest.raises(ValidationError, match="horse is not a column of this import"):
        services.import_job_map(job=job, mapping={"columns": {"Кому": "horse"}}, by=marketer)
    with pytest.raises(ValidationError, match="is given to two columns"):
        services.import_job_map(job=job, mapping={"columns": {"Кому": "title", "Что сделать": "title"}}, by=marketer)
    with pytest.raises(ValidationError, match="The file has no column Nope"):
        services.import_job_map(job=job, mapping={"columns": {"Nope": "title"}}, by=marketer)
    with pytest.raises(ValidationError, match="not valid JSON"):
        services.import_job_create_from_bytes(
            kind="tasks", file_name="t.csv", content=b"campaign\n", by=marketer, mapping="{oops"
        )


def test_a_confirmed_job_can_no_longer_be_mapped(marketer, campaign):
    job = upload("campaign,title\nBR-001,Fine\n", marketer)
    assert job.status == JobStatus.READY
    confirm_import(batch=job, by=marketer)
    with pytest.raises(StateConflict):
        services.import_job_map(job=job, mapping={"columns": {"title": "title"}}, by=marketer)


def test_the_api_mapping_step_per_role(api_as, marketer, campaign, other_team_marketer, approver):
    job = upload(OLD_TRACKER, marketer)
    url = f"/api/v1/imports/{job.pk}/mapping/"
    detail = api_as(marketer).get(f"/api/v1/imports/{job.pk}/").json()
    assert (detail["status"], detail["header"][1]) == ("mapping", "Что сделать")
    assert detail["columns"]["title"] == "Title"
    assert api_as(other_team_marketer).post(url, {"columns": MAPPING}, format="json").status_code == 404
    assert api_as(approver).post(url, {"columns": MAPPING}, format="json").status_code == 403
    bad = api_as(marketer).post(url, {"columns": {"Кому": "horse"}}, format="json")
    assert bad.status_code == 400 and "horse" in str(bad.json())
    response = api_as(marketer).post(url, {"columns": MAPPING, "source": "Old tracker"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"


def test_the_mapping_step_in_the_browser_pages(client, marketer, campaign):
    job = upload(OLD_TRACKER, marketer)
    client.force_login(marketer)
    page = client.get(f"/campaigns/import/{job.pk}/").content.decode()
    assert 'data-testid="import-needs-mapping"' in page
    assert page.count('data-testid="mapping-row"') == 5
    fields = {"column-0": "campaign", "column-1": "title", "column-2": "assignee", "column-3": "due_date"}
    response = client.post(f"/campaigns/import/{job.pk}/mapping/", {**fields, "column-4": "", "source": "Tracker"})
    assert response.status_code == 302
    job = services.import_job_parse(job.pk)
    assert job.status == JobStatus.READY
    page = client.get(f"/campaigns/import/{job.pk}/").content.decode()
    assert "remembered for Tracker" in page
    assert "Change the column mapping" in page
    assert client.get(f"/campaigns/import/{job.pk}/mapping/").status_code == 200


def test_budget_actuals_keep_their_mapping_meaning(accounting_csv, accounting_source, finance_user):
    # the accounting import's mapping is its source, as before (no column-mapping step)
    job = services.import_job_create_from_bytes(
        kind="actuals", file_name="a.csv", content=accounting_csv, by=finance_user, mapping=accounting_source.name
    )
    job = services.import_job_parse(job.pk)
    assert job.status == JobStatus.READY, job.error
