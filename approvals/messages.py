"""What the approvals engine says, as message keys rendered in the reader's language (``mrm.messages``).

Registered when the app is ready. Parameters are data: the subject's title
and people's names as they were, money as decimal strings, times as ISO,
outcomes and statuses as their stored values (translated when rendered).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.choices import OUTCOME_PAST, Outcome, RequestStatus
from mrm.messages import Params, Rendered, register_message

WAITING = "approvals.waiting"
DECIDED = "approvals.decided"
COMMENTED = "approvals.comment"
REMINDER = "approvals.reminder"
ESCALATION = "approvals.escalation"
STALE_CHECK = "approvals.stale_check"
WITHDRAWN = "approvals.withdrawn"
STAND_IN = "approvals.stand_in"

# Why a "waiting for your decision" notice no longer waits (shown on the notifications page).
RESOLVED_DECIDED = "approvals.resolved.decided"
RESOLVED_WITHDRAWN = "approvals.resolved.withdrawn"
RESOLVED_HANDED_OVER = "approvals.resolved.handed_over"
RESOLVED_STAND_IN_ENDED = "approvals.resolved.stand_in_ended"
RESOLVED_CONFIRMED = "approvals.resolved.confirmed"
RESOLVED_CLOSED = "approvals.resolved.closed"  # notices resolved by the data migration of older rows

# System notes stored in a request's text columns.
NOTE_WITHDRAWN_UNCONFIRMED = "approvals.note.withdrawn_unconfirmed"


def _status(params: Params) -> str:
    return params.label("status", dict(RequestStatus.choices)).lower()


def _who(params: Params) -> str:
    """ "Anna Petrova", or "Anna Petrova for Oleg Ivanov" when a stand-in decided."""
    if params.has("on_behalf"):
        return _("%(stand_in)s for %(approver)s") % {
            "stand_in": params.text("who"),
            "approver": params.text("on_behalf"),
        }
    return params.text("who")


def is_partial(params: Params) -> bool:
    approved, amount = params.decimal("approved"), params.decimal("amount")
    return approved is not None and amount is not None and approved < amount


def outcome_phrase(params: Params) -> str:
    """The outcome with its money: "approved ₽3,000.00 of ₽5,000.00", "approved ₽5,000.00", "rejected"."""
    outcome = params.text("outcome")
    if outcome == Outcome.APPROVE and is_partial(params):
        return _("approved %(approved)s of %(amount)s") % {
            "approved": params.money("approved"),
            "amount": params.money("amount"),
        }
    if outcome == Outcome.APPROVE and params.has("amount"):
        return _("approved %(amount)s") % {"amount": params.money("amount")}
    return params.label("outcome", OUTCOME_PAST)


def render_decided(params: Params) -> Rendered:
    """The submitter's decision notice: outcome, amount and note, always all three (PRODUCT.md §5)."""
    phrase = outcome_phrase(params)
    title = _("Decision: %(outcome)s — %(subject)s") % {"outcome": phrase, "subject": params.text("subject")}
    lines = [
        _("%(who)s %(outcome)s at stage “%(stage)s”.")
        % {"who": _who(params), "outcome": phrase, "stage": params.text("stage")}
    ]
    if params.text("outcome") != Outcome.APPROVE and params.has("amount"):
        lines.append(_("Amount asked: %(amount)s.") % {"amount": params.money("amount")})
    lines.append(_("The request is now: %(status)s.") % {"status": _status(params)})
    note = params.note("note")
    lines.append(_("Note: %(note)s") % {"note": note} if note else _("No note."))
    if params.has("cut_note"):
        lines.append(
            _("Why less (%(who)s): %(note)s") % {"who": params.text("cut_by"), "note": params.note("cut_note")}
        )
    return Rendered(title, "\n".join(lines))


def render_waiting(params: Params) -> Rendered:
    title = _("Waiting for your decision: %(subject)s") % {"subject": params.text("subject")}
    lines = [
        _("%(who)s asks for approval (stage “%(stage)s”, due %(due)s).")
        % {"who": params.text("who"), "stage": params.text("stage"), "due": params.datetime("due")}
    ]
    if params.has("amount"):
        lines.append(_("Amount: %(amount)s") % {"amount": params.money("amount")})
    if params.has("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": params.note("reason")})
    return Rendered(title, "\n".join(lines))


def render_resolved_decided(params: Params) -> str:
    return _("Decided by %(who)s: %(outcome)s") % {"who": _who(params), "outcome": outcome_phrase(params)}


def render_resolved_withdrawn(params: Params) -> str:
    if params.has("who"):
        return _("Withdrawn by %(who)s") % {"who": params.text("who")}
    return _("Withdrawn automatically")


def render_resolved_closed(params: Params) -> str:
    return _("No longer waiting: the request is %(status)s.") % {"status": _status(params)}


def register() -> None:
    register_message(WAITING, render_waiting)
    register_message(DECIDED, render_decided)
    register_message(
        COMMENTED,
        title=gettext_lazy("Comment (not a decision): %(subject)s"),
        body=gettext_lazy("%(who)s wrote: %(body)s"),
    )
    register_message(
        REMINDER,
        title=gettext_lazy("Reminder: overdue approval — %(subject)s"),
        body=gettext_lazy("The stage “%(stage)s” was due %(due)s and still waits for your decision."),
        types={"due": "datetime"},
    )
    register_message(
        ESCALATION,
        title=gettext_lazy("Escalation: approval overdue — %(subject)s"),
        body=gettext_lazy(
            "The stage “%(stage)s” was due %(due)s and still waits for: %(waiting)s. You are its escalation contact."
        ),
        types={"due": "datetime", "waiting": "join"},
    )
    register_message(
        STALE_CHECK,
        title=gettext_lazy("Still needed? %(subject)s"),
        body=gettext_lazy(
            "Your approval request has had no activity for %(days)s days. Confirm it is still needed "
            "and say why, or it will be withdrawn on %(date)s."
        ),
        types={"date": "date", "days": "number"},
    )
    register_message(
        WITHDRAWN,
        title=gettext_lazy("Withdrawn: %(subject)s"),
        body=gettext_lazy("Your approval request was withdrawn because nobody confirmed it was still needed."),
    )
    register_message(
        STAND_IN,
        title=gettext_lazy("You stand in for %(approver)s from %(start)s to %(end)s"),
        body=gettext_lazy("Their approval stages route to you meanwhile."),
        types={"start": "date", "end": "date"},
    )
    register_message(RESOLVED_DECIDED, render_resolved_decided)
    register_message(RESOLVED_WITHDRAWN, render_resolved_withdrawn)
    register_message(RESOLVED_HANDED_OVER, title=gettext_lazy("Handed over to %(who)s"))
    register_message(RESOLVED_STAND_IN_ENDED, title=gettext_lazy("You no longer stand in for %(approver)s"))
    register_message(RESOLVED_CONFIRMED, title=gettext_lazy("Confirmed still needed"))
    register_message(RESOLVED_CLOSED, render_resolved_closed)
    register_message(
        NOTE_WITHDRAWN_UNCONFIRMED, title=gettext_lazy("Withdrawn automatically: nobody confirmed it was still needed.")
    )
