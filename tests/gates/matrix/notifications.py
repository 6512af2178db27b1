"""Permission matrix rows of notifications: private to their recipient (PRODUCT.md §5)."""

from notifications.services import notify
from tests.support.matrix import NOT_FOUND, OK, SIGNED_IN, Resource, expect


def notification_of_marketer(world):
    return notify(
        recipients=[world.marketer],
        kind="comment",
        message="approvals.comment",
        params={"subject": "For the marketer", "who": "Anna", "body": "A question"},
        url="/approvals/",
        email=False,
    )[0]


ONLY_RECIPIENT = expect(NOT_FOUND, marketer=OK)

RESOURCES = [
    Resource(
        "notifications",
        {
            "GET /api/v1/notifications/": SIGNED_IN,
            "GET /api/v1/notifications/{id}/": ONLY_RECIPIENT,
            "POST /api/v1/notifications/{id}/read/": ONLY_RECIPIENT,
            "POST /api/v1/notifications/read-all/": SIGNED_IN,
            "notifications:list": SIGNED_IN,
            "POST notifications:read": ONLY_RECIPIENT,
            "POST notifications:read_all": SIGNED_IN,
        },
        obj=notification_of_marketer,
    ),
]
