from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    """How a fiscal year is divided: finance plans by quarter or by month."""

    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class ImportKind(models.TextChoices):
    """What an uploaded file feeds: finance's structure or accounting's actual spend."""

    CATEGORIES = "categories", _("Expense categories")
    ALLOCATIONS = "allocations", _("Budget allocations")
    ACTUALS = "actuals", _("Accounting actuals")


class ActualLineStatus(models.TextChoices):
    """Where an imported accounting line stands.

    ``unmapped`` lines count as spend without a request until someone maps
    them to an approved funding request (``mapped``) or sets them aside as
    not marketing spend (``ignored``).
    """

    UNMAPPED = "unmapped", _("Unmapped")
    MAPPED = "mapped", _("Mapped")
    IGNORED = "ignored", _("Ignored")


class FundingRequestStatus(models.TextChoices):
    """Where a funding request stands (PRODUCT.md §4).

    ``draft → submitted → approved | partially_approved | rejected``; the
    requester may withdraw a draft or a submitted request. Only the approvals
    engine's decisions move a request out of ``submitted``.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Money may be committed or spent only against these (the core rule of §4).
FUNDED_STATUSES = (FundingRequestStatus.APPROVED, FundingRequestStatus.PARTIALLY_APPROVED)
# A request in these states can still be changed by its team (and submitted).
EDITABLE_STATUSES = (FundingRequestStatus.DRAFT, FundingRequestStatus.WITHDRAWN)
# Requested money: asked for and not turned down.
REQUESTED_STATUSES = (FundingRequestStatus.SUBMITTED, *FUNDED_STATUSES)

ACTUAL_LINE_STATUS_BADGE = {
    ActualLineStatus.UNMAPPED: "bg-orange-lt",
    ActualLineStatus.MAPPED: "bg-green-lt",
    ActualLineStatus.IGNORED: "bg-secondary-lt",
}

FUNDING_STATUS_BADGE = {
    FundingRequestStatus.DRAFT: "bg-secondary-lt",
    FundingRequestStatus.SUBMITTED: "bg-blue-lt",
    FundingRequestStatus.APPROVED: "bg-green-lt",
    FundingRequestStatus.PARTIALLY_APPROVED: "bg-teal-lt",
    FundingRequestStatus.REJECTED: "bg-red-lt",
    FundingRequestStatus.WITHDRAWN: "bg-dark-lt",
}
