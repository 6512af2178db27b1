"""QuickSelect: the same select Django renders, built without a template per option (issue 16)."""

import re

import pytest
from django import forms
from django.utils import translation

from mrm.widgets import QuickSelect

CHOICES = [("", "---------"), (1, "Анна <Петрова>"), (2, "Bob")]


class PersonForm(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "form-select"}))
    quick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect(attrs={"class": "form-select"}))


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    ]


@pytest.mark.parametrize("data", [None, {"django": "2", "quick": "2"}, {"django": "9", "quick": "9"}])
def test_it_renders_the_options_djangos_select_renders(data):
    form = PersonForm(data)
    if data:
        form.is_valid()
    django_html, quick_html = str(form["django"]), str(form["quick"])
    # the same options, labels escaped, the same one selected
    assert _options(quick_html) == _options(django_html)
    assert "&lt;Петрова&gt;" in quick_html and "<Петрова>" not in quick_html
    # and the same attributes on the select (name, id, class, required, the error state)
    for attribute in ('name="quick"', 'id="id_quick"', 'class="form-select"', "required"):
        assert attribute in quick_html
    assert ("aria-invalid" in quick_html) == ("aria-invalid" in django_html)


def test_a_multiple_select_keeps_every_chosen_value():
    widget = QuickSelect(choices=CHOICES)
    widget.allow_multiple_selected = True
    html = widget.render("people", ["1", "2"])
    assert "multiple" in html
    assert [selected for _, selected, _ in _options(html)] == [False, True, True]


def test_a_single_select_is_searchable_in_the_readers_language_and_keeps_its_empty_choice():
    """docs/DESIGN.md, "Searchable select": static/js/search-select.js enhances what carries data-search-select."""
    widget = QuickSelect(choices=[("", "---------"), (7, "Anna Karenina")])
    with translation.override("ru"):
        html = widget.render("sponsor", 7, attrs={"id": "id_sponsor"})
    assert html.startswith(
        '<select name="sponsor" data-no-results="Ничего не найдено" data-search-select="" id="id_sponsor">'
    )
    assert '<option value=""></option>' not in html and '<option value="">---------</option>' in html
    assert '<option value="7" selected>Anna Karenina</option>' in html
    multiple = QuickSelect(choices=[(7, "Anna")])
    multiple.allow_multiple_selected = True
    assert "data-search-select" not in multiple.render("people", [7])  # a multi-select is the filter bar's
