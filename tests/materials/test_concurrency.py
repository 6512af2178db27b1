"""Races on PostgreSQL with real threads: uploads get distinct numbers, one submit wins."""

import pytest

from approvals.models import ApprovalRequest
from materials import services
from materials.models import Material
from mrm.exceptions import StateConflict
from tests.materials.samples import png_upload
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_simultaneous_uploads_get_versions_2_to_11(image_material, marketer):
    results, errors = race(
        10,
        lambda i: (
            services.material_version_upload(
                material=Material.objects.get(pk=image_material.pk), file=png_upload(), by=marketer
            ).number
        ),
    )
    assert errors == []
    assert sorted(results) == list(range(2, 12))


def test_twenty_simultaneous_submits_open_one_request(image_material, marketer, workflow):
    results, errors = race(
        20, lambda i: services.material_submit(material=Material.objects.get(pk=image_material.pk), by=marketer)
    )
    assert len(results) == 1
    assert len(errors) == 19 and all(isinstance(e, StateConflict) for e in errors)
    assert ApprovalRequest.objects.count() == 1
