"""API lists serialised at the cost of their rows, with the serializer still the one place of their shape.

DRF's ``Serializer.to_representation`` sends every field of every row through
generic machinery: ``Field.get_attribute`` walks the source with
``isinstance(..., Mapping)`` and an ``inspect.signature`` of every method it
meets, a ``DateTimeField`` asks for the current time zone per value, a
``DecimalField`` quantises in a fresh decimal context per value, a related
manager is built per row to reach a prefetched list. For a page of 100
campaigns that was ~20 ms of CPU, ten times what the hand-written query for the
same rows costs (issue 16, docs/PERFORMANCE.md).

:class:`FastListSerializer` (``Meta.list_serializer_class``) keeps the
serializer's fields as they are declared and *compiles* them once per response
into one small function per field:

- a source path is read with ``getattr`` (``dict`` keys for mappings), a method
  on it called as DRF calls it (argument-less, checked once per function);
- a primary-key relation is the row's ``<field>_id``; a many-valued one, or a
  nested list, reads the prefetched rows directly;
- dates and date-times become ISO 8601 with the time zone looked up once per
  response; a decimal already at its field's places is formatted as is;
- a nested serializer is compiled the same way, a ``SerializerMethodField``
  calls its method.

Whatever is out of the ordinary, or that it does not know, goes to DRF's own
code for that field and row: a field class with its own ``to_representation``
or ``get_attribute``, a serializer with its own ``to_representation``, a
missing attribute, a ``None`` on the way along a dotted source, a naive
date-time, a decimal that needs rounding. So the JSON is the one DRF writes,
byte for byte; ``assert_same_as_drf`` in the tests compares both on varied rows
(tests/mrm/test_fast_lists.py and each list's tests).
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField, is_simple_callable
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

ValueOf = Callable[[Any], Any]

_ISO_8601 = "iso-8601"


class _Irregular(Exception):
    """Raised inside a fast reader when the row needs DRF's own path for this field."""


def represent_rows(serializer: serializers.Serializer) -> Callable[[Any], dict]:
    """A function giving what ``serializer.to_representation(row)`` gives, compiled from its fields."""
    if type(serializer).to_representation is not serializers.Serializer.to_representation:
        return serializer.to_representation  # its own representation: nothing to compile
    plan = [(field.field_name, _value_of(field)) for field in serializer._readable_fields]

    def represent(instance) -> dict:
        row = {}
        for name, value_of in plan:
            try:  # noqa: SIM105 - a with-statement per field costs more than the field
                row[name] = value_of(instance)
            except SkipField:
                pass
        return row

    return represent


class FastListSerializer(serializers.ListSerializer):
    """``many=True`` of a serializer, compiled per response (see the module's docstring)."""

    def to_representation(self, data):
        iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        represent = represent_rows(self.child)
        return [represent(item) for item in iterable]


# --- one field -----------------------------------------------------------------------------------


def _drf(field) -> ValueOf:
    """The field as DRF's ``Serializer.to_representation`` writes it (the loop's body)."""
    get, to_representation = field.get_attribute, field.to_representation

    def value_of(instance):
        attribute = get(instance)
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else to_representation(attribute)

    return value_of


def _value_of(field) -> ValueOf:
    slow = _drf(field)
    kind = type(field)
    if (
        isinstance(field, serializers.SerializerMethodField)
        and kind.to_representation is _METHOD_REPRESENTATION
        and kind.get_attribute is _FIELD_GET
        and not field.source_attrs
    ):
        return getattr(field.parent, field.method_name)  # DRF: the method called with the row itself
    if _is_pk_relation(field):
        read = _pk_reader(field)
    elif isinstance(field, relations.ManyRelatedField) and kind.get_attribute is _MANY_GET:
        read = _many_reader(field, slow)
        return read if read is not None else slow
    elif isinstance(field, serializers.ListSerializer) and kind.get_attribute is _FIELD_GET:
        read = _nested_list_reader(field)
        return read if read is not None else slow
    elif kind.get_attribute is _FIELD_GET:
        read = _path_reader(field.source_attrs)
    else:
        return slow
    convert = _converter(field)

    def value_of(instance):
        try:
            value = read(instance)
        except _Irregular:
            return slow(instance)
        if value is None:
            return None
        return convert(value)

    return value_of


_FIELD_GET = drf_fields.Field.get_attribute
_MANY_GET = relations.ManyRelatedField.get_attribute
_METHOD_REPRESENTATION = serializers.SerializerMethodField.to_representation


@functools.cache
def _called_as_drf_calls(function) -> bool:
    """Whether DRF calls this method when a source reaches it (no argument without a default)."""
    try:
        return is_simple_callable(types.MethodType(function, object()))
    except Exception:  # a built-in: DRF refuses it, and its own path says so
        return False


def _step(value, attr):
    """One step of a source path as DRF takes it; anything unusual is DRF's to handle."""
    try:
        value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
    except (AttributeError, KeyError, ObjectDoesNotExist):
        raise _Irregular from None
    if callable(value):
        if type(value) is types.MethodType and _called_as_drf_calls(value.__func__):
            try:
                return value()
            except (AttributeError, KeyError):
                raise _Irregular from None  # DRF words this error itself
        raise _Irregular
    return value


def _path_reader(attrs: list[str]) -> Callable[[Any], Any]:
    if not attrs:  # source="*": the row itself
        return lambda instance: instance
    if len(attrs) == 1:
        (attr,) = attrs
        return lambda instance: _step(instance, attr)
    *through, last = attrs

    def read(instance):
        value = instance
        for attr in through:
            value = _step(value, attr)
            if value is None:
                raise _Irregular  # DRF: an attribute of None, then the field's default
        return _step(value, last)

    return read


