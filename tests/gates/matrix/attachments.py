"""Permission matrix rows of attachments (issue 18 item 3, PRODUCT.md §2).

Who reads the object reads (and downloads) its attachments; another team's
confidential campaign is a 404. Who may edit the object attaches and removes
(campaigns: its team's marketers and admins; a funding request: its team's
marketers and admins). The page cards answer refusals inside the card (htmx
swaps only 2xx), so their POSTs are "allowed" for every reader.
"""

from tests.gates.matrix.budgets import TEAM_A, confidential_request, funding_request
from tests.gates.matrix.campaigns import WRITERS, campaign_of_team_a, confidential_campaign
from tests.support.matrix import SIGNED_IN, Resource, Route


def attached_to(kind, obj, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments.services import attachment_add

    brief = SimpleUploadedFile("brief.txt", b"Matrix brief\n")
    return attachment_add(target_type=kind, target_id=obj.pk, file=brief, by=world.marketer)


def target_of(world, obj):
    return {"target_type": obj.target_type, "target_id": obj.target_id}


RESOURCES = [
    Resource(
        "attachments on campaigns (issue 18.3)",
        {
            "GET /api/v1/attachments/": SIGNED_IN,
            # without a file: who may attach hears "Choose a file" (400), the others 403
            "POST /api/v1/attachments/": Route(WRITERS, data=target_of),
            "GET /api/v1/attachments/{id}/": SIGNED_IN,
            "GET /api/v1/attachments/{id}/download/": SIGNED_IN,
            "DELETE /api/v1/attachments/{id}/": WRITERS,
            "attachments:download": SIGNED_IN,
            "campaigns:attachments": Route(SIGNED_IN, kwargs=lambda w, obj: {"pk": obj.target_id}),
            "POST campaigns:attachments": Route(SIGNED_IN, kwargs=lambda w, obj: {"pk": obj.target_id}),
        },
        obj=lambda w: attached_to("campaign", campaign_of_team_a(w), w),
        confidential=lambda w: attached_to("campaign", confidential_campaign(w), w),
    ),
    Resource(
        "attachments on funding requests (issue 18.3)",
        {
            "budgets:request_attachments": Route(TEAM_A, kwargs=lambda w, obj: {"pk": obj.target_id}),
            "POST budgets:request_attachments": Route(TEAM_A, kwargs=lambda w, obj: {"pk": obj.target_id}),
        },
        obj=lambda w: attached_to("funding_request", funding_request(w), w),
        confidential=lambda w: attached_to("funding_request", confidential_request(w), w),
    ),
]
