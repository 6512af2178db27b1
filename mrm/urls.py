"""Every URL of MRM, wired in one place: pages, the REST API and its docs."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.views import ApiTokenViewSet, ObtainTokenView, TeamViewSet, UserViewSet
from approvals.api.views import ApprovalRequestViewSet, DelegationViewSet, WorkflowTemplateViewSet
from attachments.api.views import AttachmentViewSet
from budgets.api.views import (
    BudgetAllocationViewSet,
    CommitmentViewSet,
    ExpenseCategoryViewSet,
    ExpenseViewSet,
    FiscalPeriodViewSet,
    FundingRequestViewSet,
)
from campaigns.api.views import (
    ActivityViewSet,
    CalendarEventViewSet,
    CampaignTemplateViewSet,
    CampaignViewSet,
    ChannelViewSet,
    ChecklistItemViewSet,
    KPIViewSet,
    TaskViewSet,
)
from changes.api.views import ChangeRequestViewSet
from comments.api.views import CommentViewSet
from help.api.views import HelpArticleViewSet, QuestionViewSet
from imports.api.views import ImportJobViewSet, ImportTemplateView
from materials.api.views import MaterialViewSet
from mrm import views as platform_views
from notifications.api.views import NotificationViewSet
from reports.api.history import HistoryViewSet
from reports.api.views import ReportRunViewSet, ReportViewSet
from search.api.views import SearchView
from webhooks.api.views import WebhookDeliveryViewSet, WebhookViewSet

# The REST API (PRODUCT.md §8): the integration contract, one line per resource.
router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("auth/tokens", ApiTokenViewSet, basename="auth-token-item")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-templates", CampaignTemplateViewSet, basename="campaign-template")
router.register("comments", CommentViewSet, basename="comment")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("activities", ActivityViewSet, basename="activity")
router.register("tasks", TaskViewSet, basename="task")
router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
router.register("kpis", KPIViewSet, basename="kpi")
router.register("channels", ChannelViewSet, basename="channel")
router.register("calendar/events", CalendarEventViewSet, basename="calendar-event")
router.register("fiscal-periods", FiscalPeriodViewSet, basename="fiscal-period")
router.register("expense-categories", ExpenseCategoryViewSet, basename="expense-category")
router.register("budget-allocations", BudgetAllocationViewSet, basename="budget-allocation")
router.register("funding-requests", FundingRequestViewSet, basename="funding-request")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("expenses", ExpenseViewSet, basename="expense")
router.register("materials", MaterialViewSet, basename="material")
router.register("workflow-templates", WorkflowTemplateViewSet, basename="workflow-template")
router.register("approval-requests", ApprovalRequestViewSet, basename="approval-request")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reports", ReportViewSet, basename="report")
router.register("report-runs", ReportRunViewSet, basename="report-run")
router.register("history", HistoryViewSet, basename="history")
router.register("questions", QuestionViewSet, basename="question")
router.register("help-articles", HelpArticleViewSet, basename="help-article")
router.register("change-requests", ChangeRequestViewSet, basename="change-request")
router.register("imports", ImportJobViewSet, basename="import-job")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

api_urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("imports/templates/<slug:kind>/", ImportTemplateView.as_view(), name="import-template"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("reports.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("campaigns.urls")),
    path("materials/", include("materials.urls")),
    path("budgets/", include("budgets.urls")),
    path("imports/", include("imports.urls")),
    path("approvals/", include("approvals.urls")),
    path("attachments/", include("attachments.urls")),
    path("notifications/", include("notifications.urls")),
    path("changes/", include("changes.urls")),
    path("help/", include("help.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("search/", include("search.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # the djangojs catalogue: gettext() for static/js (the keyboard shortcuts of the work queues)
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("health/", platform_views.health, name="health"),
    path("health/ready/", platform_views.health_ready, name="health_ready"),
]

# Unknown addresses and failures under /api/ answer in JSON, pages with the friendly templates.
handler404 = "mrm.views.page_not_found"
handler500 = "mrm.views.server_error"

admin.site.site_header = "MRM"
admin.site.site_title = "MRM"
