#!/usr/bin/env python
"""``make bench``: MRM's hot paths on PostgreSQL under gunicorn, against the raw-SQL limit (docs/PERFORMANCE.md).

1. migrates DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mrm_bench) and
   tops it up with ``manage.py seed_scale --scale S`` (idempotent);
2. starts gunicorn with the production settings (``perf.bench_wsgi``: the same
   application plus a query-count header);
3. signs in a marketer of the largest team, finance, the CMO (leadership +
   approver, the busiest inbox) and an admin: a session for pages, an API token
   for the API;
4. measures every hot path N times (after one warm-up), and in the same run the
   floor (``GET /api/v1/users/me/`` per role) and, for each list, the same rows
   fetched by one hand-written SQL query with psycopg2 and encoded to JSON;
5. prints a table and writes JSON (default data/bench/bench.json).

``--quick``: scale 0.01 and 5 runs, for a check that everything answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv/bin/python")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mrm_bench"
BUDGET = ROOT / "perf/query_budget.json"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--scale", type=float, default=0.1, help="seed_scale --scale when topping up (default 0.1)")
    parser.add_argument("--runs", type=int, default=20, help="measured requests per path (default 20)")
    parser.add_argument(
        "--export-runs", type=int, default=5, help="measured requests per export path (default 5: seconds each)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2: a 2-core machine)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn port (default: a free one)")
    parser.add_argument("--quick", action="store_true", help="scale 0.01 and 5 runs")
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    parser.add_argument("--only", default="", help="measure only paths whose name contains this")
    parser.add_argument("--output", default=str(ROOT / "data/bench/bench.json"))
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"fail on more queries per request than {BUDGET.relative_to(ROOT)} allows or a lost index (CI)",
    )
    parser.add_argument("--write-budget", action="store_true", help=f"write the run's query counts to {BUDGET.name}")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.runs, args.export_runs = min(args.scale, 0.01), min(args.runs, 5), min(args.export_runs, 2)
    return args


def server_env(args, port: int) -> dict[str, str]:
    """Production settings, as the Dockerfile runs them, on plain HTTP on the loopback."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="mrm.settings.production",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        MRM_BASE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the bench's database when the server does not have it yet (a fresh machine, a new CI runner)."""
    from urllib.parse import urlparse

    import psycopg2
    from psycopg2 import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
    }
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created the database {name}", flush=True)
    finally:
        connection.close()


