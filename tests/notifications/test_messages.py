"""Notifications and system notes are stored as keys and read in the reader's language (mrm.messages)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from mrm.messages import (
    NOTE_MARK,
    Rendered,
    clean_params,
    decode_note,
    legacy_note,
    note,
    register_message,
    render,
    render_note,
    unregister_message,
)
from notifications.models import Notification
from notifications.services import notification_send_email, notifications_resolve, notify
from tests.factories import UserFactory
from tests.notifications.messages import NOTE, TEXT


@pytest.fixture(autouse=True)
def read_in_english():
    """What a test reads without a request is read in English (a page earlier in the run may have left Russian on)."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_actor(db):
    return UserFactory(username="actor", roles=["approver"], language="en")


@pytest.fixture
def russian_reader(db):
    return UserFactory(username="reader", roles=["marketer"], language="ru", time_zone="Europe/Moscow")


def _notify_in_english(actor, recipient, **extra):
    """The actor works in English: whatever is active while the notice is written is English."""
    with translation.override("en"):
        return notify(
            recipients=[recipient],
            kind="decision",
            message=NOTE,
            params={"amount": Decimal("3000"), "at": dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)},
            actor=actor,
            url="/approvals/",
            **extra,
        )[0]


# --- read in the reader's language -------------------------------------------------------------------


def test_a_notice_written_by_an_english_actor_reads_in_russian_in_the_app(client, english_actor, russian_reader):
    # given a notice caused by someone working in English
    _notify_in_english(english_actor, russian_reader)
    # when the Russian recipient opens the notifications page
    client.force_login(russian_reader)
    html = client.get(reverse("notifications:list")).content.decode()
    # then it is in Russian, with Russian money and the reader's time zone (09:30 UTC is 12:30 in Moscow)
    assert "Уведомления: 3\xa0000,00\xa0₽" in html
    assert "12:30" in html
    assert "Notifications: ₽3,000.00" not in html


def test_a_notice_reads_in_russian_in_the_api(api_as, english_actor, russian_reader):
    notice = _notify_in_english(english_actor, russian_reader)
    row = api_as(russian_reader).get(f"/api/v1/notifications/{notice.pk}/").json()
    assert row["title"] == "Уведомления: 3\xa0000,00\xa0₽"
    assert row["message_key"] == NOTE
    assert row["params"]["amount"] == "3000"
    assert row["is_resolved"] is False and row["resolution"] == ""


