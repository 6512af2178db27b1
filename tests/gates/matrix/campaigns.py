"""Permission matrix rows of campaigns and the calendar (PRODUCT.md §2, §3).

Reading: every signed-in role reads campaigns and what hangs off them, except
confidential campaigns of other teams (404). Writing: marketers of the
campaign's team and admins (403 for the others). The public calendar and its
JSON feed are public; an ICS feed answers anyone holding its secret token; a
feed is revoked only by its owner (404 for everyone else).
"""

import datetime as dt

from campaigns.choices import CampaignStatus
from campaigns.models import Channel
from campaigns.services import calendar_feed_create, channels_ensure_defaults
from tests.campaigns.factories import ActivityFactory, CampaignFactory, KPIFactory, TaskFactory
from tests.support.matrix import FORBIDDEN, NOT_FOUND, PUBLIC, SIGNED_IN, Resource, Route, only

TODAY = dt.date.today()
WRITERS = only("marketer", "admin")
CREATORS = only("marketer", "admin", "other_team")  # marketers with a team may open the form


def campaign_of_team_a(world, **extra):
    return CampaignFactory(
        team=world.team, owner=world.marketer, sponsor=world.approver, start_date=TODAY, end_date=TODAY, **extra
    )


def confidential_campaign(world):
    return campaign_of_team_a(world, confidential=True, status=CampaignStatus.PLANNED)


def new_campaign(world, obj=None):
    return {
        "name": "Matrix campaign",
        "team": world.team.pk,
        "owner": world.marketer.pk,
        "start_date": TODAY.isoformat(),
        "end_date": TODAY.isoformat(),
        "planned_cost": "100.00",
    }


def _campaign_id(world, obj) -> int:
    """The campaign of the row's object, or a new one of team A for list routes (no object)."""
    return obj.campaign_id if obj is not None else campaign_of_team_a(world).pk


def activity_body(world, obj):
    campaign_id = _campaign_id(world, obj)
    return {
        "campaign": campaign_id,
        "name": "Matrix activity",
        "type": "event",
        "start_date": TODAY.isoformat(),
        "end_date": TODAY.isoformat(),
    }


def task_body(world, obj):
    return {"campaign": _campaign_id(world, obj), "title": "Matrix task"}


def kpi_body(world, obj):
    return {"campaign": _campaign_id(world, obj), "metric": "clicks", "target": "10"}


def own_feed(world):
    return calendar_feed_create(owner=world.marketer, name="Matrix feed", filters={}, by=world.marketer)


def template_of_team_a(world, **extra):
    from campaigns.services import campaign_template_save

    return campaign_template_save(
        campaign=campaign_of_team_a(world, **extra), name="Matrix template", by=world.marketer
    )


def bulk_change_of_marketer(world):
    """A bulk change team A's marketer made (tags added to a campaign of team A), not undone yet."""
    from campaigns.bulk import campaigns_bulk

    _outcomes, batch = campaigns_bulk(
        ids=[campaign_of_team_a(world).pk], action="tags", add_tags=["matrix"], by=world.marketer
    )
    return batch


def task_bulk_change_of_marketer(world):
    """A bulk change of tasks team A's marketer made (a due date shifted), not undone yet."""
    from campaigns.bulk import tasks_bulk

    task = TaskFactory(campaign=campaign_of_team_a(world), due_date=TODAY)
    _outcomes, batch = tasks_bulk(ids=[task.pk], action="shift_dates", days=1, by=world.marketer)
    return batch


def task_bulk_body(world, obj):
    return {"ids": [TaskFactory(campaign=campaign_of_team_a(world)).pk], "action": "status", "status": "done"}


def checklist_item_of(task, world):
    from campaigns.services import checklist_item_add

    return checklist_item_add(task=task, text="Matrix step", by=world.marketer)


def checklist_body(world, obj):
    task_id = obj.task_id if obj is not None else TaskFactory(campaign=campaign_of_team_a(world)).pk
    return {"task": task_id, "text": "Matrix step"}


def comment_on(campaign, world):
    from comments.services import comment_post

    return comment_post(target_type="campaign", target_id=campaign.pk, body="Matrix comment", by=world.marketer)


def bulk_body(world, obj):
    return {"ids": [campaign_of_team_a(world).pk], "action": "tags", "add_tags": ["bulk"]}


WINDOW = {"start": TODAY.isoformat(), "end": (TODAY + dt.timedelta(days=30)).isoformat()}