def prepare_database(args, env) -> None:
    ensure_database(args.database_url)
    subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    # As the Dockerfile builds the image: hashed static files with their manifest, compiled translations.
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    if not static_is_current():
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput"], **quiet)
    subprocess.run([PY, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=node_modules"], **quiet)
    if not args.no_seed:
        subprocess.run([PY, "manage.py", "seed_scale", "--scale", str(args.scale)], cwd=ROOT, env=env, check=True)
    analyze_database(args.database_url)


def analyze_database(url: str) -> None:
    """Fresh planner statistics and visibility map, as autovacuum keeps them on a production database.

    This machine's PostgreSQL runs with autovacuum off (its CI configuration): a
    database seeded in bulk had no statistics, and the planner guessed. At scale 1
    it took the 30 000 stage states for 6 660 and hashed every stage state and
    request for each page's prefetch (25-35 ms of the approval list, which a
    production database never pays), and no index-only scan was possible (a
    budget line's expenses are summed from an index). ``VACUUM (ANALYZE)``: about
    7 s at scale 1 once seeded.
    """
    from urllib.parse import urlparse

    import psycopg2

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname=parts.path.lstrip("/"),
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


def static_is_current() -> bool:
    """Collected static files (the manifest) newer than every source file: collectstatic takes minutes here."""
    manifest = Path(os.environ.get("MRM_STATIC_ROOT", ROOT / "staticfiles")) / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    return all(path.stat().st_mtime <= built for path in (ROOT / "static").rglob("*") if path.is_file())


def start_server(args, env, port: int) -> subprocess.Popen:
    log = open(ROOT / "data/bench/gunicorn.log", "w")  # noqa: SIM115 - lives as long as the server
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "perf.bench_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "300",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_until_up(server, port, ROOT / "data/bench/gunicorn.log")
    return server


def wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    """Until the server answers on ``port`` (whatever the health path says), at most a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


# -- people, credentials and paths (inside Django, against the same database) -----------------


def personas() -> dict:
    """The four personas, each with a session cookie and an API token."""
    from django.db.models import Count

    from accounts.choices import Role
    from accounts.models import Team, User
    from perf.seed import TEAM_SLUG_PREFIX, USERNAME_PREFIX

    scale = User.objects.filter(username__startswith=USERNAME_PREFIX, is_active=True).order_by("pk")
    biggest = (
        Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).annotate(n=Count("campaigns")).order_by("-n").first()
    )
    people = {
        "marketer": scale.filter(groups__name=Role.MARKETER, memberships__team=biggest).first(),
        "finance": scale.filter(groups__name=Role.FINANCE).first(),
        "cmo": scale.filter(groups__name=Role.LEADERSHIP).first(),
        "admin": User.objects.filter(username="admin").first(),
    }
    result = {}
    for role, user in people.items():
        if user is None:
            raise SystemExit(f"No {role} in the database: run manage.py seed_scale first.")
        result[role] = credentials_for(user)
    return result


def credentials_for(user) -> dict:
    """A session cookie for pages and an API token for the API, as a browser and a client would hold."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.tokens import token_issue

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.LocalPasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = token_issue(user=user, name=f"bench {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}")
    return {"user": user, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "token": token.key}


def paths(people: dict) -> list[dict]:
    """Every hot path of issue 16 item 2, as the roles that use it; ``baseline`` names a list's SQL."""
    from campaigns.models import Campaign
    from perf.seed import CAMPAIGN_PREFIX
    from reports.registry import all_reports

    marketer = people["marketer"]["user"]
    campaign = Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX, team__in=marketer.teams.all()).first()
    month = dt.date.today().replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    # One team's month, as a marketer filters it: at scale 1 the whole department's month holds more
    # events (2 400) than the calendar draws at once, and the API refuses it (400 too_many_events).
    team = marketer.teams.order_by("pk").first()
    window = f"start={month}&end={next_month}&team={team.pk}"
    p = [
        {"name": "campaigns API, 50/page", "role": "marketer", "url": "/api/v1/campaigns/?page_size=50",
         "baseline": ("campaigns", {"limit": 50})},
        {"name": "campaigns API, 100/page", "role": "marketer", "url": "/api/v1/campaigns/?page_size=100",
         "baseline": ("campaigns", {"limit": 100})},
        {"name": "campaigns API, 100/page", "role": "cmo", "url": "/api/v1/campaigns/?page_size=100",
         "baseline": ("campaigns", {"limit": 100})},
        {"name": "campaigns API, filtered", "role": "marketer",
         "url": "/api/v1/campaigns/?page_size=50&status=active&status=planned",
         "baseline": ("campaigns", {"limit": 50, "status": ["active", "planned"]})},
        {"name": "campaigns API, searched", "role": "marketer", "url": "/api/v1/campaigns/?page_size=50&search=Москва",
         "baseline": ("campaigns", {"limit": 50, "search": "Москва"})},
        {"name": "campaigns page", "role": "marketer", "url": "/campaigns/"},
        {"name": "campaign detail API", "role": "marketer", "url": f"/api/v1/campaigns/{campaign.pk}/"},
        {"name": "campaign detail page", "role": "marketer", "url": f"/campaigns/{campaign.pk}/"},
        {"name": "calendar month API", "role": "marketer", "url": f"/api/v1/calendar/events/?{window}",
         "baseline": ("calendar", {"start": month, "end": next_month, "team": team.pk})},
        {"name": "calendar month API", "role": "cmo", "url": f"/api/v1/calendar/events/?{window}",
         "baseline": ("calendar", {"start": month, "end": next_month, "team": team.pk})},
        {"name": "calendar page", "role": "marketer", "url": "/calendar/"},
        {"name": "approvals inbox page", "role": "cmo", "url": "/approvals/"},
        {"name": "approvals pending_for_me API", "role": "cmo",
         "url": "/api/v1/approval-requests/?pending_for_me=true&page_size=50",
         "baseline": ("pending", {"limit": 50})},
        {"name": "approval requests API", "role": "cmo", "url": "/api/v1/approval-requests/?page_size=50",
         "baseline": ("approvals", {"limit": 50})},
        {"name": "finance review queue page", "role": "finance", "url": "/budgets/requests/review/"},
        {"name": "funding requests API", "role": "finance", "url": "/api/v1/funding-requests/?page_size=50",
         "baseline": ("funding_requests", {"limit": 50})},
        {"name": "expenses API", "role": "finance", "url": "/api/v1/expenses/?page_size=50",
         "baseline": ("expenses", {"limit": 50})},
        {"name": "utilisation page", "role": "finance", "url": "/budgets/utilisation/"},
        # Files: every expense as CSV and XLSX (streamed), and the ROI report's PDF (capped at
        # MRM_REPORT_PDF_MAX_ROWS rows, about 20 pages). The web worker's peak memory is measured.
        {"name": "export: expenses CSV", "role": "finance", "url": "/api/v1/expenses/?format=csv", "export": True},
        {"name": "export: expenses XLSX", "role": "finance", "url": "/api/v1/expenses/?format=xlsx", "export": True},
        {"name": "export: report roi PDF", "role": "finance", "url": "/api/v1/reports/roi/?format=pdf", "export": True},
    ]  # fmt: skip
    for role in ("marketer", "cmo", "finance", "admin"):
        p.append({"name": "dashboard", "role": role, "url": "/"})
    for report in all_reports():
        for role in ("cmo", "finance"):
            if report.available_to(people[role]["user"]):
                p.append({"name": f"report {report.slug} JSON", "role": role, "url": f"/api/v1/reports/{report.slug}/"})
                p.append({"name": f"report {report.slug} page", "role": role, "url": f"/reports/{report.slug}/"})
    return p


# -- the raw-SQL baselines --------------------------------------------------------------------

BASELINES = {
    # The same columns a list shows, with the joins it needs, in its order, one query.
    "campaigns": """
        SELECT c.id, c.code, c.name, c.status, c.start_date, c.end_date, c.planned_cost, c.confidential, c.tags,
               c.team_id, t.name AS team_name, c.owner_id, o.display_name AS owner_name, c.sponsor_id,
               c.created_at, c.updated_at
        FROM campaigns_campaign c JOIN accounts_team t ON t.id = c.team_id JOIN accounts_user o ON o.id = c.owner_id
        WHERE (NOT c.confidential OR c.team_id = ANY(%(teams)s) OR %(sees_all)s)
          AND (%(status)s::text[] IS NULL OR c.status = ANY(%(status)s))
          AND (%(search)s::text IS NULL OR c.name ILIKE '%%' || %(search)s || '%%' OR c.code ILIKE '%%' || %(search)s || '%%')
        ORDER BY c.start_date DESC, c.code LIMIT %(limit)s""",
    "calendar": """
        SELECT a.id, a.name, a.type, a.start_date, a.end_date, a.start_time, a.end_time, a.status,
               c.id AS campaign_id, c.code, c.name AS campaign_name, ch.color
        FROM campaigns_activity a JOIN campaigns_campaign c ON c.id = a.campaign_id
        LEFT JOIN campaigns_channel ch ON ch.id = a.channel_id
        WHERE a.start_date < %(end)s AND a.end_date >= %(start)s
          AND (%(team)s::bigint IS NULL OR c.team_id = %(team)s)
          AND (NOT c.confidential OR c.team_id = ANY(%(teams)s) OR %(sees_all)s)
        ORDER BY a.start_date, a.id""",
    "pending": """
        SELECT r.id, r.subject_title, r.subject_url, r.amount, r.status, r.submitted_at, r.due_at,
               s.name AS stage_name, u.display_name AS submitted_by
        FROM approvals_approvalrequest r
        JOIN approvals_stagestate s ON s.id = r.current_stage_id
        JOIN approvals_stageassignment a ON a.stage_state_id = s.id AND a.user_id = %(user)s AND NOT a.decided
        JOIN accounts_user u ON u.id = r.submitted_by_id
        WHERE r.status = 'in_progress' AND r.submitted_by_id <> %(user)s
        ORDER BY r.submitted_at DESC, r.id DESC LIMIT %(limit)s""",
    "approvals": """
        SELECT r.id, r.subject_kind, r.subject_title, r.subject_url, r.amount, r.status, r.submitted_at,
               r.due_at, r.closed_at, u.display_name AS submitted_by
        FROM approvals_approvalrequest r JOIN accounts_user u ON u.id = r.submitted_by_id
        ORDER BY r.submitted_at DESC, r.id DESC LIMIT %(limit)s""",
    "funding_requests": """
        SELECT f.id, f.number, f.amount, f.approved_amount, f.status, f.submitted_at, f.decided_at,
               c.code, c.name AS campaign_name, k.code AS category, p.name AS period
        FROM budgets_fundingrequest f JOIN campaigns_campaign c ON c.id = f.campaign_id
        JOIN budgets_expensecategory k ON k.id = f.category_id JOIN budgets_fiscalperiod p ON p.id = f.period_id
        ORDER BY f.created_at DESC, f.id DESC LIMIT %(limit)s""",
    "expenses": """
        SELECT e.id, e.vendor, e.amount, e.date, e.reference, e.note, f.number, c.code, e.created_at
        FROM budgets_expense e JOIN budgets_fundingrequest f ON f.id = e.funding_request_id
        JOIN campaigns_campaign c ON c.id = e.campaign_id
        ORDER BY e.date DESC, e.id DESC LIMIT %(limit)s""",
}


def baseline_params(name: str, given: dict, user) -> dict:
    sees_all = user.is_mrm_admin or bool(user.roles & {"finance", "leadership"})
    params = {
        "teams": list(user.team_ids),
        "sees_all": sees_all,
        "user": user.pk,
        "status": None,
        "search": None,
        "team": None,
    }
    params.update(given)
    return params


def measure_baseline(cursor, name: str, params: dict, runs: int) -> tuple[list[float], int]:
    """The rows by one hand-written query, fetched and encoded to JSON: the physical limit."""
    samples, rows = [], 0
    for i in range(runs + 1):
        started = time.perf_counter()
        cursor.execute(BASELINES[name], params)
        columns = [c.name for c in cursor.description]
        data = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        json.dumps({"results": data}, default=str).encode()
        if i:  # the first one warms the cache
            samples.append((time.perf_counter() - started) * 1000)
        rows = len(data)
    return samples, rows


# -- the run ------------------------------------------------------------------------------------


def get(base: str, url: str, credentials: dict) -> tuple[int, float, int, int | None]:
    from perf.bench_wsgi import QUERIES_HEADER

    headers = {"Accept-Language": "ru", "X-Forwarded-Proto": "https"}
    if url.startswith("/api/"):
        headers["Authorization"] = f"Token {credentials['token']}"
        if "format=" not in url:  # a file (?format=csv) is not JSON: DRF answers 406 to an Accept it cannot meet
            headers["Accept"] = "application/json"
    else:
        headers["Cookie"] = credentials["cookie"]
    request = urllib.request.Request(base + urllib.parse.quote(url, safe="/?&=:"), headers=headers)  # noqa: S310 - our own loopback server
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
            body = response.read()
            status, queries = response.status, response.headers.get(QUERIES_HEADER)
    except urllib.error.HTTPError as error:
        body, status, queries = error.read(), error.code, error.headers.get(QUERIES_HEADER)
    elapsed = (time.perf_counter() - started) * 1000
    return status, elapsed, len(body), int(queries) if queries is not None else None


def run(args) -> dict:
    import django
    import psycopg2

    from perf.bench import Measurement, PeakRss, child_pids, cpu_seconds, markdown_table, percentile

    port = args.port or free_port()
    (ROOT / "data/bench").mkdir(parents=True, exist_ok=True)
    env = server_env(args, port)
    prepare_database(args, env)
    os.environ.update(env)
    django.setup()
    people = personas()
    todo = [p for p in paths(people) if args.only in p["name"]]
    server = start_server(args, env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        floors = {}
        for role, credentials in people.items():
            get(base, "/api/v1/users/me/", credentials)
            floors[role] = percentile([get(base, "/api/v1/users/me/", credentials)[1] for _ in range(args.runs)], 95)
            print(f"floor {role}: p95 {floors[role]:.1f} ms", flush=True)
        measurements = []
        connection = psycopg2.connect(args.database_url)
        connection.set_session(readonly=True, autocommit=True)
        cursor = connection.cursor()
        for path in todo:
            credentials = people[path["role"]]
            m = Measurement(name=path["name"], role=path["role"], url=path["url"])
            get(base, path["url"], credentials)  # warm-up
            runs = args.export_runs if path.get("export") else args.runs
            workers = child_pids(server.pid)
            cpu_before = sum(cpu_seconds(pid) for pid in workers)
            with PeakRss(lambda: child_pids(server.pid)) as peak:
                for _ in range(runs):
                    m.status, elapsed, m.size_bytes, m.queries = get(base, path["url"], credentials)
                    m.samples_ms.append(elapsed)
            if path.get("export"):
                m.peak_rss_mb = peak.mb
                m.worker_cpu_s = round((sum(cpu_seconds(pid) for pid in workers) - cpu_before) / runs, 2)
            if "baseline" in path:
                name, given = path["baseline"]
                params = baseline_params(name, given, credentials["user"])
                m.baseline_samples_ms, m.baseline_rows = measure_baseline(cursor, name, params, args.runs)
            measurements.append(m)
            rss = f", peak worker RSS {m.peak_rss_mb:.0f} MB, {m.worker_cpu_s} CPU s each" if m.peak_rss_mb else ""
            print(
                f"{m.name} ({m.role}): {m.status} p50 {m.p50:.1f} p95 {m.p95:.1f} ms, {m.queries} queries{rss}",
                flush=True,
            )
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = [m.row(floors[m.role]) for m in measurements]
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} cores · {platform.python_version()}",
        "scale": None if args.no_seed else args.scale,
        "runs": args.runs,
        "export_runs": args.export_runs,
        "workers": args.workers,
        "floors_ms": {role: round(v, 1) for role, v in floors.items()},
        "counts": data_counts(),
        "rows": rows,
    }
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print()
    print(
        f"Scale {result['scale']}, {args.runs} runs, {args.workers} workers, {result['when']}; floors {result['floors_ms']}"
    )
    print(f"Rows: {result['counts']}")
    print(markdown_table(rows))
    print(f"\nJSON: {args.output}")
    return result


