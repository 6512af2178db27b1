"""The filter bar of list pages (docs/DESIGN.md, "Filter bar").

A filter bar is a GET form marked ``data-filter-bar``. Its parts:

``{% filter_select name label choices selected %}``
    One searchable multi-select: a native ``<select multiple data-filter>`` that
    ``static/js/filters.js`` turns into a Tom Select with chips. ``choices`` is a
    list of ``(value, label)`` pairs or of model instances (value: the primary
    key, label: ``str(instance)``); ``selected`` the values chosen now (a form
    field's ``value``, or nothing when the page's script restores them from the
    URL, as the calendar's does).

``<select … {% searchable %}>``
    A single select of many choices (Owner, Team) made searchable, like the
    people selects of forms (``mrm.widgets.QuickSelect``): docs/DESIGN.md,
    "Searchable select".

``{% filter_actions clear_url %}``
    The submit button (``submit=""`` for none), the "Clear all" link (to the page
    without filters; ``name=value`` keyword arguments stay in it), and the bar's
    stylesheet and scripts.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from django import template
from django.db.models import Model
from django.forms.utils import flatatt
from django.utils.html import format_html_join

from mrm.widgets import SELECTED, search_select_attrs

register = template.Library()


def _options(choices: Iterable, selected: Iterable | None) -> list[tuple[str, str, bool]]:
    chosen = {str(value) for value in (selected or ()) if value not in (None, "")}
    options = []
    for choice in choices or ():
        if isinstance(choice, Model):
            value, label = choice.pk, str(choice)
        else:
            value, label = choice
        value = str(getattr(value, "value", value))  # a ModelChoiceIteratorValue holds the key in .value
        if value == "":
            continue  # a blank "---------" choice: an empty multi-select already means "any"
        options.append((value, str(label), value in chosen))
    return options


@register.inclusion_tag("includes/_filter_select.html")
def filter_select(name, label, choices, selected=None, id="", css_class="col-12 col-sm-6 col-lg-3"):
    options = _options(choices, selected)
    return {
        "name": name,
        "label": label,
        "id": id or f"id_{name}",
        "options": options,
        # Without JavaScript the native list shows its choices whole, up to five at a time.
        "size": max(2, min(len(options), 5)),
        "css_class": css_class,
    }


@register.inclusion_tag("includes/_filter_actions.html")
def filter_actions(clear_url, submit=None, css_class="col-12 col-md-auto", **keep):
    """``keep``: parameters that are the page's scope rather than a filter (a campaign's materials)."""
    kept = urlencode({name: value for name, value in keep.items() if value not in (None, "")})
    return {"clear_url": f"{clear_url}?{kept}" if kept else clear_url, "submit": submit, "css_class": css_class}


@register.simple_tag
def person_options(people, selected=None):
    """The ``<option>``s of a one-person filter (Owner): active people, and the chosen one even if they left.

    Built in one join rather than a template loop with filters per person: a department's
    500 people cost about 1 ms instead of 30 on the campaign list (issue 16).
    """
    chosen = "" if selected in (None, "") else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (person.pk, SELECTED if str(person.pk) == chosen else "", person.full_name)
            for person in people
            if person.is_active or str(person.pk) == chosen
        ),
    )


@register.simple_tag
def searchable():
    """The attributes that make a single ``<select>`` searchable (``static/js/search-select.js``)."""
    return flatatt(search_select_attrs())
