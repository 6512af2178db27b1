"""Query budgets: material lists cost the same for 1 row and 50 (docs/TESTING.md)."""

import pytest

from materials.services import material_submit
from tests.campaigns.factories import CampaignFactory
from tests.materials.factories import make_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(marketer, team, workflow):
    """A material in review on its own campaign, with owner, team and latest version: what a row shows."""

    def make():
        material = make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer), previews=False)
        material_submit(material=material, by=marketer)
        return material

    return make


def test_material_api_list_has_no_n_plus_1_queries(assert_constant_queries, api_as, marketer, row):
    client = api_as(marketer)
    assert_constant_queries(lambda: client.get("/api/v1/materials/?page_size=100"), row)


def test_material_list_page_has_no_n_plus_1_queries(assert_constant_queries, client, marketer, row, settings):
    client.force_login(marketer)
    assert_constant_queries(lambda: client.get("/materials/?page_size=100"), row, rows=20)


def test_versions_api_list_has_no_n_plus_1_queries(assert_constant_queries, api_as, marketer, image_material):
    from materials.services import material_version_upload
    from tests.materials.samples import png_upload

    client = api_as(marketer)
    assert_constant_queries(
        lambda: client.get(f"/api/v1/materials/{image_material.pk}/versions/?page_size=100"),
        lambda: material_version_upload(material=image_material, file=png_upload(), by=marketer),
    )
