"""The gates fail when they should (issue 3: "show this in the tests of the gates themselves").

Each test runs a gate against something deliberately wrong - a tiny URLconf
(``tests/gates/meta_urls.py``), a template in a temporary folder, a list with
an N+1 - and checks that the gate reports it, while the right twin passes.
The accessibility gate's own checks are in ``tests/browser/test_accessibility.py``.
"""

import re

import pytest

from accounts.models import Team
from tests.factories import TeamFactory, UserFactory
from tests.support.fuzz import (
    FuzzFailure,
    InProcessWSGI,
    examples_per_operation,
    fuzz_operation,
    run_stateful,
    schemathesis_schema,
)
from tests.support.matrix import (
    NOT_FOUND,
    OK,
    SIGNED_IN,
    Resource,
    Route,
    RouteKey,
    all_rows,
    check_route,
    expect,
    missing_rows,
    only,
    stale_rows,
)
from tests.support.pip_audit import audit_command, read_ignore_file, summarise
from tests.support.queries import QueryBudgetExceeded, measure_constant_queries
from tests.support.template_scan import scan_templates, template_files

META = "tests.gates.meta_urls"
MEMBERS_ONLY = expect(NOT_FOUND, marketer=OK)


def teams_of(prefix: str) -> Resource:
    """Teams a user belongs to: team A's marketer sees team A, nobody else does."""
    return Resource(
        "teams of mine",
        {f"GET /api/v1/{prefix}/": SIGNED_IN, f"GET /api/v1/{prefix}/{{id}}/": MEMBERS_ONLY},
        obj=lambda world: world.team,
        confidential=lambda world: world.team,
    )


def rows_of(resource):
    return list(all_rows({"meta": [resource]}))


# --- permission matrix: discovery ----------------------------------------------------


@pytest.mark.django_db
def test_discovery_reports_an_endpoint_and_a_page_without_a_row():
    # given tables that cover everything of the URLconf but the leaky endpoint's list and one page
    covered = Resource(
        "everything else",
        {
            "GET /api/v1/teams-of-mine/": SIGNED_IN,
            "GET /api/v1/teams-of-mine/{id}/": SIGNED_IN,
            "GET /api/v1/leaky/{id}/": SIGNED_IN,
            "GET /api/v1/divide/hundred/": SIGNED_IN,
            "GET /api/v1/divide/words/": SIGNED_IN,
            "GET /api/v1/divide/lenient/": SIGNED_IN,
            "GET /api/v1/divide/picky/": SIGNED_IN,
            "GET /api/v1/divide/teapot/": SIGNED_IN,
            "POST /api/v1/vanishing/": SIGNED_IN,
            "GET /api/v1/vanishing/{id}/": SIGNED_IN,
            **{
                f"{method} /api/v1/{prefix}/{{id}}/": SIGNED_IN
                for method in ("GET", "PATCH")
                for prefix in ("admin-renames", "anyone-renames")
            },
            "api:api-root": SIGNED_IN,
            "guarded-page": SIGNED_IN,
            "my-team-events": SIGNED_IN,
            "all-team-events": SIGNED_IN,
            "dashboard": SIGNED_IN,
            **{f"accounts:{name}": SIGNED_IN for name in ACCOUNT_PAGES},
        },
    )
    # when discovering routes
    missing = [str(m) for m in missing_rows({"mrm": [covered]}, urlconf=META)]
    # then exactly the two undeclared ones are reported, with the module to edit
    assert missing == [
        "GET /api/v1/leaky/  ->  add a row in tests/gates/matrix/mrm.py",
        "page open-page (open/)  ->  add a row in tests/gates/matrix/mrm.py",
    ]


ACCOUNT_PAGES = [
    "login",
    "sso_login",
    "sso_callback",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "profile",
    "set_language",
    "users",
    "user_handover",
    "user_deactivate",
    "token_create",
    "token_revoke",
]


@pytest.mark.django_db
def test_discovery_names_the_app_module_of_a_routes_view():
    missing = {str(m) for m in missing_rows({}, urlconf=META)}
    assert "page accounts:profile (accounts/profile/)  ->  add a row in tests/gates/matrix/accounts.py" in missing


