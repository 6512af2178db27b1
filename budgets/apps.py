from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_STRUCTURE = ["fiscalyear", "fiscalperiod", "expensecategory", "budgetallocation"]
_FINANCE_ONLY = ["importsource", "importbatch", "actualline"]
_SPEND = ["fundingrequest", "commitment", "expense"]


class BudgetsConfig(AppConfig):
    """Fiscal periods, categories, allocations, funding requests and spend (PRODUCT.md §4)."""

    name = "budgets"
    verbose_name = _("Budgets")
    default_auto_field = "django.db.models.BigAutoField"

    # §2: finance maintains categories, periods and allocations, works the
    # accounting imports and reads every money object; marketers and approvers
    # read the structure and (scoped by the querysets) requests and spend.
    role_permissions = {
        "finance": [
            f"{action}_{model}"
            for model in _STRUCTURE + _FINANCE_ONLY
            for action in ("add", "change", "delete", "view")
        ]
        + [f"view_{model}" for model in _SPEND],
        "marketer": [f"view_{model}" for model in _STRUCTURE + _SPEND],
        "approver": [f"view_{model}" for model in _STRUCTURE + _SPEND],
        # Leadership reads all money, accounting actuals included, and changes none of it.
        "leadership": [f"view_{model}" for model in _STRUCTURE + _SPEND + ["actualline"]],
    }

    def ready(self):
        from budgets.imports import importers

        importers.register()  # categories, allocations and accounting actuals, through the import engine
        _register_attachment_targets()
        from approvals.choices import SubjectKind
        from approvals.registry import (
            DecisionContextProvider,
            SubjectHandler,
            SubjectInfo,
            register_subject_handler,
        )
        from budgets import selectors, services
        from budgets.guards import needs_approved_funding
        from budgets.matching import register_line_matcher
        from budgets.models import FundingRequest
        from campaigns.launch import register_launch_guard
        from campaigns.panels import CampaignPanel, register_campaign_panel
        from campaigns.querysets import register_confidential_access

        def describe(request):
            return SubjectInfo(
                title=f"{request.number} · {request.campaign.code}",
                url=request.get_absolute_url(),
                team_ids=[request.campaign.team_id],
                amount=request.amount,
            )

        # Funding request decisions come back from the approvals engine here.
        register_subject_handler(
            SubjectHandler(
                kind=SubjectKind.FUNDING_REQUEST,
                model=FundingRequest,
                describe=describe,
                visible_ids=lambda user: FundingRequest.objects.visible_to(user).values("pk"),
                scope_ids=lambda scope: FundingRequest.objects.in_scope(scope).values("pk"),
                on_approved=services.on_funding_approved,
                on_rejected=services.on_funding_rejected,
                on_changes_requested=services.on_funding_changes_requested,
                on_cancelled=services.on_funding_cancelled,
                # Deciders see the budget line beside the decision: allocated, approved, committed,
                # spent, what remains before and after, and the campaign's earlier requests.
                decision_context=DecisionContextProvider(
                    template="budgets/partials/_decision_context.html",
                    load=selectors.decision_contexts_for,
                    as_data=lambda context: context.as_data(),
                ),
            )
        )
        # §3: a campaign with a planned cost goes active only with approved money.
        register_launch_guard(needs_approved_funding)
        # §4: accounting lines quoting an approved request's number become its expenses.
        register_line_matcher(services.match_lines_by_request_number)
        # The campaign page shows its money (requests, commitments, expenses, ROI).
        register_campaign_panel(CampaignPanel("budgets:campaign_money", _("Money"), order=10))
        # Issue 18 item 7: a programme adds up its campaigns' approved, committed and spent money.
        from campaigns.rollup import register_rollup_money

        register_rollup_money(selectors.programme_money)
        # §2: approvers of a funding request's open approval see its confidential campaign.
        register_confidential_access(funding_approvers_see_campaign)
        # §7: open funding requests are handed over before their requester leaves.
        from budgets import holdings

        holdings.register()


def funding_approvers_see_campaign(user):
    from django.db.models import Q

    from approvals.choices import SubjectKind
    from approvals.models import ApprovalRequest
    from budgets.models import FundingRequest

    pending = ApprovalRequest.objects.open_subject_ids_for_approver(user, SubjectKind.FUNDING_REQUEST)
    return Q(pk__in=FundingRequest.objects.filter(pk__in=pending).values("campaign_id"))


def _register_attachment_targets() -> None:
    """Funding requests (quotes), commitments (contracts, POs) and expenses (invoices) carry attachments, shown on
    the request's page (issue 18 item 3). The campaign's team (and admins) attach to a request at any status, as
    they ask for its money; who records spend attaches to commitments and expenses (finance for any campaign)."""
    from attachments.registry import AttachmentTarget, register_target
    from budgets.models import Commitment, Expense, FundingRequest
    from budgets.permissions import can_record_spend, can_request_funding

    def on_page(obj) -> str:
        request = obj if isinstance(obj, FundingRequest) else obj.funding_request
        return request.get_absolute_url().split("#")[0] + "#attachments"

    register_target(
        AttachmentTarget(
            "funding_request",
            visible=lambda user: FundingRequest.objects.visible_to(user).select_related("campaign"),
            can_change=lambda user, request: can_request_funding(user, request.campaign),
            label=lambda request: request.number,
            url=on_page,
            title=_("funding request"),
        )
    )
    for kind, model, title in (
        ("commitment", Commitment, _("commitment")),
        ("expense", Expense, _("expense")),
    ):
        register_target(
            AttachmentTarget(
                kind,
                visible=lambda user, model=model: model.objects.visible_to(user).select_related(
                    "campaign", "funding_request"
                ),
                can_change=lambda user, record: can_record_spend(user, record.campaign),
                label=lambda record: f"{record.vendor} · {record.reference or record.date}",
                url=on_page,
                title=title,
            )
        )
