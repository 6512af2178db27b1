"""``{% export_menu url query %}``: a list page's "Export" menu (mrm/exports.py), the same on every list.

The menu's links are the list's API endpoint with the page's current query
string (its filters, search and ordering) and ``format=xlsx`` or
``format=csv&dialect=ru|en``: the file holds every row the page selects,
not the page of them. A list whose results are swapped by htmx includes the
menu in its results fragment, so that its links follow the filters.
"""

from django import template
from django.http import QueryDict

from mrm.spreadsheets import CSV_DIALECT_CHOICES, csv_dialect

register = template.Library()


@register.inclusion_tag("includes/_export_menu.html")
def export_menu(url: str, query: str = "", testid: str = "export-menu"):
    params = QueryDict(query, mutable=True)
    for name in ("page", "format", "dialect", "page_size"):
        params.pop(name, None)
    base = params.urlencode()
    prefix = f"{url}?{base}&" if base else f"{url}?"
    default = csv_dialect().code
    dialects = sorted(CSV_DIALECT_CHOICES, key=lambda choice: choice[0] != default)
    return {
        "xlsx_url": f"{prefix}format=xlsx",
        "csv_links": [(f"{prefix}format=csv&dialect={code}", label, code) for code, label in dialects],
        "testid": testid,
    }
