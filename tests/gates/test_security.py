"""Gate 5: security checks (docs/TESTING.md, "Security").

Production settings, security headers on every page the matrix knows, framing
only where declared, no inline script or style in any template, the
pip-audit exceptions file. ``manage.py check --deploy --fail-level WARNING``
runs in ``tests/mrm/test_platform.py`` and in ``.ci/run``; ruff's bandit rules
and pip-audit run in ``.ci/run``.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve

from mrm.security import allows_framing
from tests.support.matrix import RouteKey, all_rows, build_url, lazy_object, load_matrix
from tests.support.template_scan import scan_templates, template_files

BASE_DIR = Path(settings.BASE_DIR)
PAGE_ROWS = [
    pytest.param(resource, key, row, id=f"{module}: {key.target}")
    for module, resource, key, row in all_rows(load_matrix())
    if not key.is_api and key.method == "GET"
]


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def production_settings(tmp_path, **extra_env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "names = ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'DEBUG', 'CONTENT_SECURITY_POLICY', "
        "'MRM_EMBED_FRAME_ANCESTORS']; "
        "print(json.dumps({n: getattr(s, n) for n in names}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mrm.settings.production",
            "DJANGO_SECRET_KEY": "production-settings-test-" + "k" * 40,
            "DJANGO_ALLOWED_HOSTS": "mrm.example.com",
            "MRM_DATA_DIR": str(tmp_path),
            **extra_env,
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_cookies_over_https_only_with_hsts_and_redirect(tmp_path):
    # when production settings load with only the required variables
    prod = production_settings(tmp_path)
    # then cookies are secure, HTTP redirects to HTTPS and HSTS lasts a year
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["LANGUAGE_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["DEBUG"] is False
    # and framing is denied, scripts come from our own files only
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    policy = prod["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert prod["MRM_EMBED_FRAME_ANCESTORS"] == ["'self'"]


def test_a_bad_embed_allow_list_refuses_to_start(tmp_path):
    with pytest.raises(AssertionError, match="MRM_EMBED_FRAME_ANCESTORS takes origins"):
        production_settings(tmp_path, MRM_EMBED_FRAME_ANCESTORS="https://ok.example.com; script-src *")


def test_embed_allow_list_reads_origins_and_keywords(monkeypatch):
    from mrm import env

    monkeypatch.setenv("MRM_EMBED_FRAME_ANCESTORS", "self, https://www.example.com, https://*.example.org")
    assert env.get_csp_sources("MRM_EMBED_FRAME_ANCESTORS") == [
        "'self'",
        "https://www.example.com",
        "https://*.example.org",
    ]
    for bad in ("'unsafe-inline'", "www.example.com", "https://a.example.com script-src", "data:"):
        monkeypatch.setenv("MRM_EMBED_FRAME_ANCESTORS", bad)
        with pytest.raises(ImproperlyConfigured):
            env.get_csp_sources("MRM_EMBED_FRAME_ANCESTORS")


def assert_strict_headers(response, url: str, *, frameable: bool) -> None:
    csp = response.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy header"
    policy = directives(csp)
    script_src = policy.get("script-src", policy.get("default-src", []))
    assert script_src, f"{url}: CSP without script-src: {csp}"
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "'unsafe-hashes'"):
        assert unsafe not in script_src, f"{url}: script-src allows {unsafe}: {csp}"
    assert "'unsafe-eval'" not in policy.get("style-src", []), f"{url}: {csp}"
    assert policy.get("object-src", policy.get("default-src")) == ["'none'"], f"{url}: plugins allowed: {csp}"
    if frameable:
        assert "X-Frame-Options" not in response, f"{url}: an embeddable page must drop X-Frame-Options"
        assert policy.get("frame-ancestors") == (list(settings.MRM_EMBED_FRAME_ANCESTORS) or ["'none'"]), csp
    else:
        assert response.get("X-Frame-Options") == "DENY", f"{url}: X-Frame-Options is {response.get('X-Frame-Options')}"
        assert policy.get("frame-ancestors") == ["'none'"], (
            f"{url}: frame-ancestors {policy.get('frame-ancestors')} (it does not fall back to default-src); "
            "only views decorated with mrm.security.frame_ancestors_allow_list may be framed"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "key", "row"), PAGE_ROWS)
def test_every_page_carries_a_strict_csp_and_refuses_framing(client, world, resource, key: RouteKey, row):
    # given every page of the permission matrix, with its object where it takes one
    obj = lazy_object(world, resource.obj)
    url = build_url(key, row, world, obj)
    frameable = allows_framing(resolve(url.split("?")[0]).func)
    # when anonymous and an admin open it (whatever the answer: page, redirect, refusal)
    for user in (None, world.admin, world.marketer):
        if user:
            client.force_login(user)
        response = client.get(url)
        # then the headers are strict
        assert_strict_headers(response, url, frameable=frameable)
        client.logout()


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.security_urls")
def test_frame_ancestors_allow_list_opens_one_view_to_the_listed_sites_only(client, settings):
    # given two sites allowed to frame embeddable pages
    settings.MRM_EMBED_FRAME_ANCESTORS = ["https://www.example.com", "https://intranet.example.com"]
    # when an embeddable and an ordinary view answer
    embed = client.get("/embed/")
    ordinary = client.get("/ordinary/")
    # then only the embeddable one may be framed, and only by those sites
    assert "X-Frame-Options" not in embed
    assert directives(embed["Content-Security-Policy"])["frame-ancestors"] == [
        "https://www.example.com",
        "https://intranet.example.com",
    ]
    assert directives(embed["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert ordinary["X-Frame-Options"] == "DENY"
    assert directives(ordinary["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
    assert allows_framing(resolve("/embed/").func) and not allows_framing(resolve("/ordinary/").func)


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.security_urls")
def test_the_header_check_bites_on_a_loosened_policy_and_undeclared_framing(client):
    # given views that loosen the CSP or drop the framing protection without saying so
    loosened = client.get("/loosened/")
    framed = client.get("/framed/")
    # then the check that runs on every page reports each
    with pytest.raises(AssertionError, match="script-src allows 'unsafe-inline'"):
        assert_strict_headers(loosened, "/loosened/", frameable=allows_framing(resolve("/loosened/").func))
    with pytest.raises(AssertionError, match="X-Frame-Options is None"):
        assert_strict_headers(framed, "/framed/", frameable=allows_framing(resolve("/framed/").func))
    # while the ordinary page passes
    assert_strict_headers(client.get("/ordinary/"), "/ordinary/", frameable=False)


@pytest.mark.django_db
@pytest.mark.urls("tests.gates.security_urls")
def test_an_empty_allow_list_denies_framing_even_for_embeddable_views(client, settings):
    settings.MRM_EMBED_FRAME_ANCESTORS = []
    assert directives(client.get("/embed/")["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


def test_no_template_has_inline_script_or_style():
    # given every template of the project
    files = template_files(BASE_DIR)
    assert len(files) > 10, "the scan must find the project's templates"
    # when scanning them
    findings = scan_templates(files, BASE_DIR)
    # then none holds what the CSP blocks
    assert not findings, "Inline script or style in templates (CSP forbids it):\n" + "\n".join(
        f"  {f}" for f in findings
    )


def test_no_static_javascript_uses_eval():
    """``'unsafe-eval'`` stays out of the CSP only if our own scripts never need it."""
    offenders = []
    for path in sorted((BASE_DIR / "static").rglob("*.js")):
        if "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*[\"']", line):
                offenders.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_pip_audit_exceptions_each_give_a_reason():
    from tests.support.pip_audit import read_ignore_file

    # every accepted vulnerability names its id and why it is accepted
    for vuln_id, reason in read_ignore_file(BASE_DIR / ".pip-audit-ignore"):
        assert re.fullmatch(r"[A-Z]+-[\w-]+", vuln_id), vuln_id
        assert len(reason) >= 10, f"{vuln_id}: say why it is accepted"
