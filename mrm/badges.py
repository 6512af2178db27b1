"""The status badge's tones (docs/DESIGN.md, "Tokens" and "Components").

A badge is a word on a tinted background; the tint says what kind of word it
is. Each tone is a meaning first and a Tabler class second, so a page asks for
``danger`` (overdue, over budget, rejected), never for "red". The apps' status
maps (``STATUS_BADGE`` in ``campaigns/choices.py`` and the like) hold these
classes; ``{% badge %}`` (``mrm/templatetags/ui.py``) accepts a tone's name or
one of its classes, and nothing else.
"""

TONES = {
    "neutral": "bg-secondary-lt",  # waiting, draft, inactive, read; a plain label (a role, a group)
    "progress": "bg-blue-lt",  # in progress, submitted, planned, new, unread
    "ok": "bg-green-lt",  # approved, done, active, on time, delivered
    "complete": "bg-teal-lt",  # completed, partially approved: finished, not wholly green
    "warning": "bg-yellow-lt",  # changes requested, on hold, no allocation, pending
    "attention": "bg-orange-lt",  # someone must act: escalated, unmapped, a translation missing
    "danger": "bg-red-lt",  # rejected, overdue, over budget, failed, disabled
    "closed": "bg-dark-lt",  # withdrawn, cancelled by a decision, archived, confidential
    "info": "bg-azure-lt",  # a fact about the page: its scope, shared, a kind, a language
    "highlight": "bg-purple-lt",  # set apart: published as FAQ, a change an import would make
    "count": "bg-red text-red-fg badge-pill",  # the unread count on the bell: solid, to be seen
}

#: The classes a badge may carry, whichever way it was asked for.
CLASSES = frozenset(TONES.values())


def badge_class(tone: str) -> str:
    """The class of ``tone`` (a name or a class already); a tone nobody defined is plain, not invented."""
    if tone in TONES:
        return TONES[tone]
    return tone if tone in CLASSES else TONES["neutral"]
