"""Single sign-on: who the provider's claims make a person in MRM (accounts/sso.py, issue 17 item 4).

Roles and teams named in OIDC_GROUP_ROLES / OIDC_GROUP_TEAMS follow the groups
at every sign-on; those the mappings never name stay as administrators set them.
"""

import pytest

from accounts.models import Membership, Team, User
from accounts.services import membership_set, user_set_roles
from accounts.sso import SSORefused, claim_groups, user_sync_from_claims
from tests.factories import TeamFactory, UserFactory
from tests.support.sso import _forget_discovery, sso_on  # noqa: F401 - autouse fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sso(settings):
    sso_on(settings, endpoints={"authorization": "https://idp.example/a", "token": "https://idp.example/t"})


def claims(**extra):
    base = {
        "sub": "f81d4fae-7dec",
        "email": "nina.petrova@example.com",
        "email_verified": True,
        "preferred_username": "nina",
        "given_name": "Nina",
        "family_name": "Petrova",
        "name": "Nina Petrova",
        "groups": ["mrm-marketing", "mrm-brand"],
    }
    return {**base, **extra}


def team_names(user) -> list[str]:
    return sorted(Membership.objects.filter(user=user).values_list("team__name", flat=True))


def test_a_first_sign_on_creates_the_user_with_the_mapped_role_and_team(team):
    # when Nina signs on for the first time
    nina = user_sync_from_claims(claims=claims())
    # then she has an account named after her, with her address, linked to her subject
    assert (nina.username, nina.email, nina.first_name, nina.last_name) == (
        "nina",
        "nina.petrova@example.com",
        "Nina",
        "Petrova",
    )
    assert nina.display_name == "Nina Petrova"
    assert nina.sso_subject == "f81d4fae-7dec"
    assert not nina.has_usable_password()
    # and the role and team her groups map to (the existing team "Brand", not a new one)
    assert User.objects.get(pk=nina.pk).roles == {"marketer"}
    assert team_names(nina) == ["Brand"]
    assert Team.objects.filter(name="Brand").count() == 1


def test_unknown_groups_give_nothing():
    # when the provider sends groups MRM has no mapping for
    nina = user_sync_from_claims(claims=claims(groups=["mrm-marketing", "wiki-editors", "vpn-users"]))
    # then they are ignored
    assert User.objects.get(pk=nina.pk).roles == {"marketer"}
    assert team_names(nina) == []


def test_the_second_sign_on_follows_the_groups_both_ways(team, other_team):
    # given Nina signed on as a Brand marketer
    nina = user_sync_from_claims(claims=claims())
    # when her groups changed at the provider: CMO office, Events instead of Brand, no more marketing
    again = user_sync_from_claims(claims=claims(groups=["mrm-cmo", "mrm-events"], family_name="Ivanova"))
    # then the same account has the new roles and team, and lost the old ones
    assert again.pk == nina.pk
    again = User.objects.get(pk=nina.pk)
    assert again.roles == {"approver", "leadership"}
    assert team_names(again) == ["Events"]
    assert again.last_name == "Ivanova"
    # and the membership history keeps when she left Brand
    assert Membership.history.filter(user_id=nina.pk, team=team, history_type="-").exists()


def test_roles_and_teams_the_mappings_never_name_stay_as_the_admin_set_them():
    # given Nina, signed on once, then made finance and put in "Region North" by an administrator
    nina = user_sync_from_claims(claims=claims())
    user_set_roles(user=nina, roles=["marketer", "finance"])
    north = TeamFactory(name="Region North", slug="region-north")
    membership_set(user=nina, team=north)
    # when she signs on again, with the same groups
    user_sync_from_claims(claims=claims())
    # then what single sign-on does not manage is untouched
    nina = User.objects.get(pk=nina.pk)
    assert nina.roles == {"marketer", "finance"}
    assert team_names(nina) == ["Brand", "Region North"]


def test_a_champion_stays_champion_while_the_team_is_still_mapped(team):
    # given Nina, champion of Brand
    nina = user_sync_from_claims(claims=claims())
    membership_set(user=nina, team=team, is_champion=True)
    # when she signs on again
    user_sync_from_claims(claims=claims())
    # then her membership was kept as it was
    assert Membership.objects.get(user=nina, team=team).is_champion


def test_the_admin_group_makes_staff_and_leaving_it_ends_the_django_admin():
    # when Nina signs on from the admins' group
    nina = user_sync_from_claims(claims=claims(groups=["mrm-admins"]))
    assert User.objects.get(pk=nina.pk).is_staff
    # and later from marketing only
    user_sync_from_claims(claims=claims(groups=["mrm-marketing"]))
    # then she is no longer staff
    nina = User.objects.get(pk=nina.pk)
    assert nina.roles == {"marketer"}
    assert not nina.is_staff


def test_a_missing_email_is_refused_and_creates_nobody():
    # when the provider sends no e-mail address
    with pytest.raises(SSORefused, match="did not send your e-mail address"):
        user_sync_from_claims(claims=claims(email=""))
    without = claims()
    del without["email"]
    with pytest.raises(SSORefused, match="did not send your e-mail address"):
        user_sync_from_claims(claims=without)
    # then no account was made
    assert not User.objects.filter(username="nina").exists()


