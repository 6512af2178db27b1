"""Permission matrix rows of change requests (PRODUCT.md §2, §7).

The row's object is a change request asked by team A's marketer, on an
expense category team A uses, with the marketer as team A's champion (so
they answer for the team). Only the requester, team A's members and admins
see it: the approver, finance and another team's marketer get 404 on every
route that takes it. Anyone with a role asks for a change. Answers are the
champion's (the admin, in no team, is refused); apply and decline are the
admins' (409 while the team has not acknowledged still counts as past the
permission gate); withdraw is the requester's or an admin's; confirm the
requester's.
"""

from changes.choices import ConfigurableField
from tests.changes.factories import make_champion, make_change
from tests.support.matrix import FORBIDDEN, NOT_FOUND, OK, SIGNED_IN, Resource, Route, expect

HIDDEN = {"approver": NOT_FOUND, "finance": NOT_FOUND, "leadership": NOT_FOUND, "other_team": NOT_FOUND}
READERS = expect(OK, **HIDDEN)
CHAMPION = expect(FORBIDDEN, marketer=OK, **HIDDEN)
ADMINS = expect(FORBIDDEN, admin=OK, **HIDDEN)
REQUESTER_OR_ADMIN = expect(OK, **HIDDEN)
REQUESTER = expect(FORBIDDEN, marketer=OK, **HIDDEN)

NEW = {"target_kind": "field", "field_name": ConfigurableField.CAMPAIGN_CHANNELS, "what": "Add TikTok", "why": "Ads"}


def change_of_team_a(world):
    make_champion(world.marketer, world.team)
    return make_change(by=world.marketer, team=world.team)


RESOURCES = [
    Resource(
        "change requests",
        {
            "GET /api/v1/change-requests/": SIGNED_IN,
            "POST /api/v1/change-requests/": Route(SIGNED_IN, data=NEW),
            "GET /api/v1/change-requests/{id}/": READERS,
            "POST /api/v1/change-requests/{id}/acknowledge/": Route(CHAMPION, data={"note": "Fine"}),
            "POST /api/v1/change-requests/{id}/object/": Route(CHAMPION, data={"note": "Breaks our report"}),
            "POST /api/v1/change-requests/{id}/apply/": Route(ADMINS, data={"note": "Done"}),
            "POST /api/v1/change-requests/{id}/decline/": Route(ADMINS, data={"note": "No"}),
            "POST /api/v1/change-requests/{id}/withdraw/": REQUESTER_OR_ADMIN,
            "POST /api/v1/change-requests/{id}/confirm/": Route(REQUESTER, data={"note": "Still needed"}),
            "changes:list": SIGNED_IN,
            "changes:create": SIGNED_IN,
            "POST changes:create": Route(SIGNED_IN, data=NEW),
            "changes:preview": Route(SIGNED_IN, query={"target_kind": "field", "field_name": "campaign.channels"}),
            "changes:detail": READERS,
            "POST changes:acknowledge": Route(CHAMPION, data={"note": "Fine"}),
            "POST changes:object": Route(CHAMPION, data={"note": "Breaks our report"}),
            "POST changes:apply": Route(ADMINS, data={"note": "Done"}),
            "POST changes:decline": Route(ADMINS, data={"note": "No"}),
            "POST changes:withdraw": REQUESTER_OR_ADMIN,
            "POST changes:confirm": Route(REQUESTER, data={"note": "Still needed"}),
        },
        obj=change_of_team_a,
    ),
]
