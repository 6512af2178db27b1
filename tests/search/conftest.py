"""A world to search: each type with the word "nebula", in an open campaign of team A and a
confidential campaign of team B."""

from decimal import Decimal

import pytest

from budgets.choices import FundingRequestStatus
from help.models import HelpArticle
from materials.models import Material
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.help.factories import HelpArticleFactory, answered, ask, make_champion, team_member

TYPES = ["campaign", "activity", "task", "material", "funding_request", "vendor", "help_article", "question"]


def campaign_with_parts(*, team, name, confidential=False, number, vendor):
    campaign = CampaignFactory(team=team, name=name, confidential=confidential, description="A nebula of leads.")
    ActivityFactory(campaign=campaign, name=f"{name} rehearsal")
    TaskFactory(campaign=campaign, title=f"{name} slides")
    Material.objects.create(campaign=campaign, title=f"{name} banner", owner=campaign.owner)
    request = FundingRequestFactory(
        campaign=campaign,
        number=number,
        justification=f"Money for {name}",
        status=FundingRequestStatus.APPROVED,
        approved_amount=Decimal("10000.00"),
    )
    ExpenseFactory(funding_request=request, vendor=vendor)
    CommitmentFactory(funding_request=request, vendor=vendor)
    return campaign


@pytest.fixture
def search_world(team, other_team, marketer):
    """Team A's open "Nebula launch" and team B's confidential "Nebula secret", each with every part."""
    own = campaign_with_parts(team=team, name="Nebula launch", number="FR-2099-0001", vendor="Nebula Print")
    secret = campaign_with_parts(
        team=other_team, name="Nebula secret", confidential=True, number="FR-2099-0002", vendor="Nebula Secret Studio"
    )
    HelpArticleFactory(slug="nebula-help", title="Nebula reports explained", body="How nebula reports are read.")
    HelpArticleFactory(slug="nebula-draft", title="Nebula draft article", published=False)
    champion = make_champion(team_member(team, "champion"), team)
    answered(marketer, champion, body="Where is the nebula report?", answer="Under Reports.")
    ask(marketer, body="Is the nebula open question answered?")
    return {"own": own, "secret": secret}


def titles(groups, type_=None):
    return [hit.title for group in groups if type_ in (None, group.type) for hit in group.hits]


@pytest.fixture
def help_article_count():
    return HelpArticle.objects.count
