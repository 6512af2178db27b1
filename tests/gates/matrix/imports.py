"""Permission matrix rows of the import engine's own routes: the templates to fill in (issue 17.1)."""

from tests.support.matrix import FORBIDDEN, Resource, Route, only

RESOURCES = [
    Resource(
        "import templates",
        {
            # who may import the kind downloads its template; finance may import, but not campaigns
            "GET /api/v1/imports/templates/{kind}/": Route(
                only("marketer", "admin", "other_team") | {"finance": FORBIDDEN}, kwargs={"kind": "campaigns"}
            ),
        },
    ),
]
