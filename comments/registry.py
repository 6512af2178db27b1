"""What may be commented on: each app registers its kinds of targets (STYLE.md: generic engines low).

A target kind names a model, how to find the objects a user may read
(``visible``: the app's own scoping queryset, so a comment is never seen by
someone who may not see its object), a label and a link::

    register_target(CommentTarget("task", visible=lambda user: Task.objects.visible_to(user), ...))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class CommentTarget:
    kind: str
    #: The objects ``user`` may read (and so discuss).
    visible: Callable[[object], QuerySet]
    #: How the object is named in a notification or a timeline.
    label: Callable[[object], str]
    #: Where the discussion is shown (the object's page, at its discussion).
    url: Callable[[object], str]
    #: The kind's name, for people.
    title: object = ""


_targets: dict[str, CommentTarget] = {}


def register_target(target: CommentTarget) -> None:
    _targets[target.kind] = target


def get_target(kind: str) -> CommentTarget | None:
    return _targets.get(kind)


def kinds() -> list[str]:
    return sorted(_targets)
