"""``manage.py seed_scale`` at a tiny scale: counts, idempotency, constraints, and the app still answers."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Team, User
from approvals.choices import RequestStatus
from approvals.models import ApprovalRequest, Decision
from budgets.choices import FUNDED_STATUSES
from budgets.models import Expense, FundingRequest
from campaigns.models import Activity, Campaign
from perf.seed import (
    CAMPAIGN_PREFIX,
    EXPENSE_PREFIX,
    REQUEST_PREFIX,
    TEAM_SLUG_PREFIX,
    USERNAME_PREFIX,
    ScaleSeeder,
    Sizes,
)

pytestmark = pytest.mark.django_db

SCALE = 0.002  # 20 campaigns, 100 activities, 40 requests, 60 approvals, 200 expenses, 2000 history rows


def counts() -> dict[str, int]:
    return {
        "teams": Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).count(),
        "users": User.objects.filter(username__startswith=USERNAME_PREFIX).count(),
        "campaigns": Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX).count(),
        "activities": Activity.objects.filter(campaign__code__startswith=CAMPAIGN_PREFIX).count(),
        "funding_requests": FundingRequest.objects.filter(number__startswith=REQUEST_PREFIX).count(),
        "approval_requests": ApprovalRequest.objects.filter(subject_title__startswith=REQUEST_PREFIX).count(),
        "expenses": Expense.objects.filter(reference__startswith=EXPENSE_PREFIX).count(),
        "history": ScaleSeeder.history_count(),
    }


def test_sizes_scale_every_default_and_keep_explicit_ones():
    sizes = Sizes.scaled(0.01, campaigns=7)
    assert (sizes.teams, sizes.users, sizes.campaigns, sizes.expenses, sizes.history) == (1, 10, 7, 1000, 10_000)
    assert Sizes.scaled(1.0) == Sizes()


def test_seed_twice_reaches_the_sizes_once_and_keeps_the_rules():
    expected = Sizes.scaled(SCALE)
    # when: run twice
    call_command("seed_scale", "--scale", str(SCALE), "--batch-size", "50")
    first = counts()
    call_command("seed_scale", "--scale", str(SCALE), "--batch-size", "50")
    # then: exactly the asked sizes, nothing duplicated by the second run
    assert first == {
        "teams": expected.teams,
        "users": expected.users,
        "campaigns": expected.campaigns,
        "activities": expected.activities,
        "funding_requests": expected.funding_requests,
        "approval_requests": expected.approval_requests,
        "expenses": expected.expenses,
        "history": expected.history,
    }
    assert counts() == first
    # and: the invariants the services would keep
    assert not ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS, current_stage__isnull=True).exists()
    open_per_subject = (
        ApprovalRequest.objects.filter(status=RequestStatus.IN_PROGRESS)
        .values("object_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not open_per_subject.exists()
    assert not Expense.objects.exclude(funding_request__status__in=FUNDED_STATUSES).exists()
    assert not Expense.objects.exclude(campaign_id=F("funding_request__campaign_id")).exists()
    assert Decision.objects.filter(request__subject_title__startswith=REQUEST_PREFIX).exists()
    assert (
        Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX, name__regex=r"[а-яА-Я]").count() == first["campaigns"]
    )
    years = Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX).dates("start_date", "year")
    assert len(years) >= 3


def test_a_top_up_adds_only_the_difference():
    call_command("seed_scale", "--scale", str(SCALE), "--history", "500")
    before = counts()
    call_command("seed_scale", "--scale", str(SCALE), "--campaigns", str(before["campaigns"] + 5), "--history", "900")
    after = counts()
    assert after["campaigns"] == before["campaigns"] + 5
    assert before["history"] == 500
    assert after["history"] == 900
    assert after["expenses"] == before["expenses"]


@pytest.mark.parametrize(
    "role",
    [Role.MARKETER, Role.FINANCE],
)
def test_pages_and_api_answer_after_seeding(client, role):
    call_command("seed_scale", "--scale", str(SCALE))
    user = User.objects.filter(username__startswith=USERNAME_PREFIX, groups__name=role).order_by("pk").first()
    campaign = Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX).order_by("pk").first()
    client.force_login(user)
    for url in ["/", "/campaigns/", "/calendar/", "/approvals/", "/budgets/utilisation/", "/reports/roi/"]:
        assert client.get(url).status_code == 200, url
    api = APIClient()
    api.force_authenticate(user)
    for url in [
        "/api/v1/campaigns/?page_size=50",
        "/api/v1/approval-requests/?pending_for_me=true",
        "/api/v1/expenses/",
        "/api/v1/reports/roi/",
        "/api/v1/users/me/",
    ]:
        assert api.get(url).status_code == 200, url
    if role == Role.FINANCE:
        assert client.get("/budgets/requests/review/").status_code == 200
        assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
