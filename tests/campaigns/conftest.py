"""Campaign fixtures, named by state (PRODUCT.md §2/§3)."""

import datetime as dt

import pytest

from campaigns.choices import CampaignStatus
from campaigns.services import channels_ensure_defaults
from tests.campaigns.factories import ActivityFactory, CampaignFactory
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def default_channels(db):
    """The migration's channels, also after a transactional test flushed the database."""
    channels_ensure_defaults()


@pytest.fixture
def sponsor(db):
    return UserFactory(username="sponsor", roles=["approver"])


@pytest.fixture
def draft_campaign(team, marketer, sponsor):
    return CampaignFactory(code="BR-001", name="Brand spring", team=team, owner=marketer, sponsor=sponsor)


@pytest.fixture
def planned_campaign(team, marketer, sponsor):
    return CampaignFactory(
        code="BR-002", name="Brand summer", team=team, owner=marketer, sponsor=sponsor, status=CampaignStatus.PLANNED
    )


@pytest.fixture
def other_team_confidential_campaign(other_team, other_team_marketer, sponsor):
    """Another team's secret: only its team, owner, sponsor, shared users, finance and admins see it."""
    campaign = CampaignFactory(
        code="EV-SECRET",
        name="Secret acquisition launch",
        team=other_team,
        owner=other_team_marketer,
        sponsor=sponsor,
        confidential=True,
        status=CampaignStatus.PLANNED,
    )
    ActivityFactory(
        campaign=campaign,
        name="Secret briefing",
        public=True,
        start_date=dt.date.today(),
        end_date=dt.date.today(),
    )
    return campaign
