"""What change requests say, as message keys rendered in the reader's language (``mrm.messages``).

The target is stored as data: a template's or category's name as it was,
or a configurable field's value, whose label is translated when rendered.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from changes.choices import ChangeStatus, ConfigurableField
from mrm.messages import Params, Rendered, register_message

AFFECTS_TEAM = "changes.affects_team"
READY = "changes.ready"
ACKNOWLEDGED = "changes.acknowledged"
OBJECTED = "changes.objected"
DECIDED = "changes.decided"
STALE_CHECK = "changes.stale_check"
WITHDRAWN = "changes.withdrawn"

RESOLVED_ANSWERED = "changes.resolved.answered"
RESOLVED_CLOSED = "changes.resolved.closed"
RESOLVED_CONFIRMED = "changes.resolved.confirmed"

NOTE_WITHDRAWN_UNCONFIRMED = "changes.note.withdrawn_unconfirmed"


def request_key(change_id: int) -> str:
    """The affected teams' "please answer" notices."""
    return f"changes.request:{change_id}"


def ready_key(change_id: int) -> str:
    """The administrators' "ready to apply" notice."""
    return f"changes.ready:{change_id}"


def stale_key(change_id: int) -> str:
    """The requester's "still needed?" notice."""
    return f"changes.stale:{change_id}"


def target_params(change) -> dict:
    """The change's target as data: a field by its value (labelled when read), anything else by its name."""
    if change.field_name:
        return {"field": change.field_name}
    return {"target": change.target_label}


def _target(params: Params) -> str:
    if params.has("field"):
        return params.label("field", dict(ConfigurableField.choices))
    return params.text("target")


def _status(params: Params) -> str:
    return params.label("status", dict(ChangeStatus.choices))


def _with_target(title, body=None):
    def render(params: Params) -> Rendered:
        values = defaultdict(str, {name: params.text(name) for name in params})
        values["target"] = _target(params)
        values["teams"] = params.join("teams")
        values["note"] = params.note("note")
        return Rendered(str(title) % values, str(body) % values if body else "")

    return render


def render_decided(params: Params) -> Rendered:
    status = _status(params)
    title = _("Change request %(status)s: %(target)s") % {"status": status.lower(), "target": _target(params)}
    body = _("%(who)s decided: %(status)s.") % {"who": params.text("who"), "status": status}
    note = params.note("note")
    return Rendered(title, f"{body} {note}".strip())


def render_resolved_closed(params: Params) -> str:
    if params.has("who"):
        return _("%(status)s by %(who)s") % {"status": _status(params), "who": params.text("who")}
    return _status(params)


def register() -> None:
    register_message(
        AFFECTS_TEAM,
        _with_target(
            gettext_lazy("Change request affecting your team: %(target)s"),
            gettext_lazy("%(who)s asks: %(what)s — Why: %(why)s. Acknowledge it or object on its page."),
        ),
    )
    register_message(
        READY,
        _with_target(
            gettext_lazy("Ready to apply: %(target)s"),
            gettext_lazy(
                "Every affected team has acknowledged the change request: %(what)s. Make the change in the "
                "administration, then mark it as applied."
            ),
        ),
    )
    register_message(
        ACKNOWLEDGED,
        _with_target(
            gettext_lazy("Acknowledged: %(target)s"),
            gettext_lazy("%(who)s acknowledged your change request for %(teams)s."),
        ),
    )
    register_message(
        OBJECTED,
        _with_target(gettext_lazy("Objection: %(target)s"), gettext_lazy("%(who)s objected for %(teams)s: %(note)s")),
    )
    register_message(DECIDED, render_decided)
    register_message(
        STALE_CHECK,
        lambda params: Rendered(
            _("Still needed? %(target)s") % {"target": _target(params)},
            _(
                "Your change request has had no activity for %(days)s days. Confirm it is still needed "
                "and say why, or it will be withdrawn on %(date)s."
            )
            % {"days": params.number("days"), "date": params.date("date")},
        ),
    )
    register_message(
        WITHDRAWN,
        _with_target(
            gettext_lazy("Withdrawn: %(target)s"),
            gettext_lazy("Your change request was withdrawn because nobody confirmed it was still needed."),
        ),
    )
    register_message(RESOLVED_ANSWERED, title=gettext_lazy("Answered by %(who)s"))
    register_message(RESOLVED_CLOSED, render_resolved_closed)
    register_message(RESOLVED_CONFIRMED, title=gettext_lazy("Confirmed still needed"))
    register_message(
        NOTE_WITHDRAWN_UNCONFIRMED, title=gettext_lazy("Withdrawn automatically: nobody confirmed it was still needed.")
    )
