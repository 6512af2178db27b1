"""Tasks that get done (issue 18 item 6): my tasks across campaigns, overdue first; reminders before and on the day."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from freezegun import freeze_time

from campaigns.choices import CampaignStatus
from campaigns.jobs import send_task_reminders
from campaigns.selectors import tasks_of
from notifications.models import Notification
from tests.campaigns.factories import CampaignFactory, TaskFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def campaign(team, marketer):
    return CampaignFactory(code="T-1", team=team, owner=marketer)


@freeze_time("2026-12-07 10:00")
def test_my_tasks_are_overdue_first_then_by_due_date_then_undated(campaign, marketer, team):
    other = CampaignFactory(code="T-2", team=team, owner=marketer)
    later = TaskFactory(campaign=campaign, assignee=marketer, title="later", due_date=TODAY + dt.timedelta(days=9))
    undated = TaskFactory(campaign=other, assignee=marketer, title="undated")
    overdue = TaskFactory(campaign=other, assignee=marketer, title="overdue", due_date=TODAY - dt.timedelta(days=3))
    soon = TaskFactory(campaign=campaign, assignee=marketer, title="soon", due_date=TODAY + dt.timedelta(days=1))
    done = TaskFactory(
        campaign=campaign, assignee=marketer, title="done", due_date=TODAY - dt.timedelta(days=5), done=True
    )
    TaskFactory(campaign=campaign, title="someone else's", due_date=TODAY)
    assert list(tasks_of(marketer)) == [overdue, soon, later, undated]
    assert list(tasks_of(marketer, include_done=True)) == [overdue, soon, later, undated, done]


def test_tasks_on_campaigns_one_can_no_longer_read_are_not_listed(marketer, other_team, other_team_marketer):
    secret = CampaignFactory(
        team=other_team, owner=other_team_marketer, confidential=True, status=CampaignStatus.PLANNED
    )
    TaskFactory(campaign=secret, assignee=marketer, title="secret")
    assert not tasks_of(marketer).exists()


def test_the_page_lists_my_tasks_with_their_campaign_and_a_constant_query_count(
    client, campaign, marketer, team, django_assert_max_num_queries
):
    TaskFactory(campaign=campaign, assignee=marketer, title="Brief the agency")
    client.force_login(marketer)
    url = reverse("campaigns:my_tasks")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "Brief the agency" in page and "T-1" in page
    for n in range(12):
        TaskFactory(campaign=CampaignFactory(team=team, owner=marketer), assignee=marketer, title=f"More {n}")
    with django_assert_max_num_queries(len(few)):
        assert "More 11" in client.get(url).content.decode()


def test_an_empty_list_says_so(client, finance_user):
    client.force_login(finance_user)
    assert "No open tasks are assigned to you." in client.get(reverse("campaigns:my_tasks")).content.decode()


@override_settings(MRM_TASK_REMINDER_DAYS=2)
def test_reminders_go_before_and_on_the_due_date_once_each(campaign, marketer):
    task = TaskFactory(
        campaign=campaign, assignee=marketer, title="Print flyers", due_date=TODAY + dt.timedelta(days=2)
    )
    assert send_task_reminders(TODAY) == 1
    assert send_task_reminders(TODAY) == 0  # the hourly run again: nothing twice
    note = Notification.objects.get(recipient=marketer)
    assert "Print flyers" in note.title and note.url.endswith(f"#task-{task.pk}")
    assert send_task_reminders(TODAY + dt.timedelta(days=1)) == 0
    assert send_task_reminders(TODAY + dt.timedelta(days=2)) == 1
    assert Notification.objects.filter(recipient=marketer).count() == 2
    assert "due today" in Notification.objects.filter(recipient=marketer).order_by("-pk").first().title


def test_a_moved_due_date_is_reminded_again(campaign, marketer):
    task = TaskFactory(campaign=campaign, assignee=marketer, due_date=TODAY)
    assert send_task_reminders(TODAY) == 1
    task.due_date = TODAY + dt.timedelta(days=2)
    task.save()
    assert send_task_reminders(TODAY) == 1


def test_no_reminders_for_done_unassigned_closed_or_former_colleagues_tasks(campaign, marketer, team):
    gone = UserFactory(username="gone", roles=["marketer"], teams=[team], is_active=False)
    TaskFactory(campaign=campaign, assignee=marketer, due_date=TODAY, done=True)
    TaskFactory(campaign=campaign, assignee=None, due_date=TODAY)
    TaskFactory(campaign=campaign, assignee=gone, due_date=TODAY)
    closed = CampaignFactory(team=team, owner=marketer, status=CampaignStatus.COMPLETED)
    TaskFactory(campaign=closed, assignee=marketer, due_date=TODAY)
    assert send_task_reminders(TODAY) == 0


def test_the_reminder_reads_in_the_assignees_language(campaign, team):
    russian = UserFactory(username="ivan", roles=["marketer"], teams=[team], language="ru")
    TaskFactory(campaign=campaign, assignee=russian, title="Макет", due_date=TODAY)
    send_task_reminders(TODAY)
    from django.utils import translation

    with translation.override("ru"):
        assert "Макет" in Notification.objects.get(recipient=russian).rendered.title
