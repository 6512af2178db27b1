"""Forms of the help pages; the rules stay in help.services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AskForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The champions of your team see it first; say what you tried and what you expected."),
    )
    page_url = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    page_title = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed: lists, **bold**, links."),
    )


def _page_field():
    return forms.CharField(
        label=_("Page"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"list": "help-page-names", "autocomplete": "off"}),
        help_text=_(
            "The page this article helps with, by its name (e.g. campaigns:list or dashboard): "
            "that page's help menu then opens this article. Leave empty for a general article."
        ),
    )


def _published_field():
    return forms.BooleanField(
        label=_("Published"), required=False, help_text=_("Readers see only published articles; drafts only writers.")
    )


def _body_field():
    return forms.CharField(
        label=_("Text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_("Markdown: ### headings, lists, **bold**, `code`, links, tables."),
    )


class ArticleForm(forms.Form):
    """A new article, written in one language; its other language is added as a translation later."""

    language = forms.ChoiceField(label=_("Language of this text"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=120,
        help_text=_("The article's address /help/<address>/, in Latin letters; made from the title when empty."),
    )
    context_key = _page_field()
    published = _published_field()
    body = _body_field()


class TranslationForm(forms.Form):
    """One language version of an article (edited, or the missing translation), with the article's page and status."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = _body_field()
    context_key = _page_field()
    published = _published_field()
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)
