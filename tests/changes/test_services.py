"""Change requests: who they affect, the teams' answers, the administrator's decision, the state machine (§7)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.choices import SubjectKind
from budgets import services as budget_services
from budgets.choices import FundingRequestStatus
from changes import services
from changes.affected import compute_affected
from changes.choices import AnswerStatus, ChangeStatus, ConfigurableField, TargetKind
from changes.models import AffectedTeam
from mrm.exceptions import StateConflict
from notifications.models import Notification
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
)
from tests.campaigns.factories import CampaignFactory
from tests.changes.factories import category_used_by, make_champion
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- who is affected ----------------------------------------------------------------------------


def test_a_template_affects_the_teams_submitters_and_approvers_of_its_open_requests(
    team, other_team, marketer, finance_user, approver
):
    # given a funding workflow, and a submitted funding request of Brand running on it
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind=SubjectKind.FUNDING_REQUEST)
    StageFactory(template=workflow, order=1, name="Finance review", approvers=[finance_user])
    StageFactory(template=workflow, order=2, name="CMO", approvers=[approver], min_amount=Decimal("500000.00"))
    period = FiscalPeriodFactory(year=FiscalYearFactory())
    campaign = CampaignFactory(team=team, owner=marketer, start_date=period.start_date, end_date=period.end_date)
    category = ExpenseCategoryFactory()
    funding = budget_services.funding_request_create(
        by=marketer,
        campaign=campaign,
        category=category,
        period=period,
        amount=Decimal("1000.00"),
        justification="Leads",
    )
    budget_services.funding_request_submit(funding_request=funding, by=marketer)
    # and an Events campaign that never asked for money
    CampaignFactory(team=other_team)
    # when the change of the workflow is computed
    affected = compute_affected(target_kind=TargetKind.WORKFLOW_TEMPLATE, workflow_template=workflow)
    # then Brand is affected (the subject's team), with the submitter and the approvers
    assert list(affected.teams()) == [team]
    assert {marketer.pk, finance_user.pk, approver.pk} <= set(affected.users().values_list("pk", flat=True))


def test_a_template_without_open_requests_affects_no_team(team):
    workflow = WorkflowTemplateFactory(subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    assert list(compute_affected(target_kind=TargetKind.WORKFLOW_TEMPLATE, workflow_template=workflow).teams()) == []


def test_a_category_affects_teams_with_requests_and_with_current_or_future_allocations(team, other_team, marketer):
    # given Brand asked for money in the category, Events has an allocation this year, North had one long ago
    category = category_used_by(team, owner=marketer)
    north = TeamFactory(name="North")
    today = dt.date.today()
    this_year = FiscalYearFactory(
        name="This year", start_date=today.replace(month=1, day=1), end_date=today.replace(month=12, day=31)
    )
    current = FiscalPeriodFactory(
        year=this_year, name="This year", start_date=this_year.start_date, end_date=this_year.end_date
    )
    old_year = FiscalYearFactory(name="FY2001", start_date=dt.date(2001, 1, 1), end_date=dt.date(2001, 12, 31))
    old = FiscalPeriodFactory(year=old_year, name="2001", start_date=old_year.start_date, end_date=old_year.end_date)
    BudgetAllocationFactory(period=current, team=other_team, category=category)
    BudgetAllocationFactory(period=old, team=north, category=category)
    # when the change of the category is computed
    affected = compute_affected(target_kind=TargetKind.EXPENSE_CATEGORY, expense_category=category)
    # then Brand (request) and Events (allocation) are affected, not North (past period); the requester too
    assert list(affected.teams()) == [team, other_team]
    assert list(affected.users()) == [marketer]


def test_rejected_requests_do_not_make_a_team_affected(team, marketer):
    category = category_used_by(team, owner=marketer, status=FundingRequestStatus.REJECTED)
    assert list(compute_affected(target_kind=TargetKind.EXPENSE_CATEGORY, expense_category=category).teams()) == []


def test_a_field_affects_the_teams_with_open_campaigns(team, other_team):
    CampaignFactory(team=team, status="active")
    CampaignFactory(team=other_team, status="completed")
    affected = compute_affected(target_kind=TargetKind.FIELD, field_name=ConfigurableField.CAMPAIGN_CHANNELS)
    assert list(affected.teams()) == [team]


# --- creating -----------------------------------------------------------------------------------


def test_creating_stores_the_affected_teams_pending_and_tells_their_champions(
    marketer, team, other_team, champion, other_champion
):
    # given a category used by Brand and by Events
    category = category_used_by(team, owner=marketer)
    events_campaign = CampaignFactory(team=other_team)
    budget_period = FiscalPeriodFactory(
        year=FiscalYearFactory(name="FY-x", start_date=dt.date(2000, 1, 1), end_date=dt.date(2999, 12, 31)),
        name="All",
        start_date=dt.date(2000, 1, 1),
        end_date=dt.date(2999, 12, 31),
    )
    from tests.budgets.factories import FundingRequestFactory

    FundingRequestFactory(campaign=events_campaign, category=category, period=budget_period)
    # when the marketer asks to change it
    change = services.change_request_create(
        by=marketer,
        target_kind=TargetKind.EXPENSE_CATEGORY,
        expense_category=category,
        what="Split it in two",
        why="Finance's new form",
    )
    # then both teams wait for an answer and both champions are told, with a link to the request
    rows = list(change.affected_teams.order_by("team__name"))
    assert [(row.team, row.status) for row in rows] == [
        (team, AnswerStatus.PENDING),
        (other_team, AnswerStatus.PENDING),
    ]
    told = Notification.objects.filter(url=change.get_absolute_url())
    assert set(told.values_list("recipient__username", flat=True)) == {"brand-champion", "events-champion"}
    assert change.status == ChangeStatus.OPEN
    assert change.history.count() == 1


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"target_kind": TargetKind.EXPENSE_CATEGORY, "why": "because"}, "expense_category"),
        ({"target_kind": TargetKind.WORKFLOW_TEMPLATE, "why": "because"}, "workflow_template"),
        ({"target_kind": TargetKind.FIELD, "field_name": "campaign.colour", "why": "because"}, "field_name"),
        ({"target_kind": "everything", "why": "because"}, "target_kind"),
        ({"target_kind": TargetKind.FIELD, "field_name": ConfigurableField.KPI_METRIC, "why": "  "}, "why"),
    ],
)
def test_a_request_needs_its_target_and_a_why(marketer, fields, error_field):
    with pytest.raises(ValidationError) as error:
        services.change_request_create(by=marketer, what="Something", **fields)
    assert error_field in error.value.message_dict


def test_a_user_without_role_cannot_ask(db):
    nobody = UserFactory(username="nobody")
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            by=nobody, target_kind=TargetKind.FIELD, field_name=ConfigurableField.CAMPAIGN_TAGS, what="x", why="y"
        )


# --- answering ----------------------------------------------------------------------------------


def test_the_champion_acknowledges_for_the_team_and_the_requester_is_told(open_change, champion, marketer, team):
    services.change_request_answer(
        change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED, note="Fine"
    )
    row = AffectedTeam.objects.get(change_request=open_change, team=team)
    assert (row.status, row.by, row.note) == (AnswerStatus.ACKNOWLEDGED, champion, "Fine")
    assert row.at is not None
    assert Notification.objects.filter(recipient=marketer, title__startswith="Acknowledged").exists()


def test_a_team_lead_may_answer_too(open_change, team):
    lead = make_champion(UserFactory(username="brand-lead", roles=["marketer"], teams=[team]), team, lead=True)
    services.change_request_answer(change_request=open_change, by=lead, answer=AnswerStatus.OBJECTED, note="No")
    assert open_change.affected_teams.get().status == AnswerStatus.OBJECTED


def test_a_plain_member_cannot_answer(open_change, team):
    member = UserFactory(username="brand-member", roles=["marketer"], teams=[team])
    with pytest.raises(PermissionDenied):
        services.change_request_answer(change_request=open_change, by=member, answer=AnswerStatus.ACKNOWLEDGED)


def test_the_champion_of_another_team_cannot_answer(open_change, other_champion):
    with pytest.raises(PermissionDenied):
        services.change_request_answer(change_request=open_change, by=other_champion, answer=AnswerStatus.ACKNOWLEDGED)


def test_an_objection_says_why(open_change, champion):
    with pytest.raises(ValidationError) as error:
        services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.OBJECTED)
    assert "note" in error.value.message_dict


def test_an_answer_can_change_while_open_and_both_are_kept(open_change, champion):
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.OBJECTED, note="No")
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)
    row = open_change.affected_teams.get()
    assert row.status == AnswerStatus.ACKNOWLEDGED
    assert [h.status for h in row.history.order_by("history_date")] == ["pending", "objected", "acknowledged"]


# --- deciding -----------------------------------------------------------------------------------


def test_applying_is_refused_while_a_team_has_not_acknowledged(open_change, admin_user):
    with pytest.raises(StateConflict) as error:
        services.change_request_apply(change_request=open_change, by=admin_user)
    assert "Brand" in str(error.value)
    open_change.refresh_from_db()
    assert open_change.status == ChangeStatus.OPEN


def test_applying_is_refused_while_a_team_objects(open_change, champion, admin_user):
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.OBJECTED, note="No")
    with pytest.raises(StateConflict):
        services.change_request_apply(change_request=open_change, by=admin_user, note="please")


def test_an_override_needs_a_note_and_is_recorded(open_change, champion, admin_user, marketer):
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.OBJECTED, note="No")
    with pytest.raises(ValidationError):
        services.change_request_apply(change_request=open_change, by=admin_user, override=True)
    services.change_request_apply(
        change_request=open_change, by=admin_user, override=True, note="Finance's deadline; Brand adapts next week"
    )
    open_change.refresh_from_db()
    assert (open_change.status, open_change.overridden, open_change.decided_by) == (
        ChangeStatus.APPLIED,
        True,
        admin_user,
    )
    assert Notification.objects.filter(recipient=marketer, kind="decision").exists()


def test_applying_once_every_team_acknowledged(acknowledged_change, admin_user):
    services.change_request_apply(change_request=acknowledged_change, by=admin_user, note="Done in the admin")
    acknowledged_change.refresh_from_db()
    assert acknowledged_change.status == ChangeStatus.APPLIED
    assert not acknowledged_change.overridden
    assert acknowledged_change.decision_note == "Done in the admin"


def test_only_admins_decide(acknowledged_change, marketer, champion, approver):
    for user in (marketer, champion, approver):
        with pytest.raises(PermissionDenied):
            services.change_request_apply(change_request=acknowledged_change, by=user)
        with pytest.raises(PermissionDenied):
            services.change_request_decline(change_request=acknowledged_change, by=user, note="no")


def test_declining_needs_a_note(open_change, admin_user):
    with pytest.raises(ValidationError):
        services.change_request_decline(change_request=open_change, by=admin_user, note="")
    services.change_request_decline(change_request=open_change, by=admin_user, note="Breaks the CFO's report")
    open_change.refresh_from_db()
    assert (open_change.status, open_change.decision_note) == (ChangeStatus.DECLINED, "Breaks the CFO's report")


# --- the state machine ------------------------------------------------------------------------


@pytest.fixture(params=["applied", "declined", "withdrawn"])
def closed_change(request, acknowledged_change, admin_user, marketer):
    if request.param == "applied":
        services.change_request_apply(change_request=acknowledged_change, by=admin_user)
    elif request.param == "declined":
        services.change_request_decline(change_request=acknowledged_change, by=admin_user, note="no")
    else:
        services.change_request_withdraw(change_request=acknowledged_change, by=marketer)
    acknowledged_change.refresh_from_db()
    return acknowledged_change


def test_a_closed_request_refuses_every_command(closed_change, admin_user, marketer, champion):
    status = closed_change.status
    commands = [
        lambda: services.change_request_apply(change_request=closed_change, by=admin_user, note="x", override=True),
        lambda: services.change_request_decline(change_request=closed_change, by=admin_user, note="x"),
        lambda: services.change_request_withdraw(change_request=closed_change, by=marketer),
        lambda: services.change_request_confirm(change_request=closed_change, by=marketer, note="x"),
        lambda: services.change_request_answer(
            change_request=closed_change, by=champion, answer=AnswerStatus.OBJECTED, note="x"
        ),
    ]
    for command in commands:
        with pytest.raises(StateConflict):
            command()
    closed_change.refresh_from_db()
    assert closed_change.status == status


def test_only_the_requester_or_an_admin_withdraws(open_change, champion, admin_user):
    with pytest.raises(PermissionDenied):
        services.change_request_withdraw(change_request=open_change, by=champion)
    services.change_request_withdraw(change_request=open_change, by=admin_user, note="Duplicate")
    open_change.refresh_from_db()
    assert (open_change.status, open_change.decided_by) == (ChangeStatus.WITHDRAWN, admin_user)


def test_only_the_requester_confirms_and_it_resets_the_idle_clock(open_change, marketer, admin_user):
    with pytest.raises(PermissionDenied):
        services.change_request_confirm(change_request=open_change, by=admin_user, note="x")
    with pytest.raises(ValidationError):
        services.change_request_confirm(change_request=open_change, by=marketer, note="")
    before = open_change.last_activity_at
    services.change_request_confirm(change_request=open_change, by=marketer, note="Still blocks our reports")
    open_change.refresh_from_db()
    assert open_change.stale_confirmation == "Still blocks our reports"
    assert open_change.last_activity_at > before


def test_the_admins_are_told_once_every_team_acknowledged(open_change, champion, admin_user):
    # given the change waits for Brand: no admin is told yet
    assert not Notification.objects.filter(recipient=admin_user).exists()
    # when Brand's champion acknowledges, twice (a changed note)
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)
    services.change_request_answer(
        change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED, note="Still fine"
    )
    # then the admin is told once that it is ready to apply
    ready = Notification.objects.filter(recipient=admin_user, title__startswith="Ready to apply")
    assert ready.count() == 1
    assert ready.get().url == open_change.get_absolute_url()


def test_a_request_affecting_nobody_is_ready_at_once(marketer, admin_user):
    change = services.change_request_create(
        by=marketer,
        target_kind=TargetKind.FIELD,
        field_name=ConfigurableField.KPI_METRIC,
        what="Add pipeline value",
        why="ROI by stage",
    )
    assert change.affected_teams.count() == 0
    assert Notification.objects.filter(recipient=admin_user, title__startswith="Ready to apply").count() == 1
