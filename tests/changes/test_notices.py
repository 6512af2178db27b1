"""Change requests' notices stay true (PRODUCT.md §7): answered or closed, they stop waiting on people."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from changes import services
from changes.choices import AnswerStatus, ConfigurableField, TargetKind
from changes.jobs import withdraw_unconfirmed_change_requests
from changes.models import ChangeRequest
from mrm.messages import render_note
from notifications.models import Notification
from tests.budgets.factories import FiscalPeriodFactory, FiscalYearFactory, FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.changes.factories import category_used_by, make_champion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def read_in_english():
    """What a test reads without a request is read in English (a page earlier in the run may have left Russian on)."""
    with translation.override("en"):
        yield


def open_notices(user):
    return Notification.objects.filter(recipient=user, resolved_at=None, subject_key__startswith="changes.")


def test_answering_resolves_the_notices_of_the_teams_speakers_but_not_another_teams(
    marketer, team, other_team, champion, other_champion
):
    # given a category used by Brand and by Events: both champions are asked
    category = category_used_by(team, owner=marketer)
    period = FiscalPeriodFactory(
        year=FiscalYearFactory(name="FY-n", start_date=dt.date(2000, 1, 1), end_date=dt.date(2999, 12, 31)),
        name="All",
        start_date=dt.date(2000, 1, 1),
        end_date=dt.date(2999, 12, 31),
    )
    FundingRequestFactory(campaign=CampaignFactory(team=other_team), category=category, period=period)
    lead = make_champion(UserFactory(username="brand-lead", roles=["marketer"], teams=[team]), team, lead=True)
    change = services.change_request_create(
        by=marketer, target_kind=TargetKind.EXPENSE_CATEGORY, expense_category=category, what="Split", why="Forms"
    )
    assert {open_notices(user).count() for user in (champion, lead, other_champion)} == {1}
    # when Brand's champion answers for Brand
    services.change_request_answer(change_request=change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)
    # then Brand's speakers are done, Events' champion still has to answer
    assert open_notices(champion).count() == 0 and open_notices(lead).count() == 0
    assert Notification.objects.get(recipient=lead).resolution == f"Answered by {champion.full_name}"
    assert open_notices(other_champion).count() == 1


def test_applying_resolves_the_admins_ready_notice(open_change, champion, admin_user):
    services.change_request_answer(change_request=open_change, by=champion, answer=AnswerStatus.ACKNOWLEDGED)
    assert open_notices(admin_user).count() == 1
    services.change_request_apply(change_request=open_change, by=admin_user, note="Done in the admin")
    notice = Notification.objects.get(recipient=admin_user, subject_key__startswith="changes.ready:")
    assert notice.resolution == f"Applied by {admin_user.full_name}"


def test_withdrawing_resolves_every_notice_of_it(open_change, marketer, champion):
    services.change_request_withdraw(change_request=open_change, by=marketer, note="Not needed")
    assert open_notices(champion).count() == 0
    with translation.override("ru"):
        assert Notification.objects.get(recipient=champion).resolution == f"Отозван пользователем {marketer.full_name}"


def test_the_automatic_withdrawal_note_reads_in_the_readers_language(open_change, marketer, settings):
    ChangeRequest.objects.filter(pk=open_change.pk).update(
        stale_asked_at=timezone.now() - dt.timedelta(days=settings.MRM_CHANGE_REQUEST_WITHDRAW_DAYS + 1)
    )
    assert withdraw_unconfirmed_change_requests() == 1
    open_change.refresh_from_db()
    with translation.override("en"):
        assert (
            render_note(open_change.decision_note) == "Withdrawn automatically: nobody confirmed it was still needed."
        )
    with translation.override("ru"):
        assert render_note(open_change.decision_note).startswith("Отозван автоматически")


def test_a_field_target_is_named_in_the_readers_language(marketer, admin_user):
    services.change_request_create(
        by=marketer, target_kind=TargetKind.FIELD, field_name=ConfigurableField.KPI_METRIC, what="Add one", why="ROI"
    )
    notice = Notification.objects.get(recipient=admin_user)
    with translation.override("en"):
        assert notice.display_title == "Ready to apply: KPI metrics"
    with translation.override("ru"):
        assert notice.display_title == "Можно применять: Метрики KPI"
