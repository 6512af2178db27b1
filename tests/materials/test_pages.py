"""Material pages: lists, the material page with preview and pins, uploads, submit, files (PRODUCT.md §5)."""

import pytest
from django.urls import reverse

from approvals.choices import Outcome
from approvals.models import ApprovalRequest, Comment
from approvals.services import approval_comment, approval_decide
from materials.choices import ReviewStatus
from materials.models import Material
from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import make_material
from tests.materials.samples import image_bytes, pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db


def test_the_material_page_shows_the_preview_versions_and_the_submit_button(client, marketer, image_material, workflow):
    client.force_login(marketer)
    response = client.get(image_material.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    version = image_material.latest_version
    assert f'src="/materials/versions/{version.pk}/preview/?page=1"' in html
    assert 'data-testid="submit-form"' in html
    assert 'data-testid="upload-form"' in html
    assert "Not submitted" in html
    assert "Preliminary comments — not a decision" in html


def test_an_approver_sees_the_material_but_no_upload_or_submit(client, approver, image_material):
    client.force_login(approver)
    html = client.get(image_material.get_absolute_url()).content.decode()
    assert "Spring banner" in html
    assert 'data-testid="submit-form"' not in html
    assert 'data-testid="upload-form"' not in html


def test_an_approver_of_the_open_stage_sees_the_decision_buttons_and_the_pin_form(client, legal, material_in_review):
    client.force_login(legal)
    html = client.get(material_in_review.latest_version.get_absolute_url()).content.decode()
    assert 'data-testid="decision-form"' in html
    assert 'data-testid="pin-form"' in html
    assert "data-pinnable" in html


def test_a_pinned_comment_is_stored_on_the_request_and_shown_as_a_numbered_marker(client, legal, material_in_review):
    client.force_login(legal)
    version = material_in_review.latest_version
    response = client.post(
        reverse("materials:pin", args=[version.pk]), {"body": "Move the logo", "page": "1", "x": "0.25", "y": "0.75"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.page, comment.x, comment.y, comment.subject_version) == (1, 0.25, 0.75, "v1")
    assert comment.request == ApprovalRequest.objects.get()
    assert ApprovalRequest.objects.get().status == "in_progress"  # a comment never moves anything
    html = client.get(version.get_absolute_url()).content.decode()
    assert 'data-x="0.25" data-y="0.75"' in html
    assert 'data-testid="pin"' in html
    assert "Move the logo" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "", "x": "0.2", "y": "0.2"}, "This field is required"),
        ({"body": "x", "x": "1.5", "y": "0.2"}, "less than or equal to 1"),
        ({"body": "x", "x": "0.5"}, "Give both x and y"),
        ({"body": "x", "page": "7", "x": "0.5", "y": "0.5"}, "no such page"),
    ],
)
def test_a_bad_pin_is_refused_with_a_message_and_nothing_is_stored(client, legal, material_in_review, data, message):
    client.force_login(legal)
    response = client.post(reverse("materials:pin", args=[material_in_review.latest_version_id]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_need_a_request_first(client, marketer, image_material):
    client.force_login(marketer)
    response = client.post(reverse("materials:pin", args=[image_material.latest_version_id]), {"body": "Hello"})
    assert response.status_code == 409
    assert "Submit this version for approval first" in response.content.decode()


def test_the_marketer_creates_a_material_with_its_first_file(client, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    client.force_login(marketer)
    assert client.get(reverse("materials:create") + f"?campaign={campaign.pk}").status_code == 200
    response = client.post(
        reverse("materials:create"),
        {"campaign": campaign.pk, "title": "Leaflet", "kind": "pdf", "file": pdf_upload(), "note": "First draft"},
    )
    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == material.get_absolute_url()
    assert material.latest_version.original_name == "leaflet.pdf"


def test_the_form_offers_only_the_marketers_own_campaigns(client, marketer, team, other_team):
    mine = CampaignFactory(team=team, owner=marketer, name="Mine")
    theirs = CampaignFactory(team=other_team, name="Theirs")
    client.force_login(marketer)
    html = client.get(reverse("materials:create")).content.decode()
    assert mine.name in html and theirs.name not in html
    response = client.post(reverse("materials:create"), {"campaign": theirs.pk, "title": "x", "kind": "image"})
    assert response.status_code == 400
    assert not Material.objects.exists()


def test_an_upload_with_a_lying_extension_is_refused_on_the_page(client, marketer, image_material):
    client.force_login(marketer)
    response = client.post(
        reverse("materials:upload", args=[image_material.pk]), {"file": upload("fake.jpg", image_bytes("PNG"))}
    )
    assert response.status_code == 400
    assert "its content is PNG" in response.content.decode()
    assert image_material.versions.count() == 1


def test_upload_after_requested_changes_resubmits(client, marketer, legal, material_in_review):
    approval_decide(request=ApprovalRequest.objects.get(), by=legal, outcome=Outcome.REQUEST_CHANGES, note="Fix")
    client.force_login(marketer)
    response = client.post(
        reverse("materials:upload", args=[material_in_review.pk]), {"file": png_upload(), "note": "Fixed"}
    )
    assert response.status_code == 302
    material_in_review.refresh_from_db()
    assert material_in_review.status == ReviewStatus.IN_REVIEW
    assert ApprovalRequest.objects.filter(subject_version="v2", status="in_progress").exists()
    page = client.get(response["Location"], follow=True).content.decode()
    assert "submitted for approval again" in page


def test_submit_from_the_page(client, marketer, image_material, workflow):
    client.force_login(marketer)
    response = client.post(reverse("materials:submit", args=[image_material.pk]), {"reason": "Launch in May"})
    assert response.status_code == 302
    assert ApprovalRequest.objects.get().reason == "Launch in May"
    again = client.post(reverse("materials:submit", args=[image_material.pk]), {"reason": "Again"})
    assert again.status_code == 409
    assert "already has an open approval request" in again.content.decode()


def test_the_original_is_a_download_and_the_preview_an_inline_image(client, approver, image_material):
    client.force_login(approver)
    version = image_material.latest_version
    original = client.get(reverse("materials:file", args=[version.pk]))
    assert original.status_code == 200
    assert original["Content-Disposition"].startswith("attachment;")
    assert 'filename="banner.png"' in original["Content-Disposition"]
    assert original["X-Content-Type-Options"] == "nosniff"
    assert b"".join(original.streaming_content) == image_bytes()
    preview = client.get(reverse("materials:preview", args=[version.pk]) + "?page=1")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["Content-Disposition"].startswith("inline")
    assert client.get(reverse("materials:preview", args=[version.pk]) + "?page=2").status_code == 404
    assert client.get(reverse("materials:preview", args=[version.pk]) + "?page=x").status_code == 404


def test_files_are_not_served_from_media_url(client, approver, image_material):
    client.force_login(approver)
    assert client.get(f"/media/{image_material.latest_version.file.name}").status_code == 404


def test_another_teams_marketer_gets_404_for_a_confidential_campaigns_material(
    client, other_team_marketer, marketer, team
):
    secret = make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer, confidential=True))
    version = secret.latest_version
    client.force_login(other_team_marketer)
    for url in (
        secret.get_absolute_url(),
        version.get_absolute_url(),
        reverse("materials:file", args=[version.pk]),
        reverse("materials:preview", args=[version.pk]) + "?page=1",
        reverse("materials:campaign_materials", args=[secret.campaign_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert secret.title not in client.get(reverse("materials:list")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, image_material):
    for url in (image_material.get_absolute_url(), reverse("materials:file", args=[image_material.latest_version_id])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_filters_by_campaign_kind_and_status(client, marketer, team, image_material, pdf_material):
    client.force_login(marketer)
    html = client.get(reverse("materials:list") + "?kind=pdf").content.decode()
    assert "Leaflet" in html and "Spring banner" not in html
    html = client.get(reverse("materials:list") + f"?campaign={image_material.campaign_id}").content.decode()
    assert "Spring banner" in html and "Leaflet" not in html
    assert client.get(reverse("materials:list") + "?status=nonsense").status_code == 200


def test_the_campaign_panel_lists_the_campaigns_materials(client, marketer, image_material):
    client.force_login(marketer)
    response = client.get(
        reverse("materials:campaign_materials", args=[image_material.campaign_id]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'data-testid="campaign-materials"' in html and "<html" not in html
    assert "Spring banner" in html and "Add material" in html


def test_the_page_of_an_earlier_version_keeps_its_decisions(client, marketer, legal, approver, material_in_review):
    request = ApprovalRequest.objects.get()
    approval_comment(request=request, by=legal, body="Typo on line 2")
    approval_decide(request=request, by=legal, outcome=Outcome.REQUEST_CHANGES, note="Fix the typo")
    client.force_login(marketer)
    client.post(reverse("materials:upload", args=[material_in_review.pk]), {"file": png_upload()})
    v1 = material_in_review.versions.get(number=1)
    html = client.get(v1.get_absolute_url()).content.decode()
    assert "Fix the typo" in html and "Typo on line 2" in html and "an earlier version" in html
    v2_html = client.get(material_in_review.get_absolute_url()).content.decode()
    assert "Fix the typo" not in v2_html


@pytest.fixture
def back_to_english():
    yield
    from django.utils import translation

    translation.activate("en")


def test_the_material_page_speaks_russian(client, marketer, image_material, workflow, back_to_english):
    marketer.language = "ru"
    marketer.save()
    client.force_login(marketer)
    html = client.get(image_material.get_absolute_url()).content.decode()
    assert "Превью v1" in html
    assert "Отправить v1 на согласование" in html
    assert "Загрузить новую версию" in html
    assert "Не отправлен" in html
    listing = client.get(reverse("materials:list")).content.decode()
    assert "Нет материалов" not in listing and "Материалы" in listing


def test_the_version_page_as_an_htmx_fragment_is_the_preview_with_its_pins(client, legal, material_in_review):
    # given a pinned comment on the version under review
    approval_comment(request=ApprovalRequest.objects.get(), by=legal, body="Here", page=1, x=0.424, y=0.1)
    version = material_in_review.latest_version
    client.force_login(legal)
    # when the approval request page loads the subject link with htmx
    response = client.get(ApprovalRequest.objects.get().subject_url, HTTP_HX_REQUEST="true")
    # then it gets the preview alone, with the pin placed by classes (no script runs in swapped content)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="approval-material-preview"' in html
    assert f'src="/materials/versions/{version.pk}/preview/?page=1"' in html
    assert "pin-x-42 pin-y-10" in html
    assert f'href="{version.get_absolute_url()}#comment-' in html
    assert "data-pinnable" not in html
