"""PO and invoice attachments follow the upload rules of materials (PRODUCT.md §4, §5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from budgets import services
from budgets.models import Expense

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


def attach(request, by, upload):
    return services.expense_create(
        funding_request=request,
        by=by,
        vendor="Printer",
        amount=Decimal("100.00"),
        date=datetime.date(2027, 2, 3),
        attachment=upload,
    )


def refusal(request, by, upload) -> str:
    with pytest.raises(ValidationError) as refused:
        attach(request, by, upload)
    return refused.value.message_dict["attachment"][0]


def test_an_invoice_pdf_is_kept_under_a_random_name_with_its_safe_original_name(approved_request, marketer):
    # when
    expense = attach(approved_request, marketer, SimpleUploadedFile("../Счёт 5.PDF", PDF))
    # then
    assert expense.attachment_name == "Счёт_5.pdf"
    assert expense.attachment.name.startswith("spend/expense/") and "Счёт" not in expense.attachment.name
    assert expense.attachment.read() == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.pdf", PNG), "ends in “.pdf” but its content is PNG"),
        (SimpleUploadedFile("invoice", PDF), "ends in “no extension” but its content is PDF"),
        (SimpleUploadedFile("empty.pdf", b""), "The file is empty."),
        (SimpleUploadedFile("banner.gif", GIF), "Attach a PDF, PNG, JPEG, XLSX or DOCX file."),
        (SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64), "Attach a PDF, PNG, JPEG, XLSX or DOCX file."),
    ],
    ids=["name-disagrees-with-content", "no-extension", "empty", "gif-is-no-invoice", "executable"],
)
def test_what_materials_would_refuse_or_no_invoice_is_is_refused(approved_request, marketer, upload, message):
    assert message in refusal(approved_request, marketer, upload)
    assert not Expense.objects.exists()


@override_settings(MRM_SPEND_ATTACHMENT_MAX_MB=1)
def test_a_file_over_the_limit_is_refused_and_nothing_is_recorded(approved_request, marketer):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    assert "larger than 1 MB" in refusal(approved_request, marketer, big)
    assert not Expense.objects.exists()


def test_an_invoice_on_s3_storage_is_kept_private_and_served_after_the_permission_check(
    s3_storage, approved_request, marketer, other_team_marketer, client
):
    from django.urls import reverse

    # given S3-compatible storage, when a marketer attaches an invoice
    expense = attach(approved_request, marketer, SimpleUploadedFile("invoice.pdf", PDF))
    # then it is an object of the bucket, not public (no public-read grant)
    key = f"{s3_storage.prefix}{expense.attachment.name}"
    assert s3_storage.keys() == [key] and s3_storage.read(key) == PDF
    grants = s3_storage.client.get_object_acl(Bucket=s3_storage.name, Key=key)["Grants"]
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)
    # and MRM serves it to the team, never to another team's marketer
    url = reverse("budgets:spend_attachment", args=["expense", expense.pk])
    client.force_login(marketer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(other_team_marketer)
    assert client.get(url).status_code in (403, 404)
