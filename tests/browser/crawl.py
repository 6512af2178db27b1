"""Every HTML page of MRM, at three widths, with every axe impact (issue 19 item 6).

The pages come from the permission matrix (``tests/gates/matrix/*.py``): each
``GET`` row of a page route is opened as a persona the row lets through, on
the demo's data (``seed_demo``) with the row's own object made by the matrix's
factory. A new route fails the matrix gate until it has a row, and once it
has one it is crawled here: nothing to list twice.

A row is either a page (a 200 with a whole HTML document, audited) or one of
:data:`NOT_PAGES` (a download, a fragment htmx swaps into a page, a redirect),
each with the reason; a row that is neither fails the crawl, so a page whose
set-up broke is not silently left out.

Besides: every report, the whole pages ``POST`` rows answer with (a form and
its errors, a webhook's secret; served in place of the server's answer), the
error pages and the menus and dialogs that open over a page (:data:`OPEN_PARTS`).

Each page is loaded once at 1280 px, then the viewport is resized to 768 and
390 px, with axe run after each size (cheaper than three loads).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.support.axe import EVERY_IMPACT, audit
from tests.support.csp import CSPWatcher
from tests.support.layout import overflow, page_width
from tests.support.matrix import (
    OK,
    Route,
    RouteKey,
    World,
    all_rows,
    build_url,
    lazy_object,
    load_matrix,
    resolve_args,
)
from tests.support.network import SETTLED, settle, watch

WIDTHS = (1280, 768, 390)

#: Whom to open a page as when the row lets several through: the first allowed.
PREFERENCE = ("anonymous", "marketer", "admin", "finance", "approver", "leadership", "other_team")
#: Pages whose richest state is someone else's (the decision page shows its buttons to the approver).
PERSONA_FOR = {
    "approvals:detail": "approver",
}

#: Matrix page rows that are no HTML page of their own, and why they are not crawled.
NOT_PAGES = {
    # not the application's pages
    "api:api-root": "DRF's browsable API root, answered as JSON to the test client",
    "api-schema": "the OpenAPI document (YAML)",
    "api-docs": "drf-spectacular's Swagger UI shell, a third-party page like the Django admin",
    "javascript-catalog": "JavaScript (the scripts' translations)",
    "health": "JSON for load balancers",
    "health_ready": "JSON for orchestrators",
    # downloads
    "attachments:download": "a file download",
    "budgets:spend_attachment": "a file download",
    "materials:file": "a file download",
    "materials:preview": "an image or PDF preview of a material version",
    "reports:run_download": "a file download",
    "campaigns:feed_ics": "an iCalendar feed",
    "campaigns:embed_events": "JSON for the embedded calendar",
    # GETs that only redirect
    "accounts:logout": "signs out and redirects (GET is refused)",
    "accounts:set_language": "a POST endpoint (GET redirects back)",
    "accounts:sso_login": "redirects to the identity provider",
    "accounts:sso_callback": "the identity provider's return, a redirect",
    "accounts:token_create": "a POST endpoint",
    "accounts:token_revoke": "a POST endpoint",
    "accounts:user_deactivate": "a POST endpoint",
    # fragments htmx swaps into a page (audited there, once loaded)
    "campaigns:attachments": "the attachments card of a campaign's page",
    "budgets:request_attachments": "the attachments card of a funding request's page",
    "budgets:decision_context": "the budget context of a funding request's decision",
    "changes:preview": "what a change request would affect, under its form",
}


def _pending_launch_approval(world):
    """The demo's launch approval waiting on the CMO (the matrix's own needs a second active launch workflow)."""
    from approvals.models import ApprovalRequest

    return ApprovalRequest.objects.pending_for(world.approver).order_by("pk").first()


#: Objects the demo already has, for resources whose matrix factory assumes an empty database.
DEMO_OBJECTS = {
    "approval requests": _pending_launch_approval,
}


@dataclass(frozen=True)
class Visit:
    name: str  # the route's name, with the report's slug for each report
    url: str
    role: str
    status: int = 200
    body: str = ""  # served in place of the server's answer (the 500 page, which no request can make)


def error_visits() -> list[Visit]:
    """The error pages: 403 and 404 as the server answers them; the others as rendered when they happen."""
    from django.template.loader import render_to_string

    from accounts.lockout import locked_out_message

    def rendered(name, status, context=None):
        return Visit(name, f"/__{status}__/", "anonymous", status, render_to_string(name, context))

    return [
        Visit("403 page", reverse("webhooks:list"), "marketer", status=403),
        Visit("404 page", "/no-such-page/", "marketer", status=404),
        rendered("500.html", 500),
        rendered("503.html", 503),
        rendered("registration/locked_out.html", 403, {"message": locked_out_message()}),
        rendered("registration/throttled.html", 429, {"message": "Too many attempts; try again in a minute."}),
    ]


@dataclass
class Plan:
    visits: list[Visit]
    problems: list[str]


def demo_world(request) -> World:
    """The demo (``seed_demo``) as the matrix's world: team A is Brand, team B Events."""
    from accounts.choices import Role
    from accounts.models import Team, User
    from accounts.services import user_set_roles

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    director, _created = User.objects.get_or_create(username="director", defaults={"display_name": "Director"})
    user_set_roles(user=director, roles=[Role.LEADERSHIP])
    users = {name: User.objects.get(username=name) for name in ("marketer", "cmo", "finance", "admin", "events")}
    return World(
        team=Team.objects.get(name="Brand"),
        other_team=Team.objects.get(name="Events"),
        users={
            "marketer": users["marketer"],
            "approver": users["cmo"],
            "finance": users["finance"],
            "leadership": director,
            "admin": users["admin"],
            "other_team": users["events"],
        },
        request=request,
    )