# --- relations -----------------------------------------------------------------------------------


def _is_pk_relation(field) -> bool:
    kind = type(field)
    return (
        isinstance(field, relations.PrimaryKeyRelatedField)
        and kind.use_pk_only_optimization is relations.PrimaryKeyRelatedField.use_pk_only_optimization
        and kind.get_attribute is relations.RelatedField.get_attribute
        and kind.to_representation is relations.PrimaryKeyRelatedField.to_representation
        and field.pk_field is None
        and bool(field.source_attrs)
    )


def _attname(model, name: str) -> str | None:
    try:
        return model._meta.get_field(name).attname
    except (FieldDoesNotExist, AttributeError):
        return None


def _pk_reader(field) -> Callable[[Any], Any]:
    """DRF's pk-only optimisation: the id column of the relation, without loading the related row."""
    *through, last = field.source_attrs
    through_reader = _path_reader(through)
    attnames: dict[type, str | None] = {}

    def read(instance):
        owner = through_reader(instance)
        if owner is None or not isinstance(owner, models.Model):
            raise _Irregular
        kind = type(owner)
        if kind not in attnames:
            attnames[kind] = _attname(kind, last)
        attname = attnames[kind]
        if attname is None:
            raise _Irregular
        value = getattr(owner, attname)
        if callable(value) or isinstance(value, models.Model):
            raise _Irregular
        return value

    return read


def _prefetched(instance, name: str):
    """The rows a ``prefetch_related(name)`` put on ``instance`` (what ``instance.<name>.all()`` gives)."""
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if not cache or name not in cache or getattr(instance, "pk", None) is None:
        raise _Irregular
    return cache[name]


def _many_reader(field, slow) -> ValueOf | None:
    child = field.child_relation
    if (
        len(field.source_attrs) != 1
        or type(field).to_representation is not relations.ManyRelatedField.to_representation
        or not isinstance(child, relations.PrimaryKeyRelatedField)
        or type(child).to_representation is not relations.PrimaryKeyRelatedField.to_representation
        or child.pk_field is not None
    ):
        return None
    (name,) = field.source_attrs

    def value_of(instance):
        try:
            rows = _prefetched(instance, name)
        except _Irregular:
            return slow(instance)
        return [row.pk for row in rows]

    return value_of


def _nested_list_reader(field) -> ValueOf | None:
    if type(field).to_representation not in (
        serializers.ListSerializer.to_representation,
        FastListSerializer.to_representation,
    ):
        return None
    represent = represent_rows(field.child)
    attrs = field.source_attrs
    read = _path_reader(attrs)
    slow = _drf(field)

    def rows_of(instance):
        if len(attrs) == 1:
            try:
                return _prefetched(instance, attrs[0])
            except _Irregular:
                pass
        rows = read(instance)
        return rows.all() if isinstance(rows, models.manager.BaseManager) else rows

    def value_of(instance):
        try:
            rows = rows_of(instance)
        except _Irregular:
            return slow(instance)
        if rows is None:
            return None
        return [represent(row) for row in rows]

    return value_of


# --- values --------------------------------------------------------------------------------------


def _converter(field) -> Callable[[Any], Any]:
    """``field.to_representation``, or a faster function giving the same for the usual values."""
    representation = type(field).to_representation
    if isinstance(field, serializers.BaseSerializer):
        if isinstance(field, serializers.Serializer) and representation is serializers.Serializer.to_representation:
            return represent_rows(field)
        return field.to_representation
    if representation is relations.PrimaryKeyRelatedField.to_representation:
        return lambda value: value  # the id itself (read by _pk_reader)
    if representation is drf_fields.CharField.to_representation:
        return str
    if representation is drf_fields.IntegerField.to_representation:
        return int
    if representation is drf_fields.DateField.to_representation:
        return _date_converter(field)
    if representation is drf_fields.DateTimeField.to_representation:
        return _datetime_converter(field)
    if representation is drf_fields.DecimalField.to_representation:
        return _decimal_converter(field)
    return field.to_representation


def _date_converter(field):
    if str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() != _ISO_8601:
        return field.to_representation
    slow = field.to_representation

    def convert(value):
        return value.isoformat() if type(value) is dt.date else slow(value)

    return convert


def _datetime_converter(field):
    """ISO 8601 in the reader's time zone, looked up once (DRF looks it up per value)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if output_format is None or str(output_format).lower() != _ISO_8601 or zone is None:
        return field.to_representation
    slow = field.to_representation

    def convert(value):
        if type(value) is not dt.datetime or value.utcoffset() is None:
            return slow(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _decimal_converter(field):
    """A decimal already at the field's places and within its digits is written as DRF writes it."""
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    places, max_digits = field.decimal_places, field.max_digits
    if not coerce or field.localize or field.normalize_output or places is None:
        return field.to_representation
    slow = field.to_representation

    def convert(value):
        if type(value) is not Decimal:
            return slow(value)
        text = f"{value:f}"
        point = text.find(".")
        written_places = 0 if point < 0 else len(text) - point - 1
        digits = len(text) - (point >= 0) - (text[0] == "-")
        if written_places != places or (max_digits is not None and digits > max_digits):
            return slow(value)  # needs rounding, or too long: DRF's quantize decides
        return text

    return convert


def same_as_drf(serializer_class, rows, *, context: dict | None = None) -> tuple[list, list]:
    """(the fast list's output, DRF's own) for ``rows``; tests assert they are equal."""
    fast = FastListSerializer(child=serializer_class(context=context or {}), context=context or {})
    plain = serializers.ListSerializer(child=serializer_class(context=context or {}), context=context or {})
    return fast.to_representation(rows), plain.to_representation(rows)
