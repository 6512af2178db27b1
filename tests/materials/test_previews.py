"""Previews (PRODUCT.md §5): thumbnails of images and of PDF pages, beside the file, made once."""

from pathlib import Path

import pytest
from PIL import Image

from materials import services
from materials.choices import PreviewStatus
from materials.models import MaterialVersion
from tests.materials.factories import make_material
from tests.materials.samples import mp4_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_png_gets_a_thumbnail_beside_its_file(image_material, media_root):
    version = image_material.latest_version
    assert version.preview_status == PreviewStatus.READY
    assert len(version.previews) == 1
    preview = Path(media_root) / version.previews[0]
    assert preview.parent == (Path(media_root) / version.file.name).parent
    with Image.open(preview) as image:
        assert image.format == "PNG"
        assert image.size == (120, 80)


def test_a_pdf_gets_one_preview_per_page(marketer, media_root):
    from materials.services import material_create
    from tests.campaigns.factories import CampaignFactory
    from tests.materials.samples import pdf_upload

    material = material_create(
        campaign=CampaignFactory(team=marketer.memberships.first().team, owner=marketer),
        title="Leaflet",
        kind="pdf",
        by=marketer,
        file=pdf_upload(pages=3),
    )
    status = services.version_previews_generate(version_id=material.latest_version_id)
    version = MaterialVersion.objects.get(pk=material.latest_version_id)
    assert status == PreviewStatus.READY
    assert len(version.previews) == 3
    for name in version.previews:
        with Image.open(Path(media_root) / name) as page:
            assert page.format == "PNG"
            assert page.size[1] > page.size[0]  # portrait pages, as in the PDF


def test_generating_twice_changes_nothing(image_material):
    version = image_material.latest_version
    before = list(version.previews)
    assert services.version_previews_generate(version_id=version.pk) == PreviewStatus.READY
    version.refresh_from_db()
    assert version.previews == before


def test_a_gone_version_is_skipped_quietly():
    assert services.version_previews_generate(version_id=987654) is None


def test_a_video_has_no_preview(marketer):
    material = make_material(by=marketer, kind="video", file=None)
    version = services.material_version_upload(material=material, file=upload("clip.mp4", mp4_bytes()), by=marketer)
    assert version.preview_status == PreviewStatus.NONE
    assert services.version_previews_generate(version_id=version.pk) == PreviewStatus.NONE


def test_a_broken_pdf_is_marked_failed_not_crashing(marketer):
    material = make_material(by=marketer, kind="pdf", file=None)
    version = services.material_version_upload(
        material=material, file=upload("broken.pdf", b"%PDF-1.4\nthis is not a pdf"), by=marketer
    )
    assert services.version_previews_generate(version_id=version.pk) == PreviewStatus.FAILED
    version.refresh_from_db()
    assert version.previews == []