def test_an_existing_account_is_linked_by_its_address_once():
    # given an account made by hand, with the same address in other case
    existing = UserFactory(username="n.petrova", email="Nina.Petrova@Example.com", roles=["marketer"])
    # when Nina signs on
    nina = user_sync_from_claims(claims=claims())
    # then that account is hers, now linked to her subject, its username kept
    assert nina.pk == existing.pk
    existing.refresh_from_db()
    assert (existing.sso_subject, existing.username) == ("f81d4fae-7dec", "n.petrova")
    # and a later change of address at the provider still finds her by subject
    moved = user_sync_from_claims(claims=claims(email="nina@example.org"))
    assert moved.pk == existing.pk
    assert User.objects.get(pk=existing.pk).email == "nina@example.org"


def test_an_unverified_address_does_not_take_an_existing_account_over():
    UserFactory(username="n.petrova", email="nina.petrova@example.com")
    with pytest.raises(SSORefused, match="has not verified"):
        user_sync_from_claims(claims=claims(email_verified=False))
    assert User.objects.get(username="n.petrova").sso_subject == ""


def test_an_address_linked_to_another_identity_is_refused():
    UserFactory(username="n.petrova", email="nina.petrova@example.com", sso_subject="someone-else")
    with pytest.raises(SSORefused, match="linked to another single sign-on identity"):
        user_sync_from_claims(claims=claims())


def test_two_accounts_with_the_address_are_refused():
    UserFactory(username="a", email="nina.petrova@example.com")
    UserFactory(username="b", email="NINA.PETROVA@example.com")
    with pytest.raises(SSORefused, match="Several MRM accounts"):
        user_sync_from_claims(claims=claims())


def test_a_deactivated_account_stays_out():
    UserFactory(username="n.petrova", email="nina.petrova@example.com", sso_subject="f81d4fae-7dec", is_active=False)
    with pytest.raises(SSORefused, match="deactivated"):
        user_sync_from_claims(claims=claims())


def test_without_account_creation_only_known_people_sign_on(settings):
    settings.OIDC_CREATE_USER = False
    with pytest.raises(SSORefused, match="There is no MRM account"):
        user_sync_from_claims(claims=claims())
    assert not User.objects.exists()


def test_someone_whose_groups_give_no_role_is_not_let_in():
    # a newcomer from no MRM group gets no account
    with pytest.raises(SSORefused, match="give you no role"):
        user_sync_from_claims(claims=claims(groups=["wiki-editors"]))
    assert not User.objects.filter(email="nina.petrova@example.com").exists()


def test_someone_removed_from_every_group_loses_the_roles_and_is_refused(team):
    # given Nina, a marketer through single sign-on
    nina = user_sync_from_claims(claims=claims())
    # when she was removed from every MRM group at the provider and signs on
    with pytest.raises(SSORefused, match="give you no role"):
        user_sync_from_claims(claims=claims(groups=[]))
    # then her mapped role and team are gone (kept, although she is not let in)
    nina = User.objects.get(pk=nina.pk)
    assert nina.roles == set()
    assert team_names(nina) == []


def test_without_a_role_mapping_roles_are_left_to_the_admins(settings):
    settings.OIDC_GROUP_ROLES = {}
    nina = user_sync_from_claims(claims=claims(groups=[]))
    assert User.objects.get(pk=nina.pk).roles == set()


def test_a_taken_username_gets_a_number():
    UserFactory(username="nina", email="another.nina@example.com")
    assert user_sync_from_claims(claims=claims()).username == "nina2"


def test_a_username_without_preferred_username_comes_from_the_address():
    nina = user_sync_from_claims(claims=claims(preferred_username=None))
    assert nina.username == "nina.petrova"


def test_a_mapped_team_is_found_by_slug_or_made(settings):
    # given a team mapped by slug, and one that does not exist yet
    TeamFactory(name="Digital marketing", slug="digital")
    settings.OIDC_GROUP_TEAMS = {"mrm-digital": ["digital"], "mrm-north": ["Region North"]}
    # when Nina signs on from both groups
    nina = user_sync_from_claims(claims=claims(groups=["mrm-marketing", "mrm-digital", "mrm-north"]))
    # then she is in the existing one and in the new one
    assert team_names(nina) == ["Digital marketing", "Region North"]


def test_the_groups_claim_may_be_renamed_and_single(settings):
    settings.OIDC_GROUPS_CLAIM = "roles"
    assert claim_groups({"roles": "mrm-marketing"}) == ["mrm-marketing"]
    assert claim_groups({"roles": ["a", 3, "b"]}) == ["a", "b"]
    assert claim_groups({"groups": ["a"]}) == []
    nina = user_sync_from_claims(claims=claims(groups=None, roles=["mrm-cmo"]))
    assert User.objects.get(pk=nina.pk).roles == {"approver", "leadership"}
