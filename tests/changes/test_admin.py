"""Change requests in the Django admin: listed with filters and search, read-only record, never deleted."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_change_requests(client, admin_user, acknowledged_change):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:changes_changerequest_changelist"), {"q": "Rename", "status__exact": "open"})
    assert listing.status_code == 200
    assert acknowledged_change.what.encode() in listing.content
    page = client.get(reverse("admin:changes_changerequest_change", args=[acknowledged_change.pk]))
    assert page.status_code == 200
    assert b"Brand" in page.content  # the affected team inline
    history = client.get(reverse("admin:changes_changerequest_history", args=[acknowledged_change.pk]))
    assert history.status_code == 200


def test_the_record_cannot_be_deleted_from_the_admin(client, admin_user, open_change):
    client.force_login(admin_user)
    response = client.post(reverse("admin:changes_changerequest_delete", args=[open_change.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(open_change).objects.filter(pk=open_change.pk).exists()
