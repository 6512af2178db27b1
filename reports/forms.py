"""Forms of the reports pages: saving a view, subscribing people to a report."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reports.choices import Frequency, SubscriptionFormat, Weekday
from reports.registry import reports_for


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    shared = forms.BooleanField(
        label=_("Share with colleagues"),
        required=False,
        help_text=_("Anyone with the link may open it; each sees only what they may see."),
    )


def params_from_query(query: str) -> dict[str, str]:
    """``group_by=team&period=3`` → ``{"group_by": "team", "period": "3"}`` (the last value of a key wins)."""
    return dict(parse_qsl(query or "", keep_blank_values=False))


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    report = forms.ChoiceField(label=_("Report"))
    filters = forms.CharField(
        label=_("Filters"),
        required=False,
        max_length=2000,
        widget=forms.HiddenInput,
        help_text=_("The filters of the report view you subscribed from."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=SubscriptionFormat.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    weekday = forms.TypedChoiceField(
        label=_("On (weekly)"), choices=Weekday.choices, coerce=int, initial=Weekday.MONDAY
    )
    day_of_month = forms.IntegerField(label=_("On day (monthly)"), min_value=1, max_value=28, initial=1)
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"),
        queryset=User.objects.none(),
        help_text=_("Each receives the report as they may see it, in their language."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [(r.slug, r.title) for r in reports_for(user)]
        self.fields["recipients"].queryset = (
            User.objects.visible_to(user).filter(is_active=True).order_by("display_name", "username")
        )
        self.fields["recipients"].widget.attrs["size"] = 8

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "report": data["report"],
            "params": params_from_query(data.get("filters") or ""),
            "format": data["format"],
            "frequency": data["frequency"],
            "weekday": data["weekday"],
            "day_of_month": data["day_of_month"],
            "active": data["active"],
        }
