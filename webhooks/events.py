"""What each event carries: its object as the API shows it, to a reader who may see it.

Each event names the API viewset of its object. The payload's ``data`` is
built by that viewset for the webhook's owner: its queryset, which passes
through the model's ``visible_to(owner)``, and its serializer, so the field
names are exactly the API's and an object the owner cannot read yields no
payload at all (the webhook is then simply not told).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

from webhooks.choices import EventType


class _SiteRequest(HttpRequest):
    """A request to the site's own address (``MRM_BASE_URL``): links in a payload point there."""

    def get_host(self) -> str:
        return self.META["HTTP_HOST"]


def reader_request(user) -> Request:
    """A request as ``user`` would make it to the API, for viewsets and serializers that read one."""
    base = urlsplit(settings.MRM_BASE_URL)
    http = _SiteRequest()
    http.method = "GET"
    http.META = {
        "SERVER_NAME": base.hostname or "localhost",
        "SERVER_PORT": str(base.port or (443 if base.scheme == "https" else 80)),
        "HTTP_HOST": base.netloc or "localhost",
        "wsgi.url_scheme": base.scheme or "http",
    }
    http.user = user
    request = Request(http)
    request.user = user
    return request


def _view(viewset_class, user, action: str = "retrieve"):
    request = reader_request(user)
    return viewset_class(request=request, action=action, format_kwarg=None, args=(), kwargs={})


def _by_viewset(import_viewset: Callable[[], type]) -> Callable[[object, int], dict | None]:
    def build(user, object_id: int) -> dict | None:
        view = _view(import_viewset(), user)
        instance = view.get_queryset().filter(pk=object_id).first()
        if instance is None:
            return None
        return dict(view.get_serializer(instance).data)

    return build


def _campaigns():
    from campaigns.api.views import CampaignViewSet

    return CampaignViewSet


def _funding_requests():
    from budgets.api.views import FundingRequestViewSet

    return FundingRequestViewSet


def _approval_requests():
    from approvals.api.views import ApprovalRequestViewSet

    return ApprovalRequestViewSet


def _expenses():
    from budgets.api.views import ExpenseViewSet

    return ExpenseViewSet


def _report_runs():
    from reports.api.views import ReportRunViewSet

    return ReportRunViewSet


def _material_version(user, version_id: int) -> dict | None:
    """A version as ``GET /api/v1/materials/{id}/versions/`` lists it, if its material is visible."""
    from materials.api.serializers import MaterialVersionSerializer
    from materials.api.views import MaterialViewSet
    from materials.models import MaterialVersion

    material_id = MaterialVersion.objects.filter(pk=version_id).values_list("material_id", flat=True).first()
    if material_id is None:
        return None
    view = _view(MaterialViewSet, user)
    material = view.get_queryset().filter(pk=material_id).first()
    if material is None:
        return None
    version = view._versions(material).filter(pk=version_id).first()
    if version is None:
        return None
    data = dict(MaterialVersionSerializer(version, context=view.get_serializer_context()).data)
    data.setdefault("material", material.pk)
    return data


@dataclass(frozen=True)
class EventKind:
    build: Callable[[object, int], dict | None]


EVENTS: dict[str, EventKind] = {
    EventType.CAMPAIGN_CREATED: EventKind(_by_viewset(_campaigns)),
    EventType.CAMPAIGN_STATUS_CHANGED: EventKind(_by_viewset(_campaigns)),
    EventType.FUNDING_REQUEST_SUBMITTED: EventKind(_by_viewset(_funding_requests)),
    EventType.FUNDING_REQUEST_DECIDED: EventKind(_by_viewset(_funding_requests)),
    EventType.APPROVAL_REQUEST_DECIDED: EventKind(_by_viewset(_approval_requests)),
    EventType.MATERIAL_VERSION_UPLOADED: EventKind(_material_version),
    EventType.EXPENSE_CREATED: EventKind(_by_viewset(_expenses)),
    EventType.REPORT_RUN_FINISHED: EventKind(_by_viewset(_report_runs)),
}


def payload_data(event: str, user, object_id: int) -> dict | None:
    """The event's ``data`` for ``user``, or ``None`` when ``user`` may not read the object (or it is gone)."""
    kind = EVENTS.get(event)
    if kind is None or user is None or not user.is_active:
        return None
    return kind.build(user, object_id)
