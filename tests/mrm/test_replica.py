"""Reports read from the replica when ``DATABASE_REPLICA_URL`` is set; everything else from the primary.

The replica here is a second database holding different rows than the
primary, so where each figure came from is visible: the report shows the
replica's campaigns, the campaign list the primary's. It runs in its own
process with the settings production builds from the environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from mrm.replica import REPLICA, ReplicaRouter, replica_reads

SCRIPT = """
import json, django
django.setup()
from django.db import connections
from accounts.models import User
from campaigns.models import Campaign
from reports.registry import get_report
leader = User.objects.get(username="leader")
report = get_report("campaign-status")
form = report.form({"group_by": "status"}, leader)
assert form.is_valid(), form.errors
result = report.result(leader, form)
print(json.dumps({
    "aliases": sorted(connections.settings),
    "report_campaigns": sum(int(row["campaigns"]) for row in result.rows),
    "listed": sorted(Campaign.objects.values_list("name", flat=True)),
}))
"""

SEED = """
import django, sys
django.setup()
from tests.factories import UserFactory
from tests.campaigns.factories import CampaignFactory
leader = UserFactory(username="leader", roles=["leadership"])
for n in range(int(sys.argv[1])):
    CampaignFactory(name=f"{sys.argv[2]} {n}")
"""


def _run(code: str, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def two_databases(tmp_path):
    """A migrated primary (one campaign) and a "replica" copy of it that holds three campaigns instead."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="mrm.settings.test", MRM_DATA_DIR=str(tmp_path / "data"))
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    migrate = {**env, "DATABASE_URL": f"sqlite:///{primary}"}
    _run(
        "import django; django.setup(); from django.core.management import call_command; call_command('migrate', verbosity=0)",
        migrate,
    )
    shutil.copy(primary, replica)
    _run(SEED, {**env, "DATABASE_URL": f"sqlite:///{primary}"}, "1", "Primary")
    _run(
        SEED.replace('leader = UserFactory(username="leader", roles=["leadership"])', ""),
        {**env, "DATABASE_URL": f"sqlite:///{replica}"},
        "3",
        "Replica",
    )
    return env, primary, replica


@pytest.mark.django_db
def test_reports_read_the_replica_and_pages_the_primary(two_databases):
    env, primary, replica = two_databases
    # given the primary with one campaign and a replica holding three other ones (users alike)
    # when a report and a list are read with DATABASE_REPLICA_URL set
    out = _run(SCRIPT, {**env, "DATABASE_URL": f"sqlite:///{primary}", "DATABASE_REPLICA_URL": f"sqlite:///{replica}"})
    seen = json.loads(out.strip().splitlines()[-1])
    # then the report counts the replica's campaigns, and the list shows the primary's
    assert seen["aliases"] == ["default", "replica"]
    assert seen["report_campaigns"] == 3
    assert seen["listed"] == ["Primary 0"]
    # and without the setting, the same report reads the primary
    out = _run(SCRIPT, {**env, "DATABASE_URL": f"sqlite:///{primary}"})
    alone = json.loads(out.strip().splitlines()[-1])
    assert alone["aliases"] == ["default"] and alone["report_campaigns"] == 1


def test_the_router_sends_only_reads_inside_a_report_to_the_replica(monkeypatch):
    from mrm import replica

    router = ReplicaRouter()
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    assert router.db_for_read(None) is None
    with replica_reads():
        assert router.db_for_read(None) == REPLICA
        assert router.db_for_write(None) is None
    assert router.db_for_read(None) is None
    assert router.allow_migrate(REPLICA, "campaigns") is False and router.allow_migrate("default", "campaigns")
    # without a replica configured, reports read the primary
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    with replica_reads():
        assert router.db_for_read(None) is None
