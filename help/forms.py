"""Forms of the help pages; the rules stay in help.services."""

from django import forms
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
