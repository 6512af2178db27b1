"""Webhook fixtures: an integration user, a receiving HTTP server on 127.0.0.1, a fake DNS."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from django.contrib.auth.models import Permission

from campaigns.services import channels_ensure_defaults
from tests.factories import UserFactory
from tests.support.servers import http_server
from webhooks import targets
from webhooks.models import Webhook
from webhooks.signing import new_secret


@pytest.fixture(autouse=True)
def default_channels(db):
    channels_ensure_defaults()


def grant_webhooks(user):
    user.user_permissions.add(Permission.objects.get(codename="add_webhook", content_type__app_label="webhooks"))
    # the permission cache is per instance: read it again
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def integration_user(team):
    """A marketer of team A an admin granted ``webhooks.add_webhook``: an integration account."""
    return grant_webhooks(UserFactory(username="crm-sync", roles=["marketer"], teams=[team]))


@pytest.fixture
def other_team_integration(other_team):
    """An integration account of team B: it must never hear of team A's confidential campaigns."""
    return grant_webhooks(UserFactory(username="events-sync", roles=["marketer"], teams=[other_team]))


@pytest.fixture
def public_dns(monkeypatch):
    """Every name resolves to a public documentation-free address (no real DNS in tests)."""
    answers: dict[str, list[str]] = {}

    def resolve(host, port):
        return answers.get(host, ["93.184.215.14"])

    monkeypatch.setattr(targets, "resolve", resolve)
    return answers


def make_webhook(owner, *, url="https://hooks.example.com/mrm", events=("campaign.created",), **extra) -> Webhook:
    return Webhook.objects.create(
        owner=owner, name=extra.pop("name", "CRM"), url=url, events=list(events), secret=new_secret(), **extra
    )


class Receiver:
    """What a real HTTP server on 127.0.0.1 (``serving()``) received; it answers ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(
                    {
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode(),
                        "path": self.path,
                    }
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.handler = Handler
        self.url = ""  # set while it serves

    @contextlib.contextmanager
    def serving(self) -> Iterator[Receiver]:
        """This receiver answering on a free loopback port; ``url`` is its hook address meanwhile."""
        with http_server(self.handler) as base:
            self.url = f"{base}/hook"
            yield self

    def json(self, index=-1) -> dict:
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def receiver():
    with Receiver().serving() as server:
        yield server
