"""What help says, as message keys rendered in the reader's language (``mrm.messages``).

An answer is Markdown: in-app it is rendered through help's sanitiser (the
same as on the question's page), in an e-mail as plain text, never as raw
Markdown. A question is plain text and shown as written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from help.rendering import markdown_to_text, render_markdown
from mrm.messages import Params, Rendered, note, register_message

ASKED = "help.question"
ASKED_NO_CHAMPION = "help.question_no_champion"
OVERDUE = "help.question_overdue"
ANSWERED = "help.answered"

RESOLVED_ANSWERED = "help.resolved.answered"
NOTE_JOINED_AS_CHAMPION = "help.note.joined_as_champion"


def joined_as_champion_reason(from_user) -> str:
    """The history reason of the membership a handover creates for the new champion, in the reader's language."""
    from accounts.messages import HISTORY_REASON_MAX

    return note(NOTE_JOINED_AS_CHAMPION, limit=HISTORY_REASON_MAX, user=from_user.full_name)


def question_key(question_id: int) -> str:
    """The champions' and admins' "please answer" notices of a question."""
    return f"help.question:{question_id}"


def render_answered(params: Params) -> Rendered:
    answer = params.text("answer")
    return Rendered(
        _("Your question was answered by %(name)s") % {"name": params.text("name")},
        markdown_to_text(answer),
        render_markdown(answer),
    )


def register() -> None:
    register_message(
        NOTE_JOINED_AS_CHAMPION, title=gettext_lazy("Handover from %(user)s: joined the team as its champion")
    )
    register_message(ASKED, title=gettext_lazy("Question from %(name)s"), body="%(question)s")
    register_message(
        ASKED_NO_CHAMPION, title=gettext_lazy("Question without a champion from %(name)s"), body="%(question)s"
    )
    register_message(OVERDUE, title=gettext_lazy("Question unanswered for %(hours)s h"), body="%(question)s")
    register_message(ANSWERED, render_answered)
    register_message(RESOLVED_ANSWERED, title=gettext_lazy("Answered by %(who)s"))
