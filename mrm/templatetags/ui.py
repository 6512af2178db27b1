"""The design system's components that are tags (docs/DESIGN.md, "Components").

``{% badge text tone %}``
    A status badge: ``<span class="badge bg-…-lt">text</span>``. ``tone`` is a
    meaning from ``mrm.badges.TONES`` (``"danger"``) or the class an app's
    status map gives (``campaign.status_badge``). Keyword arguments:
    ``css`` more classes (spacing: ``ms-1``), ``testid``, ``title``, ``role``,
    ``href`` (the badge is then a link), ``data_<name>`` a ``data-<name>``
    attribute. The only way a template draws a badge: the design gate
    (``tests/gates/test_design_system.py``) refuses a hand-written one.

``{% badgeblock tone %}…{% endbadgeblock %}``
    The same badge around a text put together in the template (a name and a
    count, a translated sentence with a value), with the same arguments.
"""

from __future__ import annotations

from django import template
from django.forms.utils import flatatt
from django.template.base import render_value_in_context
from django.utils.html import format_html

from mrm.badges import badge_class

register = template.Library()

PLAIN_ATTRIBUTES = ("title", "role", "href")


@register.simple_tag(takes_context=True)
def badge(context, text, tone="neutral", *, css="", testid="", **attributes) -> str:
    # As {{ text }} would print it: a count with the reader's thousands separator, escaped.
    return _badge(render_value_in_context(text, context), tone, css=css, testid=testid, **attributes)


def _badge(text, tone, *, css="", testid="", **attributes) -> str:
    unknown = {name for name in attributes if name not in PLAIN_ATTRIBUTES and not name.startswith("data_")}
    if unknown:
        raise template.TemplateSyntaxError(f"{{% badge %}} does not take {', '.join(sorted(unknown))}")
    attrs = {name.replace("_", "-"): value for name, value in attributes.items() if value not in (None, "")}
    if testid:
        attrs["data-testid"] = testid
    classes = " ".join(part for part in ("badge", badge_class(str(tone)), css) if part)
    element = "a" if "href" in attrs else "span"
    return format_html('<{0} class="{1}"{2}>{3}</{0}>', element, classes, flatatt(attrs), text)


@register.simple_block_tag
def badgeblock(content, tone="neutral", **attributes) -> str:
    return _badge(content, tone, **attributes)
