"""Ids in templates are printed plainly.

``USE_THOUSAND_SEPARATOR`` is on so that amounts and counts read the way each
language writes them, and so that typed amounts such as ``2 750,50`` parse.
The price: ``{{ campaign.pk }}`` prints ``1,234`` (or ``1 234``) once ids pass
999, which breaks links, form values, element ids and htmx targets. Every id
printed by a template therefore goes through ``|unlocalize``.
"""

import re
from pathlib import Path

from django.conf import settings

# ``{{ x.pk }}``, ``{{ x.id }}``, ``{{ pk }}`` but not a form's hidden ``{{ stage_form.id }}`` field; in a
# translated text the id is unlocalized where it is named: ``blocktranslate with id=x.pk|unlocalize``.
BARE_ID = re.compile(
    r"\{\{\s*(?![\w.]*form\.id\b)(\w+\.)+(pk|id)\s*\}\}|\{\{\s*pk\s*\}\}|with \w+=[\w.]*\bpk\b(?!\|unlocalize)"
)
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def bare_ids(text: str) -> list[str]:
    return [match.group(0) for match in BARE_ID.finditer(text)]


def test_no_template_prints_an_id_that_thousand_separators_would_break():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {found}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for found in bare_ids(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "print ids with |unlocalize:\n" + "\n".join(offenders)


def test_the_check_sees_a_bare_id_and_accepts_an_unlocalized_one():
    assert bare_ids('<tr id="row-{{ row.pk }}"><a href="?campaign={{ campaign.id }}">') == [
        "{{ row.pk }}",
        "{{ campaign.id }}",
    ]
    assert bare_ids("{% blocktranslate with id=change.pk %}#{{ id }}{% endblocktranslate %}") == ["with id=change.pk"]
    assert bare_ids("{% blocktranslate with id=change.pk|unlocalize %}#{{ id }}{% endblocktranslate %}") == []
    assert bare_ids('<tr id="row-{{ row.pk|unlocalize }}">{{ stage_form.id }}{{ stage_form.id_label }}') == []


def test_an_id_past_999_would_be_grouped_without_unlocalize(settings):
    from django.template import Context, Template
    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("en"):
        html = Template("{% load l10n %}{{ pk }}/{{ pk|unlocalize }}").render(Context({"pk": 1234}))
    assert html == "1,234/1234"
