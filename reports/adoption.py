"""The adoption dashboard's reports (PRODUCT.md §7): is MRM used, and does it hold?

Four reports, registered like every other (so each has its page, exports,
saved views and subscriptions) and open to admins and the CMO (approver
role): weekly active users by team or role with the teams idle for 30 days,
the share of spend covered by approved funding requests, cycle times of
funding requests, approvals and questions (champions vs admins), and stale
items. They read activity across the organisation, so they are aggregates:
counts, sums and durations computed by the database, never another team's
confidential details.
"""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import Team, User
from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest
from budgets.choices import ActualLineStatus, FundingRequestStatus
from budgets.models import ActualLine, Expense, FundingRequest
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from mrm.bounds import DateFormField
from reports.choices import ChartKind, ColumnType
from reports.registry import Chart, Column, Dataset, Report, ReportForm, register, signed_in_with_role
from reports.selectors import ratio_percent

ACTIVE_DAYS = 7
IDLE_DAYS = 30
STALE_DRAFT_DAYS = 30


def admins_and_cmo(user) -> bool:
    """The adoption dashboard is for admins and the CMO (leadership), §7: figures across every team."""
    return signed_in_with_role(user) and (user.is_mrm_admin or user.has_role(Role.LEADERSHIP))


def _days(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


# --- weekly active users ----------------------------------------------------------------------------


class ActiveUsersForm(ReportForm):
    group_by = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Group by"),
        choices=[("team", gettext_lazy("Team")), ("role", gettext_lazy("Role"))],
    )


def active_users_columns(params):
    group_label = gettext_lazy("Role") if params.get("group_by") == "role" else gettext_lazy("Team")
    return [
        Column("group", group_label),
        Column("users", gettext_lazy("Active accounts"), ColumnType.INT),
        Column("active", gettext_lazy("Used MRM in the last 7 days"), ColumnType.INT),
        Column("share", gettext_lazy("Weekly active share"), ColumnType.PERCENT),
        Column("last_seen", gettext_lazy("Last activity"), ColumnType.DATE),
        Column("idle", gettext_lazy("No activity in 30 days")),
    ]


def active_users_compute(user, params, *, now=None):
    """One grouped query: accounts, those seen this week and the latest activity per team or role."""
    now = now or timezone.now()
    week_ago, idle_since = now - datetime.timedelta(days=ACTIVE_DAYS), now - datetime.timedelta(days=IDLE_DAYS)
    if params.get("group_by") == "role":
        prefix = "user__"
        groups = Group.objects.filter(name__in=Role.values)
        labels = {role.value: str(role.label) for role in Role}
        label = lambda g: labels[g.name]  # noqa: E731
    else:
        prefix = "memberships__user__"
        groups = Team.objects.all()
        label = lambda t: t.name  # noqa: E731
    active_account = Q(**{f"{prefix}is_active": True})
    groups = groups.annotate(
        users=Count(f"{prefix}pk", filter=active_account, distinct=True),
        active=Count(
            f"{prefix}pk", filter=active_account & Q(**{f"{prefix}last_seen_at__gte": week_ago}), distinct=True
        ),
        last_seen=Max(f"{prefix}last_seen_at", filter=active_account),
    )
    rows = []
    for group in sorted(groups, key=lambda g: label(g).lower()):
        idle = group.last_seen is None or group.last_seen < idle_since
        rows.append(
            {
                "group": label(group),
                "users": group.users,
                "active": group.active,
                "share": ratio_percent(group.active, group.users),
                "last_seen": timezone.localdate(group.last_seen) if group.last_seen else None,
                "idle": _("Yes") if idle else "",
            }
        )
    everyone = User.objects.filter(is_active=True).aggregate(
        users=Count("pk"), active=Count("pk", filter=Q(last_seen_at__gte=week_ago)), last_seen=Max("last_seen_at")
    )
    totals = {
        "group": _("Everyone"),
        "users": everyone["users"],
        "active": everyone["active"],
        "share": ratio_percent(everyone["active"], everyone["users"]),
        "last_seen": timezone.localdate(everyone["last_seen"]) if everyone["last_seen"] else None,
        "idle": "",
    }
    chart = Chart(
        ChartKind.BAR,
        [r["group"] for r in rows],
        [
            Dataset(_("Active accounts"), [r["users"] for r in rows]),
            Dataset(_("Used MRM in the last 7 days"), [r["active"] for r in rows]),
        ],
        value_type=ColumnType.INT,
        title=_("Weekly active users"),
    )
    idle_teams = [r["group"] for r in rows if r["idle"]]
    notes = [_("Activity is recorded at most once an hour per person, in the browser and through the API.")]
    if idle_teams and params.get("group_by") != "role":
        notes.append(_("No activity in 30 days: %(teams)s.") % {"teams": ", ".join(idle_teams)})
    return rows, totals, chart, notes


