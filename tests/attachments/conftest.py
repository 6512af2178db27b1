"""Attachment fixtures; uploads land in a temporary MEDIA_ROOT."""

import pytest

from tests.campaigns.factories import CampaignFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def channels(db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


@pytest.fixture
def campaign(team, marketer):
    return CampaignFactory(code="ATT-1", name="Spring launch", team=team, owner=marketer)


@pytest.fixture
def secret(other_team, other_team_marketer):
    return CampaignFactory(code="SECRET", team=other_team, owner=other_team_marketer, confidential=True)
