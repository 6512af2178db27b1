"""Users, teams and memberships (PRODUCT.md §2).

Roles are Django groups named after :class:`accounts.choices.Role`; teams are
plain rows; a membership may flag its user as the team's champion (the power
user who answers colleagues' questions first) or lead.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import Role, TokenStatus
from accounts.querysets import ApiTokenQuerySet, TeamQuerySet, UserManager


def validate_time_zone(value: str) -> None:
    """Time zones are checked against the machine's tz database, not frozen into a migration."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", _("Organisation default"))] + [
        (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name
    ]


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using MRM; roles are groups, teams come through memberships."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow the browser."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Leave empty for the organisation's time zone."),
    )
    teams = models.ManyToManyField(
        Team, through="Membership", related_name="members", blank=True, verbose_name=_("teams")
    )
    last_seen_at = models.DateTimeField(
        _("last seen"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("When the user last used MRM (browser or API), to the hour."),
    )
    sso_subject = models.CharField(
        _("single sign-on subject"),
        max_length=255,
        blank=True,
        db_default="",  # rows written by older migrations' code (and raw SQL) get it too
        default="",
        help_text=_(
            "The person's identifier at the identity provider, set at the first single sign-on. "
            "Empty it to let the next single sign-on with this e-mail address take the account over."
        ),
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One MRM account per person at the identity provider.
            models.UniqueConstraint(
                fields=["sso_subject"], condition=~models.Q(sso_subject=""), name="accounts_user_unique_sso_subject"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role names; uses prefetched groups when a list prefetched them."""
        return frozenset(group.name for group in self.groups.all() if group.name in Role.values)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.roles.intersection(roles))

    @property
    def is_mrm_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMIN)

    @cached_property
    def team_ids(self) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships.all())

    @cached_property
    def champion_team_ids(self) -> frozenset[int]:
        return frozenset(m.team_id for m in self.memberships.all() if m.is_champion)


class Membership(models.Model):
    """A user in a team; ``is_champion`` marks the team's power user.

    Its history keeps who made whom a champion and when (a handover moves the
    role with the admin as author and a reason naming both people).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    is_champion = models.BooleanField(_("champion"), default=False, help_text=_("Answers the team's questions first."))
    is_lead = models.BooleanField(_("team lead"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="accounts_membership_unique_user_team")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


class ApiToken(models.Model):
    """A credential for the REST API (PRODUCT.md §8): named, expiring, revocable by its owner and by admins.

    Only a keyed hash of the key is stored (``digest``: HMAC-SHA256 under the
    secret key, see ``accounts.tokens``), so a copy of the database or a
    glance at the admin gives nobody a working token; the key itself is shown
    once, when it is issued. ``prefix`` (its first characters) lets the owner
    tell his tokens apart. A revoked token keeps its row, with who revoked it
    and when, for the record.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_apitoken_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def in_force(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def status(self) -> TokenStatus:
        """Active, expired or revoked: one word for the badge, the admin and the API."""
        if self.is_revoked:
            return TokenStatus.REVOKED
        return TokenStatus.EXPIRED if self.is_expired else TokenStatus.ACTIVE
