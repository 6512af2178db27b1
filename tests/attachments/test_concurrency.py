"""PostgreSQL: two editors removing the same file at once — one removal is recorded, the other is a 409."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from attachments.models import Attachment
from attachments.services import attachment_add
from tests.factories import UserFactory
from tests.support.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _client(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_two_removals_at_once_record_one(campaign, marketer, team):
    # given a brief on the campaign and two marketers of its team
    colleague = UserFactory(username="colleague", roles=["marketer"], teams=[team])
    brief = SimpleUploadedFile("brief.txt", b"The brief\n")
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=brief, by=marketer)
    url = f"/api/v1/attachments/{attachment.pk}/"
    # when both remove it at the same moment
    codes = run_together(
        [lambda: _client(marketer).delete(url).status_code, lambda: _client(colleague).delete(url).status_code]
    )
    # then one removal is recorded, with its author, and the other hears it is gone already
    assert sorted(codes) == [204, 409]
    removed = Attachment.objects.get(pk=attachment.pk)
    assert removed.removed_by == (marketer if codes[0] == 204 else colleague)
    assert removed.history.filter(removed_at__isnull=False).count() == 1