@pytest.mark.django_db
def test_a_row_for_a_route_that_does_not_exist_is_reported():
    tables = {"mrm": [Resource("gone", {"GET /api/v1/nothing/": SIGNED_IN, "no-such-page": SIGNED_IN})]}
    assert stale_rows(tables, urlconf=META) == [
        "GET /api/v1/nothing/ (resource 'gone' in tests/gates/matrix/mrm.py)",
        "GET no-such-page (resource 'gone' in tests/gates/matrix/mrm.py)",
    ]


# --- permission matrix: removing a check --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_the_matrix_holds_for_a_scoped_endpoint(matrix_client, world):
    for _module, resource, key, row in rows_of(teams_of("teams-of-mine")):
        assert check_route(matrix_client, world, resource, key, row) == []


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_an_endpoint_without_its_scope_fails_the_matrix(matrix_client, world):
    # given the same rows for the endpoint whose queryset is not scoped
    problems = {}
    for _module, resource, key, row in rows_of(teams_of("leaky")):
        # when the matrix calls it
        problems[str(key)] = check_route(matrix_client, world, resource, key, row)
    # then the detail is reported as visible to other teams, and the list as leaking the object
    detail = "\n".join(problems["GET /api/v1/leaky/{id}/"])
    assert "other_team  expected 404      got allowed" in detail
    assert "confidential: other_team  expected 404      got allowed" in detail
    assert any("confidential: other_team finds object id=" in p for p in problems["GET /api/v1/leaky/"])


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_a_page_without_its_login_check_fails_the_matrix(matrix_client, world):
    guarded = Resource("page", {"guarded-page": SIGNED_IN})
    open_ = Resource("page", {"open-page": SIGNED_IN})
    assert check_route(matrix_client, world, guarded, RouteKey.parse("guarded-page"), next(guarded.rows())[1]) == []
    problems = check_route(matrix_client, world, open_, RouteKey.parse("open-page"), next(open_.rows())[1])
    assert problems == ["anonymous   expected login    got allowed  /open/"]


def admins_rename(prefix: str) -> Resource:
    """Any signed-in user reads a team; only an admin renames it."""
    return Resource(
        "team names",
        {
            f"GET /api/v1/{prefix}/{{id}}/": SIGNED_IN,
            f"PATCH /api/v1/{prefix}/{{id}}/": Route(only("admin"), data={"name": "Renamed"}),
        },
        obj=lambda world: world.team,
    )


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_an_endpoint_without_its_role_check_fails_the_matrix(matrix_client, world):
    # given the same rows for the endpoint with and without its permission class
    guarded = {
        str(key): check_route(matrix_client, world, r, key, row)
        for _m, r, key, row in rows_of(admins_rename("admin-renames"))
    }
    careless = {
        str(key): check_route(matrix_client, world, r, key, row)
        for _m, r, key, row in rows_of(admins_rename("anyone-renames"))
    }
    # then the guarded one holds and the careless one is reported for every role that may not write
    assert guarded == {"GET /api/v1/admin-renames/{id}/": [], "PATCH /api/v1/admin-renames/{id}/": []}
    problems = careless["PATCH /api/v1/anyone-renames/{id}/"]
    assert [p.split()[0] for p in problems] == ["marketer", "approver", "finance", "leadership", "other_team"]
    assert all("expected 403      got allowed" in p for p in problems)


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_a_list_showing_a_confidential_object_by_its_marker_fails_the_matrix(matrix_client, world):
    # given event feeds whose ids are strings ("team-7"), one scoped, one not
    def feed(name):
        return Resource("events", {name: SIGNED_IN}, confidential=lambda w: w.team)

    # when the matrix checks them as another team
    scoped = check_route(
        matrix_client, world, feed("my-team-events"), RouteKey.parse("my-team-events"), Route(SIGNED_IN)
    )
    leaky = check_route(
        matrix_client, world, feed("all-team-events"), RouteKey.parse("all-team-events"), Route(SIGNED_IN)
    )
    # then the unscoped feed is reported, naming what gave the object away
    assert scoped == []
    assert leaky == [f"confidential: other_team finds 'team-{world.team.pk}' in /all-team-events/"]


