"""Journey (issue 5): a marketer uploads a PDF and submits it; the CMO pins a comment on the preview and
requests changes; the marketer uploads v2, which restarts the review; the CMO approves it from the inbox."""

import pytest
from playwright.sync_api import expect

from approvals.choices import Outcome, RequestStatus
from approvals.models import ApprovalRequest, Comment, Decision
from materials.choices import ReviewStatus
from materials.models import Material
from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import material_workflow
from tests.materials.samples import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_file(name: str, pages: int = 1) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(pages)}


def test_marketer_submits_a_pdf_the_cmo_proofs_it_and_v2_is_approved_from_the_inbox(
    page, live_server, sign_in, screenshot, media, marketer, approver, team
):
    campaign = CampaignFactory(code="BR-777", name="Spring fair", team=team, owner=marketer, sponsor=approver)
    material_workflow(approver)  # one stage: the CMO

    # the marketer adds a PDF material to the campaign and submits it
    sign_in(page, marketer, next_path=f"/materials/new/?campaign={campaign.pk}")
    page.get_by_label("Title").fill("Fair leaflet")
    page.get_by_label("Kind").select_option("pdf")
    page.get_by_label("File").set_input_files(pdf_file("fair-leaflet.pdf", pages=2))
    page.get_by_role("button", name="Add material").click()
    expect(page.get_by_test_id("preview-image")).to_have_count(2)  # one preview per PDF page
    page.get_by_label("Why does it need approval now?").fill("Print deadline on Friday")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("material-status")).to_have_text("In review")
    material = Material.objects.get()

    # the CMO opens the inbox, follows the request to the material and pins a comment on page 2
    page.context.clear_cookies()
    sign_in(page, approver, next_path="/approvals/")
    row = page.get_by_test_id("inbox-row").filter(has_text="Fair leaflet — v1")
    expect(row).to_be_visible()
    row.get_by_role("link", name="Fair leaflet — v1").click()
    page.get_by_role("link", name="Open the subject").click()
    second_page = page.get_by_test_id("preview-image").nth(1)
    second_page.scroll_into_view_if_needed()
    box = second_page.bounding_box()
    second_page.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    expect(page.get_by_test_id("pin-form").get_by_role("status")).to_contain_text("Pinned on page 2")
    page.get_by_label("Comment on this version (preliminary, not a decision)").fill("The date is wrong here")
    page.get_by_role("button", name="Post comment (not a decision)").click()
    pin = page.get_by_test_id("pin")
    expect(pin).to_have_count(1)
    expect(pin).to_have_text("1")
    expect(page.get_by_test_id("discussion").get_by_test_id("comment")).to_contain_text("The date is wrong here")
    comment = Comment.objects.get()
    assert comment.page == 2 and 0.15 < comment.x < 0.35 and 0.4 < comment.y < 0.6
    # the marker sits where the CMO clicked (placed by materials.js, no inline style in the HTML)
    marker, image = pin.bounding_box(), page.get_by_test_id("preview-image").nth(1).bounding_box()
    assert abs((marker["x"] + marker["width"] / 2) - (image["x"] + image["width"] * comment.x)) < 3
    screenshot(page, "materials_proofing")
    # and requests changes from the material page
    page.get_by_label("Note").fill("Fix the date on page 2")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_test_id("final-outcome")).to_contain_text("Final outcome: changes requested")

    # the marketer uploads v2: it is submitted again at once
    page.context.clear_cookies()
    sign_in(page, marketer, next_path=material.get_absolute_url())
    expect(page.get_by_test_id("material-status")).to_have_text("Changes requested")
    page.get_by_label("File").set_input_files(pdf_file("fair-leaflet-v2.pdf", pages=2))
    page.get_by_label("What changed?").fill("Date fixed")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("v2 was uploaded and submitted for approval again")).to_be_visible()
    expect(page.get_by_test_id("version-label")).to_have_text("v2")
    expect(page.get_by_test_id("material-status")).to_have_text("In review")
    screenshot(page, "materials_version_page")

    # the CMO approves v2 from the inbox in one click
    page.context.clear_cookies()
    sign_in(page, approver, next_path="/approvals/")
    row = page.get_by_test_id("inbox-row").filter(has_text="Fair leaflet — v2")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("inbox-result")).to_contain_text("Approve")

    material.refresh_from_db()
    assert material.status == ReviewStatus.APPROVED
    assert material.latest_version.number == 2 and material.latest_version.approved_at is not None
    # the first decision stays on record against v1
    assert list(
        Decision.objects.order_by("created_at").values_list("subject_version", "outcome", "request__status")
    ) == [
        ("v1", Outcome.REQUEST_CHANGES, RequestStatus.CHANGES_REQUESTED),
        ("v2", Outcome.APPROVE, RequestStatus.APPROVED),
    ]
    assert ApprovalRequest.objects.count() == 2


def test_material_lists_pass_the_accessibility_audit(page, live_server, sign_in, screenshot, media, marketer, team):
    from tests.materials.factories import make_material

    make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer, code="BR-778"))
    sign_in(page, marketer, next_path="/materials/")
    expect(page.get_by_test_id("material-row")).to_have_count(1)
    screenshot(page, "materials_list")
    page.get_by_role("link", name="Spring banner").click()
    expect(page.get_by_test_id("preview-image")).to_be_visible()
