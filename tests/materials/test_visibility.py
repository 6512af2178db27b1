"""Who sees materials (PRODUCT.md §2): the campaign's readers; approvers of an open review see a confidential one."""

import pytest

from approvals.models import ApprovalRequest
from materials.models import Material, MaterialVersion
from materials.services import material_submit
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.materials.factories import make_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential_material(marketer, team):
    return make_material(by=marketer, campaign=CampaignFactory(team=team, owner=marketer, confidential=True))


def test_readers_of_the_campaign_see_its_materials(
    marketer, approver, finance_user, other_team_marketer, image_material
):
    for person in (marketer, approver, finance_user, other_team_marketer):
        assert list(Material.objects.visible_to(person)) == [image_material]


def test_a_confidential_campaigns_materials_are_hidden_from_other_teams(
    confidential_material, other_team_marketer, approver, finance_user, admin_user
):
    assert not Material.objects.visible_to(other_team_marketer).exists()
    assert not MaterialVersion.objects.visible_to(approver).exists()
    assert Material.objects.visible_to(finance_user).exists()
    assert Material.objects.visible_to(admin_user).exists()


def test_approvers_of_its_open_review_see_a_confidential_material_and_its_request(
    confidential_material, marketer, workflow, legal
):
    # given legal is no team member, it does not see the confidential material
    assert not Material.objects.visible_to(legal).exists()
    # when the material is submitted and legal approves its open stage
    material_submit(material=confidential_material, by=marketer)
    # then legal sees the material, its version and the request
    assert list(Material.objects.visible_to(legal)) == [confidential_material]
    assert MaterialVersion.objects.visible_to(legal).count() == 1
    assert ApprovalRequest.objects.visible_to(legal).count() == 1
    # and a bystander still does not
    bystander = UserFactory(username="bystander", roles=["approver"])
    assert not Material.objects.visible_to(bystander).exists()


def test_anonymous_sees_nothing(image_material):
    from django.contrib.auth.models import AnonymousUser

    assert not Material.objects.visible_to(AnonymousUser()).exists()
