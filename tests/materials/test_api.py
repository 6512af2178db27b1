"""The materials API (PRODUCT.md §8): list/create/retrieve/update, multipart versions, submit."""

import pytest

from approvals.models import ApprovalRequest
from materials.models import Material
from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import make_material
from tests.materials.samples import image_bytes, pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db


def test_a_marketer_creates_a_material_and_uploads_a_version_as_multipart(api_as, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    client = api_as(marketer)
    created = client.post(
        "/api/v1/materials/", {"campaign": campaign.pk, "title": "Leaflet", "kind": "pdf"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    assert created.json()["latest_version"] is None
    material_id = created.json()["id"]
    uploaded = client.post(
        f"/api/v1/materials/{material_id}/versions/", {"file": pdf_upload(), "note": "First"}, format="multipart"
    )
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["number"] == 1 and body["label"] == "v1"
    assert body["content_type"] == "application/pdf"
    assert body["original_name"] == "leaflet.pdf"
    assert body["file_url"] == f"/materials/versions/{body['id']}/file/"
    assert body["approval_request"] is None
    listed = client.get(f"/api/v1/materials/{material_id}/versions/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]


def test_a_bad_file_is_a_400_with_a_field_message(api_as, marketer, image_material):
    response = api_as(marketer).post(
        f"/api/v1/materials/{image_material.pk}/versions/", {"file": upload("x.gif", image_bytes())}, format="multipart"
    )
    assert response.status_code == 400
    assert "its content is PNG" in response.json()["file"][0]
    missing = api_as(marketer).post(f"/api/v1/materials/{image_material.pk}/versions/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()


def test_submit_answers_201_with_the_request_then_409(api_as, marketer, image_material, workflow):
    client = api_as(marketer)
    response = client.post(f"/api/v1/materials/{image_material.pk}/submit/", {"reason": "Launch"}, format="json")
    assert response.status_code == 201, response.content
    request = ApprovalRequest.objects.get()
    assert response.json() == {"approval_request": request.pk, "version": "v1", "status": "in_review"}
    again = client.post(f"/api/v1/materials/{image_material.pk}/submit/", {}, format="json")
    assert again.status_code == 409
    detail = client.get(f"/api/v1/materials/{image_material.pk}/").json()
    assert detail["approval_request"] == request.pk and detail["status"] == "in_review"
    upload_now = client.post(
        f"/api/v1/materials/{image_material.pk}/versions/", {"file": png_upload()}, format="multipart"
    )
    assert upload_now.status_code == 409


def test_others_may_read_but_not_write(api_as, approver, other_team_marketer, image_material, workflow):
    for person in (approver, other_team_marketer):
        client = api_as(person)
        assert client.get(f"/api/v1/materials/{image_material.pk}/").status_code == 200
        assert client.patch(f"/api/v1/materials/{image_material.pk}/", {"title": "x"}, format="json").status_code == 403
        assert (
            client.post(
                f"/api/v1/materials/{image_material.pk}/versions/", {"file": png_upload()}, format="multipart"
            ).status_code
            == 403
        )
        assert client.post(f"/api/v1/materials/{image_material.pk}/submit/", {}, format="json").status_code == 403
        created = client.post(
            "/api/v1/materials/", {"campaign": image_material.campaign_id, "title": "x", "kind": "image"}, format="json"
        )
        assert created.status_code == 403
    image_material.refresh_from_db()
    assert image_material.title == "Spring banner" and image_material.versions.count() == 1
    assert Material.objects.count() == 1


def test_confidential_materials_of_another_team_do_not_exist_for_its_marketers(
    api_as, marketer, other_team_marketer, team
):
    secret = make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer, confidential=True))
    client = api_as(other_team_marketer)
    assert client.get(f"/api/v1/materials/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v1/materials/{secret.pk}/versions/").status_code == 404
    assert client.get("/api/v1/materials/").json()["count"] == 0
    assert api_as(marketer).get("/api/v1/materials/").json()["count"] == 1


def test_anonymous_gets_401(api_client, image_material):
    assert api_client.get("/api/v1/materials/").status_code == 401


def test_update_renames_and_keeps_the_campaign(api_as, marketer, image_material, team):
    other = CampaignFactory(team=team, owner=marketer)
    response = api_as(marketer).patch(
        f"/api/v1/materials/{image_material.pk}/", {"title": "Summer banner", "campaign": other.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Summer banner"
    assert response.json()["campaign"] == image_material.campaign_id
    kind = api_as(marketer).patch(f"/api/v1/materials/{image_material.pk}/", {"kind": "pdf"}, format="json")
    assert kind.status_code == 400 and "kind" in kind.json()


def test_filters_by_campaign_kind_and_status(api_as, marketer, image_material, pdf_material):
    client = api_as(marketer)
    assert [m["id"] for m in client.get("/api/v1/materials/?kind=pdf").json()["results"]] == [pdf_material.pk]
    by_campaign = client.get(f"/api/v1/materials/?campaign={image_material.campaign_id}").json()["results"]
    assert [m["id"] for m in by_campaign] == [image_material.pk]
    assert client.get("/api/v1/materials/?status=in_review").json()["count"] == 0
    assert client.get("/api/v1/materials/?status=bogus").status_code == 400
