"""Domain errors and their JSON shape in the API.

Services raise Django's ``ValidationError`` for bad input, ``PermissionDenied``
for a refusal and :class:`StateConflict` when the object's current state does
not allow the command. The API turns them into 400, 403 and 409 JSON
responses; an unexpected database conflict becomes a 409, never a 500.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class StateConflict(Exception):
    """A command the object's current state does not allow (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def validation_error_payload(exc: DjangoValidationError) -> dict:
    """Field messages as DRF writes them: ``{"field": ["message"]}``."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def api_exception_handler(exc, context):
    """DRF's handler, plus the domain errors services raise."""
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StateConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("The change conflicts with data saved meanwhile. Reload and try again.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, PermissionDenied) and not exc.args:
        exc = PermissionDenied(_("You do not have permission to perform this action."))
    return exception_handler(exc, context)
