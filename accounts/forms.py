from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User, time_zone_choices
from accounts.tokens import NAME_MAX_LENGTH


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, required=False)

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "email", "language", "time_zone"]


class TokenForm(forms.Form):
    """A new API token for the signed-in user: a name saying which integration will hold it."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Which integration or script will use it, e.g. “Accounting sync”."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


USER_STATUS_CHOICES = [("active", _("Active only")), ("inactive", _("Inactive only")), ("all", _("All"))]


class UserFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=USER_STATUS_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


def _person_field(label, queryset, *, required=False, help_text=""):
    field = forms.ModelChoiceField(
        queryset,
        label=label,
        required=required,
        empty_label=_("Same as above") if not required else None,
        help_text=help_text,
    )
    field.label_from_instance = lambda u: f"{u.full_name} ({u.username})"
    return field


class HandoverForm(forms.Form):
    """One new holder for everything, or one per kind of holding; optionally deactivate afterwards."""

    def __init__(self, *args, user: User, holdings, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.holdings = holdings
        people = User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("display_name", "username")
        self.fields["to_user"] = _person_field(_("New holder"), people, required=False)
        self.fields["to_user"].empty_label = _("Choose a person")
        for holding in holdings:
            self.fields[self.kind_field(holding.kind)] = _person_field(holding.label, people)
        self.fields["deactivate"] = forms.BooleanField(
            label=_("Deactivate %(user)s afterwards") % {"user": user.full_name}, required=False
        )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-check-input" if name == "deactivate" else "form-select")

    @staticmethod
    def kind_field(kind: str) -> str:
        return "kind__" + kind.replace(".", "__")

    def kind_fields(self):
        return [(holding, self[self.kind_field(holding.kind)]) for holding in self.holdings]

    def assignments(self) -> dict:
        return {
            holding.kind: self.cleaned_data[self.kind_field(holding.kind)]
            for holding in self.holdings
            if self.cleaned_data.get(self.kind_field(holding.kind))
        }
