from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.choices import EventType


class WebhookForm(forms.Form):
    """Name, URL and events; the service checks the URL (SSRF) and the events."""

    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("https://… of your receiver. Internal addresses are refused unless allowed by the administrator."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
