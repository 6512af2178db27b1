"""What webhooks tell their owners, as message keys rendered in the reader's language (``mrm.messages``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mrm.messages import register_message

DISABLED = "webhooks.disabled"


def register() -> None:
    register_message(
        DISABLED,
        title=gettext_lazy("Webhook disabled: %(name)s"),
        body=gettext_lazy(
            "Every retry of %(count)s messages in a row to %(url)s failed, so the webhook was switched off. "
            "Fix the receiver, then enable the webhook again on its page; messages that wait are sent then."
        ),
    )