# --- spend covered by approved requests ---------------------------------------------------------------


class SpendCoverageForm(ReportForm):
    date_from = DateFormField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateFormField(required=False, label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError({"date_to": _("The end date cannot be before the start date.")})
        return cleaned


def spend_coverage_columns(params):
    return [
        Column("month", gettext_lazy("Month")),
        Column("covered", gettext_lazy("Spend under approved requests"), ColumnType.MONEY),
        Column("uncovered", gettext_lazy("Spend without a request"), ColumnType.MONEY),
        Column("share", gettext_lazy("Covered share"), ColumnType.PERCENT),
    ]


def _by_month(queryset, params):
    if params.get("date_from"):
        queryset = queryset.filter(date__gte=params["date_from"])
    if params.get("date_to"):
        queryset = queryset.filter(date__lte=params["date_to"])
    return {
        row["month"]: row["amount"]
        for row in queryset.annotate(month=TruncMonth("date")).values("month").annotate(amount=Sum("amount"))
    }


def spend_coverage_compute(user, params):
    """Expenses (always under an approved request) against unmapped accounting lines, per month, in SQL."""
    covered = _by_month(Expense.objects.order_by(), params)
    uncovered = _by_month(ActualLine.objects.filter(status=ActualLineStatus.UNMAPPED).order_by(), params)
    zero = Decimal("0.00")
    rows = []
    for month in sorted(set(covered) | set(uncovered)):
        inside, outside = covered.get(month) or zero, uncovered.get(month) or zero
        rows.append(
            {
                "month": date_format(month, "YEAR_MONTH_FORMAT"),
                "covered": inside,
                "uncovered": outside,
                "share": ratio_percent(inside, inside + outside),
            }
        )
    total_in, total_out = sum((r["covered"] for r in rows), zero), sum((r["uncovered"] for r in rows), zero)
    totals = {
        "month": _("Total"),
        "covered": total_in,
        "uncovered": total_out,
        "share": ratio_percent(total_in, total_in + total_out),
    }
    chart = Chart(
        ChartKind.STACKED_BAR,
        [r["month"] for r in rows],
        [
            Dataset(_("Spend under approved requests"), [r["covered"] for r in rows]),
            Dataset(_("Spend without a request"), [r["uncovered"] for r in rows]),
        ],
        title=_("Spend covered by approved requests"),
    )
    notes = [_("Spend without a request is the accounting lines still in the unmapped queue.")]
    return rows, totals, chart, notes


# --- cycle times --------------------------------------------------------------------------------------


class CycleTimesForm(ReportForm):
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label=gettext_lazy("Over the last (days)"), initial=90
    )


def cycle_times_columns(params):
    return [
        Column("what", gettext_lazy("What")),
        Column("count", gettext_lazy("Completed"), ColumnType.INT),
        Column("average_days", gettext_lazy("Average (days)"), ColumnType.DECIMAL),
        Column("median_days", gettext_lazy("Median (days)"), ColumnType.DECIMAL),
        Column("open", gettext_lazy("Still open"), ColumnType.INT),
    ]


def _cycle_row(label, durations: list[datetime.timedelta], open_count: int) -> dict:
    return {
        "what": label,
        "count": len(durations),
        "average_days": _days(sum(durations, datetime.timedelta()) / len(durations)) if durations else None,
        "median_days": _days(statistics.median(durations)) if durations else None,
        "open": open_count,
    }


def _durations(queryset, start: str, end: str) -> list[datetime.timedelta]:
    """One query: the (end − start) of each finished item, computed by the database."""
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    return [d for d in queryset.annotate(took=took).values_list("took", flat=True) if d is not None]


def cycle_times_compute(user, params, *, now=None):
    now = now or timezone.now()
    since = now - datetime.timedelta(days=params.get("days") or 90)
    decided = (FundingRequestStatus.APPROVED, FundingRequestStatus.PARTIALLY_APPROVED, FundingRequestStatus.REJECTED)
    closed = (RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CHANGES_REQUESTED)
    rows = [
        _cycle_row(
            _("Funding requests: submitted to decided"),
            _durations(
                FundingRequest.objects.filter(status__in=decided, decided_at__gte=since, submitted_at__isnull=False),
                "submitted_at",
                "decided_at",
            ),
            FundingRequest.objects.filter(status=FundingRequestStatus.SUBMITTED).count(),
        ),
        _cycle_row(
            _("Approvals: submitted to outcome"),
            _durations(
                ApprovalRequest.objects.filter(status__in=closed, closed_at__gte=since), "submitted_at", "closed_at"
            ),
            ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS).count(),
        ),
    ]
    if apps.is_installed("help"):
        rows.extend(_question_rows(since))
    chart = Chart(
        ChartKind.BAR,
        [r["what"] for r in rows],
        [Dataset(_("Median (days)"), [r["median_days"] for r in rows])],
        value_type=ColumnType.DECIMAL,
        title=_("Median cycle time in days"),
    )
    notes = [_("Over the last %(days)s days; open items are counted today.") % {"days": params.get("days") or 90}]
    return rows, None, chart, notes


