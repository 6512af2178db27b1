"""The API's compiled list serialisation (``mrm.fast_lists``) checked against DRF's own on a real answer."""

from __future__ import annotations

import contextlib
from unittest import mock

from rest_framework import serializers

from mrm.fast_lists import FastListSerializer


@contextlib.contextmanager
def drf_lists():
    """Lists serialised by DRF's ``ListSerializer`` as they were before the fast path."""
    with mock.patch.object(FastListSerializer, "to_representation", serializers.ListSerializer.to_representation):
        yield


def assert_list_same_as_drf(client, url: str) -> dict:
    """``GET url`` answers byte for byte what DRF's serialisation answers, through the fast path; its JSON."""
    used = []
    compiled = FastListSerializer.to_representation

    def spy(self, data):
        used.append(type(self.child).__name__)
        return compiled(self, data)

    with mock.patch.object(FastListSerializer, "to_representation", spy):
        fast = client.get(url)
    with drf_lists():
        plain = client.get(url)
    assert fast.status_code == plain.status_code == 200, fast.content[:300]
    assert used, f"{url} did not go through FastListSerializer"
    assert fast.content == plain.content, url
    return fast.json()
