"""The base of MRM's REST API: viewsets that scope by user.

Every viewset of the project derives from :class:`ScopedViewSetMixin`, so a
queryset always passes through its model's ``visible_to(user)`` before it
reaches a list, a detail, an update or a command. An object outside the
user's scope is then a 404, exactly as in the browser.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins, viewsets


class ScopedViewSetMixin:
    """Scope the viewset's queryset to what the requesting user may see.

    The model's queryset must offer ``visible_to(user)``; forgetting it fails
    loudly at the first request instead of leaking another team's data.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        visible_to = getattr(queryset, "visible_to", None)
        if visible_to is None:
            raise ImproperlyConfigured(
                f"{queryset.model.__name__} has no visible_to(user) queryset method; a scoped viewset cannot serve it."
            )
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return queryset.none()
        return visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lists and details, scoped."""


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Full CRUD, scoped; subclasses route writes through services."""


class ScopedCreateReadViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Create, list and read, scoped: for records that are never edited."""
