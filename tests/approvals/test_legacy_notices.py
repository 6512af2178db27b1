"""Approvals' rows written before message keys existed (data migration approvals 0003).

The migration's functions run on rows shaped as the old code wrote them:
notifications with only a rendered title and body, closing notes as English
or Russian sentences.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from approvals.models import ApprovalRequest
from approvals.services import approval_comment, approval_decide
from mrm.messages import decode_note, render_note
from notifications.models import Notification
from tests.factories import TeamFactory

MIGRATION = importlib.import_module("approvals.migrations.0003_notices_and_notes_as_message_keys")


@pytest.fixture(autouse=True)
def read_in_english():
    with translation.override("en"):
        yield


def as_legacy(queryset):
    """Make notifications look as the old code left them: text only, nothing linked or resolved."""
    queryset.update(
        message_key="", params={}, subject_key="", resolved_at=None, resolution_key="", resolution_params={}
    )


def test_old_waiting_notices_are_linked_rekeyed_and_resolved_where_decided(submit, legal, marketer, subjects):
    # given two requests waiting on legal, one decided since, one still open, and a comment on the open one
    decided = submit()
    still_open = submit(on=TeamFactory(name="Events"))
    approval_decide(request=decided, by=legal, outcome="approve")
    approval_comment(request=still_open, by=legal, body="Is the price final?")
    # written by the old code: text only
    as_legacy(Notification.objects.all())
    assert Notification.objects.filter(recipient=legal, subject_key="").count() == 2
    # when the approvals data migration runs
    MIGRATION.notifications_forwards(django_apps, None)
    # then legal's notice of the decided request is resolved, the open one still waits
    decided_notice = Notification.objects.get(
        recipient=legal, subject_key=f"approvals.stage:{decided.stage_states.get(order=1).pk}"
    )
    open_notice = Notification.objects.get(
        recipient=legal, subject_key=f"approvals.stage:{still_open.current_stage_id}"
    )
    assert decided_notice.resolved_at is not None
    assert decided_notice.resolution == "No longer waiting: the request is in progress."
    assert open_notice.resolved_at is None
    # and both speak the reader's language again
    assert open_notice.message_key == "approvals.waiting"
    with translation.override("ru"):
        assert open_notice.display_title == f"Ждёт вашего решения: {still_open.subject_title}"
    comment = Notification.objects.get(recipient=marketer, kind="comment")
    assert comment.message_key == "approvals.comment"
    with translation.override("ru"):
        assert comment.display_title.startswith("Комментарий (не решение):")


def test_the_bell_counts_one_after_the_migration_however_many_old_notices(client, submit, legal, subjects):
    requests = [submit(on=TeamFactory(name=f"Team {index}")) for index in range(4)]
    for request in requests[:3]:
        approval_decide(request=request, by=legal, outcome="approve")
    as_legacy(Notification.objects.all())
    client.force_login(legal)
    assert 'data-testid="notification-count">4<' in client.get(reverse("notifications:list")).content.decode()
    MIGRATION.notifications_forwards(django_apps, None)
    assert 'data-testid="notification-count">1<' in client.get(reverse("notifications:list")).content.decode()


def test_old_system_notes_in_either_language_become_keys_and_peoples_notes_stay(open_request, marketer):
    # given a closing note the job wrote in Russian, and one a person wrote
    ApprovalRequest.objects.filter(pk=open_request.pk).update(
        close_note="Отозван автоматически: никто не подтвердил, что он всё ещё нужен."
    )
    other = ApprovalRequest.objects.create(
        template=open_request.template,
        subject_kind=open_request.subject_kind,
        content_type=open_request.content_type,
        object_id=open_request.object_id + 1000,
        subject_title="Other",
        submitted_by=marketer,
        status="cancelled",
        close_note="We found a cheaper printer",
    )
    # when the migration runs
    MIGRATION.notes_forwards(django_apps, None)
    # then the system's note reads in English for an English reader, the person's note as written
    open_request.refresh_from_db()
    other.refresh_from_db()
    assert decode_note(open_request.close_note)[0] == "approvals.note.withdrawn_unconfirmed"
    assert render_note(open_request.close_note) == "Withdrawn automatically: nobody confirmed it was still needed."
    assert other.close_note == "We found a cheaper printer"
