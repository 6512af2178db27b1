"""Domain events: what happened, told to whoever listens, inside the write's transaction.

The domain apps (campaigns, budgets, approvals, materials, reports) call
:func:`publish` at the point where something an integration cares about has
happened (``campaign.created``, ``funding_request.decided``), inside the
transaction of that write. Listeners register in their ``AppConfig.ready()``
(webhooks does), so the apps that publish import nothing above their floor
and know nothing of who listens. A listener records its side effects with
:func:`outbox.services.enqueue`, so a rolled-back write tells no one.

With no listener a publish costs nothing; a listener decides cheaply (a cached
lookup) whether anyone subscribed to the event at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

Listener = Callable[..., None]

_listeners: list[Listener] = []


def listen(listener: Listener) -> Listener:
    """Call ``listener(event=..., instance=...)`` on every published event (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def publish(event: str, instance: models.Model) -> None:
    """Tell the listeners that ``event`` happened to ``instance`` (call inside the write's transaction)."""
    for listener in list(_listeners):
        listener(event=event, instance=instance)
