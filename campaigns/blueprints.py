"""A campaign's plan as data: what a clone or a template copies (issue 18 item 2).

A blueprint holds what is worth repeating — the campaign's description,
objective, planned cost, channels and tags, its activities and tasks with
their dates as day offsets from the campaign's start, and its KPI targets —
and nothing that belongs to the run that happened: no status, no actuals,
no decisions, no money approved or spent, no history. Cloning a campaign
and starting one from a saved template are the same act: a blueprint laid
out from a new start date (``services.campaign_from_blueprint``).

It is plain JSON so a template keeps it as it was when saved, whatever
happens to the source campaign afterwards.
"""

from __future__ import annotations

from datetime import date, timedelta

from campaigns.models import Campaign

VERSION = 1


def _offset(day: date | None, start: date) -> int | None:
    return None if day is None else (day - start).days


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def blueprint_of(campaign: Campaign) -> dict:
    """The campaign's plan, in a fixed number of queries whatever its size."""
    start = campaign.start_date
    activities = list(campaign.activities.order_by("start_date", "start_time", "pk"))
    keys = {activity.pk: index for index, activity in enumerate(activities)}
    return {
        "version": VERSION,
        "campaign": {
            "name": campaign.name,
            "description": campaign.description,
            "objective": campaign.objective,
            "planned_cost": str(campaign.planned_cost),
            "confidential": campaign.confidential,
            "tags": campaign.tags,
            "channels": sorted(campaign.channels.values_list("pk", flat=True)),
            "sponsor": campaign.sponsor_id,
            "parent": campaign.parent_id,
            "days": (campaign.end_date - start).days,
        },
        "activities": [
            {
                "key": keys[activity.pk],
                "name": activity.name,
                "type": activity.type,
                "channel": activity.channel_id,
                "description": activity.description,
                "start": _offset(activity.start_date, start),
                "end": _offset(activity.end_date, start),
                "start_time": _time(activity.start_time),
                "end_time": _time(activity.end_time),
                "owner": activity.owner_id,
                "location": activity.location,
                "url": activity.url,
                "public": activity.public,
            }
            for activity in activities
        ],
        "tasks": [
            {
                "title": task.title,
                "activity": keys.get(task.activity_id),
                "assignee": task.assignee_id,
                "due": _offset(task.due_date, start),
            }
            for task in campaign.tasks.order_by("due_date", "pk")
        ],
        "kpis": [
            {
                "metric": kpi.metric,
                "custom_name": kpi.custom_name,
                "target": None if kpi.target is None else str(kpi.target),
            }
            for kpi in campaign.kpis.order_by("pk")
        ],
    }


def shifted(start: date, offset: int | None) -> date | None:
    """The day ``offset`` days after ``start`` (``None`` stays ``None``)."""
    return None if offset is None else start + timedelta(days=offset)


def summary(blueprint: dict) -> dict:
    """How much a blueprint lays out (the template gallery shows it)."""
    return {
        "days": blueprint["campaign"]["days"] + 1,
        "activities": len(blueprint["activities"]),
        "tasks": len(blueprint["tasks"]),
        "kpis": len(blueprint["kpis"]),
    }
