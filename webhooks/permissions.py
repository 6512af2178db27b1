"""Who may manage webhooks (issue 17.3): admins, and integration users an admin granted it."""

from __future__ import annotations

from webhooks.choices import MessageState

#: The model permission an admin gives an "integration" user so it may subscribe webhooks.
MANAGE_PERMISSION = "webhooks.add_webhook"


def can_manage_webhooks(user) -> bool:
    """Admins, and users holding ``webhooks.add_webhook``: a webhook carries data out of MRM,
    so subscribing is not for everyone; each webhook still only receives what its owner may read."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.is_mrm_admin or user.has_perm(MANAGE_PERMISSION)


def available_actions(webhook, user) -> dict:
    """Which buttons the webhook page draws for ``user`` (the services check the same)."""
    manage = can_manage_webhooks(user)
    return {
        "edit": manage,
        "rotate": manage,
        "delete": manage,
        "enable": manage and not webhook.is_active,
        "disable": manage and webhook.is_active,
    }


def can_redeliver(message, user) -> bool:
    return can_manage_webhooks(user) and message.state != MessageState.PENDING
