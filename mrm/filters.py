"""The base of every filterset (API and htmx lists): ids are checked against :mod:`mrm.bounds` first;
and the API's filter backends, which refuse what they cannot read (a 400, never silently ignored).

django-filter hands a query-string id straight to the database: ``?team=99999999999999999999``
overflowed SQLite and PostgreSQL (a 500), ``?owner=９`` (a full-width nine) filtered as 9.
Every id filter here accepts ASCII digits within the database's range and
answers anything else as a field error (400 in the API).
"""

from __future__ import annotations

import copy
import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters

from mrm.bounds import DecimalFormField, parse_id, parse_int


def _check_id(field, value) -> None:
    if parse_id(value) is None:
        raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class SafeModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            _check_id(self, value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            _check_id(self, item)
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """A number that must be a possible row id (or an integer column's value within the same range)."""

    default_error_messages = {"invalid": _("Enter a whole number (digits 0–9 only) within range.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IntegerField(IdField):
    """An integer column's value (zero and negatives allowed), ASCII digits within a bigint."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdFilter(django_filters.ModelChoiceFilter):
    """One object by id, e.g. ``?owner=7``; the queryset says which ids are acceptable."""

    field_class = SafeModelChoiceField


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    """Several objects by id, e.g. ``?team=1&team=2``."""

    field_class = SafeModelMultipleChoiceField


class IdNumberFilter(django_filters.NumberFilter):
    """An id compared as a number, through a relation (``?team=7`` on ``campaign__team``) or an integer column."""

    field_class = IdField


class IntegerFilter(django_filters.NumberFilter):
    """An integer column compared with a number."""

    field_class = IntegerField


class DecimalFilter(django_filters.NumberFilter):
    """A decimal column (money) compared with a number written in ASCII digits (``?amount__gte=١٠٠`` is a 400)."""

    field_class = DecimalFormField


# --- dates ------------------------------------------------------------------------------

#: A date as the API's schema writes it (OpenAPI ``format: date``): ``2026-11-01``, ASCII digits.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IsoDateField(forms.DateField):
    """A filter's date: ``YYYY-MM-DD`` only, as the schema says and ``<input type="date">`` sends.

    Django's DateField also reads ``12/31/2026``, ``31.12.2026`` (in Russian) and
    full-width digits, none of which the schema's ``format: date`` allows; the API
    then filtered by a date its schema refuses.
    """

    default_error_messages = {"invalid": _("Enter a valid date as YYYY-MM-DD, such as 2026-11-01.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class DateFilter(django_filters.DateFilter):
    """A date filter reading ``YYYY-MM-DD`` only (:class:`IsoDateField`)."""

    field_class = IsoDateField


class RawNullBooleanSelect(forms.NullBooleanSelect):
    """Django's yes/no select, handing the field the value as sent (its own reading turns
    anything unknown into "no filter" before the field could refuse it)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictNullBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``, any case); empty or ``unknown`` (Django's yes/no
    select) is no filter; anything else is refused instead of read as "no filter"."""

    widget = RawNullBooleanSelect

    def to_python(self, value):
        if value in (True, False, None):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        if text in ("", "unknown"):
            return None
        raise ValidationError(_("Enter true or false."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses a value it cannot read (:class:`StrictNullBooleanField`)."""

    field_class = StrictNullBooleanField


def _with_safe_ids() -> dict:
    defaults = copy.deepcopy(FILTER_FOR_DBFIELD_DEFAULTS)
    for field_class in (models.ForeignKey, models.OneToOneField, models.OneToOneRel):
        defaults[field_class] = {**defaults[field_class], "filter_class": IdFilter}
    for field_class in (models.ManyToManyField, models.ManyToOneRel, models.ManyToManyRel):
        defaults[field_class] = {**defaults[field_class], "filter_class": IdsFilter}
    defaults[models.AutoField] = {**defaults[models.AutoField], "filter_class": IdNumberFilter}
    for field_class in (
        models.IntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
    ):
        defaults[field_class] = {**defaults[field_class], "filter_class": IntegerFilter}
    defaults[models.DecimalField] = {**defaults[models.DecimalField], "filter_class": DecimalFilter}
    defaults[models.DateField] = {**defaults[models.DateField], "filter_class": DateFilter}
    defaults[models.BooleanField] = {**defaults[models.BooleanField], "filter_class": BooleanFilter}
    return defaults


class FilterSet(django_filters.FilterSet):
    """Every MRM filterset derives from this: generated filters of relations and integers check their ids."""

    FILTER_DEFAULTS = _with_safe_ids()


# --- the API's filter backends (REST_FRAMEWORK["DEFAULT_FILTER_BACKENDS"]) ----------------


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend whose ``filterset_fields`` build on MRM's :class:`FilterSet` (checked ids)."""

    filterset_base = FilterSet


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=name,-created_at``: an unknown field is a 400 naming the allowed ones, not ignored.

    DRF's OrderingFilter silently drops what it does not know, so a typo
    returned the default order as if it had been obeyed; and the schema said
    "any string". Here the schema lists the fields (a pattern and the
    description) and anything else is refused.
    """

    def get_valid_fields(self, queryset, view, context=None):
        fields = super().get_valid_fields(queryset, view, context)
        if getattr(view, "ordering_fields", self.ordering_fields) is not None:
            return fields
        # Derived from the serializer: only what the database can sort by (not a computed field).
        model = queryset.model
        annotations = set(queryset.query.annotations)

        def sortable(name: str) -> bool:
            if name in annotations:
                return True
            try:
                model._meta.get_field(name.split("__")[0])
            except FieldDoesNotExist:
                return False
            return True

        return [(name, label) for name, label in fields if sortable(name)]

    def _names(self, queryset, view, request=None) -> list[str]:
        return sorted({name for name, _label in self.get_valid_fields(queryset, view, {"request": request})})

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        valid = self._names(queryset, view, request)
        terms = params.split(",")
        unknown = [term for term in terms if term.removeprefix("-") not in valid]
        if unknown:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _(
                            "Unknown ordering field: %(fields)s. Order by %(allowed)s, comma-separated, '-' first for descending."
                        )
                        % {"fields": ", ".join(repr(term) for term in unknown), "allowed": ", ".join(valid)}
                    ]
                }
            )
        return terms

    def get_schema_operation_parameters(self, view):
        # the class's queryset: enough for the model's fields, and no query at schema time
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return super().get_schema_operation_parameters(view)
        valid = self._names(queryset, view)
        term = "-?(?:" + "|".join(re.escape(name) for name in valid) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by these fields, comma-separated, '-' first for descending: "
                + ", ".join(valid)
                + ". Any other field is refused (400).",
                "schema": {"type": "string", "pattern": f"^{term}(?:,{term})*$"},
            }
        ]
