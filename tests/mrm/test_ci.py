"""CI (.ci/run) and the README's test command: every step issue 2 asks for, and failures fail."""

import subprocess

import pytest
from django.conf import settings

CI_SCRIPT = (settings.BASE_DIR / ".ci" / "run").read_text()


@pytest.mark.parametrize(
    "step",
    [
        "set -euo pipefail",  # any failing step fails CI
        "pg_isready",  # the machine's PostgreSQL, started when stopped
        "redis-cli -h 127.0.0.1 ping",  # and its Redis
        "scripts/system-packages.sh",  # installs Debian's Chromium when missing
        ".venv/bin/ruff check .",
        "manage.py check --fail-level WARNING",
        "manage.py makemigrations --check --dry-run",
        "DJANGO_SETTINGS_MODULE=mrm.settings.production",
        "check --deploy --fail-level WARNING",
        "export DATABASE_URL=postgres://",
        "export REDIS_URL=redis://",
        'make test ARGS="--create-db"',  # the README's command, browser tests included
        "unset DATABASE_URL REDIS_URL",  # then the embedded default (SQLite)
    ],
)
def test_ci_runs_every_required_step(step):
    assert step in CI_SCRIPT


def test_ci_hides_no_failure():
    assert "|| true" not in CI_SCRIPT.split('section "install"')[1]
    assert "--ignore" not in CI_SCRIPT.split('section "full suite')[1].split("section")[0]


@pytest.mark.parametrize(("body", "expected"), [("assert 1 + 1 == 3", 2), ("assert 1 + 1 == 2", 0)])
def test_the_readme_test_command_fails_when_a_test_fails(tmp_path, body, expected):
    # given a test that fails (or passes)
    (tmp_path / "test_example.py").write_text(f"def test_example():\n    {body}\n")
    # when the README's `make test` runs it
    result = subprocess.run(
        ["make", "--no-print-directory", "test", f"ARGS=-c pyproject.toml -p no:cacheprovider {tmp_path}"],
        env={"PATH": "/usr/bin:/bin", "MRM_DATA_DIR": str(tmp_path / "data")},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then make exits as pytest did: a failing test fails the command, and so CI
    assert result.returncode == expected, result.stdout + result.stderr
