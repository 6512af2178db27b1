"""Run the test identity provider: ``python serve.py PORT`` with ``IDP_DATA_DIR`` set.

Creates its SQLite database, then the client and the users described in
``$IDP_DATA_DIR/config.json`` (``client_id``, ``client_secret``, ``redirect_uris``,
``users``: username, password, email, first_name, last_name, groups), and serves
until it is terminated. Started by ``tests/support/oidc.py``.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "idp_settings"

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIServer, run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def set_up(config: dict) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.update_or_create(
        client_id=config["client_id"],
        defaults={
            "name": "MRM",
            "client_secret": config["client_secret"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": " ".join(config["redirect_uris"]),
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    for person in config["users"]:
        user, _ = User.objects.update_or_create(
            username=person["username"],
            defaults={
                "email": person.get("email", ""),
                "first_name": person.get("first_name", ""),
                "last_name": person.get("last_name", ""),
            },
        )
        user.set_password(person["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in person.get("groups", [])])


if __name__ == "__main__":
    port = int(sys.argv[1])
    set_up(json.loads((Path(os.environ["IDP_DATA_DIR"]) / "config.json").read_text()))
    print(f"identity provider ready on {port}", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True, server_cls=WSGIServer)
