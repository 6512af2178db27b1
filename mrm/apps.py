from django.apps import AppConfig


class MrmConfig(AppConfig):
    name = "mrm"
    verbose_name = "MRM platform"
