"""The "orphans" report (PRODUCT.md §7): what is left without an active holder.

Open campaigns whose owner or sponsor is inactive, open approval stages whose
remaining approvers are all inactive, open funding requests of an inactive
requester, active subscriptions owned by an inactive user. Deactivation is
refused while a user holds such things, so these appear only when a user was
deactivated around MRM (a directory sync, the database) or before the rule.
The fix is the handover page of the inactive person, linked from each row
for administrators.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from approvals.choices import RequestStatus, StageStatus
from approvals.models import ApprovalRequest, StageState
from budgets.holdings import OPEN
from budgets.models import FundingRequest
from campaigns.choices import OPEN_STATUSES
from campaigns.models import Campaign
from reports.choices import ChartKind, ColumnType
from reports.definitions import ScopedChoicesMixin, team_field
from reports.models import ReportSubscription
from reports.registry import Chart, Column, Dataset, Report, ReportForm, register, signed_in_with_role

KIND_CAMPAIGN = "campaign"
KIND_STAGE = "stage"
KIND_FUNDING = "funding_request"
KIND_SUBSCRIPTION = "subscription"

KIND_LABELS = {
    KIND_CAMPAIGN: gettext_lazy("Campaign"),
    KIND_STAGE: gettext_lazy("Approval stage"),
    KIND_FUNDING: gettext_lazy("Funding request"),
    KIND_SUBSCRIPTION: gettext_lazy("Report subscription"),
}


def admins_and_leadership(user) -> bool:
    """Admins fix orphans; the CMO (leadership) watches that nothing is left behind (§7), across every team."""
    return signed_in_with_role(user) and (user.is_mrm_admin or user.has_role(Role.LEADERSHIP))


class OrphansForm(ScopedChoicesMixin, ReportForm):
    kind = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("All")), *KIND_LABELS.items()],
    )
    team = team_field()


def orphans_columns(params):
    return [
        Column("kind", gettext_lazy("Kind")),
        Column("item", gettext_lazy("Item")),
        Column("team", gettext_lazy("Team")),
        Column("role", gettext_lazy("Held as")),
        Column("holder", gettext_lazy("Inactive holder")),
        Column("last_seen", gettext_lazy("Last seen"), ColumnType.DATE),
    ]


def _day(moment):
    return timezone.localtime(moment).date() if moment else None


def _row(kind, item, url, team, role, holder, reader):
    links = {"item": url} if url else {}
    if reader.is_mrm_admin:
        links["holder"] = reverse("accounts:user_handover", args=[holder.pk])
    return {
        "kind": str(KIND_LABELS[kind]),
        "item": str(item),
        "team": str(team) if team else "—",
        "role": str(role),
        "holder": holder.full_name,
        "last_seen": _day(holder.last_seen_at),
        "_links": links,
        "_kind": kind,
    }


def _campaign_rows(user, team):
    campaigns = (
        Campaign.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(owner__is_active=False) | Q(sponsor__is_active=False))
        .select_related("team", "owner", "sponsor")
        .order_by("code")
    )
    if team is not None:
        campaigns = campaigns.filter(team=team)
    rows = []
    for campaign in campaigns:
        url = campaign.get_absolute_url()
        if not campaign.owner.is_active:
            rows.append(_row(KIND_CAMPAIGN, campaign, url, campaign.team, _("owner"), campaign.owner, user))
        if campaign.sponsor_id and not campaign.sponsor.is_active:
            rows.append(_row(KIND_CAMPAIGN, campaign, url, campaign.team, _("sponsor"), campaign.sponsor, user))
    return rows


def _stage_rows(user):
    visible = ApprovalRequest.objects.visible_to(user).values("pk")
    states = (
        StageState.objects.filter(
            status=StageStatus.IN_PROGRESS, request__status=RequestStatus.IN_PROGRESS, request__in=visible
        )
        .annotate(
            waiting_active=Count("assignments", filter=Q(assignments__decided=False, assignments__user__is_active=True))
        )
        .filter(waiting_active=0)
        .select_related("request")
        .prefetch_related("assignments__user")
        .order_by("request_id", "order")
    )
    rows = []
    for state in states:
        label = f"{state.request.subject_title} · {state.name}"
        for assignment in state.assignments.all():
            if not assignment.decided and not assignment.user.is_active:
                rows.append(
                    _row(
                        KIND_STAGE, label, state.request.get_absolute_url(), None, _("approver"), assignment.user, user
                    )
                )
    return rows


def _funding_rows(user, team):
    requests = (
        FundingRequest.objects.visible_to(user)
        .filter(status__in=OPEN, requested_by__is_active=False)
        .select_related("campaign__team", "requested_by")
        .order_by("number")
    )
    if team is not None:
        requests = requests.filter(campaign__team=team)
    return [
        _row(KIND_FUNDING, fr, fr.get_absolute_url(), fr.campaign.team, _("requester"), fr.requested_by, user)
        for fr in requests
    ]


def _subscription_rows(user):
    if not user.is_mrm_admin:
        return []
    subscriptions = (
        ReportSubscription.objects.filter(active=True, owner__is_active=False).select_related("owner").order_by("name")
    )
    return [_row(KIND_SUBSCRIPTION, s, "", None, _("owner"), s.owner, user) for s in subscriptions]


def orphans_compute(user, params):
    kind, team = params.get("kind") or "", params.get("team")
    rows = []
    if kind in ("", KIND_CAMPAIGN):
        rows += _campaign_rows(user, team)
    if kind in ("", KIND_STAGE) and team is None:
        rows += _stage_rows(user)
    if kind in ("", KIND_FUNDING):
        rows += _funding_rows(user, team)
    if kind in ("", KIND_SUBSCRIPTION) and team is None:
        rows += _subscription_rows(user)
    counted = Counter(row.pop("_kind") for row in rows)
    kinds = [k for k in KIND_LABELS if counted[k]]
    chart = Chart(
        ChartKind.BAR,
        [str(KIND_LABELS[k]) for k in kinds],
        [Dataset(_("Items without an active holder"), [counted[k] for k in kinds])],
        value_type=ColumnType.INT,
        title=_("Items without an active holder, by kind"),
    )
    totals = {"kind": _("Total"), "item": str(len(rows))}
    if rows:
        notes = [
            _(
                "%(count)s items have no active holder. An administrator hands them over from the inactive "
                "person's handover page (linked from each name)."
            )
            % {"count": len(rows)}
        ]
    else:
        notes = [_("Nothing is orphaned: every open item has an active holder.")]
    return rows, totals, chart, notes


def register_orphans_report() -> None:
    register(
        Report(
            slug="orphans",
            title=gettext_lazy("Orphans"),
            description=gettext_lazy(
                "Open campaigns, approval stages, funding requests and subscriptions left without an active owner, "
                "sponsor, approver or requester."
            ),
            form_class=OrphansForm,
            columns=orphans_columns,
            compute=orphans_compute,
            available_to=admins_and_leadership,
            order=70,
        )
    )
