"""mrm.jobs.each_locked: the row-by-row loop of the scheduled jobs."""

import pytest

from accounts.models import Team
from mrm.jobs import each_locked
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_each_row_is_read_again_and_skipped_once_another_run_handled_it():
    # given two rows waiting for a job (their "marker" is the name prefix)
    first, second = TeamFactory(name="waiting A"), TeamFactory(name="waiting B")
    seen = []
    # when, while the job handles the first, another run handles the second
    for team in each_locked(Team.objects.filter(name__startswith="waiting").order_by("pk")):
        seen.append(team.pk)
        Team.objects.filter(pk=second.pk).update(name="done B")
    # then the second is not handled twice
    assert seen == [first.pk]


def test_a_failure_rolls_back_only_the_row_in_hand():
    # given two waiting rows
    first, second = TeamFactory(name="waiting A"), TeamFactory(name="waiting B")
    # when the work on the second row fails after the first was handled
    with pytest.raises(RuntimeError):
        for team in each_locked(Team.objects.filter(name__startswith="waiting").order_by("pk")):
            team.name = team.name.replace("waiting", "done")
            team.save(update_fields=["name"])
            if team.pk == second.pk:
                raise RuntimeError("boom")
    # then the first row's work is kept and the second's is rolled back
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == ("done A", "waiting B")
