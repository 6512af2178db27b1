"""Finance structure and accounting actuals in the Django admin, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from budgets.models import (
    ActualLine,
    BudgetAllocation,
    Commitment,
    Expense,
    ExpenseCategory,
    FiscalPeriod,
    FiscalYear,
    FundingRequest,
    ImportBatch,
    ImportSource,
)


class FiscalPeriodInline(admin.TabularInline):
    model = FiscalPeriod
    extra = 0


@admin.register(FiscalYear)
class FiscalYearAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start_date", "end_date"]
    search_fields = ["name"]
    inlines = [FiscalPeriodInline]


@admin.register(FiscalPeriod)
class FiscalPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "kind", "start_date", "end_date"]
    list_filter = ["year", "kind"]
    search_fields = ["name", "year__name"]
    list_select_related = ["year"]


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_ru", "parent", "gl_account", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name", "name_ru", "gl_account"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(BudgetAllocation)
class BudgetAllocationAdmin(SimpleHistoryAdmin):
    list_display = ["period", "team", "category", "amount", "updated_at"]
    list_filter = ["period__year", "period", "team", "category"]
    search_fields = ["team__name", "category__code", "category__name", "period__name", "note"]
    list_select_related = ["period", "team", "category"]
    autocomplete_fields = ["team", "category"]


@admin.register(ImportSource)
class ImportSourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "encoding", "delimiter", "decimal_comma", "date_format", "is_active"]
    list_filter = ["is_active", "decimal_comma", "encoding"]
    search_fields = ["name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "source", "uploaded_by", "uploaded_at", "applied_at"]
    list_filter = ["kind", "source", ("applied_at", admin.EmptyFieldListFilter)]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["source", "uploaded_by"]
    exclude = ["content"]
    readonly_fields = [
        "kind",
        "source",
        "file_name",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "applied_by",
        "applied_at",
        "summary",
    ]

    def has_add_permission(self, request):
        return False  # files are uploaded on the import pages, which preview them first


@admin.register(ActualLine)
class ActualLineAdmin(SimpleHistoryAdmin):
    list_display = ["date", "document_number", "vendor", "amount", "gl_account", "request_number", "status", "source"]
    list_filter = ["status", "source", "category", "date"]
    search_fields = ["document_number", "vendor", "comment", "reference", "request_number"]
    list_select_related = ["source", "category"]
    readonly_fields = ["source", "batch", "line_number", "raw", "fingerprint", "created_at"]
    date_hierarchy = "date"


class MoneyRecordAdmin(SimpleHistoryAdmin):
    """Money moves only through the services (spend control, the approval workflow): the admin reads.

    Searching, filtering and the history are here for support; a correction is
    a new record (a refund or a withdrawal and a new request), never an edit.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(MoneyRecordAdmin):
    list_display = ["number", "campaign", "period", "category", "amount", "approved_amount", "status", "requested_by"]
    list_filter = ["status", "period", "category"]
    search_fields = ["number", "campaign__code", "campaign__name", "justification"]
    list_select_related = ["campaign", "period", "category", "requested_by"]


@admin.register(Commitment)
class CommitmentAdmin(MoneyRecordAdmin):
    list_display = ["funding_request", "vendor", "amount", "date", "reference", "recorded_by"]
    list_filter = ["date"]
    search_fields = ["funding_request__number", "vendor", "reference"]
    list_select_related = ["funding_request", "recorded_by"]


@admin.register(Expense)
class ExpenseAdmin(MoneyRecordAdmin):
    list_display = ["funding_request", "vendor", "amount", "date", "reference", "recorded_by"]
    list_filter = ["date"]
    search_fields = ["funding_request__number", "vendor", "reference"]
    list_select_related = ["funding_request", "recorded_by"]
