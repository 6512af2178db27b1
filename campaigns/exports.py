"""The campaign, activity and task lists as files (mrm/exports.py), in the form the importers take back.

The campaign file's columns are exactly the campaign import's
(``CAMPAIGN_COLUMNS``, headers from ``header_for``) after ``id``: a file
exported from MRM re-imports unchanged.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy

from campaigns.importers import CAMPAIGN_COLUMNS, header_for
from campaigns.models import KPI, Activity, Campaign, Task
from mrm.exports import BOOLEAN, DATE, MONEY, Column, ExportSpec, HistorySource, field_column, id_column


def _channel_codes(campaign_ids: list) -> dict:
    """Each campaign's channel codes, for a chunk of campaigns: one query."""
    found = defaultdict(list)
    links = (
        Campaign.channels.through.objects.filter(campaign_id__in=campaign_ids)
        .order_by("channel__code")
        .values_list("campaign_id", "channel__code")
    )
    for campaign_id, code in links:
        found[campaign_id].append(code)
    return found


#: Where each import column's value comes from, and how it is written.
_CAMPAIGN_SOURCES = {
    "code": {"width": 14},
    "name": {"width": 36},
    "team": {"path": "team__name", "width": 20},
    "owner": {"path": "owner__username"},
    "sponsor": {"path": "sponsor__username"},
    "start_date": {"kind": DATE, "width": 12},
    "end_date": {"kind": DATE, "width": 12},
    "planned_cost": {"kind": MONEY},
    "status": {"choices": Campaign._meta.get_field("status").choices},
    "channels": {"many": _channel_codes, "path": None},
    "tags": {"width": 20},
    "parent": {"path": "parent__code", "width": 14},
    "description": {"width": 40},
}


def _campaign_column(key: str) -> Column:
    source = {"path": key, **_CAMPAIGN_SOURCES[key]}
    return Column(key=key, header=lambda: header_for(key), **source)


CAMPAIGNS = ExportSpec(
    name="campaigns",
    title=gettext_lazy("Campaigns"),
    columns=(id_column(), *(_campaign_column(key) for key in CAMPAIGN_COLUMNS)),
)

ACTIVITIES = ExportSpec(
    name="activities",
    title=gettext_lazy("Activities"),
    columns=(
        id_column(),
        field_column(Activity, "campaign", "campaign__code", width=14),
        field_column(Activity, "name", width=36),
        field_column(Activity, "type"),
        field_column(Activity, "channel", "channel__code"),
        field_column(Activity, "start_date", kind=DATE, width=12),
        field_column(Activity, "end_date", kind=DATE, width=12),
        field_column(Activity, "start_time", width=10),
        field_column(Activity, "end_time", width=10),
        field_column(Activity, "owner", "owner__username"),
        field_column(Activity, "status"),
        field_column(Activity, "location", width=24),
        field_column(Activity, "url", width=30),
        field_column(Activity, "public", kind=BOOLEAN, width=10),
        field_column(Activity, "description", width=40),
    ),
)

TASKS = ExportSpec(
    name="tasks",
    title=gettext_lazy("Tasks"),
    columns=(
        id_column(),
        field_column(Task, "campaign", "campaign__code", width=14),
        field_column(Task, "activity", "activity__name", width=30),
        field_column(Task, "title", width=40),
        field_column(Task, "assignee", "assignee__username"),
        field_column(Task, "due_date", kind=DATE, width=12),
        field_column(Task, "done", kind=BOOLEAN, width=10),
    ),
)


def campaign_history_sources(campaign: Campaign) -> list[HistorySource]:
    """A campaign's audit history: its own records and its activities', tasks' and KPIs' (as its page shows)."""
    return [
        HistorySource(model=Campaign, records=Campaign.history.filter(id=campaign.pk)),
        HistorySource(model=Activity, records=Activity.history.filter(campaign_id=campaign.pk)),
        HistorySource(model=Task, records=Task.history.filter(campaign_id=campaign.pk)),
        HistorySource(model=KPI, records=KPI.history.filter(campaign_id=campaign.pk)),
    ]