# --- API fuzzing ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_fuzzing_finds_a_server_error(world):
    operation = schemathesis_schema(META)["/api/v1/divide/hundred/"]["GET"]
    headers = {"Authorization": f"Token {world.token('marketer')}"}
    with pytest.raises(FuzzFailure, match="Server error") as failure:
        fuzz_operation(operation, app=InProcessWSGI(), headers=headers, examples=50)
    assert "by=0" in str(failure.value)  # the curl line to reproduce it


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_fuzzing_finds_a_response_that_breaks_its_schema(world):
    operation = schemathesis_schema(META)["/api/v1/divide/words/"]["GET"]
    headers = {"Authorization": f"Token {world.token('marketer')}"}
    with pytest.raises(FuzzFailure, match="Response violates schema"):
        fuzz_operation(operation, app=InProcessWSGI(), headers=headers, examples=5)


@pytest.mark.django_db
@pytest.mark.urls(META)
@pytest.mark.parametrize(
    ("route", "finding"),
    [
        ("teapot", "Undocumented status code"),
        ("lenient", "Schema-violating request accepted"),
        ("picky", "Schema-valid request rejected"),
    ],
)
def test_fuzzing_holds_status_codes_and_input_to_the_schema(world, route, finding):
    # given an operation that answers an undeclared status, takes input its schema forbids, or refuses input it allows
    operation = schemathesis_schema(META)[f"/api/v1/divide/{route}/"]["GET"]
    headers = {"Authorization": f"Token {world.token('marketer')}"}
    # when it is fuzzed, then schemathesis' check for it fails the gate
    with pytest.raises(FuzzFailure, match=finding):
        fuzz_operation(operation, app=InProcessWSGI(), headers=headers, examples=20)


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_stateful_fuzzing_finds_a_created_resource_that_cannot_be_read(world):
    # given only the endpoint whose creations vanish
    schema = schemathesis_schema(META).include(path_regex="^/api/v1/vanishing/")
    headers = {"Authorization": f"Token {world.token('admin')}"}
    # when scenarios create and then read back
    # then the missing resource is reported
    with pytest.raises(FuzzFailure, match=r"created /api/v1/vanishing/\d+/ \(201\), but GET"):
        run_stateful(schema, app=InProcessWSGI(), headers=headers, scenarios=20)


@pytest.mark.django_db
@pytest.mark.urls(META)
def test_fuzzing_calls_an_operation_as_many_times_as_the_budget_says(world, monkeypatch):
    # given the CI budget (.ci/run exports MRM_FUZZ_EXAMPLES=50)
    monkeypatch.setenv("MRM_FUZZ_EXAMPLES", "50")
    calls = []

    class CountingWSGI(InProcessWSGI):
        def __call__(self, environ, start_response):
            calls.append(environ["QUERY_STRING"])
            return super().__call__(environ, start_response)

    # when an operation with a wide input space is fuzzed with it
    operation = schemathesis_schema(META)["/api/v1/teams-of-mine/"]["GET"]
    headers = {"Authorization": f"Token {world.token('marketer')}"}
    fuzz_operation(operation, app=CountingWSGI(), headers=headers, examples=examples_per_operation())
    # then it is called at least that many times, with varied input
    assert examples_per_operation() == 50
    assert len(calls) >= 50
    assert len(set(calls)) > 10


def test_ci_runs_the_postgresql_suite_with_fifty_examples_per_operation():
    # given the CI script
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / ".ci" / "run").read_text(encoding="utf-8")
    # then the budget is exported before the PostgreSQL run of the suite, and never lowered for it
    postgres_run = script.index("make test", script.index("DATABASE_URL=postgres"))
    budgets = [(m.start(), int(m.group(1))) for m in re.finditer(r"MRM_FUZZ_EXAMPLES=(\d+)", script)]
    before = [value for position, value in budgets if position < postgres_run]
    assert before and before[-1] >= 50, f"MRM_FUZZ_EXAMPLES before the PostgreSQL run: {before}"


# --- security: templates -------------------------------------------------------------------


