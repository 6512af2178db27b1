"""Programmes: what a parent campaign adds up from the campaigns under it (issue 18, item 7).

A campaign with children (``Campaign.parent``) is a **programme**. Its roll-up
covers its whole **subtree** — children, their children and so on — because a
programme's totals are what users expect to read on it: a region's programme
holding country programmes holding campaigns shows every campaign's money.
The programme's own planned cost is *not* in the roll-up (it is on its own
page, next to it): a programme's planned cost is often the umbrella of its
children's, and adding both would count it twice.

Every figure covers what the reader may see, from the one place that decides
it: the subtree is narrowed by ``Campaign.objects.visible_to(user)`` and by
the viewer's money scope (``in_scope(viewer_scope(user))``, :mod:`accounts.scope`),
the same as every report. A child of another team is listed on the programme's
page when the reader may open it, but its figures are in the reader's totals
only when its team is in the reader's scope (finance, leadership and admins:
every team). So the card, the API and the report grouped by programme give the
same totals for the same reader.

The money (approved, committed, spent) lives in budgets, which stand above
campaigns: budgets registers a :data:`RollupMoney` provider here in its
``AppConfig.ready()`` (as it registers launch guards), and this module never
imports budgets.

Everything is computed by the database: the subtree is one recursive query
(``WITH RECURSIVE``, which PostgreSQL and SQLite both run), the figures a few
grouped queries whose number does not depend on the number of children.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL

from accounts.scope import viewer_scope
from campaigns.choices import CampaignStatus

ZERO = Decimal("0.00")

#: The money figures of a programme's roll-up, by key, from the campaigns it covers
#: (a queryset of campaigns) and the reader's scope.
RollupMoney = Callable[[models.QuerySet, object], dict]
_MONEY_PROVIDERS: list[RollupMoney] = []

MONEY_KEYS = ("approved", "committed", "spent")


def register_rollup_money(provider: RollupMoney) -> RollupMoney:
    """Let an app above campaigns add money to every programme's roll-up (idempotent)."""
    if provider not in _MONEY_PROVIDERS:
        _MONEY_PROVIDERS.append(provider)
    return provider


def _table() -> str:
    from campaigns.models import Campaign

    return Campaign._meta.db_table


def subtree_ids(programme_pk: int) -> RawSQL:
    """The ids of every campaign under the programme (children, grandchildren, …), as a subquery.

    ``UNION`` (not ``UNION ALL``) keeps the walk finite even if a cycle slipped
    past ``Campaign.clean()``.
    """
    table = _table()
    return RawSQL(  # noqa: S611 - the table name is the model's own; the programme's id is a bound parameter
        f"WITH RECURSIVE programme_subtree(id) AS ("  # noqa: S608
        f' SELECT s."id" FROM "{table}" s WHERE s."parent_id" = %s'
        f' UNION SELECT c."id" FROM "{table}" c JOIN programme_subtree ON c."parent_id" = programme_subtree.id'
        f") SELECT id FROM programme_subtree",
        (programme_pk,),
    )


def programme_of() -> RawSQL:
    """The top programme a campaign belongs to (its root ancestor), or ``None`` when it has no parent.

    A correlated expression over ``Campaign`` rows, for ``annotate()`` and
    grouping: it walks up from the row by primary key, a few index lookups per
    level. A campaign without a parent — a programme at the top, or a campaign
    in no programme — is in none, so a report row grouped by programme adds up
    exactly the campaigns its roll-up card covers.
    """
    table = _table()
    return RawSQL(  # noqa: S611 - only the model's own table name; no value from outside
        f"(WITH RECURSIVE programme_up(id, parent_id) AS ("  # noqa: S608
        f' SELECT s."id", s."parent_id" FROM "{table}" s WHERE s."id" = "{table}"."parent_id"'
        f' UNION SELECT p."id", p."parent_id" FROM "{table}" p JOIN programme_up ON p."id" = programme_up.parent_id'
        f") SELECT programme_up.id FROM programme_up WHERE programme_up.parent_id IS NULL)",
        (),
        output_field=models.IntegerField(),
    )


def rollup_campaigns(*, programme, user) -> models.QuerySet:
    """The campaigns a programme's roll-up adds up for ``user``: its subtree, within what they may see."""
    from campaigns.models import Campaign

    return (
        Campaign.objects.visible_to(user)
        .in_scope(viewer_scope(user))
        .filter(pk__in=subtree_ids(programme.pk))
        .order_by()
    )


def programme_rollup(*, programme, user) -> dict | None:
    """The roll-up of a programme for ``user``, or ``None`` when the campaign has no children at all.

    Keys: ``campaigns`` (how many campaigns it covers), ``planned_cost``,
    ``approved``, ``committed``, ``spent`` (``Decimal``), ``by_status``
    (every status with its count, zeros included) and ``kpis`` (per metric:
    summed target and actual). A programme whose children the reader may not
    count still answers, with zeros: that it has children is visible on its
    page to anyone who reads it.
    """
    from campaigns.models import KPI

    if not programme.children.exists():
        return None
    campaigns = rollup_campaigns(programme=programme, user=user)
    by_status = dict.fromkeys(CampaignStatus.values, 0)
    planned = ZERO
    count = 0
    for row in campaigns.values("status").annotate(n=Count("pk"), planned=Sum("planned_cost")):
        by_status[row["status"]] = row["n"]
        planned += row["planned"] or ZERO
        count += row["n"]
    rollup = {
        "campaigns": count,
        "planned_cost": planned,
        **dict.fromkeys(MONEY_KEYS, ZERO),
        "by_status": by_status,
    }
    if count:
        for provider in _MONEY_PROVIDERS:
            rollup.update(provider(campaigns, viewer_scope(user)))
    rollup["kpis"] = _kpis(KPI.objects.filter(campaign__in=campaigns.values("pk"))) if count else []
    return rollup


def rollup_statuses(rollup: dict | None) -> list[dict]:
    """The statuses a roll-up counts campaigns in, in lifecycle order, as the page shows them (word + badge)."""
    from campaigns.models import STATUS_BADGE

    if not rollup:
        return []
    return [
        {"status": status, "label": CampaignStatus(status).label, "badge": STATUS_BADGE[status], "count": count}
        for status, count in rollup["by_status"].items()
        if count
    ]


def _kpis(kpis: models.QuerySet) -> list[dict]:
    """Targets and actuals summed per metric (a custom metric per its name), in the KPI list's order."""
    from campaigns.choices import KPIMetric

    rows = (
        kpis.order_by()
        .values("metric", "custom_name")
        .annotate(
            # Named apart from the fields: an annotation called "actual" would shadow the field in the filter.
            target_sum=Sum("target"),
            actual_sum=Sum("actual"),
            campaigns=Count("campaign", distinct=True),
            with_actual=Count("pk", filter=Q(actual__isnull=False)),
        )
        .order_by("metric", "custom_name")
    )
    result = []
    for row in rows:
        label = row["custom_name"] if row["metric"] == KPIMetric.CUSTOM else str(KPIMetric(row["metric"]).label)
        target, actual = row["target_sum"], row["actual_sum"] if row["with_actual"] else None
        result.append(
            {
                "metric": row["metric"],
                "label": label,
                "target": target,
                "actual": actual,
                "campaigns": row["campaigns"],
                "progress": int(actual * 100 / target) if target and actual is not None else None,
            }
        )
    return result
