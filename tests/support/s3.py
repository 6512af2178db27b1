"""A real S3-compatible server for the storage tests (issue 16: several machines share files).

``s3_storage`` starts moto's S3 server as a separate process on a free port,
creates a bucket, and points Django's default storage at it the way
production settings do with ``S3_BUCKET`` (mrm/settings/base.py). Tests then
read the bucket with boto3 to see where files really went.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass

import boto3
import pytest
import requests

from mrm import storage
from tests.support.servers import free_port, stop, wait_until


@dataclass
class S3Bucket:
    client: object
    name: str
    prefix: str

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code < 500
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server as its own process (one per test process), stopped at the end."""
    port = free_port()
    binary = shutil.which("moto_server") or [sys.executable, "-m", "moto.server"]
    command = [binary] if isinstance(binary, str) else binary
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(url), timeout=60, what="the S3 server")
        yield url
    finally:
        stop(process)


@pytest.fixture
def s3_storage(s3_server, settings) -> S3Bucket:
    """Django's default storage on a fresh bucket of the S3 server, with the options production uses."""
    name = f"mrm-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_server, **credentials)
    client.create_bucket(Bucket=name)
    entry = storage.s3_storage(
        bucket=name, endpoint_url=s3_server, access_key="test", secret_key="test", region="us-east-1", prefix="media"
    )
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    return S3Bucket(client=client, name=name, prefix="media/")
