"""Who may do what with reports (PRODUCT.md §2, §6): plain predicates, used by pages, the API and tasks."""

from __future__ import annotations

from reports.registry import Report, signed_in_with_role


def can_view_report(user, report: Report | None) -> bool:
    """A report is open to everyone with an MRM role unless it says otherwise (spend without a request: finance).

    What a report shows is scoped anyway by the models it reads.
    """
    return report is not None and report.available_to(user)


def can_save_views(user) -> bool:
    return signed_in_with_role(user)


def can_manage_saved_view(user, view) -> bool:
    """Only the owner renames or deletes a saved view; colleagues may open shared ones."""
    return bool(getattr(user, "is_authenticated", False)) and view.owner_id == user.pk


def can_download_run(user, run) -> bool:
    """A background export's file is its requester's alone: it was computed with their permissions."""
    return bool(getattr(user, "is_authenticated", False)) and run.requested_by_id == user.pk


def can_subscribe(user) -> bool:
    return signed_in_with_role(user)


def can_manage_subscription(user, subscription) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and subscription.owner_id == user.pk