def page_rows(modules: Iterable[str]) -> Iterator[tuple[str, object, RouteKey, Route]]:
    """The matrix's rows of pages (not the API), GET and POST, of the given ``tests/gates/matrix`` modules."""
    tables = load_matrix()
    unknown = set(modules) - set(tables)
    assert not unknown, f"no matrix module {sorted(unknown)}"
    for module, resource, key, row in all_rows({m: tables[m] for m in modules}):
        if key.method in ("GET", "POST") and not key.is_api:
            yield module, resource, key, row


def personas(key: RouteKey, row: Route) -> list[str]:
    """Who may open the row's page, the one to prefer first."""
    allowed = [role for role in PREFERENCE if row.expect.for_role(role, api=False) == OK]
    wanted = PERSONA_FOR.get(key.target)
    return sorted(allowed, key=lambda role: role != wanted)


def _variants(key: RouteKey, url: str) -> list[tuple[str, str]]:
    """One URL per page; a report's page once per report (each draws its own filters, table and charts)."""
    if key.target == "reports:detail":
        from reports.registry import all_reports

        return [(f"reports:detail {r.slug}", reverse("reports:detail", args=[r.slug])) for r in all_reports()]
    if key.target == "accounts:password_reset_confirm":  # the matrix's link is invalid: that page, then the form
        return [(f"{key.target} invalid", url), (key.target, _valid_reset_link())]
    return [(key.target, url)]


def _valid_reset_link() -> str:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from accounts.models import User

    user = User.objects.get(username="marketer")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _is_document(response) -> bool:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return False
    if getattr(response, "streaming", False):
        return False
    return b"<html" in response.content[:2000].lower()


