"""Helpers to make change requests in a given state, through the services (so "affected" is computed)."""

import datetime as dt
from decimal import Decimal

from accounts.models import Membership
from budgets.choices import FundingRequestStatus
from changes import services
from changes.choices import TargetKind
from tests.budgets.factories import (
    ExpenseCategoryFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
)
from tests.campaigns.factories import CampaignFactory


def make_champion(user, team, *, lead: bool = False):
    """Flag ``user`` as ``team``'s champion (or lead), making the membership if needed."""
    membership, _created = Membership.objects.get_or_create(user=user, team=team)
    if lead:
        membership.is_lead = True
    else:
        membership.is_champion = True
    membership.save()
    user.__dict__.pop("team_ids", None)
    user.__dict__.pop("champion_team_ids", None)
    return user


def category_used_by(team, *, owner, code=None, status=FundingRequestStatus.SUBMITTED):
    """An expense category with a funding request of ``team``'s campaign (by ``owner``)."""
    category = ExpenseCategoryFactory(**({"code": code} if code else {}))
    campaign = CampaignFactory(team=team, owner=owner)
    period = FiscalPeriodFactory(
        year=FiscalYearFactory(name="FY-now", start_date=dt.date(2000, 1, 1), end_date=dt.date(2999, 12, 31)),
        name="Always",
        start_date=dt.date(2000, 1, 1),
        end_date=dt.date(2999, 12, 31),
    )
    FundingRequestFactory(
        campaign=campaign,
        category=category,
        period=period,
        requested_by=owner,
        status=status,
        approved_amount=Decimal("10000.00") if status == FundingRequestStatus.APPROVED else None,
    )
    return category


def make_change(*, by, team, owner=None, what="Rename the category", why="Finance renamed its line"):
    """An open change request on a category that ``team`` uses (so ``team`` is affected)."""
    category = category_used_by(team, owner=owner or by)
    return services.change_request_create(
        by=by, target_kind=TargetKind.EXPENSE_CATEGORY, expense_category=category, what=what, why=why
    )
