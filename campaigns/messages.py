"""What campaigns write on their own, as message keys rendered in the reader's language (``mrm.messages``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

NOTE_LAUNCH_APPROVED = "campaigns.note.launch_approved"


def register() -> None:
    register_message(NOTE_LAUNCH_APPROVED, title=gettext_lazy("Launch approved (approval request #%(id)s)."))