def plan(world: World, modules: Iterable[str]) -> Plan:
    """Which page to open as whom; a GET row neither a page nor declared in :data:`NOT_PAGES` is a problem.

    A POST row adds the page it answers with, if that is a whole page: sent empty (a form with its
    errors, a refusal) and with the row's data (a webhook's secret, a bulk change's result), once
    per template, rolled back, and served to the browser in place of the server's answer.
    """
    visits, problems, objects, answered, urls = [], [], {}, set(), {}
    client = Client()
    for module, resource, key, row in page_rows(modules):
        if key.target in NOT_PAGES and key.method == "GET":
            continue
        roles = personas(key, row)
        if not roles:
            if key.method == "GET":
                problems.append(f"{key.target}: the matrix lets no one open it; declare it in NOT_PAGES with why")
            continue
        if id(resource) not in objects:  # made once per resource, and only if a URL needs it
            objects[id(resource)] = lazy_object(world, DEMO_OBJECTS.get(resource.name, resource.obj))
        obj = objects[id(resource)]
        try:  # once per route: a GET and a POST row share the objects their URL's factory made
            url = urls.get(key.target) or urls.setdefault(key.target, build_url(key, row, world, obj))
        except Exception as exc:
            problems.append(f"{key} ({module}.py): cannot build its URL: {exc}")
            continue
        if key.method == "POST":
            visits += _answers(client, world, key, row, obj, url, roles[0], answered)
            continue
        for name, variant in _variants(key, url):
            for role in roles:  # a report of finance's is opened as finance
                _sign_in_client(client, world, role)
                response = client.get(variant, follow=True)  # a valid reset link goes on to its form
                if response.status_code != 403:
                    break
            if not _is_document(response):
                problems.append(
                    f"{name} as {role}: {variant} answered {response.status_code} "
                    f"{response.get('Content-Type', '')}, not a page; fix its set-up or declare it in NOT_PAGES"
                )
                continue
            visits.append(Visit(name, variant, role))
    client.logout()
    return Plan(visits, problems)


def _sign_in_client(client, world: World, role: str) -> None:
    if role == "anonymous":
        client.logout()
    else:
        client.force_login(world.users[role])


def _answers(client, world, key: RouteKey, row: Route, obj, url: str, role: str, answered: set) -> list[Visit]:
    """The whole pages a POST answers with, empty and with the row's data, each template once."""
    found = []
    for label, body in (("sent empty", {}), ("sent", resolve_args(row.data, world, obj))):
        with transaction.atomic():
            _sign_in_client(client, world, role)
            response = client.post(url, body)
            transaction.set_rollback(True)
        template = response.templates[0].name if response.templates else ""
        html = response.content if not getattr(response, "streaming", False) else b""
        if response.status_code >= 300 and response.status_code < 400 or b"<html" not in html[:2000].lower():
            continue
        if template in answered:
            continue
        answered.add(template)
        found.append(Visit(f"POST {key.target} {label}", url, role, response.status_code, html.decode()))
    return found


#: The interface's language; English in CI (the menu and main pages are audited in Russian by
#: test_accessibility.py), ``MRM_CRAWL_LANGUAGE=ru`` to crawl everything in Russian.
LANGUAGE = os.environ.get("MRM_CRAWL_LANGUAGE", "en")


def sign_in(context, live_server, world: World, role: str) -> None:
    context.clear_cookies()
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": LANGUAGE, "url": live_server.url}])
    if role == "anonymous":
        return
    client = Client()
    client.force_login(world.users[role])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def audit_at_every_width(page, label: str) -> list[str]:
    """axe, every impact, at each width of :data:`WIDTHS`, on the page as loaded; and nothing wider than it.

    A table may scroll inside its own container; the page itself never
    scrolls sideways (issue 19 item 1).
    """
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        page.evaluate(SETTLED)
        found += [f"{label} @{width}: {v}" for v in audit(page, impacts=EVERY_IMPACT)]
        if page_width(page) > width:
            found.append(f"{label} @{width}: the page is {page_width(page)} px wide: {overflow(page, width)}")
    return found


@dataclass(frozen=True)
class Timing:
    page: str
    load: float  # seconds to load, until no request was in flight (tests/support/network.py)
    audits: float  # seconds of the three resizes and axe runs