def test_a_notice_reads_in_russian_in_the_email(english_actor, russian_reader, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        _notify_in_english(english_actor, russian_reader)
    assert [m.subject for m in mail.outbox] == ["Уведомления: 3\xa0000,00\xa0₽"]
    assert mail.outbox[0].body.startswith("Уведомления: 3\xa0000,00\xa0₽")
    assert "12:30" in mail.outbox[0].body  # the recipient's time zone


def test_the_same_notice_follows_the_readers_language_when_it_changes(client, english_actor, russian_reader):
    # given a notice read once in Russian
    _notify_in_english(english_actor, russian_reader)
    client.force_login(russian_reader)
    assert "Уведомления: 3" in client.get(reverse("notifications:list")).content.decode()
    # when the reader switches to English
    russian_reader.language = "en"
    russian_reader.save(update_fields=["language"])
    # then the same row reads in English: it is rendered when read, not when written
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Notifications: ₽3,000.00" in html


# --- unknown keys and broken renderers never break a page -------------------------------------------------


def test_an_unknown_key_shows_the_text_kept_at_creation(client, api_as, db):
    reader = UserFactory(username="kept", roles=["marketer"])
    register_message("tests.gone", title=gettext_lazy("Notifications"))
    notify(recipients=[reader], kind="other", message="tests.gone")
    # when the app that registered it is removed
    unregister_message("tests.gone")
    client.force_login(reader)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "Notifications" in response.content.decode()
    assert api_as(reader).get("/api/v1/notifications/").json()["results"][0]["title"] == "Notifications"


def test_an_unknown_key_without_kept_text_renders_a_neutral_line():
    assert render("tests.never-registered", {}).title == "A message MRM can no longer show."


def test_a_failing_renderer_falls_back_instead_of_failing(caplog):
    def broken(params):
        raise KeyError("missing")

    register_message("tests.broken", broken)
    try:
        result = render("tests.broken", {"x": 1}, fallback=Rendered("What it said then"))
    finally:
        unregister_message("tests.broken")
    assert result.title == "What it said then"
    assert "could not be rendered" in caplog.text


def test_notify_refuses_an_unregistered_key(db):
    reader = UserFactory(username="strict")
    with pytest.raises(ValueError, match="Unknown message key"):
        notify(recipients=[reader], kind="other", message="tests.not-registered")


def test_parameters_are_data_never_translated_text():
    stored = clean_params({"amount": Decimal("12.50"), "on": dt.date(2026, 5, 1), "names": ("A", "B")})
    assert stored == {"amount": "12.50", "on": "2026-05-01", "names": ["A", "B"]}
    with pytest.raises(TypeError, match="translated text"):
        clean_params({"label": gettext_lazy("Approved")})


# --- notes inside text columns ---------------------------------------------------------------------------------


def test_a_system_note_is_rendered_in_the_readers_language():
    stored = note("accounts.note.handover_from", user="Lev Leaving")
    assert stored.startswith(NOTE_MARK)
    assert decode_note(stored) == ("accounts.note.handover_from", {"user": "Lev Leaving"})
    with translation.override("en"):
        assert render_note(stored) == "Handover from Lev Leaving"
    with translation.override("ru"):
        assert render_note(stored) == "Передано от пользователя Lev Leaving"


def test_peoples_own_notes_are_shown_as_written():
    assert render_note("Budget is tight, see me") == "Budget is tight, see me"
    assert render_note("") == "" and render_note(None) == ""


def test_a_note_fits_its_column_by_shortening_names_not_the_key():
    stored = note("accounts.note.handed_over", limit=100, old="A" * 80, new="Sasha Next")
    assert len(stored) <= 100
    key, params = decode_note(stored)
    assert key == "accounts.note.handed_over"
    assert params["new"] == "Sasha Next" and params["old"].endswith("…")


def test_legacy_sentences_in_either_language_become_notes():
    known = {"accounts.note.handover_from": ["Handover from %(user)s", "Передано от пользователя %(user)s"]}
    assert legacy_note("Передано от пользователя Лев", known) == note("accounts.note.handover_from", user="Лев")
    assert legacy_note("Handover from Lev Leaving", known) == note("accounts.note.handover_from", user="Lev Leaving")
    assert legacy_note("Handed over because Lev left", known) is None


def test_a_person_cannot_type_a_system_note(client, db):
    """The marker is a control character that ``strip()`` removes: typed notes never decode as system notes."""
    forged = note("approvals.note.withdrawn_unconfirmed")
    assert forged.strip() != forged
    assert decode_note(forged.strip()) is None


# --- resolution at the engine's level ----------------------------------------------------------------------------


def test_resolving_spares_who_still_acts_and_the_bell_counts_only_what_is_to_do(client, db):
    first, second = UserFactory(username="first"), UserFactory(username="second")
    notify(
        recipients=[first, second],
        kind="request_submitted",
        message=TEXT,
        params={"title": "Decide"},
        subject_key="tests.stage:1",
    )
    notify(recipients=[first], kind="other", message=TEXT, params={"title": "Unrelated"})
    # when the subject is resolved for everyone but the second person
    resolved = notifications_resolve(
        subject_key="tests.stage:1",
        reason="approvals.resolved.decided",
        params={"who": "Anna Petrova", "outcome": "approve"},
        keep=[second.pk],
    )
    # then
    assert resolved == 1
    assert Notification.objects.filter(recipient=second, resolved_at__isnull=True).count() == 1
    client.force_login(first)
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="notification-count">1<' in html  # only "Unrelated"
    assert "Decided by Anna Petrova: approved" in html
    assert 'data-testid="notification-resolved"' in html
    only_to_do = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "Unrelated" in only_to_do and "Decide" not in only_to_do


def test_resolved_notices_are_marked_in_the_api(api_as, db):
    reader = UserFactory(username="apireader", language="ru")
    notify(
        recipients=[reader],
        kind="request_submitted",
        message=TEXT,
        params={"title": "Decide"},
        subject_key="tests.stage:2",
    )
    notify(recipients=[reader], kind="other", message=TEXT, params={"title": "Other"})
    notifications_resolve(subject_key="tests.stage:2", reason="approvals.resolved.withdrawn", params={"who": "Oleg"})
    client = api_as(reader)
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    resolved = client.get("/api/v1/notifications/", {"resolved": "true"}).json()["results"]
    assert [row["title"] for row in resolved] == ["Decide"]
    assert resolved[0]["is_resolved"] is True
    assert resolved[0]["resolution"] == "Отозвано пользователем Oleg"


def test_a_notice_resolved_before_its_email_left_is_not_mailed(db):
    reader = UserFactory(username="late")
    notice = notify(
        recipients=[reader],
        kind="request_submitted",
        message=TEXT,
        params={"title": "Decide"},
        subject_key="tests.stage:3",
        email=False,
    )[0]
    notifications_resolve(subject_key="tests.stage:3", reason="approvals.resolved.withdrawn")
    assert notification_send_email(notification_id=notice.pk) is False
    assert mail.outbox == []