def campaigns_import(world):
    """A campaigns import job of team A's marketer, read and ready to confirm, with its stored plan of one row."""
    from django.core.files.base import ContentFile

    from imports.choices import JobStatus
    from imports.models import ImportJob, ImportRow

    marketer = world.users["marketer"]
    job = ImportJob(
        kind="campaigns",
        status=JobStatus.READY,
        file_name="c.csv",
        sha256="0" * 64,
        counts={"unchanged": 1},
        options={"uploaded_by": marketer.pk},
        created_by=marketer,
    )
    job.file.save("c.csv", ContentFile(b"code\nMATRIX\n"), save=False)
    job.save()
    ImportRow.objects.create(job=job, line=2, outcome="unchanged", label="MATRIX")
    return job


RESOURCES = [
    Resource(
        "campaigns",
        {
            "GET /api/v1/campaigns/": SIGNED_IN,
            "POST /api/v1/campaigns/": Route(WRITERS, data=new_campaign),
            "GET /api/v1/campaigns/{id}/": SIGNED_IN,
            "GET /api/v1/campaigns/{id}/history/": SIGNED_IN,
            "PUT /api/v1/campaigns/{id}/": Route(WRITERS, data=new_campaign),
            "PATCH /api/v1/campaigns/{id}/": Route(WRITERS, data={"name": "Renamed"}),
            "POST /api/v1/campaigns/{id}/transition/": Route(WRITERS, data={"status": "planned", "note": "go"}),
            # whoever reads it and creates campaigns may clone it, into a team of theirs (issue 18.2): without a
            # team the clone goes to the source's, which another team's marketer is refused
            "POST /api/v1/campaigns/{id}/clone/": Route(
                WRITERS, data={"name": "Clone", "start_date": TODAY.isoformat()}
            ),
            "campaigns:clone": CREATORS,
            "POST campaigns:clone": Route(
                CREATORS, data=lambda w, obj: {"name": "Clone", "start_date": TODAY.isoformat(), "team": w.team.pk}
            ),
            "campaigns:save_template": WRITERS,
            "POST campaigns:save_template": Route(WRITERS, data={"name": "Matrix template"}),
            "campaigns:list": SIGNED_IN,
            "campaigns:board": SIGNED_IN,
            "campaigns:timeline": SIGNED_IN,
            "campaigns:create": CREATORS,
            "POST campaigns:create": CREATORS,
            "campaigns:detail": SIGNED_IN,
            "campaigns:edit": WRITERS,
            "POST campaigns:edit": WRITERS,
            "POST campaigns:transition": Route(WRITERS, data={"status": "planned", "note": "go"}),
            "POST campaigns:share": Route(WRITERS, data=lambda w, obj: {"user": w.finance.pk}),
            "POST campaigns:unshare": Route(WRITERS, kwargs=lambda w, obj: {"user_id": w.finance.pk}),
            "campaigns:activity_create": WRITERS,
            "POST campaigns:activity_create": WRITERS,
            "campaigns:task_create": WRITERS,
            "POST campaigns:task_create": WRITERS,
            "campaigns:kpi_create": WRITERS,
            "POST campaigns:kpi_create": WRITERS,
        },
        obj=lambda w: campaign_of_team_a(w),
        confidential=confidential_campaign,
    ),
    Resource(
        "activities",
        {
            "GET /api/v1/activities/": SIGNED_IN,
            "POST /api/v1/activities/": Route(WRITERS, data=activity_body),
            "GET /api/v1/activities/{id}/": SIGNED_IN,
            "PUT /api/v1/activities/{id}/": Route(WRITERS, data=activity_body),
            "PATCH /api/v1/activities/{id}/": Route(WRITERS, data={"name": "Renamed"}),
            "DELETE /api/v1/activities/{id}/": WRITERS,
            "campaigns:activity_edit": WRITERS,
            "POST campaigns:activity_edit": WRITERS,
            "POST campaigns:activity_delete": WRITERS,
        },
        obj=lambda w: ActivityFactory(campaign=campaign_of_team_a(w), start_date=TODAY, end_date=TODAY),
        confidential=lambda w: ActivityFactory(campaign=confidential_campaign(w), start_date=TODAY, end_date=TODAY),
    ),
    Resource(
        "tasks",
        {
            "GET /api/v1/tasks/": SIGNED_IN,
            "POST /api/v1/tasks/": Route(WRITERS, data=task_body),
            "GET /api/v1/tasks/{id}/": SIGNED_IN,
            "PUT /api/v1/tasks/{id}/": Route(WRITERS, data=task_body),
            "PATCH /api/v1/tasks/{id}/": Route(WRITERS, data={"title": "Renamed"}),
            "DELETE /api/v1/tasks/{id}/": WRITERS,
            "campaigns:task_edit": WRITERS,
            "POST campaigns:task_edit": WRITERS,
            "POST campaigns:task_delete": WRITERS,
            "POST campaigns:task_toggle": Route(WRITERS, data={"done": "1"}),
            "POST campaigns:checklist_add": Route(WRITERS, data={"text": "Matrix step"}),
        },
        obj=lambda w: TaskFactory(campaign=campaign_of_team_a(w)),
        confidential=lambda w: TaskFactory(campaign=confidential_campaign(w)),
    ),
    Resource(
        "kpis",
        {
            "GET /api/v1/kpis/": SIGNED_IN,
            "POST /api/v1/kpis/": Route(WRITERS, data=kpi_body),
            "GET /api/v1/kpis/{id}/": SIGNED_IN,
            "PUT /api/v1/kpis/{id}/": Route(
                WRITERS, data=lambda w, obj: {"campaign": obj.campaign_id, "metric": "leads", "target": "5"}
            ),
            "PATCH /api/v1/kpis/{id}/": Route(WRITERS, data={"actual": "3"}),
            "DELETE /api/v1/kpis/{id}/": WRITERS,
            "campaigns:kpi_edit": WRITERS,
            "POST campaigns:kpi_edit": WRITERS,
            "POST campaigns:kpi_delete": WRITERS,
        },
        obj=lambda w: KPIFactory(campaign=campaign_of_team_a(w)),
        confidential=lambda w: KPIFactory(campaign=confidential_campaign(w)),
    ),
    Resource(
        "campaign templates (issue 18.2)",
        {
            "GET /api/v1/campaign-templates/": SIGNED_IN,  # an empty gallery for those who create no campaigns
            "POST /api/v1/campaign-templates/": Route(
                WRITERS, data=lambda w, obj: {"campaign": campaign_of_team_a(w).pk, "name": "Saved"}
            ),
            "GET /api/v1/campaign-templates/{id}/": only("marketer", "admin", "other_team", refused=NOT_FOUND),
            # roles that create no campaigns are refused before the template is looked up
            "DELETE /api/v1/campaign-templates/{id}/": only("marketer", "admin"),
            "POST /api/v1/campaign-templates/{id}/start/": Route(
                only("marketer", "admin"), data={"name": "From template", "start_date": TODAY.isoformat()}
            ),
            "campaigns:templates": CREATORS,
            "campaigns:template_start": CREATORS,
            "POST campaigns:template_start": Route(CREATORS, data={"name": "x", "start_date": TODAY.isoformat()}),
            # the gallery is empty for roles that create no campaigns: not found for them
            "POST campaigns:template_delete": only("marketer", "admin", refused=NOT_FOUND) | {"other_team": FORBIDDEN},
        },
        obj=template_of_team_a,
        confidential=lambda w: template_of_team_a(w, confidential=True, status=CampaignStatus.PLANNED),
    ),
    Resource(
        "bulk changes (issue 18.1)",
        {
            # creators may send a bulk change; each campaign they may not edit is refused in the answer (200)
            "POST /api/v1/campaigns/bulk/": Route(CREATORS, data=bulk_body),
            "POST campaigns:bulk": Route(CREATORS, data=lambda w, obj: {**bulk_body(w, obj), "add_tags": "bulk"}),
            # a bulk change is undone by who made it, or an admin; anyone else does not find it
            "POST /api/v1/campaigns/bulk/undo/": Route(
                only("marketer", "admin") | {"other_team": NOT_FOUND}, data=lambda w, obj: {"batch": obj.pk}
            ),
            "POST campaigns:bulk_undo": only("marketer", "admin", refused=NOT_FOUND),
        },
        obj=bulk_change_of_marketer,
    ),
    Resource(
        "bulk changes of tasks (issue 18.1)",
        {
            # anyone signed in may send one; each task they may not change is refused in the answer (200)
            "POST /api/v1/tasks/bulk/": Route(SIGNED_IN, data=task_bulk_body),
            "POST campaigns:task_bulk": Route(SIGNED_IN, data=task_bulk_body),
            # undone by who made it, or an admin; anyone else does not find it
            "POST /api/v1/tasks/bulk/undo/": Route(
                only("marketer", "admin", refused=NOT_FOUND), data=lambda w, obj: {"batch": obj.pk}
            ),
            "POST campaigns:task_bulk_undo": only("marketer", "admin", refused=NOT_FOUND),
        },
        obj=task_bulk_change_of_marketer,
    ),
    Resource(
        "task checklists (issue 18.6)",
        {
            # whoever reads the campaign reads its tasks' steps; its editors change them (the assignee ticks)
            "GET /api/v1/checklist-items/": SIGNED_IN,
            "POST /api/v1/checklist-items/": Route(WRITERS, data=checklist_body),
            "GET /api/v1/checklist-items/{id}/": SIGNED_IN,
            "PUT /api/v1/checklist-items/{id}/": Route(WRITERS, data=checklist_body),
            "PATCH /api/v1/checklist-items/{id}/": Route(WRITERS, data={"done": True}),
            "DELETE /api/v1/checklist-items/{id}/": WRITERS,
            "POST campaigns:checklist_toggle": Route(WRITERS, data={"done": "1"}),
            "POST campaigns:checklist_delete": WRITERS,
        },
        obj=lambda w: checklist_item_of(TaskFactory(campaign=campaign_of_team_a(w)), w),
        confidential=lambda w: checklist_item_of(TaskFactory(campaign=confidential_campaign(w)), w),
    ),
    Resource(
        "comments (issue 18.5)",
        {
            # everyone who reads the campaign reads and joins its discussion; another team's confidential: 404
            "GET /api/v1/comments/": SIGNED_IN,
            "POST /api/v1/comments/": Route(
                SIGNED_IN,
                data=lambda w, obj: {"target_type": "campaign", "target_id": obj.target_id, "body": "Looks good"},
            ),
            "GET /api/v1/comments/{id}/": SIGNED_IN,
            "POST campaigns:comment": Route(
                SIGNED_IN, kwargs=lambda w, obj: {"pk": obj.target_id}, data={"body": "Looks good"}
            ),
        },
        obj=lambda w: comment_on(campaign_of_team_a(w), w),
        confidential=lambda w: comment_on(confidential_campaign(w), w),
    ),
    Resource(
        "channels",
        {"GET /api/v1/channels/": SIGNED_IN, "GET /api/v1/channels/{id}/": SIGNED_IN},
        obj=lambda w: channels_ensure_defaults() or Channel.objects.get(code="email"),
    ),
    Resource(
        "calendar",
        {
            "GET /api/v1/calendar/events/": Route(SIGNED_IN, query=WINDOW),
            "campaigns:calendar": SIGNED_IN,
            "campaigns:my_tasks": SIGNED_IN,
            "campaigns:feeds": SIGNED_IN,
            "POST campaigns:feeds": Route(SIGNED_IN, data={"name": "Mine"}),
            "campaigns:embed": PUBLIC,
            "campaigns:embed_events": Route(PUBLIC, query=WINDOW),
            "campaigns:embed_snippet": only("admin"),
        },
        # a public activity of a confidential campaign: on nobody's calendar but its team's, never on the public one
        confidential=lambda w: ActivityFactory(
            campaign=confidential_campaign(w), start_date=TODAY, end_date=TODAY, public=True
        ),
    ),
    Resource(
        "calendar feeds",
        {
            "POST campaigns:feed_revoke": only("marketer", refused=NOT_FOUND),
            "campaigns:feed_ics": Route(PUBLIC, kwargs=lambda w, obj: {"token": own_feed(w).token}),
        },
        obj=own_feed,
    ),
    Resource(
        "campaign imports (issue 17.1)",
        {
            "campaigns:import": CREATORS,
            "POST campaigns:import": CREATORS,  # without a file: the form's 400
            # a marketer sees the campaign imports they uploaded; admins all
            "campaigns:import_preview": only("marketer", "admin") | {"other_team": NOT_FOUND},
            "POST campaigns:import_confirm": only("marketer", "admin") | {"other_team": NOT_FOUND},
            # activities, tasks and KPIs: the same people (their tabs of the import page)
            "campaigns:import_kind": Route(CREATORS, kwargs={"kind": "activities"}),
            "POST campaigns:import_kind": Route(CREATORS, kwargs={"kind": "tasks"}),
            # the column-mapping step and undo: the job's own people (a ready job: a 409 for undo, shown as a message)
            "campaigns:import_mapping": only("marketer", "admin") | {"other_team": NOT_FOUND},
            "POST campaigns:import_mapping": only("marketer", "admin") | {"other_team": NOT_FOUND},
            "POST campaigns:import_undo": only("marketer", "admin") | {"other_team": NOT_FOUND},
            "POST /api/v1/imports/{id}/mapping/": only("marketer", "admin")
            | {"other_team": NOT_FOUND, "finance": NOT_FOUND},
            "POST /api/v1/imports/{id}/undo/": only("marketer", "admin")
            | {"other_team": NOT_FOUND, "finance": NOT_FOUND},
        },
        obj=campaigns_import,
    ),
]