def test_the_scanner_names_file_and_line_of_inline_script_and_style(tmp_path):
    # given templates with what the CSP forbids
    bad = tmp_path / "templates" / "bad.html"
    bad.parent.mkdir()
    bad.write_text(
        "{% extends 'base.html' %}\n"
        "<script>alert(1)</script>\n"
        '<button onclick="go()">Go</button>\n'
        '<p style="color: red">x</p>\n'
        "<style>p { color: red }</style>\n"
        '<div hx-on:click="x()">y</div>\n'
        '<a href="javascript:void(0)">z</a>\n'
    )
    good = tmp_path / "templates" / "good.html"
    good.write_text(
        '<script src="/static/js/mrm.js" defer></script>\n'
        '<script type="application/json" id="data">{"a": 1}</script>\n'
        "{# <script>commented out</script> #}\n"
        '<p class="text-danger" data-style="x" data-onclick="y">fine</p>\n'
    )
    # when scanning the folder
    findings = [str(f) for f in scan_templates(template_files(tmp_path), tmp_path)]
    # then every offence is named with its file and line, and the clean file has none
    assert findings == [
        "templates/bad.html:2: inline <script> (move it to static/js/ and load it with src=)",
        "templates/bad.html:3: inline event handler onclick= (bind it in static/js/)",
        "templates/bad.html:4: style= attribute (use a class from static/css/)",
        "templates/bad.html:5: <style> block (move it to static/css/)",
        "templates/bad.html:6: hx-on:click= runs inline script (bind it in static/js/)",
        "templates/bad.html:7: javascript: URL",
    ]


def test_the_scanner_looks_into_app_template_folders(tmp_path):
    app_templates = tmp_path / "someapp" / "templates" / "someapp"
    app_templates.mkdir(parents=True)
    (app_templates / "page.html").write_text("<div>\n<script>\nx()\n</script></div>")
    assert [str(f) for f in scan_templates(template_files(tmp_path), tmp_path)] == [
        "someapp/templates/someapp/page.html:2: inline <script> (move it to static/js/ and load it with src=)"
    ]


# --- query budgets ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_n_plus_1_exceeds_the_query_budget(team):
    def n_plus_1():
        return [list(t.memberships.all()) for t in Team.objects.all()]

    with pytest.raises(QueryBudgetExceeded, match="queries for 1 row but"):
        measure_constant_queries(n_plus_1, TeamFactory, rows=5)


@pytest.mark.django_db
def test_a_prefetched_list_keeps_its_budget():
    one, many = measure_constant_queries(
        lambda: list(Team.objects.prefetch_related("memberships")), TeamFactory, rows=5
    )
    assert one == many == 2


@pytest.mark.django_db
def test_rows_the_user_cannot_see_do_not_pass_for_a_budget(api_as, marketer):
    client = api_as(marketer)
    with pytest.raises(AssertionError, match="make rows the user can see"):
        measure_constant_queries(
            lambda: client.get("/api/v1/users/?page_size=100"), lambda: UserFactory(is_active=False), rows=3
        )


# --- pip-audit -----------------------------------------------------------------------------------


def test_a_known_vulnerability_is_reported():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["5.2.1"]}]},
            {"name": "celery", "version": "5.7.0", "vulns": []},
            {"name": "private", "skip_reason": "not on PyPI"},
        ]
    }
    vulns, skipped, audited = summarise(report)
    assert vulns == ["django 5.2.0: PYSEC-2099-1 (fixed in 5.2.1)"]
    assert skipped == ["private: not on PyPI"]
    assert audited == 2


def test_an_accepted_vulnerability_needs_a_reason(tmp_path):
    ignore = tmp_path / ".pip-audit-ignore"
    ignore.write_text("# comment\nGHSA-1234-5678-9abc  # MySQL only; MRM runs PostgreSQL\n")
    assert read_ignore_file(ignore) == [("GHSA-1234-5678-9abc", "MySQL only; MRM runs PostgreSQL")]
    ignore.write_text("GHSA-1234-5678-9abc\n")
    with pytest.raises(ValueError, match="write 'ID  # reason'"):
        read_ignore_file(ignore)


def test_an_accepted_vulnerability_is_the_only_one_pip_audit_skips():
    command = audit_command([("GHSA-1234-5678-9abc", "MySQL only; MRM runs PostgreSQL")])
    assert command[command.index("--ignore-vuln") + 1] == "GHSA-1234-5678-9abc"
    assert command.count("--ignore-vuln") == 1
    assert "--ignore-vuln" not in audit_command([])
