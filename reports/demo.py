"""Demo of reports: shared saved views, a subscription, and recent activity for the adoption dashboard.

The figures come from the other apps' demo data; activity is what people's
sign-ins would have recorded: most used MRM this week, the northern region
not for over a month (an idle team on the adoption dashboard).

Safe to run again: both are found by their names and updated in place.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from reports.choices import Frequency, SubscriptionFormat
from reports.models import ReportSubscription, SavedReportView


def seed(stdout) -> None:
    cmo = User.objects.filter(username="cmo").first()
    finance = User.objects.filter(username="finance").first()
    if cmo is None or finance is None:
        stdout.write("reports: demo users missing, nothing seeded")
        return
    SavedReportView.objects.update_or_create(
        slug="budget-by-category",
        defaults={
            "report": "budget-vs-actual",
            "name": "Budget vs actual by category",
            "params": {"group_by": "category"},
            "owner": finance,
            "shared": True,
        },
    )
    SavedReportView.objects.update_or_create(
        slug="roi-by-channel",
        defaults={
            "report": "roi",
            "name": "ROI by channel",
            "params": {"group_by": "channel"},
            "owner": cmo,
            "shared": True,
        },
    )
    subscription, _created = ReportSubscription.objects.update_or_create(
        owner=finance,
        name="Monday budget vs actual",
        defaults={
            "report": "budget-vs-actual",
            "params": {"group_by": "team"},
            "format": SubscriptionFormat.PDF,
            "frequency": Frequency.WEEKLY,
            "weekday": 0,
            "active": True,
        },
    )
    subscription.recipients.set([finance, cmo])
    now = timezone.now()
    for username, days_ago in ACTIVITY.items():
        User.objects.filter(username=username, last_seen_at__isnull=True).update(
            last_seen_at=now - datetime.timedelta(days=days_ago)
        )
    stdout.write(
        "reports: 2 shared saved views, 1 weekly subscription (finance → finance, CMO), recent activity of the demo users"
    )


# Days since each demo user last used MRM (only where nothing was recorded yet).
ACTIVITY = {"marketer": 0, "cmo": 1, "finance": 2, "legal": 4, "events": 12, "north": 45, "admin": 0}
