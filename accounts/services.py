"""Writes on users and teams."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Membership, Team, User


def user_set_language(*, user: User, language: str) -> User:
    """Remember the user's interface language, so every device shows it."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


def team_get_or_create(*, name: str, description: str = "") -> Team:
    team, _created = Team.objects.get_or_create(
        name=name, defaults={"slug": slugify(name, allow_unicode=True), "description": description}
    )
    return team


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> User:
    """Give the user exactly these roles; admins are Django staff too (§2)."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown roles: %(roles)s") % {"roles": ", ".join(sorted(unknown))}})
    groups = Group.objects.filter(name__in=roles)
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name__in=roles))
    user.groups.add(*groups)
    if Role.ADMIN in roles and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    return user


def membership_set(*, user: User, team: Team, is_champion: bool = False, is_lead: bool = False) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user, team=team, defaults={"is_champion": is_champion, "is_lead": is_lead}
    )
    user.__dict__.pop("team_ids", None)
    return membership
