from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Global search (issue 18.4): a reader of everything on the top floor.

    It imports the apps below it and no app imports it. The types it searches
    are :class:`search.registry.SearchProvider` entries; the built-in ones
    (campaigns, activities, tasks, materials, funding requests, vendors, help
    articles, answered questions) are declared in :mod:`search.providers`,
    each reading through its own app's ``visible_to(user)``.
    """

    name = "search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import providers

        providers.register_all()
