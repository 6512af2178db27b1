"""What may carry attachments: each app registers its kinds of targets (STYLE.md: generic engines low).

The same way of naming an object as ``comments.registry`` (a ``target_type``
kind and a ``target_id``), plus who may change what is attached. A target kind
names a model's scoping queryset (``visible``: an attachment is read by whoever
may read its object, and by no one else), the app's own edit predicate
(``can_change``), a label and a link::

    register_target(AttachmentTarget("task", visible=lambda user: Task.objects.visible_to(user),
                                     can_change=lambda user, task: can_edit_campaign(user, task.campaign), ...))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class AttachmentTarget:
    kind: str
    #: The objects ``user`` may read (and so whose attachments they may download).
    visible: Callable[[object], QuerySet]
    #: Whether ``user`` may attach files to ``obj`` and remove them (the app's own edit rule).
    can_change: Callable[[object, object], bool]
    #: How the object is named on a page.
    label: Callable[[object], str]
    #: Where its attachments are shown (the page of the object or of what it belongs to).
    url: Callable[[object], str]
    #: The kind's name, for people.
    title: object = ""


_targets: dict[str, AttachmentTarget] = {}


def register_target(target: AttachmentTarget) -> None:
    _targets[target.kind] = target


def get_target(kind: str) -> AttachmentTarget | None:
    return _targets.get(kind)


def kinds() -> list[str]:
    return sorted(_targets)
