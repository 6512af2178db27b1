"""factory_boy factories for campaigns and their parts."""

import datetime as dt
from decimal import Decimal

import factory

from campaigns.choices import ActivityType, CampaignStatus, KPIMetric
from campaigns.models import KPI, Activity, CalendarFeed, Campaign, Task
from tests.factories import TeamFactory, UserFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft campaign; pass ``status=`` to place it anywhere in the lifecycle directly."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    team = factory.SubFactory(TeamFactory)
    owner = factory.SubFactory(UserFactory, roles=["marketer"])
    sponsor = factory.SubFactory(UserFactory, roles=["approver"])
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    end_date = factory.LazyAttribute(lambda c: c.start_date + dt.timedelta(days=30))
    planned_cost = Decimal("0.00")
    status = CampaignStatus.DRAFT

    @factory.post_generation
    def channels(self, create, extracted, **kwargs):
        if create and extracted:
            self.channels.set(extracted)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")
    type = ActivityType.EVENT
    start_date = factory.LazyAttribute(lambda a: a.campaign.start_date + dt.timedelta(days=1))
    end_date = factory.LazyAttribute(lambda a: a.start_date)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Task {n}")


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    campaign = factory.SubFactory(CampaignFactory)
    metric = KPIMetric.LEADS
    target = Decimal("100")


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    owner = factory.SubFactory(UserFactory, roles=["marketer"])
    name = "My feed"
    filters = factory.LazyFunction(dict)
