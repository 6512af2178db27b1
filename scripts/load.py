#!/usr/bin/env python
"""``make load``: 30 people at once against gunicorn as in production (issue 16 item 3).

1. prepares the bench database as ``make bench`` does (migrate, static files,
   translations, ``seed_scale --scale S``);
2. starts gunicorn with the Dockerfile's options (3 sync workers, 30 s timeout,
   worker recycling) and the production settings;
3. hands real credentials to several people of each persona (marketers of
   several teams, finance, leadership, admins) and what their writes need;
4. runs locust headless (``perf/locustfile.py``): USERS people (default 30)
   arriving over 30 s, for DURATION (default 5m);
5. prints and writes (``data/load/load.json``) p50, p95, p99, requests, errors
   per request name and in total; exits 1 when the total p95 is above the
   target (500 ms) or any request failed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench as runner  # noqa: E402 - scripts/bench.py, the same preparation and server

OUT = ROOT / "data/load"
TARGET_P95_MS = 500


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", runner.DEFAULT_DATABASE_URL))
    parser.add_argument("--scale", type=float, default=0.1, help="seed_scale --scale when topping up (default 0.1)")
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", default="5m", help="locust --run-time (default 5m)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3, as the Dockerfile)")
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args(argv)


def start_server(args, env, port: int) -> subprocess.Popen:
    """gunicorn with the Dockerfile's options (timeouts, worker recycling), on the loopback."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "mrm.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "30",
        "--graceful-timeout",
        "25",
        "--keep-alive",
        "5",
        "--max-requests",
        "1000",
        "--max-requests-jitter",
        "100",
    ]
    log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    runner.wait_until_up(server, port, OUT / "gunicorn.log")
    return server


def people(per_role: dict[str, int]) -> dict[str, list[dict]]:
    """Credentials and what each person's writes need, for several people per persona."""
    from decimal import Decimal

    from django.db.models import Count, F, Sum
    from django.db.models.functions import Coalesce

    from accounts.choices import Role
    from accounts.models import Team, User
    from approvals.models import ApprovalRequest
    from budgets.choices import FUNDED_STATUSES
    from budgets.models import FundingRequest
    from campaigns.models import Campaign
    from perf.seed import TEAM_SLUG_PREFIX, USERNAME_PREFIX

    scale = User.objects.filter(username__startswith=USERNAME_PREFIX, is_active=True).order_by("pk")
    teams = list(
        Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).annotate(n=Count("campaigns")).order_by("-n")[:5]
    )
    marketers = []
    for team in teams:
        marketers += list(scale.filter(groups__name=Role.MARKETER, memberships__team=team)[:2])
    chosen = {
        "marketer": marketers[: per_role["marketer"]],
        "finance": list(scale.filter(groups__name=Role.FINANCE)[: per_role["finance"]]),
        "cmo": list(scale.filter(groups__name=Role.LEADERSHIP)[: per_role["cmo"]]),
        "admin": list(User.objects.filter(is_superuser=True, is_active=True)[: per_role["admin"]]),
    }
    # approved requests with room for a day of one-rouble expenses
    funded = list(
        FundingRequest.objects.filter(status__in=FUNDED_STATUSES)
        .annotate(spent=Coalesce(Sum("expenses__amount"), Decimal("0")))
        .filter(approved_amount__gte=F("spent") + 1000)
        .order_by("-approved_amount")
        .values_list("pk", flat=True)[:50]
    )
    result: dict[str, list[dict]] = {}
    for role, users in chosen.items():
        if not users:
            raise SystemExit(f"No {role} in the database: run manage.py seed_scale first.")
        result[role] = []
        for user in users:
            person = runner.credentials_for(user)
            person["id"] = person.pop("user").pk
            team = min(user.team_ids) if user.team_ids else None
            person["team"] = team
            person["campaigns"] = list(
                Campaign.objects.visible_to(user).filter(team_id=team).values_list("pk", flat=True)[:50]
            ) or list(Campaign.objects.visible_to(user).values_list("pk", flat=True)[:50])
            person["funded_requests"] = funded
            person["open_requests"] = list(ApprovalRequest.objects.pending_for(user).values_list("pk", flat=True)[:20])
            result[role].append(person)
    return result


def summary(stats_csv: Path) -> dict:
    """locust's per-request statistics, the aggregated row last."""
    rows = []
    with stats_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "rps": round(float(row["Requests/s"] or 0), 2),
                }
            )
    return {"rows": rows[:-1], "total": rows[-1]}


def run(args) -> int:
    import django

    OUT.mkdir(parents=True, exist_ok=True)
    port = args.port or runner.free_port()
    env = runner.server_env(args, port)
    runner.prepare_database(args, env)
    os.environ.update(env)
    django.setup()
    per_role = {"marketer": 10, "finance": 3, "cmo": 3, "admin": 2}
    people_file = OUT / "people.json"
    people_file.write_text(json.dumps(people(per_role), ensure_ascii=False))
    server = start_server(args, env, port)
    try:
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "perf/locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 30)),
                "--run-time",
                args.duration,
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(OUT / "load"),
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env={**env, "MRM_LOAD_PEOPLE": str(people_file)},
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
        people_file.unlink(missing_ok=True)
    result = summary(OUT / "load_stats.csv")
    result.update(
        when=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        users=args.users,
        duration=args.duration,
        workers=args.workers,
        scale=None if args.no_seed else args.scale,
        counts=runner.data_counts(),
    )
    (OUT / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    total = result["total"]
    print(
        f"\n{args.users} people, {args.duration}: {total['requests']} requests, {total['failures']} failed, "
        f"p50 {total['p50_ms']:.0f} ms, p95 {total['p95_ms']:.0f} ms, p99 {total['p99_ms']:.0f} ms, "
        f"{total['rps']} req/s (target: p95 ≤ {TARGET_P95_MS} ms, no error)"
    )
    print(f"JSON: {OUT / 'load.json'}")
    return 0 if total["failures"] == 0 and total["p95_ms"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(run(parse_args()))
