"""Demo of reports: a shared saved view and a subscription (the figures come from the other apps' demo data).

Safe to run again: both are found by their names and updated in place.
"""

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
    stdout.write("reports: 2 shared saved views, 1 weekly subscription (finance → finance, CMO)")
