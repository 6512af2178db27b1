"""Upload rules (PRODUCT.md §5, issue 5): allowed types by content, agreeing extension, size cap, safe names."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from materials import files, services
from materials.choices import MaterialKind, PreviewStatus
from materials.models import MaterialVersion
from tests.materials.samples import image_bytes, mp4_bytes, office_bytes, pdf_bytes, png_upload, upload

pytestmark = pytest.mark.django_db


def test_a_png_is_stored_under_a_random_name_and_keeps_a_safe_original_name(image_material, media_root):
    # given an upload named with a path and odd characters
    # when it is uploaded as a new version
    version = services.material_version_upload(
        material=image_material,
        file=upload("../../etc/Spring banner (final).png", image_bytes(), "text/plain"),
        note="Bigger logo",
        by=image_material.owner,
    )
    # then the stored name is random, under the material's folder, and the original is kept safe for downloads
    assert version.number == 2
    assert version.file.name.startswith(f"materials/{image_material.pk}/")
    assert "banner" not in version.file.name and ".." not in version.file.name
    assert Path(version.file.name).suffix == ".png"
    assert version.original_name == "Spring_banner_final.png"
    assert version.content_type == "image/png"  # detected, not the browser's "text/plain"
    assert version.size == len(image_bytes())
    assert (Path(media_root) / version.file.name).is_file()


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("a.jpg", image_bytes("JPEG"), MaterialKind.IMAGE, "image/jpeg"),
        ("a.jpeg", image_bytes("JPEG"), MaterialKind.IMAGE, "image/jpeg"),
        ("a.gif", image_bytes("GIF"), MaterialKind.IMAGE, "image/gif"),
        ("a.webp", image_bytes("WEBP"), MaterialKind.IMAGE, "image/webp"),
        ("a.pdf", pdf_bytes(), MaterialKind.PDF, "application/pdf"),
        ("a.mp4", mp4_bytes(), MaterialKind.VIDEO, "video/mp4"),
        ("a.docx", office_bytes("docx"), MaterialKind.OFFICE, files.TYPES["docx"].content_type),
        ("a.xlsx", office_bytes("xlsx"), MaterialKind.OFFICE, files.TYPES["xlsx"].content_type),
        ("a.pptx", office_bytes("pptx"), MaterialKind.OFFICE, files.TYPES["pptx"].content_type),
        ("a.pdf", pdf_bytes(), MaterialKind.OTHER, "application/pdf"),
    ],
)
def test_every_allowed_type_is_recognised_by_its_content(marketer, team, name, content, kind, content_type):
    from tests.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(team=team, owner=marketer)
    material = services.material_create(
        campaign=campaign, title="x", kind=kind, by=marketer, file=upload(name, content)
    )
    assert material.latest_version.content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.png", b"MZ\x90\x00 this is an executable", "This type of file is not accepted"),
        ("page.png", b"<html><script>alert(1)</script></html>", "This type of file is not accepted"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "This type of file is not accepted"),
        ("photo.pdf", image_bytes(), "its content is PNG"),
        ("photo", image_bytes(), "its content is PNG"),
        ("photo.png.exe", image_bytes(), "its content is PNG"),
        ("empty.png", b"", "The file is empty"),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_is_stored(
    image_material, media_root, name, content, message
):
    # when a file whose content is not allowed, or whose name lies, is uploaded
    with pytest.raises(ValidationError) as refused:
        services.material_version_upload(material=image_material, file=upload(name, content), by=image_material.owner)
    # then the error says why, on the file field, and nothing changed
    assert message in " ".join(refused.value.message_dict["file"])
    assert MaterialVersion.objects.filter(material=image_material).count() == 1
    stored = list((Path(media_root) / "materials" / str(image_material.pk)).glob("*"))
    assert len([p for p in stored if "-p" not in p.name]) == 1  # only v1's file (and its preview)


def test_a_file_of_another_kind_than_the_material_is_refused(image_material):
    with pytest.raises(ValidationError) as refused:
        services.material_version_upload(
            material=image_material, file=upload("leaflet.pdf", pdf_bytes()), by=image_material.owner
        )
    assert "is of the kind “Image” but the file is PDF" in refused.value.message_dict["file"][0]


def test_a_file_over_the_size_cap_is_refused(image_material, settings):
    # given a cap of 1 MB
    settings.MRM_UPLOAD_MAX_MB = 1
    big = image_bytes() + b"\x00" * (1024 * 1024)
    # when a bigger file is uploaded, then it is refused and nothing is stored
    with pytest.raises(ValidationError) as refused:
        services.material_version_upload(material=image_material, file=upload("big.png", big), by=image_material.owner)
    assert refused.value.message_dict["file"] == ["The file is larger than 1 MB."]
    assert image_material.versions.count() == 1


def test_only_the_campaign_teams_marketers_upload(image_material, other_team_marketer, approver):
    for person in (other_team_marketer, approver):
        with pytest.raises(PermissionDenied):
            services.material_version_upload(material=image_material, file=png_upload(), by=person)
    assert image_material.versions.count() == 1


def test_versions_are_numbered_one_to_n(image_material):
    for _ in range(2):
        services.material_version_upload(material=image_material, file=png_upload(), by=image_material.owner)
    assert list(image_material.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    image_material.refresh_from_db()
    assert image_material.latest_version.number == 3


def test_a_new_version_waits_for_its_preview_until_the_upload_is_committed(
    image_material, django_capture_on_commit_callbacks
):
    # when a version is uploaded, the preview task is queued after commit (eager here)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = services.material_version_upload(material=image_material, file=png_upload(), by=image_material.owner)
        assert MaterialVersion.objects.get(pk=version.pk).preview_status == PreviewStatus.PENDING
    assert callbacks
    version.refresh_from_db()
    assert version.preview_status == PreviewStatus.READY
    assert len(version.previews) == 1
