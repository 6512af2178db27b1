"""Permission matrix rows of materials (PRODUCT.md §2, §5).

Reading follows the campaign: every signed-in role reads materials, their
versions, files and previews, except those of another team's confidential
campaign (404). Writing (adding, renaming, uploading, submitting) is for the
campaign team's marketers and admins (403 for the others). Anyone who sees a
version may comment on it (without a request yet, the comment is refused as
a state conflict, not by permission).
"""

from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import make_material
from tests.support.matrix import SIGNED_IN, Resource, Route, only

WRITERS = only("marketer", "admin")


def material_of_team_a(world, **campaign):
    campaign = CampaignFactory(team=world.team, owner=world.marketer, sponsor=world.approver, **campaign)
    return make_material(by=world.marketer, campaign=campaign)


def confidential_material(world):
    return material_of_team_a(world, confidential=True)


def new_material(world, obj=None):
    campaign_id = obj.campaign_id if obj is not None else material_of_team_a(world).campaign_id
    return {"campaign": campaign_id, "title": "Matrix banner", "kind": "image"}


def of_campaign(world, obj):
    return {"campaign_pk": obj.campaign_id}


RESOURCES = [
    Resource(
        "materials",
        {
            "GET /api/v1/materials/": SIGNED_IN,
            "POST /api/v1/materials/": Route(WRITERS, data=new_material),
            "GET /api/v1/materials/{id}/": SIGNED_IN,
            "PUT /api/v1/materials/{id}/": Route(WRITERS, data={"title": "Renamed", "kind": "image"}),
            "PATCH /api/v1/materials/{id}/": Route(WRITERS, data={"title": "Renamed"}),
            "GET /api/v1/materials/{id}/versions/": SIGNED_IN,
            "POST /api/v1/materials/{id}/versions/": WRITERS,
            "POST /api/v1/materials/{id}/submit/": Route(WRITERS, data={"reason": "Matrix"}),
            "materials:list": SIGNED_IN,
            "materials:create": only("marketer", "admin", "other_team"),
            "POST materials:create": Route(only("marketer", "admin", "other_team"), data=new_material),
            "materials:campaign_materials": Route(SIGNED_IN, kwargs=of_campaign),
            "materials:detail": SIGNED_IN,
            "POST materials:upload": WRITERS,
            "POST materials:submit": Route(WRITERS, data={"reason": "Matrix"}),
        },
        obj=material_of_team_a,
        confidential=confidential_material,
    ),
    Resource(
        "material versions",
        {
            "materials:version": SIGNED_IN,
            "materials:file": SIGNED_IN,
            "materials:preview": Route(SIGNED_IN, query={"page": 1}),
            "POST materials:pin": Route(SIGNED_IN, data={"body": "Matrix comment"}),
        },
        obj=lambda world: material_of_team_a(world).latest_version,
        confidential=lambda world: confidential_material(world).latest_version,
    ),
]
