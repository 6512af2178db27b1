"""Previews whose task was lost are asked for again, then given up (the outbox sweeper, issue 15 item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from materials.choices import PreviewStatus
from materials.models import MaterialVersion
from materials.services import PREVIEWS_TASK
from outbox.choices import MessageState
from outbox.models import Message
from outbox.sweeper import sweep_stuck_jobs
from tests.materials.factories import make_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.MRM_PREVIEW_STUCK_MINUTES = 30
    settings.MRM_PREVIEW_GIVE_UP_HOURS = 24


def uploaded(marketer, *, minutes_ago: int, handed_over: bool = True) -> MaterialVersion:
    """A version uploaded ``minutes_ago`` whose preview never came.

    ``handed_over``: its task went to the broker and was lost there; else it still waits in the outbox.
    """
    material = make_material(by=marketer, previews=False)
    version = material.latest_version
    then = timezone.now() - timedelta(minutes=minutes_ago)
    MaterialVersion.objects.filter(pk=version.pk).update(created_at=then)
    upload_request = Message.objects.filter(task=PREVIEWS_TASK, args=[version.pk])
    upload_request.update(created_at=then)
    if handed_over:
        upload_request.update(state=MessageState.DISPATCHED, dispatched_at=then)
    version.refresh_from_db()
    assert version.preview_status == PreviewStatus.PENDING
    return version


def test_a_lost_preview_is_asked_for_again_once_per_period(marketer, limits, django_capture_on_commit_callbacks):
    # given a version whose preview has been pending for 40 minutes, and a fresh upload
    stuck = uploaded(marketer, minutes_ago=40)
    fresh = uploaded(marketer, minutes_ago=5)
    # when the sweeper runs (the embedded default runs the task right after)
    with django_capture_on_commit_callbacks(execute=True):
        handled = sweep_stuck_jobs()
    # then the stuck one was made; the fresh one is left to its own task
    assert handled["materials.previews"] == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.preview_status == PreviewStatus.READY and stuck.previews
    assert fresh.preview_status == PreviewStatus.PENDING


def test_the_sweeper_does_not_pile_up_requests_for_the_same_preview(marketer, limits, dead_broker):
    # given the broker is down: the upload's request waits in the outbox
    stuck = uploaded(marketer, minutes_ago=40, handed_over=False)
    sweep_stuck_jobs()
    sweep_stuck_jobs()
    # then the upload's own request, still waiting, is the only one
    assert Message.objects.filter(task=PREVIEWS_TASK, args=[stuck.pk]).count() == 1


def test_a_preview_pending_for_a_day_is_given_up(marketer, limits):
    stuck = uploaded(marketer, minutes_ago=25 * 60)
    sweep_stuck_jobs()
    stuck.refresh_from_db()
    assert stuck.preview_status == PreviewStatus.FAILED
