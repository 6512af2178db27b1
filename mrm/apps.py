from django.apps import AppConfig


class MrmConfig(AppConfig):
    name = "mrm"
    verbose_name = "MRM platform"

    def ready(self):
        from mrm import checks  # noqa: F401 - registers the platform's system checks