def crawl(context, live_server, world: World, visits: list[Visit]) -> tuple[list[str], list[Timing]]:
    """Open every visit and audit it; the violations and how long each page took."""
    page = watch(context.new_page())
    csp = CSPWatcher()
    page.on("console", csp.on_console)
    problems, timings, signed_in_as = [], [], None
    for visit in sorted(visits, key=lambda v: PREFERENCE.index(v.role)):
        if visit.role != signed_in_as:
            sign_in(context, live_server, world, visit.role)
            signed_in_as = visit.role
        started = time.monotonic()
        page.set_viewport_size({"width": WIDTHS[0], "height": 860})
        url = f"{live_server.url}{visit.url}"
        if visit.body:
            page.route(url, _serve(visit))
        response = page.goto(url)
        settle(page)
        if visit.body:
            page.unroute(url)
        if response is None or response.status != visit.status:
            problems.append(f"{visit.name} as {visit.role}: {visit.url} answered {response and response.status}")
            continue
        loaded = time.monotonic()
        problems += audit_at_every_width(page, f"{visit.name} as {visit.role}")
        timings.append(Timing(visit.name, loaded - started, time.monotonic() - loaded))
    try:
        csp.finish()
    except AssertionError as exc:
        problems.append(str(exc))
    page.close()
    return problems, timings


#: What opens over any page: (where, as whom, [(part, the clicks that open it)]), each closed again with Escape
#: (the menu toggler by a second click). Hidden, they are not audited with the page.
OPEN_PARTS = [
    (
        "approvals:inbox",
        "approver",
        [
            ("main menu, folded", [".navbar-toggler"]),
            ("user menu", ["#user-menu-button"]),
            ("help menu", ["#help-menu-button"]),
            ("ask a question dialog", ["#help-menu-button", "a[data-help-ask]"]),
            ("keyboard shortcuts dialog", ["[data-shortcuts-help]"]),
        ],
    ),
    ("campaigns:list", "marketer", [("export menu", ["main [data-bs-toggle=dropdown]"])]),
]


def audit_open_parts(context, live_server, world: World) -> list[str]:
    """Menus and dialogs opened over a page, at each width, every impact."""
    page = watch(context.new_page())
    problems, opened = [], set()
    for name, role, parts in OPEN_PARTS:
        sign_in(context, live_server, world, role)
        page.set_viewport_size({"width": WIDTHS[0], "height": 860})
        page.goto(f"{live_server.url}{reverse(name)}")
        settle(page)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 860})
            for part, clicks in parts:
                if not page.locator(clicks[0]).is_visible():  # the folded menu's toggler shows below 1200 px
                    continue
                for selector in clicks:
                    page.locator(selector).first.click()
                settle(page)
                problems += [f"{name} {part} @{width}: {v}" for v in audit(page, impacts=EVERY_IMPACT)]
                opened.add(part)
                if clicks[0] == ".navbar-toggler":
                    page.locator(clicks[0]).click()
                    page.locator("#main-navigation").wait_for(state="hidden")
                else:
                    page.keyboard.press("Escape")
    page.close()
    never = [part for _name, _role, parts in OPEN_PARTS for part, _clicks in parts if part not in opened]
    return problems + [f"{part}: never opened (its button is gone?)" for part in never]


def _serve(visit: Visit):
    def fulfill(route):
        route.fulfill(status=visit.status, content_type="text/html", body=visit.body)

    return fulfill


def report(problems: list[str], timings: list[Timing]) -> str:
    """How many pages, how long (loading / auditing), the slowest; then every problem."""
    slowest = sorted(timings, key=lambda t: t.load + t.audits, reverse=True)[:5]
    load, audits = sum(t.load for t in timings), sum(t.audits for t in timings)
    return (
        f"{len(timings)} pages: {load:.0f}s loading, {audits:.0f}s auditing at {len(WIDTHS)} widths"
        f" (slowest: {', '.join(f'{t.page} {t.load + t.audits:.1f}s' for t in slowest)})\n" + "\n".join(problems)
    )


#: Which crawl file opens the pages of which matrix modules (a few files, so CI's workers share the crawl).
GROUPS = {
    "campaigns": ("campaigns", "materials", "attachments", "changes"),
    "money": ("budgets", "imports"),
    "reports": ("reports", "search", "notifications"),
    "the_rest": ("accounts", "approvals", "help", "webhooks", "mrm"),
}
