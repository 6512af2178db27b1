"""Forms of the budget pages; they check input shape, services check the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets.choices import ActualLineStatus, PeriodKind
from budgets.imports.tabular import MAX_UPLOAD_BYTES
from budgets.models import ExpenseCategory, ImportSource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class FiscalYearCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("For example FY2027."))
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(
        label=_("End date"), widget=DATE, required=False, help_text=_("Leave empty for one year from the start date.")
    )
    period_kind = forms.ChoiceField(
        label=_("Divide into"),
        choices=[(PeriodKind.QUARTER, _("4 quarters")), (PeriodKind.MONTH, _("12 months"))],
        initial=PeriodKind.QUARTER,
    )


class FiscalYearForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)


class FiscalPeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("For example Q1 2027."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)


class ExpenseCategoryForm(forms.ModelForm):
    class Meta:
        model = ExpenseCategory
        fields = ["code", "name", "name_ru", "parent", "gl_account", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = ExpenseCategory.objects.order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class AllocationCellForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        localize=True,
        help_text=_("Leave empty to remove the allocation."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"})
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Upload a CSV or XLSX file."))
        return upload


class ActualsUploadForm(ImportUploadForm):
    source = forms.ModelChoiceField(
        label=_("Accounting system"),
        queryset=ImportSource.objects.filter(is_active=True),
        help_text=_("Its column mapping says how to read the file."),
    )

    field_order = ["source", "file"]


class ImportSourceForm(forms.ModelForm):
    class Meta:
        model = ImportSource
        fields = [
            "name",
            "encoding",
            "delimiter",
            "decimal_comma",
            "date_format",
            "date_column",
            "document_number_column",
            "vendor_column",
            "amount_column",
            "gl_account_column",
            "category_column",
            "comment_column",
            "reference_column",
            "is_active",
        ]
        help_texts = {
            "date_column": _("Header text or 1-based column number."),
        }


class ActualLineStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(ActualLineStatus.IGNORED, _("Ignore")), (ActualLineStatus.UNMAPPED, _("Unmapped"))]
    )
    note = forms.CharField(label=_("Reason"), max_length=255, required=False)


class ActualLineCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ExpenseCategory.objects.filter(is_active=True).order_by("code"),
        required=False,
        help_text=_("Finance's category for this spend."),
    )