def app_indexes(cursor) -> list[str]:
    """The names of the indexes on MRM's own tables (its apps live in the project, not in .venv)."""
    from django.apps import apps

    own = [c for c in apps.get_app_configs() if Path(c.path).is_relative_to(ROOT) and ".venv" not in Path(c.path).parts]
    tables = [model._meta.db_table for config in own for model in config.get_models()]
    cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s)", [tables])
    return sorted(name for (name,) in cursor.fetchall())


def check_budget(args, result: dict) -> int:
    """--check / --write-budget: compare (or record) query counts and indexes; the exit status."""
    import psycopg2

    from perf.bench import budget_problems, make_budget

    connection = psycopg2.connect(args.database_url)
    try:
        indexes = app_indexes(connection.cursor())
    finally:
        connection.close()
    if args.write_budget:
        BUDGET.write_text(json.dumps(make_budget(result["rows"], indexes), ensure_ascii=False, indent=2) + "\n")
        print(f"Budget written: {BUDGET}")
        return 0
    problems = budget_problems(result["rows"], indexes, json.loads(BUDGET.read_text()))
    for problem in problems:
        print(f"BENCH CHECK: {problem}")
    print("Bench check: " + ("failed" if problems else f"{len(result['rows'])} paths within their query budget"))
    return 1 if problems else 0


def data_counts() -> dict:
    from accounts.models import User
    from approvals.models import ApprovalRequest
    from budgets.models import Expense, FundingRequest
    from campaigns.models import Activity, Campaign
    from perf.seed import ScaleSeeder

    return {
        "users": User.objects.count(),
        "campaigns": Campaign.objects.count(),
        "activities": Activity.objects.count(),
        "funding_requests": FundingRequest.objects.count(),
        "approval_requests": ApprovalRequest.objects.count(),
        "expenses": Expense.objects.count(),
        "scale_history_rows": ScaleSeeder.history_count(),
    }


if __name__ == "__main__":
    arguments = parse_args()
    outcome = run(arguments)
    if arguments.check or arguments.write_budget:
        sys.exit(check_budget(arguments, outcome))
    failed = [row for row in outcome["rows"] if row["status"] != 200]
    if failed:
        print("Not 200:", ", ".join(f"{r['name']} ({r['role']}): {r['status']}" for r in failed))
        sys.exit(1)
