"""Gunicorn's settings match between the image and the compose stack, and fit the work a request does (issue 15.5).

No web request parses a file any more (imports are Celery jobs), so a
worker timeout of 30 s only ever kills a stuck worker; workers are
recycled (``--max-requests`` with jitter) so memory does not creep.
"""

import json
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flags(arguments: list[str]) -> dict[str, str]:
    start = arguments.index("mrm.wsgi:application") + 1
    pairs = arguments[start:]
    return dict(zip(pairs[::2], pairs[1::2], strict=True))


def dockerfile_command() -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line[4:])


def compose_command() -> list[str]:
    text = (ROOT / "docker-compose.yml").read_text()
    shell = re.search(r"exec (gunicorn [^\"]+)\"", text).group(1)
    return shlex.split(shell)


def test_the_image_and_the_compose_stack_run_gunicorn_alike():
    assert flags(dockerfile_command()) == flags(compose_command())


def test_workers_time_out_and_are_recycled():
    settings = flags(dockerfile_command())
    assert int(settings["--timeout"]) == 30
    assert int(settings["--graceful-timeout"]) < int(settings["--timeout"])
    assert int(settings["--max-requests"]) > 0
    assert 0 < int(settings["--max-requests-jitter"]) < int(settings["--max-requests"])


def test_the_celery_worker_is_recycled_too():
    assert "--max-tasks-per-child=50" in (ROOT / "docker-compose.yml").read_text()