def _question_rows(since) -> list[dict]:
    """Questions answered by champions vs admins (help app), with their time to answer."""
    from help.models import Question

    answered = Question.objects.filter(answered_at__gte=since)
    unanswered = Question.objects.filter(answered_at__isnull=True).count()
    rows = []
    for answered_as, label in (
        ("champion", _("Questions answered by champions")),
        ("admin", _("Questions answered by admins")),
    ):
        rows.append(
            _cycle_row(
                label,
                _durations(answered.filter(answered_as=answered_as), "created_at", "answered_at"),
                unanswered if answered_as == "champion" else 0,
            )
        )
    return rows


# --- stale items --------------------------------------------------------------------------------------


class StaleItemsForm(ReportForm):
    pass


def stale_items_columns(params):
    return [
        Column("what", gettext_lazy("What")),
        Column("count", gettext_lazy("Items"), ColumnType.INT),
        Column("oldest", gettext_lazy("Oldest since"), ColumnType.DATE),
    ]


def stale_items_compute(user, params, *, now=None):
    """What stands still: overdue approvals, requests asked whether still needed, old drafts, campaigns past end."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    draft_since = now - datetime.timedelta(days=STALE_DRAFT_DAYS)
    sources = [
        (
            _("Approvals past their due date"),
            ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS, current_stage__due_at__lt=now),
            "current_stage__due_at",
        ),
        (
            _("Approvals asked whether still needed"),
            ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS, stale_asked_at__isnull=False),
            "stale_asked_at",
        ),
        (
            _("Funding request drafts untouched for 30 days"),
            FundingRequest.objects.filter(status=FundingRequestStatus.DRAFT, updated_at__lt=draft_since),
            "updated_at",
        ),
        (
            _("Campaigns still open after their end date"),
            Campaign.objects.filter(
                status__in=(CampaignStatus.PLANNED, CampaignStatus.ACTIVE, CampaignStatus.ON_HOLD), end_date__lt=today
            ),
            "end_date",
        ),
    ]
    if apps.is_installed("help"):
        from help.models import Question

        sources.append(
            (
                _("Questions escalated to admins, still unanswered"),
                Question.objects.filter(answered_at__isnull=True, escalated_at__isnull=False),
                "escalated_at",
            )
        )
    rows = []
    for label, queryset, since_field in sources:
        found = queryset.order_by().aggregate(count=Count("pk"), oldest=Min(since_field))
        oldest = found["oldest"]
        if isinstance(oldest, datetime.datetime):
            oldest = timezone.localdate(oldest)
        rows.append({"what": label, "count": found["count"], "oldest": oldest})
    totals = {"what": _("Total"), "count": sum(r["count"] for r in rows), "oldest": None}
    chart = Chart(
        ChartKind.BAR,
        [r["what"] for r in rows],
        [Dataset(_("Items"), [r["count"] for r in rows])],
        value_type=ColumnType.INT,
        title=_("Stale items"),
    )
    return rows, totals, chart, []


def register_adoption_reports() -> None:
    for report in (
        Report(
            slug="active-users",
            title=gettext_lazy("Weekly active users"),
            description=gettext_lazy(
                "Who used MRM in the last 7 days, by team or role, and the teams with no activity in 30 days."
            ),
            form_class=ActiveUsersForm,
            columns=active_users_columns,
            compute=active_users_compute,
            available_to=admins_and_cmo,
            order=80,
        ),
        Report(
            slug="spend-coverage",
            title=gettext_lazy("Spend covered by approved requests"),
            description=gettext_lazy(
                "Each month's spend under approved funding requests against accounting spend without one."
            ),
            form_class=SpendCoverageForm,
            columns=spend_coverage_columns,
            compute=spend_coverage_compute,
            available_to=admins_and_cmo,
            order=81,
        ),
        Report(
            slug="cycle-times",
            title=gettext_lazy("Cycle times"),
            description=gettext_lazy(
                "How long funding requests, approvals and questions take, and who answers the questions: "
                "champions or admins."
            ),
            form_class=CycleTimesForm,
            columns=cycle_times_columns,
            compute=cycle_times_compute,
            available_to=admins_and_cmo,
            order=82,
        ),
        Report(
            slug="stale-items",
            title=gettext_lazy("Stale items"),
            description=gettext_lazy("Overdue approvals, requests nobody confirmed, old drafts, campaigns past end."),
            form_class=StaleItemsForm,
            columns=stale_items_columns,
            compute=stale_items_compute,
            available_to=admins_and_cmo,
            order=83,
        ),
    ):
        register(report)
