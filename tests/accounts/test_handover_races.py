"""Races on PostgreSQL with real threads: two admins handing the same person over at once."""

import pytest

from accounts.models import User
from accounts.services import user_handover
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_handovers_never_split_the_work(team, admin_user):
    # given a leaver with five open campaigns and two possible successors
    leaver = UserFactory(username="leaver", roles=["marketer"], teams=[team])
    successors = [UserFactory(username=f"next-{i}", roles=["marketer"], teams=[team]) for i in range(2)]
    for n in range(5):
        CampaignFactory(team=team, owner=leaver, code=f"RACE-{n}", status=CampaignStatus.PLANNED)
    # when two admins hand everything over at the same moment, each to another successor
    results, errors = race(
        2,
        lambda i: user_handover(
            user=User.objects.get(pk=leaver.pk),
            by=User.objects.get(pk=admin_user.pk),
            to_user=successors[i].pk,
            deactivate=True,
        ),
    )
    # then one of them moved everything, the other found nothing left to move
    assert errors == []
    assert sorted(summary.total for summary in results) == [0, 5]
    owners = set(Campaign.objects.filter(code__startswith="RACE-").values_list("owner__username", flat=True))
    assert len(owners) == 1 and owners < {"next-0", "next-1"}
    assert not User.objects.get(pk=leaver.pk).is_active
