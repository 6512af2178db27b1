"""What materials write on their own, as message keys rendered in the reader's language (``mrm.messages``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

NOTE_NEW_VERSION = "materials.note.new_version"


def register() -> None:
    register_message(NOTE_NEW_VERSION, title=gettext_lazy("New version after requested changes."))
