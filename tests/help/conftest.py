"""Help fixtures, named by who they are: an asker of team Brand and its champion."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from help.pages import CACHE_KEY
from tests.help.factories import make_champion, team_member


@pytest.fixture(autouse=True)
def fresh_page_map():
    """Each test starts with the page → article map rebuilt from its own data; the map is put back after."""
    before = cache.get(CACHE_KEY)
    cache.delete(CACHE_KEY)
    yield
    cache.set(CACHE_KEY, before if before is not None else {}, timeout=None)


@pytest.fixture(autouse=True)
def default_language():
    """A page read in Russian leaves Russian active in the thread (the middleware activates, nothing resets):
    each test starts and ends in the default language, so messages read the same whatever ran before."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def asker(team):
    return team_member(team, "asker")


@pytest.fixture
def champion(team, marketer):
    """The ``marketer`` of team Brand, flagged its champion."""
    return make_champion(marketer, team)


@pytest.fixture
def other_champion(other_team, other_team_marketer):
    """The champion of team Events."""
    return make_champion(other_team_marketer, other_team)
