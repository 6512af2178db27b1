"""Notifications: the bell, the list, mark read, e-mails with deep links, sent once (PRODUCT.md §5)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import send_notification_email_task
from tests.factories import UserFactory
from tests.notifications.messages import NOTE, TEXT


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", roles=["marketer"])


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", roles=["approver"], language="ru")


def test_notify_writes_rows_and_mails_after_commit(alice, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(
            recipients=[alice],
            kind="decision",
            message=TEXT,
            params={"title": "Decision: approved — Banner", "body": "Fine"},
            url="/approvals/requests/1/",
        )
    assert len(callbacks) == 1
    assert Notification.objects.get(recipient=alice).title == "Decision: approved — Banner"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Decision: approved — Banner"
    assert f"{settings.MRM_BASE_URL}/approvals/requests/1/" in mail.outbox[0].body


def test_nothing_is_mailed_when_the_transaction_rolls_back(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[alice], kind="decision", message=TEXT, params={"title": "t"})
    # the callbacks were never run: a rolled-back transaction never runs them
    assert mail.outbox == [] and len(callbacks) == 1


def test_the_actor_is_not_notified_and_duplicates_are_merged(alice, bob):
    created = notify(recipients=[alice, alice, bob], kind="comment", message=TEXT, params={"title": "t"}, actor=bob)
    assert [n.recipient for n in created] == [alice]


def test_a_dedupe_key_sends_nothing_twice(alice):
    notify(recipients=[alice], kind="reminder", message=TEXT, params={"title": "t"}, dedupe_key="k1")
    notify(recipients=[alice], kind="reminder", message=TEXT, params={"title": "t"}, dedupe_key="k1")
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_the_text_kept_at_creation_is_in_the_recipients_language(alice, bob):
    # the kept text (admin search, fallback) is rendered per recipient; what they read is rendered when read
    notify(recipients=[alice, bob], kind="other", message=NOTE, params={"amount": "1500"})
    assert Notification.objects.get(recipient=alice).title == "Notifications: ₽1,500.00"
    assert Notification.objects.get(recipient=bob).title == "Уведомления: 1\xa0500,00\xa0₽"


def test_the_email_task_sends_once_even_when_run_twice(alice):
    notification = notify(recipients=[alice], kind="decision", message=TEXT, params={"title": "t"}, email=False)[0]
    assert send_notification_email_task.apply(args=[notification.pk]).get() is True
    assert send_notification_email_task.apply(args=[notification.pk]).get() is False
    assert send_notification_email_task.apply(args=[999999]).get() is False
    assert len(mail.outbox) == 1


def test_the_bell_shows_the_unread_count(client, alice):
    notify(recipients=[alice], kind="other", message=TEXT, params={"title": "one"})
    notify(recipients=[alice], kind="other", message=TEXT, params={"title": "two"})
    client.force_login(alice)
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="notification-count">2<' in html


def test_the_list_shows_only_ones_own(client, alice, bob):
    notify(recipients=[alice], kind="other", message=TEXT, params={"title": "for alice"})
    notify(recipients=[bob], kind="other", message=TEXT, params={"title": "for bob"})
    client.force_login(alice)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "for alice" in html and "for bob" not in html


def test_mark_read_and_mark_all_read(client, alice, bob):
    first = notify(recipients=[alice], kind="other", message=TEXT, params={"title": "one"}, url="/approvals/")[0]
    notify(recipients=[alice], kind="other", message=TEXT, params={"title": "two"})
    theirs = notify(recipients=[bob], kind="other", message=TEXT, params={"title": "bob's"})[0]
    client.force_login(alice)
    # htmx: the row comes back marked read
    response = client.post(reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "read" in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    # following a notification's link marks it read and goes there
    follow = client.post(reverse("notifications:read", args=[first.pk]), {"follow": "1"})
    assert follow["Location"] == "/approvals/"
    # another's notification is a 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()


def test_api_lists_own_and_marks_read(api_as, api_client, alice, bob):
    mine = notify(recipients=[alice], kind="decision", message=TEXT, params={"title": "mine"})[0]
    theirs = notify(recipients=[bob], kind="decision", message=TEXT, params={"title": "theirs"})[0]
    assert api_client.get("/api/v1/notifications/").status_code == 401
    client = api_as(alice)
    body = client.get("/api/v1/notifications/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    read = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0
    notify(recipients=[alice], kind="decision", message=TEXT, params={"title": "again"})
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_the_notification_list_costs_the_same_for_1_and_many_rows(assert_constant_queries, api_as, alice, bob):
    client = api_as(alice)
    assert_constant_queries(
        lambda: client.get("/api/v1/notifications/?page_size=100"),
        lambda: notify(
            recipients=[alice], kind="comment", message=NOTE, params={"amount": "10"}, actor=bob, email=False
        ),
    )


def test_the_bell_costs_one_query(client, alice, django_assert_num_queries):
    from django.test import RequestFactory

    from notifications.context_processors import unread_notifications

    notify(recipients=[alice], kind="other", message=TEXT, params={"title": "one"})
    request = RequestFactory().get("/")
    request.user = alice
    context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"]() == 1
        assert context["unread_notifications"]() == 1  # computed once
