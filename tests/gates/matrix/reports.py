"""Permission matrix rows of dashboards and reports (PRODUCT.md §2, §6).

Every role opens the dashboard and the reports open to people with a role;
"spend without a request" is finance's and admins' (403 for the others,
tested in tests/reports/).
What a report shows is scoped by the models it reads (tests/reports/). A
saved view that is not shared, a background run and its file, and a
subscription are their owner's: anyone else gets a 404.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.choices import RunStatus
from reports.models import ReportRun, ReportSubscription, SavedReportView
from tests.support.matrix import NOT_FOUND, SIGNED_IN, Resource, Route, only

MINE = only("marketer", refused=NOT_FOUND)


def saved_view(world):
    return SavedReportView.objects.create(
        report="campaign-status", name="Mine", slug="matrix-view", params={"group_by": "team"}, owner=world.marketer
    )


def finished_run(world):
    run = ReportRun.objects.create(
        report="campaign-status",
        format="csv",
        requested_by=world.marketer,
        status=RunStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        file_name="campaign-status.csv",
    )
    run.file.save("campaign-status.csv", ContentFile(b"Status,Campaigns\n"), save=True)
    return run


def subscription(world):
    item = ReportSubscription.objects.create(report="roi", name="Weekly ROI", owner=world.marketer)
    item.recipients.set([world.marketer])
    return item


SUBSCRIPTION_FORM = {
    "name": "Matrix",
    "report": "campaign-status",
    "filters": "group_by=team",
    "format": "pdf",
    "frequency": "weekly",
    "weekday": "0",
    "day_of_month": "1",
    "active": "on",
}

RESOURCES = [
    Resource("dashboard", {"dashboard": SIGNED_IN}),
    # The audit history of a period spans every team and confidential campaign: admins and leadership (§2).
    Resource(
        "history of a period",
        {
            "GET /api/v1/history/": Route(
                only("admin", "leadership"), query={"start": "2027-01-01", "end": "2027-01-31"}
            )
        },
    ),
    Resource(
        "reports",
        {
            "GET /api/v1/reports/": SIGNED_IN,
            "GET /api/v1/reports/{slug}/": Route(SIGNED_IN, kwargs={"slug": "campaign-status"}),
            "reports:index": SIGNED_IN,
            "reports:detail": Route(SIGNED_IN, kwargs={"slug": "budget-vs-actual"}),
            "POST reports:export": Route(SIGNED_IN, kwargs={"slug": "campaign-status"}, data={"format": "csv"}),
            "POST reports:saved_view_create": Route(
                SIGNED_IN, kwargs={"slug": "campaign-status"}, data={"name": "Matrix view", "group_by": "team"}
            ),
            "reports:subscriptions": SIGNED_IN,
            "reports:subscription_create": SIGNED_IN,
        },
    ),
    Resource(
        "saved views",
        {
            "reports:saved_view": Route(MINE, kwargs=lambda world, obj: {"slug": obj.slug}),
            "POST reports:saved_view_delete": MINE,
        },
        obj=saved_view,
    ),
    Resource(
        "report runs",
        {
            "GET /api/v1/report-runs/": SIGNED_IN,
            "POST /api/v1/report-runs/": Route(SIGNED_IN, data={"report": "campaign-status", "format": "csv"}),
            "GET /api/v1/report-runs/{id}/": MINE,
            "GET /api/v1/report-runs/{id}/download/": MINE,
            "reports:run": MINE,
            "reports:run_download": MINE,
        },
        obj=finished_run,
    ),
    Resource(
        "subscriptions",
        {
            "reports:subscription_edit": MINE,
            "POST reports:subscription_edit": Route(
                MINE, data=lambda world, obj: {**SUBSCRIPTION_FORM, "recipients": [world.marketer.pk]}
            ),
            "POST reports:subscription_create": Route(
                SIGNED_IN, data=lambda world, obj: {**SUBSCRIPTION_FORM, "recipients": [world.marketer.pk]}
            ),
            "POST reports:subscription_delete": MINE,
        },
        obj=subscription,
    ),
]
