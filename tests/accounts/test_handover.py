"""Ownership (PRODUCT.md §7): deactivation is refused while a user holds things; a handover moves them all.

The fixture ``leaver`` is a marketer who owns and sponsors open campaigns,
has a draft and a submitted funding request (so an open approval request
they submitted), approves a colleague's open stage, stands in for the CMO,
owns a material in review and a report subscription, and is the only
champion of team Brand with a colleague's question waiting on them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone, translation

from accounts import holdings as holdings_registry
from accounts.holdings import holding_counts, holdings_of
from accounts.models import Membership
from accounts.services import user_deactivate, user_handover
from approvals.choices import SubjectKind
from approvals.models import ApprovalRequest, Delegation, Stage, StageAssignment
from budgets import services as budget_services
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from help import services as help_services
from help.models import Question
from materials.models import Material
from mrm.messages import render_note
from notifications.models import Notification
from reports.models import ReportSubscription
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import ExpenseCategoryFactory, FiscalPeriodFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import UserFactory
from tests.help.factories import make_champion

pytestmark = pytest.mark.django_db

EVERY_KIND = {
    "campaigns.owned",
    "campaigns.sponsored",
    "materials.owned",
    "approvals.stages",
    "approvals.stand_ins",
    "approvals.submitted",
    "approvals.template_stages",
    "budgets.funding_requests",
    "reports.subscriptions",
    "help.questions",
    "help.champion_roles",
}


@pytest.fixture
def leaver(team):
    return UserFactory(username="leaver", display_name="Lev Leaving", roles=["marketer", "approver"], teams=[team])


@pytest.fixture
def successor(team):
    return UserFactory(username="successor", display_name="Sasha Next", roles=["marketer", "approver"], teams=[team])


@pytest.fixture
def colleague(team):
    return UserFactory(username="colleague", roles=["marketer"], teams=[team])


@pytest.fixture
def holdings_of_leaver(team, leaver, colleague, finance_user, approver, admin_user):
    """Everything a departing marketer-approver can hold, built through the services where it matters."""
    spring = {"start_date": dt.date(2027, 2, 1), "end_date": dt.date(2027, 3, 31)}  # inside the period below
    owned = CampaignFactory(team=team, owner=leaver, code="OWN-1", status=CampaignStatus.PLANNED, **spring)
    sponsored = CampaignFactory(
        team=team, owner=colleague, sponsor=leaver, code="SPN-1", status=CampaignStatus.ACTIVE, **spring
    )
    CampaignFactory(team=team, owner=leaver, code="DONE-1", status=CampaignStatus.COMPLETED)  # closed: not held
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="Review", approvers=[finance_user, leaver])
    category, period = ExpenseCategoryFactory(), FiscalPeriodFactory()
    draft = FundingRequestFactory(campaign=owned, requested_by=leaver, category=category, period=period)
    mine = FundingRequestFactory(campaign=owned, requested_by=leaver, category=category, period=period)
    budget_services.funding_request_submit(funding_request=mine, by=leaver)
    theirs = FundingRequestFactory(campaign=sponsored, requested_by=colleague, category=category, period=period)
    budget_services.funding_request_submit(funding_request=theirs, by=colleague)
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        approver=approver, stand_in=leaver, starts_on=today, ends_on=today + dt.timedelta(days=7)
    )
    material = Material.objects.create(campaign=owned, title="Key visual", owner=leaver)
    subscription = ReportSubscription.objects.create(report="campaign-status", name="Weekly status", owner=leaver)
    make_champion(leaver, team)
    question = help_services.question_ask(by=colleague, body="Where do I find the brand book?", page_url="/")
    return {
        "question": question,
        "owned": owned,
        "sponsored": sponsored,
        "draft": draft,
        "mine": mine,
        "theirs": theirs,
        "delegation": delegation,
        "material": material,
        "subscription": subscription,
    }


def test_every_app_registers_its_holdings():
    assert {p.key for p in holdings_registry.holdings_providers()} >= EVERY_KIND


def test_holdings_list_what_the_leaver_holds(holdings_of_leaver, leaver):
    # when the holdings of the leaver are asked
    found = {h.kind: h for h in holdings_of(leaver)}
    # then every kind is there, with its items (closed campaigns are not held)
    assert set(found) == EVERY_KIND
    assert [c.code for c in found["campaigns.owned"].items] == ["OWN-1"]
    assert [c.code for c in found["campaigns.sponsored"].items] == ["SPN-1"]
    assert found["budgets.funding_requests"].count == 2
    assert [r.subject_title for r in found["approvals.stages"].items][0].startswith(holdings_of_leaver["theirs"].number)
    assert found["approvals.submitted"].count == 1
    assert found["help.questions"].items == [holdings_of_leaver["question"]]
    assert [str(role) for role in found["help.champion_roles"].items] == ["Brand (the only champion)"]
    # and the counts for a list of users agree, one query per kind
    assert holding_counts([leaver.pk])[leaver.pk] == {kind: h.count for kind, h in found.items()}


def test_deactivation_is_refused_with_the_list(holdings_of_leaver, leaver, admin_user):
    # when an admin deactivates the leaver
    with pytest.raises(ValidationError) as refused:
        user_deactivate(user=leaver, by=admin_user)
    # then it is refused, naming counts and items
    message = refused.value.messages[0]
    assert "Lev Leaving still holds" in message
    assert "Campaigns owned: 1 (OWN-1" in message
    assert "Open funding requests: 2" in message
    assert "Report subscriptions: 1 (Weekly status)" in message
    assert "Champion roles: 1 (Brand (the only champion))" in message
    assert "Questions waiting for their answer: 1 (Where do I find the brand book?)" in message
    leaver.refresh_from_db()
    assert leaver.is_active


def test_a_user_holding_nothing_is_deactivated(colleague, admin_user):
    user_deactivate(user=colleague, by=admin_user)
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_only_admins_deactivate_or_hand_over(leaver, successor, marketer):
    with pytest.raises(PermissionDenied):
        user_deactivate(user=leaver, by=marketer)
    with pytest.raises(PermissionDenied):
        user_handover(user=leaver, by=marketer, to_user=successor)


def test_saving_a_holder_as_inactive_is_refused_anyway(holdings_of_leaver, leaver):
    # given a path that forgets the service (a shell, a script)
    leaver.is_active = False
    # then the last line of defence refuses
    with pytest.raises(ValidationError):
        leaver.save()
    assert Campaign.objects.get(code="OWN-1").owner.is_active


def test_handover_moves_everything_and_deactivates(
    holdings_of_leaver, leaver, successor, admin_user, django_capture_on_commit_callbacks
):
    h = holdings_of_leaver
    # when an admin hands everything to the successor and deactivates the leaver
    with django_capture_on_commit_callbacks(execute=True):
        summary = user_handover(user=leaver, by=admin_user, to_user=successor, deactivate=True)
    # then everything moved
    assert summary.deactivated
    assert {m.kind for m in summary.moves} == EVERY_KIND
    assert summary.total == 12
    assert Campaign.objects.get(pk=h["owned"].pk).owner == successor
    assert Campaign.objects.get(pk=h["sponsored"].pk).sponsor == successor
    assert Campaign.objects.get(code="DONE-1").owner == leaver  # closed campaigns keep their history
    h["draft"].refresh_from_db()
    h["mine"].refresh_from_db()
    assert h["draft"].requested_by == successor and h["mine"].requested_by == successor
    approval = ApprovalRequest.objects.for_subject(h["mine"]).get()
    assert approval.submitted_by == successor
    their_approval = ApprovalRequest.objects.for_subject(h["theirs"]).get()
    assert set(
        StageAssignment.objects.filter(stage_state__request=their_approval).values_list("user__username", flat=True)
    ) == {"finance", "successor"}
    assert Delegation.objects.get(pk=h["delegation"].pk).stand_in == successor
    assert Material.objects.get(pk=h["material"].pk).owner == successor
    assert ReportSubscription.objects.get(pk=h["subscription"].pk).owner == successor
    review = Stage.objects.get(name="Review")
    assert set(review.approvers.values_list("username", flat=True)) == {"finance", "successor"}
    assert Question.objects.get(pk=h["question"].pk).assignee == successor
    assert Membership.objects.get(user=successor, team=h["owned"].team).is_champion
    assert not Membership.objects.get(user=leaver, team=h["owned"].team).is_champion
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert holdings_of(leaver) == []


def test_handover_is_audited_with_the_admin_as_author(holdings_of_leaver, leaver, successor, admin_user):
    h = holdings_of_leaver
    user_handover(user=leaver, by=admin_user, to_user=successor)
    campaign_change = h["owned"].history.latest()
    assert campaign_change.history_user == admin_user
    assert campaign_change.owner_id == successor.pk
    # the reasons are message keys with the names, read in the reader's language
    with translation.override("en"):
        assert render_note(campaign_change.history_change_reason) == "Handover from Lev Leaving"
    with translation.override("ru"):
        assert render_note(campaign_change.history_change_reason) == "Передано от пользователя Lev Leaving"
    assert h["mine"].history.latest().history_user == admin_user
    their_approval = ApprovalRequest.objects.for_subject(h["theirs"]).get()
    stage_change = their_approval.stage_states.get().history.latest()
    assert stage_change.history_user == admin_user
    template_stage_change = Stage.objects.get(name="Review").history.latest()
    assert template_stage_change.history_user == admin_user
    with translation.override("en"):
        assert render_note(stage_change.history_change_reason) == "Approver Lev Leaving handed over to Sasha Next"
        assert (
            render_note(template_stage_change.history_change_reason) == "Approver Lev Leaving handed over to Sasha Next"
        )
    question_change = h["question"].history.latest()
    assert (question_change.history_user, question_change.assignee_id) == (admin_user, successor.pk)
    role_change = Membership.objects.get(user=successor, team=h["owned"].team).history.latest()
    assert (role_change.history_user, role_change.is_champion) == (admin_user, True)
    with translation.override("en"):
        assert render_note(question_change.history_change_reason) == "Handover from Lev Leaving"
        assert render_note(role_change.history_change_reason) == "Handover from Lev Leaving"
    with translation.override("ru"):
        assert render_note(question_change.history_change_reason) == "Передано от пользователя Lev Leaving"


def test_new_holders_are_notified(
    holdings_of_leaver, leaver, successor, colleague, admin_user, django_capture_on_commit_callbacks
):
    # when the campaigns go to the colleague and the rest to the successor
    with django_capture_on_commit_callbacks(execute=True):
        user_handover(
            user=leaver,
            by=admin_user,
            to_user=successor,
            assignments={"campaigns.owned": colleague, "campaigns.sponsored": colleague.pk},
        )
    # then each new holder is told once, with what they took over
    to_colleague = Notification.objects.get(recipient=colleague, title__contains="Lev Leaving")
    assert "OWN-1" in to_colleague.body and "SPN-1" in to_colleague.body
    assert to_colleague.url == holdings_of_leaver["owned"].get_absolute_url()
    to_successor = Notification.objects.get(recipient=successor, title__contains="Lev Leaving")
    assert "Weekly status" in to_successor.body
    assert "Campaigns owned" not in to_successor.body


def test_if_one_move_fails_nothing_moves(holdings_of_leaver, leaver, colleague, admin_user):
    # given the colleague submitted the request whose stage the leaver approves:
    # they cannot take that stage over (segregation of duties)
    with pytest.raises(ValidationError) as refused:
        user_handover(user=leaver, by=admin_user, to_user=colleague, deactivate=True)
    assert "segregation of duties" in refused.value.messages[0]
    # then nothing moved, not even the campaigns handed over before the failing stage
    assert Campaign.objects.get(code="OWN-1").owner == leaver
    assert ReportSubscription.objects.get(pk=holdings_of_leaver["subscription"].pk).owner == leaver
    leaver.refresh_from_db()
    assert leaver.is_active
    assert not Notification.objects.filter(title__contains="Lev Leaving").exists()


def test_a_failing_provider_rolls_everything_back(holdings_of_leaver, leaver, successor, admin_user):
    # given a provider registered last that breaks while moving
    def broken(from_user, to_user, by):
        raise IntegrityError("disk on fire")

    holdings_registry.register_holdings_provider(
        "tests.broken", "Broken", lambda user: [user], reassign=broken, counts=lambda ids: {}, order=999
    )
    try:
        with pytest.raises(IntegrityError):
            user_handover(user=leaver, by=admin_user, to_user=successor)
    finally:
        holdings_registry.unregister_holdings_provider("tests.broken")
    # then the moves before it were undone
    assert Campaign.objects.get(code="OWN-1").owner == leaver
    assert Material.objects.get(pk=holdings_of_leaver["material"].pk).owner == leaver


@pytest.mark.parametrize("target", ["self", "inactive", "missing", "nobody"])
def test_bad_targets_are_refused(holdings_of_leaver, leaver, admin_user, target):
    to_user = {
        "self": leaver,
        "inactive": UserFactory(is_active=False),
        "missing": 999999,
        "nobody": None,
    }[target]
    with pytest.raises(ValidationError):
        user_handover(user=leaver, by=admin_user, to_user=to_user)
    assert Campaign.objects.get(code="OWN-1").owner == leaver


def test_unknown_kinds_are_refused(leaver, successor, admin_user):
    with pytest.raises(ValidationError) as refused:
        user_handover(user=leaver, by=admin_user, assignments={"nope": successor})
    assert "nope" in str(refused.value)


def test_a_stand_in_is_never_handed_to_the_approver_themselves(holdings_of_leaver, leaver, approver, admin_user):
    with pytest.raises(ValidationError) as refused:
        user_handover(user=leaver, by=admin_user, to_user=approver)
    assert "cannot stand in for themselves" in refused.value.messages[0]
    assert Delegation.objects.get(pk=holdings_of_leaver["delegation"].pk).stand_in == leaver


def test_an_inactive_users_orphans_can_still_be_handed_over(holdings_of_leaver, leaver, successor, admin_user):
    # given a leaver deactivated around MRM (a directory sync)
    type(leaver).objects.filter(pk=leaver.pk).update(is_active=False)
    leaver.refresh_from_db()
    # when an admin hands over their campaigns
    summary = user_handover(user=leaver, by=admin_user, to_user=successor)
    # then the orphans have an active holder again
    assert summary.total == 12
    assert Campaign.objects.get(code="OWN-1").owner == successor


def test_handing_a_stage_to_someone_already_on_it_merges_the_assignment(
    holdings_of_leaver, leaver, successor, finance_user, admin_user
):
    user_handover(user=leaver, by=admin_user, to_user=successor, assignments={"approvals.stages": finance_user})
    their_approval = ApprovalRequest.objects.for_subject(holdings_of_leaver["theirs"]).get()
    assert list(
        StageAssignment.objects.filter(stage_state__request=their_approval).values_list("user__username", flat=True)
    ) == ["finance"]


def test_funding_amount_is_untouched_by_a_handover(holdings_of_leaver, leaver, successor, admin_user):
    user_handover(user=leaver, by=admin_user, to_user=successor)
    holdings_of_leaver["mine"].refresh_from_db()
    assert holdings_of_leaver["mine"].amount == Decimal("10000.00")


def test_template_stages_naming_the_user_are_held_once_and_move(leaver, successor, admin_user):
    # given an active template whose stage names the leaver as approver and as escalation contact
    stage = StageFactory(name="Legal", approvers=[leaver], escalation_contact=leaver)
    StageFactory(name="Retired", approvers=[leaver], template=WorkflowTemplateFactory(is_active=False))
    # then it is one holding (inactive templates do not count)
    held = {h.kind: h for h in holdings_of(leaver)}
    assert held["approvals.template_stages"].count == 1
    assert holding_counts([leaver.pk])[leaver.pk] == {"approvals.template_stages": 1}
    # and the handover names the successor in both places
    user_handover(user=leaver, by=admin_user, to_user=successor)
    stage.refresh_from_db()
    assert list(stage.approvers.all()) == [successor]
    assert stage.escalation_contact == successor


def test_an_admin_never_deactivates_themselves(admin_user, successor):
    with pytest.raises(ValidationError):
        user_deactivate(user=admin_user, by=admin_user)
    with pytest.raises(ValidationError):
        user_handover(user=admin_user, by=admin_user, to_user=successor, deactivate=True)
    admin_user.refresh_from_db()
    assert admin_user.is_active
