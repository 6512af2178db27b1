"""What accounts says, as message keys rendered in the reader's language (``mrm.messages``).

The handover writes a reason into the history of every row it moves
("Handover from Lev Leaving") and tells each new holder what they took over.
Both are stored as keys with the people's names as parameters, so the
history and the notice read in the language of whoever reads them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mrm.messages import Params, Rendered, note, register_message

HANDOVER_FROM = "accounts.note.handover_from"
HANDED_OVER = "accounts.note.handed_over"
TOOK_OVER = "accounts.took_over"

# simple-history's ``history_change_reason`` column is 100 characters long.
HISTORY_REASON_MAX = 100


def handover_reason(from_user) -> str:
    """The history reason of a row moved by a handover: "Handover from <name>"."""
    return note(HANDOVER_FROM, limit=HISTORY_REASON_MAX, user=from_user.full_name)


def handed_over_reason(from_user, to_user) -> str:
    """The history reason of an approval stage moved to another approver: "Approver A handed over to B"."""
    return note(HANDED_OVER, limit=HISTORY_REASON_MAX, old=from_user.full_name, new=to_user.full_name)


def render_took_over(params: Params) -> Rendered:
    """The new holder's notice: one line per kind of thing, named in the reader's language."""
    from accounts.holdings import get_holdings_provider

    lines = []
    for move in params.get("moves") or []:
        provider = get_holdings_provider(move.get("kind", ""))
        label = provider.label if provider is not None else move.get("kind", "")
        lines.append(_("%(kind)s: %(items)s") % {"kind": label, "items": ", ".join(move.get("items") or [])})
    return Rendered(_("You took over the work of %(user)s") % {"user": params.text("user")}, "\n".join(lines))


def register() -> None:
    register_message(HANDOVER_FROM, title=gettext_lazy("Handover from %(user)s"))
    register_message(HANDED_OVER, title=gettext_lazy("Approver %(old)s handed over to %(new)s"))
    register_message(TOOK_OVER, render_took_over)
