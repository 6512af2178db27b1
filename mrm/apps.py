from django.apps import AppConfig


class MrmConfig(AppConfig):
    name = "mrm"
    verbose_name = "MRM platform"

    def ready(self):
        from mrm import checks  # noqa: F401 - registers the platform's system checks

        self._bounded_model_serializers()

    @staticmethod
    def _bounded_model_serializers():
        """Fields a ModelSerializer generates for decimal and date columns are the bounded ones.

        The way django-money registers its field: every serializer then reads
        amounts as ASCII digits and dates within the window (mrm/bounds.py),
        without each one having to remember it.
        """
        from django.db import models
        from rest_framework import serializers

        from mrm.bounds import DateSerializerField, DecimalSerializerField

        serializers.ModelSerializer.serializer_field_mapping[models.DecimalField] = DecimalSerializerField
        serializers.ModelSerializer.serializer_field_mapping[models.DateField] = DateSerializerField
