"""``{{ value|note }}``: a stored note in the reader's language (``mrm.messages``).

A note the system wrote (an automatic withdrawal, a handover in the
history) is stored as a message key with parameters and rendered here, when
read; a note a person wrote is shown as they wrote it.
"""

from __future__ import annotations

from django import template

from mrm.messages import render_note

register = template.Library()


@register.filter(name="note")
def note(value) -> str:
    return render_note(value)
