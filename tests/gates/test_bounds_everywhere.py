"""Every date and decimal a form or serializer reads goes through mrm/bounds.py (issue 15.1).

A new field declared with plain ``forms.DecimalField`` or ``serializers.DateField``
would read ``١٠٠`` as 100 or accept 9999-12-31 again; this gate finds it by
walking every form class and every serializer class of the project.
"""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from rest_framework import serializers

from mrm import bounds

pytestmark = pytest.mark.django_db

PROJECT_APPS = [config for config in apps.get_app_configs() if not config.path.count("site-packages")]


def _classes(module_suffix, base):
    found = {}
    for config in PROJECT_APPS:
        for suffix in module_suffix:
            try:
                module = importlib.import_module(f"{config.name}.{suffix}")
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, base) and cls.__module__ == module.__name__:
                    found[f"{module.__name__}.{name}"] = cls
    return found


def _model_field(form_class, name):
    meta = getattr(form_class, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a declared field that is no model field
        return None


def test_forms_read_dates_and_decimals_through_the_bounds():
    problems = []
    for path, form_class in _classes(["forms", "adoption", "definitions"], forms.BaseForm).items():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DecimalField) and not isinstance(field, bounds.DecimalFormField):
                problems.append(f"{path}.{name}: use mrm.bounds.DecimalFormField")
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                if not isinstance(field, bounds.DateFormField):
                    problems.append(f"{path}.{name}: use mrm.bounds.DateFormField (Meta.field_classes on a ModelForm)")
                model_field = _model_field(form_class, name)
                if model_field is not None and bounds.validate_date_in_window not in model_field.validators:
                    problems.append(f"{model_field}: add validators=[validate_date_in_window]")
    assert not problems, problems


def _serializer_instances():
    for path, serializer_class in _classes(["api.serializers", "api.views"], serializers.BaseSerializer).items():
        if serializer_class in (serializers.ModelSerializer, serializers.Serializer):
            continue
        try:
            instance = serializer_class()
            fields = instance.fields
        except Exception:  # noqa: S112 - needs a context or is abstract: checked where it is used
            continue
        yield path, fields


def test_serializers_read_dates_and_decimals_through_the_bounds():
    problems = []
    checked = 0
    for path, fields in _serializer_instances():
        for name, field in fields.items():
            if field.read_only:
                continue
            checked += 1
            if isinstance(field, serializers.DecimalField) and not isinstance(field, bounds.DecimalSerializerField):
                problems.append(f"{path}.{name}: use mrm.bounds.DecimalSerializerField")
            if isinstance(field, serializers.DateField) and bounds.validate_date_in_window not in field.validators:
                problems.append(f"{path}.{name}: use mrm.bounds.DateSerializerField")
    assert checked > 50
    assert not problems, problems


def test_the_gate_bites():
    class Careless(forms.Form):
        amount = forms.DecimalField()

    assert not isinstance(Careless.base_fields["amount"], bounds.DecimalFormField)
