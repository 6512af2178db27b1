"""Journey (issue 18 item 3): a marketer drops two files on the campaign page and picks two more on the funding
request's, sees them listed without reloading, and removes one (kept in the history)."""

import pytest
from playwright.sync_api import expect

from attachments.models import Attachment
from tests.attachments.samples import image_bytes, pdf_bytes
from tests.budgets.factories import FundingRequestFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP_TWO_FILES = """([pdf, png]) => {
  const zone = document.querySelector("[data-attachments-drop]");
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(pdf)], "brief.pdf", {type: "application/pdf"}));
  data.items.add(new File([new Uint8Array(png)], "key-visual.png", {type: "image/png"}));
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


@pytest.fixture(autouse=True)
def default_channels(transactional_db, settings, tmp_path):
    from campaigns.services import channels_ensure_defaults

    settings.MEDIA_ROOT = tmp_path / "media"
    channels_ensure_defaults()


def test_drop_two_files_then_pick_two_more_and_remove_one(page, live_server, sign_in, marketer, team, screenshot):
    campaign = CampaignFactory(code="ATT-1", name="Spring launch", team=team, owner=marketer)
    funding = FundingRequestFactory(campaign=campaign, requested_by=marketer)
    sign_in(page, marketer, next_path=campaign.get_absolute_url())
    card = page.locator("#attachments")
    expect(card).to_contain_text("No files attached yet.")

    # when two files are dropped on the card
    page.evaluate(DROP_TWO_FILES, [list(pdf_bytes()), list(image_bytes("PNG"))])

    # then both are listed, without a reload
    links = page.locator("#attachments").get_by_test_id("attachment-link")
    expect(links).to_have_text(["brief.pdf", "key-visual.png"])
    expect(page.locator("#attachments").get_by_role("status")).to_contain_text("2 files attached.")

    # and a removal asks first, then keeps the file in the history
    first = page.locator("#attachments").get_by_test_id("attachment").first
    first.get_by_text("Remove…").click()
    first.get_by_role("button", name="Yes, remove").click()
    expect(page.locator("#attachments").get_by_test_id("attachment-link")).to_have_text(["key-visual.png"])
    expect(page.locator("#attachments").get_by_test_id("attachments-removed")).to_contain_text("1 removed file")
    assert Attachment.objects.removed().get().removed_by == marketer

    # on the funding request's page, two files picked at once (the plain multiple file input)
    page.goto(f"{live_server.url}{funding.get_absolute_url()}")
    page.locator("#attachments-file").set_input_files(
        [
            {"name": "quote.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "photo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")},
        ]
    )
    page.locator("#attachments").get_by_role("button", name="Attach").click()
    expect(page.locator("#attachments").get_by_test_id("attachment-link")).to_have_text(["quote.pdf", "photo.png"])
    assert Attachment.objects.filter(target_type="funding_request", target_id=funding.pk).count() == 2

    # the campaign's card, as the docs show it: what is attached and what was removed (the screenshot last:
    # it leaves empty style attributes on inputs that a later htmx swap would copy, against the strict CSP)
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}#attachments")
    page.locator("#attachments").get_by_test_id("attachments-removed").locator("summary").click()
    screenshot(page, "campaign_attachments")
