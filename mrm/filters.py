"""The base of every filterset (API and htmx lists): ids are checked against :mod:`mrm.bounds` first.

django-filter hands a query-string id straight to the database: ``?team=99999999999999999999``
overflowed SQLite and PostgreSQL (a 500), ``?owner=９`` (a full-width nine) filtered as 9.
Every id filter here accepts ASCII digits within the database's range and
answers anything else as a field error (400 in the API).
"""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

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
    return defaults


class FilterSet(django_filters.FilterSet):
    """Every MRM filterset derives from this: generated filters of relations and integers check their ids."""

    FILTER_DEFAULTS = _with_safe_ids()
