"""A real OpenID Connect provider for the single sign-on tests, in its own process.

``tests/support/oidc_provider/`` is a small Django project serving
django-oauth-toolkit's OIDC provider (discovery, authorization, token,
userinfo, JWKS) with its own SQLite database in a temporary folder. The RSA
key that signs its ID tokens is generated here, for this run only. Nothing
leaves the machine: MRM talks to it on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.servers import free_port, wait_until

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "mrm"
CLIENT_SECRET = "mrm-client-secret-for-tests"


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class IdentityProvider:
    """The provider process: ``users`` are dicts (username, password, email, first_name, last_name, groups)."""

    def __init__(self, data_dir: Path, *, redirect_uris: list[str], users: list[dict]):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.redirect_uris = redirect_uris
        self.users = users
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/o/.well-known/openid-configuration"

    def start(self) -> IdentityProvider:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "key.pem").write_text(rsa_private_key_pem())
        (self.data_dir / "config.json").write_text(
            json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": self.redirect_uris,
                    "users": self.users,
                }
            )
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
        env["IDP_DATA_DIR"] = str(self.data_dir)
        self.log = open(self.data_dir / "provider.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, str(PROVIDER_DIR / "serve.py"), str(self.port)],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, timeout=60, what=f"the identity provider on port {self.port}")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"The identity provider exited: {(self.data_dir / 'provider.log').read_text()}")
        try:
            return requests.get(self.discovery_url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
        self.log.close()

    def __enter__(self) -> IdentityProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
