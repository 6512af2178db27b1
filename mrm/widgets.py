"""Form widgets shared by every app."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

SELECTED = mark_safe(" selected")  # a constant attribute


def search_select_attrs() -> dict[str, str]:
    """What makes a single select searchable (``static/js/search-select.js``), in the reader's language."""
    return {"data-search-select": "", "data-no-results": pgettext("filter", "No matches")}


class QuickSelect(forms.Select):
    """A select of many options (every person) built by one join, not a template per option.

    Django renders each option through the form renderer's templates: a
    department's 500 people cost about 40 ms per select on a 2-core machine,
    more than the rest of the campaign list page (issue 16). The markup is the
    same as Django's; option groups are not supported.

    Many options want a search box: the select is marked ``data-search-select``
    and ``static/js/search-select.js`` makes it a searchable one (docs/DESIGN.md,
    "Searchable select"), the empty choice kept.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if not self.allow_multiple_selected:
            attrs = {**search_select_attrs(), **attrs}
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                ("" if key is None else key, SELECTED if str("" if key is None else key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
