"""The platform's system checks: production warns while background e-mails would link to nowhere."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks


def site_url_warnings() -> list[str]:
    """The ids of what ``manage.py check`` says about the site address (the registered checks, run as Django runs them)."""
    return [message.id for message in checks.run_checks() if message.id.startswith("mrm.")]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://127.0.0.1:8000", ["mrm.W001"]),  # the default: unset
        ("http://localhost:8000", ["mrm.W001"]),
        ("", ["mrm.W001"]),
        ("mrm.example.com", ["mrm.W002"]),  # no scheme: not an address at all
        ("http://mrm.example.com", ["mrm.W002"]),  # production serves HTTPS only
        ("https://intranet.example.org", ["mrm.W002"]),  # a host this site does not serve
        ("https://mrm.example.com", []),
        ("https://www.mrm.example.com", []),  # ALLOWED_HOSTS ".mrm.example.com" covers it
    ],
)
def test_production_warns_when_the_site_address_is_not_the_public_one(settings, base_url, expected):
    # given production settings serving mrm.example.com
    settings.MRM_PRODUCTION = True
    settings.ALLOWED_HOSTS = [".mrm.example.com"]
    settings.MRM_BASE_URL = base_url
    # when the system checks run, then
    assert site_url_warnings() == expected


def test_the_embedded_default_is_not_warned_about_its_local_address(settings):
    # given the embedded default (make start), where 127.0.0.1:8000 is where MRM really runs
    settings.MRM_PRODUCTION = False
    settings.MRM_BASE_URL = "http://127.0.0.1:8000"
    # then nothing to warn about
    assert site_url_warnings() == []


def test_the_warning_says_what_breaks_and_how_to_mend_it(settings):
    settings.MRM_PRODUCTION = True
    [warning] = [m for m in checks.run_checks() if m.id == "mrm.W001"]
    assert warning.level == checks.WARNING
    assert "e-mails" in warning.msg and "127.0.0.1:8000" in warning.msg
    assert "MRM_BASE_URL" in warning.hint


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "mrm.settings.production",
            "DJANGO_SECRET_KEY": "x" * 20 + "-site-url-check-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "mrm.example.com",
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_started_without_a_site_address_warns_and_fails_the_deploy_check(tmp_path):
    # given production settings without MRM_BASE_URL
    # when it checks itself, as migrate does at start-up
    result = manage("check", MRM_DATA_DIR=str(tmp_path))
    # then it starts, with the warning
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mrm.W001" in result.stderr + result.stdout
    # and CI's deploy check fails on it
    strict = manage("check", "--deploy", "--fail-level", "WARNING", MRM_DATA_DIR=str(tmp_path))
    assert strict.returncode != 0
    assert "mrm.W001" in strict.stderr + strict.stdout


def test_ci_and_make_check_give_production_its_site_address():
    # CI and `make check` run the deploy check with --fail-level WARNING: they must set the address
    ci = (settings.BASE_DIR / ".ci" / "run").read_text()
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "MRM_BASE_URL=https://mrm.example.com" in ci.split("check --deploy")[0].rsplit("section", 1)[1]
    assert "MRM_BASE_URL=https://mrm.example.com" in makefile.split("check --deploy")[0].rsplit("check:", 1)[1]
