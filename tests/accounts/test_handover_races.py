"""Races on PostgreSQL with real threads: two admins handing the same person over at once, and two
handovers reaching the same question or the same team."""

import pytest
from django.utils import translation

from accounts.models import Membership, User
from accounts.services import user_handover
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from mrm.messages import render_note
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.help.factories import ask, make_champion
from tests.support.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_handovers_never_split_the_work(team, admin_user):
    # given a leaver with five open campaigns and two possible successors
    leaver = UserFactory(username="leaver", roles=["marketer"], teams=[team])
    successors = [UserFactory(username=f"next-{i}", roles=["marketer"], teams=[team]) for i in range(2)]
    for n in range(5):
        CampaignFactory(team=team, owner=leaver, code=f"RACE-{n}", status=CampaignStatus.PLANNED)
    # when two admins hand everything over at the same moment, each to another successor
    results, errors = race(
        2,
        lambda i: user_handover(
            user=User.objects.get(pk=leaver.pk),
            by=User.objects.get(pk=admin_user.pk),
            to_user=successors[i].pk,
            deactivate=True,
        ),
    )
    # then one of them moved everything, the other found nothing left to move
    assert errors == []
    assert sorted(summary.total for summary in results) == [0, 5]
    owners = set(Campaign.objects.filter(code__startswith="RACE-").values_list("owner__username", flat=True))
    assert len(owners) == 1 and owners < {"next-0", "next-1"}
    assert not User.objects.get(pk=leaver.pk).is_active


def test_two_handovers_reaching_the_same_question_move_it_once(team, admin_user):
    # given Brand's two champions both left without a handover, a question waiting on them (an orphan
    # each of them holds), and a successor for each
    leavers = [UserFactory(username=f"gone-{i}", roles=["marketer"], teams=[team]) for i in range(2)]
    for leaver in leavers:
        make_champion(leaver, team)
    asker = UserFactory(username="asker", roles=["marketer"], teams=[team])
    question = ask(asker, body="Who approves the fair?")
    User.objects.filter(pk__in=[leaver.pk for leaver in leavers]).update(is_active=False)
    successors = [UserFactory(username=f"next-{i}", roles=["marketer"]) for i in range(2)]
    # when two admins hand the two leavers over at the same moment
    results, errors = race(
        2,
        lambda i: user_handover(
            user=User.objects.get(pk=leavers[i].pk), by=User.objects.get(pk=admin_user.pk), to_user=successors[i].pk
        ),
    )
    # then the question went to one successor, once, and only that handover reports it
    assert errors == []
    question.refresh_from_db()
    assert question.assignee_id in {s.pk for s in successors}
    moved = sorted(sum(m.moved for m in summary.moves if m.kind == "help.questions") for summary in results)
    assert moved == [0, 1]
    with translation.override("en"):
        reasons = [render_note(r) for r in question.history.values_list("history_change_reason", flat=True) if r]
    assert sum(reason.startswith("Handover from") for reason in reasons) == 1
    # and both successors became Brand's champions, each with one membership
    for successor in successors:
        assert Membership.objects.get(user=successor, team=team).is_champion
    assert not Membership.objects.filter(user__in=leavers, is_champion=True).exists()


def test_handovers_giving_one_team_to_the_same_successor_at_once_make_one_membership(team, admin_user):
    # given four champions of Brand leave, and the same outsider takes over from all of them at once
    leavers = [
        make_champion(UserFactory(username=f"gone-{i}", roles=["marketer"], teams=[team]), team) for i in range(4)
    ]
    outsider = UserFactory(username="outsider", roles=["marketer"])
    results, errors = race(
        4,
        lambda i: user_handover(
            user=User.objects.get(pk=leavers[i].pk), by=User.objects.get(pk=admin_user.pk), to_user=outsider.pk
        ),
    )
    # then all succeed and the outsider joined Brand once, as its champion
    assert errors == [] and len(results) == 4
    assert Membership.objects.filter(user=outsider, team=team).count() == 1
    assert Membership.objects.get(user=outsider, team=team).is_champion
