"""What comments tell people, as message keys rendered in each reader's language (``mrm.messages``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

MENTIONED = "comments.mentioned"


def register() -> None:
    register_message(
        MENTIONED,
        title=gettext_lazy("%(who)s mentioned you: %(subject)s"),
        body=gettext_lazy("%(who)s wrote: %(body)s"),
    )
