"""Forms of the change request pages; the rules stay in changes.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import WorkflowTemplate
from budgets.models import ExpenseCategory
from changes.choices import ConfigurableField, TargetKind


class ChangeRequestForm(forms.Form):
    target_kind = forms.ChoiceField(label=_("What to change"), choices=TargetKind.choices, widget=forms.RadioSelect)
    workflow_template = forms.ModelChoiceField(
        label=_("Workflow template"), queryset=WorkflowTemplate.objects.none(), required=False
    )
    expense_category = forms.ModelChoiceField(
        label=_("Expense category"), queryset=ExpenseCategory.objects.none(), required=False
    )
    field_name = forms.ChoiceField(
        label=_("Field"), choices=[("", "---------"), *ConfigurableField.choices], required=False
    )
    what = forms.CharField(
        label=_("The change you want"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say precisely what should be different."),
    )
    why = forms.CharField(
        label=_("Why it is needed"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The affected teams read this before they acknowledge."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workflow_template"].queryset = WorkflowTemplate.objects.visible_to(user).order_by("name")
        self.fields["expense_category"].queryset = ExpenseCategory.objects.visible_to(user).order_by("code")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ApplyForm(NoteForm):
    override = forms.BooleanField(label=_("Apply although not every affected team has acknowledged"), required=False)
