"""Material fixtures, named by state; uploads land in a temporary MEDIA_ROOT."""

import pytest

from materials.services import material_submit
from tests.factories import UserFactory
from tests.materials.factories import make_material, material_workflow


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def legal(db):
    return UserFactory(username="legal", roles=["approver"])


@pytest.fixture
def workflow(legal, approver):
    """Legal, then the CMO (``approver``)."""
    return material_workflow(legal, approver)


@pytest.fixture
def image_material(marketer):
    return make_material(by=marketer)


@pytest.fixture
def pdf_material(marketer):
    return make_material(by=marketer, title="Leaflet", kind="pdf", file="pdf")


@pytest.fixture
def material_in_review(image_material, marketer, workflow):
    material_submit(material=image_material, by=marketer, reason="For the spring launch")
    image_material.refresh_from_db()
    return image_material
