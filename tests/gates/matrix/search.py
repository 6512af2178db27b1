"""Permission matrix rows of search (issue 18.4).

Search is for everyone signed in; what it finds is each type's own scope. A
confidential campaign of team A named like the search is found by team A's
marketer and never by the other team's (neither its link nor its id).
"""

from tests.campaigns.factories import CampaignFactory
from tests.support.matrix import SIGNED_IN, Resource, Route

QUERY = {"q": "matrixsearch"}


def confidential_campaign(world):
    return CampaignFactory(
        team=world.team, owner=world.marketer, sponsor=world.approver, name="Matrixsearch launch", confidential=True
    )


RESOURCES = [
    Resource(
        "search",
        {
            "search:results": Route(SIGNED_IN, query=QUERY),
            "GET /api/v1/search/": Route(SIGNED_IN, query=QUERY),
        },
        confidential=confidential_campaign,
    ),
]
