"""Forms of the material pages; the rules stay in materials.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from materials import files
from materials.choices import MaterialKind


class MaterialForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Optional now: the first version. %(types)s.") % {"types": files.ALLOWED_LABEL},
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}))
    note = forms.CharField(
        label=_("What changed?"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it need approval now?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PinForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)
    x = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    y = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
