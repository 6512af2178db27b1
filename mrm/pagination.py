"""Page-number pagination for every list of the API (PRODUCT.md §8)."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

#: A page or a page size as the schema's ``integer`` (minimum 1) allows: ASCII digits, no sign.
_WHOLE_NUMBER = re.compile(r"[0-9]+")

#: Beyond this many digits a number is "huge" (past any last page, above any size cap) without reading it.
_MAX_DIGITS = 18


def whole_number(value: str) -> int | None:
    """``value`` as a whole number from 1, or ``None``; a number too long to read stands as 10**18."""
    if not _WHOLE_NUMBER.fullmatch(value):
        return None
    number = int(value) if len(value) <= _MAX_DIGITS else 10**_MAX_DIGITS
    return number if number >= 1 else None


class Pagination(PageNumberPagination):
    """``count/next/previous/results`` with a client-chosen page size.

    ``page`` and ``page_size`` are whole numbers from 1 written in ASCII digits,
    as the schema says; anything else is a 400 naming the parameter (DRF fell
    back to the default size for an unreadable ``page_size`` and read ``１`` or
    ``1_0`` as a page). A ``page_size`` above :attr:`max_page_size` is capped; a
    page past the last one is a 404, however large its number.
    """

    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # the schema's page is a number: no ``?page=last``

    def get_page_size(self, request):
        value = self._one_value(request, self.page_size_query_param)
        if value in (None, ""):
            return self.page_size
        size = whole_number(value)
        if size is None:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 (at most %(max)s rows are returned).")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        value = self._one_value(request, self.page_query_param)
        if value in (None, ""):
            return 1
        number = whole_number(value)
        if number is None:
            raise ValidationError({self.page_query_param: [_("Enter a page number: a whole number from 1.")]})
        return number

    def _one_value(self, request, name: str) -> str | None:
        """The parameter's value; given twice (``?page=2&page=3``) it is a 400, not the last one silently."""
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise ValidationError({name: [_("Give one value, not %(count)s.") % {"count": len(values)}]})
        return values[0] if values else None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter.setdefault("schema", {"type": "integer"})
            schema["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page (default {self.page_size}); a larger value than {self.max_page_size} "
                    f"returns {self.max_page_size}."
                )
        return parameters
