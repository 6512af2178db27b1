"""Demo data: ~15 campaigns across teams and statuses, safe to seed twice."""

import io

import pytest

from accounts import demo as accounts_demo
from campaigns import demo
from campaigns.choices import CampaignStatus
from campaigns.models import Activity, Campaign

pytestmark = pytest.mark.django_db


def test_demo_seeds_campaigns_across_teams_and_statuses_and_is_idempotent():
    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Campaign.objects.count() == 16  # 15 + the former employee's orphaned DEMO-16 (§7)
    assert Campaign.objects.values("team").distinct().count() == 4
    assert set(Campaign.objects.values_list("status", flat=True)) == set(CampaignStatus.values)
    assert Campaign.objects.filter(confidential=True).count() == 1
    assert Activity.objects.public().exists()
    assert Campaign.objects.filter(name__regex=r"[А-Яа-я]").exists()
    demo.seed(io.StringIO())
    assert Campaign.objects.count() == 16  # 15 + the former employee's orphaned DEMO-16 (§7)
