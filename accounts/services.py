"""Writes on users and teams."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.holdings import Holding, deactivation_blockers, holdings_of, holdings_providers
from accounts.models import Membership, Team, User
from accounts.tokens import user_tokens_revoke


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


# --- ownership: deactivation and handover (PRODUCT.md §7) -------------------------------------

HOLDING_ITEMS_SHOWN = 5


def describe_holdings(holdings: list[Holding]) -> str:
    """ "Campaigns owned: 2 (CMP-1, CMP-2); Open approval stages: 1 (…)": counts and the first few items."""
    parts = []
    for holding in holdings:
        shown = ", ".join(str(item) for item in holding.items[:HOLDING_ITEMS_SHOWN])
        if holding.count > HOLDING_ITEMS_SHOWN:
            shown += ", …"
        parts.append(
            _("%(kind)s: %(count)s (%(items)s)") % {"kind": holding.label, "count": holding.count, "items": shown}
        )
    return "; ".join(parts)


def deactivation_refusal(user: User, holdings: list[Holding]) -> str:
    return _("%(user)s still holds %(holdings)s. Hand these over to someone else before deactivating.") % {
        "user": user.full_name,
        "holdings": describe_holdings(holdings),
    }


def _require_admin(by) -> None:
    if by is None or not getattr(by, "is_authenticated", False) or not by.is_mrm_admin:
        raise PermissionDenied(_("Only administrators may deactivate users or hand their work over."))


@transaction.atomic
def user_deactivate(*, user: User, by) -> User:
    """Deactivate a user who holds nothing any more (§7).

    A departing owner, sponsor, approver or requester would leave campaigns
    and requests without anyone answerable for them: while any holdings
    provider still finds something that would be stranded (its blocking
    items, ``deactivation_blockers``), the deactivation is refused with the
    list, and the handover (``user_handover``) is the way out. His API tokens
    are revoked with it, so none works again if he is ever reactivated.
    """
    _require_admin(by)
    if by.pk == user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        return locked
    held = deactivation_blockers(locked)
    if held:
        raise ValidationError(deactivation_refusal(locked, held), code="holds_things")
    locked.is_active = False
    locked._holdings_checked = True
    locked.save(update_fields=["is_active"])
    user_tokens_revoke(user=locked, by=by)  # reactivating him later brings no old token back
    user.is_active = False
    return locked


@dataclass
class HandoverMove:
    kind: str
    label: str
    to_user: User
    items: list[str]
    moved: int
    url: str = ""


@dataclass
class HandoverSummary:
    user: User
    moves: list[HandoverMove] = field(default_factory=list)
    deactivated: bool = False

    @property
    def total(self) -> int:
        return sum(move.moved for move in self.moves)

    def as_dict(self) -> dict:
        return {
            "user": self.user.pk,
            "moved": [
                {
                    "kind": move.kind,
                    "label": str(move.label),
                    "to_user": move.to_user.pk,
                    "count": move.moved,
                    "items": move.items,
                }
                for move in self.moves
            ],
            "total": self.total,
            "deactivated": self.deactivated,
        }


def _handover_target(target, user: User, *, field_name: str) -> User:
    if target is None:
        raise ValidationError({field_name: _("Choose who takes these over.")})
    if not isinstance(target, User):
        target = User.objects.filter(pk=target).first()
        if target is None:
            raise ValidationError({field_name: _("This user does not exist.")})
    if target.pk == user.pk:
        raise ValidationError({field_name: _("Choose someone other than the user handing over.")})
    if not target.is_active:
        raise ValidationError(
            {field_name: _("%(user)s is inactive and cannot take anything over.") % {"user": target.full_name}}
        )
    return target


def user_handover(
    *,
    user: User,
    by,
    to_user: User | int | None = None,
    assignments: dict | None = None,
    deactivate: bool = False,
) -> HandoverSummary:
    """Move everything ``user`` holds to new holders in one transaction, then optionally deactivate (§7).

    ``to_user`` takes every kind; ``assignments`` (``{kind: user}``) names a
    holder per kind and wins over ``to_user``. Each provider locks its rows
    and records the change in the objects' history with ``by`` as its author;
    if any move is impossible (an inactive or conflicting holder) nothing
    moves. The new holders are told after the commit.
    """
    _require_admin(by)
    if deactivate and by.pk == user.pk:
        raise ValidationError({"deactivate": _("You cannot deactivate yourself.")})
    assignments = dict(assignments or {})
    known = {provider.key for provider in holdings_providers()}
    unknown = sorted(set(assignments) - known)
    if unknown:
        raise ValidationError({"assignments": _("Unknown kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}})
    default = _handover_target(to_user, user, field_name="to_user") if to_user not in (None, "") else None
    targets = {
        kind: _handover_target(target, user, field_name="assignments")
        for kind, target in assignments.items()
        if target not in (None, "")
    }
    summary = HandoverSummary(user=user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for holding in holdings_of(locked):
            target = targets.get(holding.kind, default)
            if target is None:
                raise ValidationError({"to_user": _("Choose who takes over: %(kind)s.") % {"kind": holding.label}})
            items = [str(item) for item in holding.items]
            url = next((item.get_absolute_url() for item in holding.items if hasattr(item, "get_absolute_url")), "")
            moved = holding.reassign(locked, target, by)
            if moved:  # a concurrent handover may have moved these already: nobody is told of nothing
                summary.moves.append(HandoverMove(holding.kind, holding.label, target, items, moved, url))
        if deactivate:
            remaining = deactivation_blockers(locked)
            if remaining:
                raise ValidationError(deactivation_refusal(locked, remaining))
            if locked.is_active:
                locked.is_active = False
                locked._holdings_checked = True
                locked.save(update_fields=["is_active"])
                user_tokens_revoke(user=locked, by=by)
                summary.deactivated = True
        transaction.on_commit(lambda: _notify_new_holders(summary, by))
    if summary.deactivated:
        user.is_active = False
    return summary


def _notify_new_holders(summary: HandoverSummary, by) -> None:
    """Tell each new holder what they took over, in their own language."""
    # notifications is a generic engine that knows only users; imported here, at call time,
    # so that accounts (the lowest floor) loads without it.
    from accounts.messages import TOOK_OVER
    from notifications.choices import NotificationKind
    from notifications.services import notify

    by_target: dict[int, list[HandoverMove]] = {}
    for move in summary.moves:
        by_target.setdefault(move.to_user.pk, []).append(move)
    for moves in by_target.values():
        notify(
            recipients=[moves[0].to_user],
            kind=NotificationKind.OTHER,
            message=TOOK_OVER,
            params={
                "user": summary.user.full_name,
                "moves": [{"kind": move.kind, "items": move.items} for move in moves],
            },
            url=moves[0].url or reverse("accounts:profile"),
            actor=by,
        )


def refuse_deactivation_with_holdings(sender, instance: User, **kwargs) -> None:
    """Last line of defence (a ``pre_save`` receiver): no save turns a holder inactive.

    ``user_deactivate`` and ``user_handover`` check first and mark the
    instance; any other path (a shell, a form forgetting the service) that
    would deactivate someone who still holds things is refused here.
    """
    if instance.is_active or instance.pk is None or getattr(instance, "_holdings_checked", False):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "is_active" not in update_fields:
        return
    if not User.objects.filter(pk=instance.pk, is_active=True).exists():
        return
    held = deactivation_blockers(instance)
    if held:
        raise ValidationError(deactivation_refusal(instance, held), code="holds_things")
