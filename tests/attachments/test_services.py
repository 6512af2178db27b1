"""Attachments (issue 18 item 3): allowed by content, size-capped, scanned when configured, kept when removed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from attachments.models import Attachment
from attachments.services import attachment_add, attachment_remove
from mrm.exceptions import StateConflict
from tests.attachments.samples import brief, image_bytes, odf_bytes, office_bytes, pdf_bytes, upload
from tests.budgets.factories import CommitmentFactory, ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import ActivityFactory, TaskFactory

pytestmark = pytest.mark.django_db

SCANNED = []


def clean_scanner(file, *, name, content_type):
    SCANNED.append((name, content_type, file.read(5)))


def infected_scanner(file, *, name, content_type):
    return "Eicar-Test-Signature found"


def broken_scanner(file, *, name, content_type):
    raise ConnectionError("clamd is down")


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("brief.pdf", pdf_bytes(), "application/pdf"),
        ("photo.png", image_bytes("PNG"), "image/png"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        (
            "contract.docx",
            office_bytes("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("quote.xlsx", office_bytes("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "deck.pptx",
            office_bytes("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("notes.odt", odf_bytes("text"), "application/vnd.oasis.opendocument.text"),
        ("plan.ods", odf_bytes("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
        ("notes.txt", "Бриф: запуск весной\n".encode(), "text/plain"),
        ("vendors.csv", b"vendor;amount\nAcme;1500,00\n", "text/plain"),
    ],
)
def test_allowed_types_are_attached_with_their_real_content_type(campaign, marketer, name, content, content_type):
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=upload(name, content), by=marketer)
    assert (attachment.name, attachment.content_type, attachment.size) == (name, content_type, len(content))
    assert attachment.file.name.startswith("attachments/campaign/") and name not in attachment.file.name
    assert default_storage.exists(attachment.file.name)
    assert attachment.history.get().history_user == marketer


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "cannot be attached"),
        ("page.html", b"<html><script>alert(1)</script></html>", "cannot be attached"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "cannot be attached"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40, "cannot be attached"),
        ("brief.txt", pdf_bytes(), "Rename it to .pdf"),
        ("report.pdf", b"just words, not a PDF", "Rename it to .txt"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_are_judged_by_content_and_refused_with_a_clear_message(campaign, marketer, name, content, message):
    with pytest.raises(ValidationError) as error:
        attachment_add(target_type="campaign", target_id=campaign.pk, file=upload(name, content), by=marketer)
    assert message in " ".join(error.value.messages)
    assert not Attachment.objects.exists()


def test_files_above_the_cap_are_refused(campaign, marketer, settings):
    settings.MRM_ATTACHMENT_MAX_MB = 1
    big = upload("big.txt", b"a" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        attachment_add(target_type="campaign", target_id=campaign.pk, file=big, by=marketer)
    assert "larger than 1 MB" in " ".join(error.value.messages)
    assert not Attachment.objects.exists()


def test_the_scanner_sees_each_file_and_its_refusal_is_shown(campaign, marketer, settings, media_root):
    settings.MRM_ATTACHMENT_SCANNER = "tests.attachments.test_services.clean_scanner"
    SCANNED.clear()
    attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    assert SCANNED == [("Brief_v2.pdf", "application/pdf", b"%PDF-")]

    settings.MRM_ATTACHMENT_SCANNER = "tests.attachments.test_services.infected_scanner"
    with pytest.raises(ValidationError) as error:
        attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    assert error.value.messages == ["Eicar-Test-Signature found"]
    assert Attachment.objects.count() == 1
    assert len(list((media_root / "attachments" / "campaign").iterdir())) == 1  # nothing stored for the refused one


def test_a_scanner_that_fails_refuses_the_file(campaign, marketer, settings):
    settings.MRM_ATTACHMENT_SCANNER = "tests.attachments.test_services.broken_scanner"
    with pytest.raises(ValidationError) as error:
        attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    assert "could not be checked for viruses" in " ".join(error.value.messages)


def test_removing_keeps_the_file_the_row_and_who_did_it(campaign, marketer):
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    removed = attachment_remove(attachment=attachment, by=marketer)
    assert removed.removed_by == marketer and removed.removed_at is not None
    assert Attachment.objects.present().count() == 0 and Attachment.objects.removed().count() == 1
    assert default_storage.exists(removed.file.name)
    history = list(removed.history.order_by("history_date"))
    assert [(h.history_type, h.history_user, h.removed_at is not None) for h in history] == [
        ("+", marketer, False),
        ("~", marketer, True),
    ]
    with pytest.raises(StateConflict):
        attachment_remove(attachment=attachment, by=marketer)


def test_readers_who_may_not_edit_cannot_attach_or_remove(campaign, marketer, approver, finance_user):
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    for reader in (approver, finance_user):
        with pytest.raises(PermissionDenied):
            attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=reader)
        with pytest.raises(PermissionDenied):
            attachment_remove(attachment=attachment, by=reader)


def test_an_object_you_cannot_read_is_answered_as_a_missing_one(secret, marketer):
    with pytest.raises(ValidationError) as hidden:
        attachment_add(target_type="campaign", target_id=secret.pk, file=brief(), by=marketer)
    with pytest.raises(ValidationError) as missing:
        attachment_add(target_type="campaign", target_id=999999, file=brief(), by=marketer)
    assert hidden.value.message_dict == missing.value.message_dict == {"target_id": ["This object does not exist."]}


def test_every_registered_kind_takes_attachments(campaign, marketer, finance_user):
    activity = ActivityFactory(campaign=campaign)
    task = TaskFactory(campaign=campaign)
    request = FundingRequestFactory(campaign=campaign)
    commitment = CommitmentFactory(funding_request__campaign=campaign)
    expense = ExpenseFactory(funding_request__campaign=campaign)
    for kind, obj, by in [
        ("activity", activity, marketer),
        ("task", task, marketer),
        ("funding_request", request, marketer),
        ("commitment", commitment, finance_user),
        ("expense", expense, finance_user),
    ]:
        attachment_add(target_type=kind, target_id=obj.pk, file=brief(), by=by)
    assert Attachment.objects.count() == 5
    assert Attachment.objects.visible_to(marketer).count() == 5
    # finance attaches to spend records of any campaign, but a request is its team's (§2)
    with pytest.raises(PermissionDenied):
        attachment_add(target_type="funding_request", target_id=request.pk, file=brief(), by=finance_user)
