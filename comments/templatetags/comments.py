from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from comments.services import MENTION

register = template.Library()


@register.filter
def with_mentions(body: str):
    """The comment escaped, its line breaks kept and its @mentions in bold."""
    escaped = escape(body or "")
    marked = MENTION.sub(lambda match: f"<strong>{match.group(0)}</strong>", escaped)
    return mark_safe(marked.replace("\n", "<br>"))  # noqa: S308 - escaped above
