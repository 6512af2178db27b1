"""Forms of the budget pages; they check input shape, services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets.choices import ActualLineStatus, PeriodKind
from budgets.models import ExpenseCategory, FiscalPeriod, FundingRequest, ImportSource
from imports.limits import check_upload_size
from mrm.bounds import DateFormField, DecimalFormField, parse_id

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
    start_date = DateFormField(label=_("Start date"), widget=DATE)
    end_date = DateFormField(
        label=_("End date"), widget=DATE, required=False, help_text=_("Leave empty for one year from the start date.")
    )
    period_kind = forms.ChoiceField(
        label=_("Divide into"),
        choices=[(PeriodKind.QUARTER, _("4 quarters")), (PeriodKind.MONTH, _("12 months"))],
        initial=PeriodKind.QUARTER,
    )


class FiscalYearForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    start_date = DateFormField(label=_("Start date"), widget=DATE)
    end_date = DateFormField(label=_("End date"), widget=DATE)


class FiscalPeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("For example Q1 2027."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices)
    start_date = DateFormField(label=_("Start date"), widget=DATE)
    end_date = DateFormField(label=_("End date"), widget=DATE)


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
    amount = DecimalFormField(
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
        check_upload_size(upload.size)
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


# --- funding requests and spend ----------------------------------------------------------


class FundingRequestForm(forms.Form):
    """The request form; the campaigns, periods and categories offered are the user's to choose."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None)
    period = forms.ModelChoiceField(label=_("Fiscal period"), queryset=None)
    category = forms.ModelChoiceField(label=_("Expense category"), queryset=None)
    amount = DecimalFormField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Why the money is needed: what it buys and what it brings. Finance decides on this."),
    )
    expected_leads = forms.IntegerField(label=_("Expected leads"), required=False, min_value=0, max_value=2_000_000_000)
    expected_revenue = DecimalFormField(
        label=_("Expected revenue"), required=False, max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from campaigns.choices import CampaignStatus
        from campaigns.models import Campaign

        campaigns = Campaign.objects.visible_to(user).exclude(
            status__in=[CampaignStatus.COMPLETED, CampaignStatus.CANCELLED]
        )
        if not user.is_mrm_admin:
            campaigns = campaigns.filter(team_id__in=user.team_ids)
        self.fields["campaign"].queryset = campaigns.select_related("team").order_by("code")
        self.fields["campaign"].label_from_instance = lambda c: f"{c.code} · {c.name} ({c.team.name})"
        self.fields["period"].queryset = FiscalPeriod.objects.visible_to(user).select_related("year")
        self.fields["category"].queryset = ExpenseCategory.objects.visible_to(user).filter(is_active=True)
        for name in ("campaign", "period", "category"):
            # The live budget info follows the chosen cell (htmx on the form, no script of ours).
            self.fields[name].widget.attrs["data-budget-info"] = "1"
        if not self.is_bound:
            self._propose_initial()

    def _propose_initial(self) -> None:
        """Fill what the form can know: the only campaign on offer, and the period its dates fall in.

        A user whose teams run one open campaign gets it chosen; the period is
        proposed from the campaign's dates (the period containing its start,
        else the first overlapping one) unless one is already given. The
        service still checks the period against the campaign when saving.
        """
        from budgets.selectors import proposed_period

        campaigns = self.fields["campaign"].queryset
        chosen = self.initial.get("campaign")
        if chosen in (None, ""):
            only = list(campaigns[:2])
            if len(only) == 1:
                self.initial["campaign"] = only[0].pk
                chosen = only[0]
        if chosen in (None, "") or self.initial.get("period"):
            return
        if hasattr(chosen, "pk"):
            campaign = chosen
        elif parse_id(chosen) is not None:
            campaign = campaigns.filter(pk=parse_id(chosen)).first()
        else:
            campaign = None
        if campaign is None:
            return
        period = proposed_period(campaign, periods=self.fields["period"].queryset)
        if period is not None:
            self.initial["period"] = period.pk


class SpendForm(forms.Form):
    """A commitment or an expense on one funding request (the request is the page's)."""

    vendor = forms.CharField(label=_("Vendor"), max_length=255)
    amount = DecimalFormField(label=_("Amount"), max_digits=14, decimal_places=2)
    date = DateFormField(label=_("Date"), widget=DATE)
    reference = forms.CharField(
        label=_("Reference"), max_length=100, required=False, help_text=_("PO or invoice number.")
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=_("PDF, PNG, JPEG, XLSX or DOCX."))


class ActualLineMapForm(forms.Form):
    funding_request = forms.ModelChoiceField(label=_("Approved funding request"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_request"].queryset = (
            FundingRequest.objects.visible_to(user).funded().select_related("campaign").order_by("-number")
        )
        self.fields["funding_request"].label_from_instance = lambda r: f"{r.number} · {r.campaign.code}"
