"""A leaving champion's work is handed over (PRODUCT.md §7, issue 14 item 7): champion roles and the
unanswered questions waiting on them move to the successor; deactivation waits for it.

Team Brand's champion is ``marketer`` (fixture ``champion``); ``asker`` is a colleague in Brand.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.holdings import deactivation_blockers, holding_counts, holdings_of
from accounts.models import Membership, User
from accounts.services import user_deactivate, user_handover
from help import services
from help.choices import AnswererRole, QuestionStatus
from help.holdings import held_questions
from help.models import Question
from mrm.messages import render_note
from notifications.models import Notification
from tests.factories import TeamFactory, UserFactory
from tests.help.factories import ask, make_champion, team_member

pytestmark = pytest.mark.django_db


def held(user) -> dict:
    return {holding.kind: holding for holding in holdings_of(user) if holding.kind.startswith("help.")}


@pytest.fixture
def successor(other_team):
    """A marketer of team Events, not a member of Brand."""
    return UserFactory(username="successor", display_name="Sasha Next", roles=["marketer"], teams=[other_team])


def test_the_only_champion_holds_the_role_and_the_questions_waiting_on_them(asker, champion, team):
    # given a question asked in Brand, whose only champion is the marketer
    question = ask(asker)
    # then the marketer holds the role (the only champion) and the question, and both keep them active
    found = held(champion)
    assert [str(role) for role in found["help.champion_roles"].items] == [f"{team.name} (the only champion)"]
    assert found["help.questions"].items == [question]
    assert {h.kind for h in deactivation_blockers(champion)} >= {"help.champion_roles", "help.questions"}
    # and the users list counts the same
    counts = holding_counts([champion.pk, asker.pk])
    assert counts[champion.pk] == {"help.champion_roles": 1, "help.questions": 1}
    assert counts[asker.pk] == {}


def test_a_co_champion_is_deactivated_without_a_handover(asker, champion, team, admin_user):
    # given Brand has a second active champion: its questions wait on nobody alone
    second = make_champion(team_member(team, "second"), team)
    ask(asker)
    found = held(champion)
    assert "help.questions" not in found
    assert [str(role) for role in found["help.champion_roles"].items] == [f"{team.name} (with 1 other champion)"]
    # when the admin deactivates the marketer
    assert [h.kind for h in deactivation_blockers(champion) if h.kind.startswith("help.")] == []
    user_deactivate(user=champion, by=admin_user)
    # then it is done: the team still has its other champion, who now holds the questions alone
    champion.refresh_from_db()
    assert not champion.is_active
    assert len(held(second)["help.questions"].items) == 1


def test_deactivating_the_only_champion_is_refused_with_the_list(asker, champion, admin_user):
    ask(asker, body="Where is the brand book?")
    with pytest.raises(ValidationError) as refused:
        user_deactivate(user=champion, by=admin_user)
    message = refused.value.messages[0]
    assert "Champion roles: 1 (Brand (the only champion))" in message
    assert "Questions waiting for their answer: 1 (Where is the brand book?)" in message
    champion.refresh_from_db()
    assert champion.is_active


def test_what_a_champion_does_not_hold(asker, champion, team, admin_user):
    # their own question (they never answer it), answered questions, and questions handed to someone else
    own = ask(champion, body="My own question")
    answered = services.question_answer(question=ask(asker, body="Answered"), body="Done.", by=champion)
    handed = ask(asker, body="Handed over")
    Question.objects.filter(pk=handed.pk).update(assignee=admin_user)
    waiting = ask(asker, body="Waiting")
    assert held_questions(champion) == [waiting]
    assert {own.pk, answered.pk, handed.pk}.isdisjoint({q.pk for q in held_questions(champion)})
    assert held_questions(admin_user) == [Question.objects.get(pk=handed.pk)]


def test_questions_of_inactive_champions_are_orphans_each_can_hand_over(asker, champion, team):
    # given Brand's two champions both left without a handover (a directory sync)
    second = make_champion(team_member(team, "second"), team)
    question = ask(asker)
    User.objects.filter(pk__in=[champion.pk, second.pk]).update(is_active=False)
    # then the waiting question is held by each of them, so either handover can fix it
    assert held_questions(User.objects.get(pk=champion.pk)) == [question]
    assert held_questions(User.objects.get(pk=second.pk)) == [question]


def test_a_handover_makes_the_successor_champion_joining_the_team(
    asker, champion, team, successor, admin_user, django_capture_on_commit_callbacks
):
    # given the successor is not a member of Brand
    question = ask(asker, body="Where is the brand book?")
    assert not Membership.objects.filter(user=successor, team=team).exists()
    # when the admin hands the champion's work over and deactivates them
    with django_capture_on_commit_callbacks(execute=True):
        summary = user_handover(user=champion, by=admin_user, to_user=successor, deactivate=True)
    # then the successor joined Brand as its champion, the champion is no longer one, and the question is theirs
    assert summary.deactivated
    assert {move.kind: move.moved for move in summary.moves} == {"help.champion_roles": 1, "help.questions": 1}
    joined = Membership.objects.get(user=successor, team=team)
    assert joined.is_champion and not joined.is_lead
    assert not Membership.objects.get(user=champion, team=team).is_champion
    question.refresh_from_db()
    assert question.assignee == successor and question.status == QuestionStatus.OPEN
    # recorded with the admin as author and why
    change = joined.history.latest()
    assert (change.history_type, change.history_user) == ("+", admin_user)
    with translation.override("en"):
        reason = render_note(change.history_change_reason)
    assert reason == f"Handover from {champion.full_name}: joined the team as its champion"
    left = Membership.objects.get(user=champion, team=team).history.latest()
    assert (left.is_champion, left.history_user) == (False, admin_user)
    # and the successor is told what they took over
    told = Notification.objects.get(recipient=successor, title__contains=champion.full_name)
    assert "Champion roles: Brand (the only champion)" in told.body
    assert "Where is the brand book?" in told.body
    # the leaver holds nothing in help any more
    assert held(User.objects.get(pk=champion.pk)) == {}


def test_a_successor_already_champion_of_the_team_keeps_one_membership(asker, champion, team, admin_user):
    successor = make_champion(team_member(team, "co-champion"), team)
    summary = user_handover(user=champion, by=admin_user, to_user=successor)
    assert {move.kind for move in summary.moves} == {"help.champion_roles"}  # no question was waiting
    assert Membership.objects.filter(user=successor, team=team).count() == 1
    assert Membership.objects.get(user=successor, team=team).is_champion
    assert not Membership.objects.get(user=champion, team=team).is_champion


def test_nobody_takes_over_a_question_they_asked(asker, champion, team, admin_user):
    # given the asker is chosen for the questions
    question = ask(asker)
    with pytest.raises(ValidationError) as refused:
        user_handover(user=champion, by=admin_user, to_user=asker)
    assert "cannot answer it" in refused.value.messages[0]
    # then nothing moved: not the question, not the role
    question.refresh_from_db()
    assert question.assignee is None
    assert Membership.objects.get(user=champion, team=team).is_champion
    assert not Membership.objects.get(user=asker, team=team).is_champion


def test_questions_handed_to_someone_who_champions_nothing_are_theirs_to_answer(
    asker, champion, team, successor, client, admin_user
):
    # given the champion role goes to one colleague and the waiting questions to another, who champions nothing
    helper = UserFactory(username="helper", display_name="Hanna Helper", roles=["approver"])
    question = ask(asker, body="How do I add a KPI?")
    user_handover(
        user=champion,
        by=admin_user,
        to_user=successor,
        assignments={"help.questions": helper, "help.champion_roles": successor},
    )
    helper = User.objects.get(pk=helper.pk)
    # then the helper finds it in their inbox and answers it, as a champion would
    client.force_login(helper)
    inbox = client.get(reverse("help:inbox"))
    assert inbox.status_code == 200 and "How do I add a KPI?" in inbox.content.decode()
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'data-testid="answer-form"' in page
    assert '<dd class="col-sm-9" data-testid="question-assignee">Hanna Helper</dd>' in page
    response = client.post(reverse("help:answer", args=[question.pk]), {"body": "Open the campaign, then KPIs."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.answered_by, question.answered_as) == (
        QuestionStatus.ANSWERED,
        helper,
        AnswererRole.CHAMPION,
    )
    # once answered, nothing is left waiting on the helper: no inbox for them
    assert client.get(reverse("help:inbox")).status_code == 403


def test_the_api_shows_who_a_question_was_handed_to(asker, champion, successor, admin_user, api_as):
    question = ask(asker)
    user_handover(user=champion, by=admin_user, to_user=successor)
    body = api_as(User.objects.get(pk=successor.pk)).get(f"/api/v1/questions/{question.pk}/").json()
    assert body["assignee"] == successor.pk
    waiting = api_as(User.objects.get(pk=successor.pk)).get("/api/v1/questions/", {"to_answer": "true"}).json()
    assert [row["id"] for row in waiting["results"]] == [question.pk]


def test_a_new_team_for_the_successor_is_explained_on_the_handover_screen(asker, champion, admin_user, client):
    ask(asker)
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_handover", args=[champion.pk])).content.decode()
    assert "Champion roles" in page and "Brand (the only champion)" in page
    assert "Someone who is not a member of a team joins it" in page
    assert "Questions waiting for their answer" in page and "How do I submit a funding request?" in page


def test_the_holdings_api_says_which_items_keep_the_user_active(asker, champion, team, admin_user, api_as):
    # given the marketer champions Brand with a colleague, and Digital alone
    make_champion(champion, TeamFactory(name="Digital"))
    make_champion(team_member(team, "second"), team)
    body = api_as(admin_user).get(f"/api/v1/users/{champion.pk}/holdings/").json()
    roles = next(h for h in body["holdings"] if h["kind"] == "help.champion_roles")
    assert roles["items"] == ["Brand (with 1 other champion)", "Digital (the only champion)"]
    assert (roles["count"], roles["blocking"]) == (2, 1)
    assert "joins it" in roles["description"]
