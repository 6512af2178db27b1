"""Forms of the approval pages; validation of rules stays in approvals.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from approvals.choices import Outcome
from approvals.models import Delegation, Stage, WorkflowTemplate
from mrm.bounds import DateFormField, DecimalFormField


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    approved_amount = DecimalFormField(
        label=_("Approved amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Only to approve less than asked."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)
    x = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    y = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why withdraw it?"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Why is it still needed?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ("stand_in", "starts_on", "ends_on", "note")
        field_classes = {"starts_on": DateFormField, "ends_on": DateFormField}
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=user.pk).order_by("display_name", "username")
        )

    def _post_clean(self):
        # The service validates and saves; the model's checks run there.
        pass


class WorkflowTemplateForm(forms.ModelForm):
    class Meta:
        model = WorkflowTemplate
        fields = ("name", "subject_kind", "description", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


StageFormSet = inlineformset_factory(
    WorkflowTemplate,
    Stage,
    fields=("order", "name", "mode", "approvers", "approver_groups", "sla_days", "escalation_contact", "min_amount"),
    extra=1,
    can_delete=True,
    widgets={
        "approvers": forms.SelectMultiple(attrs={"size": 4}),
        "approver_groups": forms.SelectMultiple(attrs={"size": 4}),
    },
)
