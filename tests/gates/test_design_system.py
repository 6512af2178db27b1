"""The design gate: templates use the design system, not one-off styles (issue 19 item 5, docs/DESIGN.md).

Scans every template (``tests/support/design_scan.py``); the second half plants
each kind of one-off style in a temporary template and checks the gate names
it, while the right twin passes.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Template

from mrm.badges import CLASSES, TONES, badge_class
from tests.support.design_scan import scan_templates
from tests.support.template_scan import template_files

BASE_DIR = Path(settings.BASE_DIR)


def test_no_template_has_a_one_off_style():
    findings = scan_templates(template_files(BASE_DIR), BASE_DIR)
    assert findings == [], "one-off styles (docs/DESIGN.md, 'The design gate'):\n" + "\n".join(map(str, findings))


def status_maps():
    """Every ``*_BADGE`` map of an app's ``choices.py``: the colours statuses are drawn in."""
    for config in apps.get_app_configs():
        module = getattr(__import__(f"{config.name}", fromlist=["choices"]), "choices", None)
        if module is None or not str(getattr(module, "__file__", "")).startswith(str(BASE_DIR)):
            continue
        for name, value in vars(module).items():
            if name.endswith("BADGE") and isinstance(value, dict):
                yield f"{config.name}.choices.{name}", value


def test_every_status_map_uses_a_badge_tone():
    maps = dict(status_maps())
    assert "campaigns.choices.STATUS_BADGE" in maps and "imports.choices.JOB_STATUS_BADGE" in maps
    strays = {
        f"{where}[{key}]": css for where, mapping in maps.items() for key, css in mapping.items() if css not in CLASSES
    }
    assert strays == {}, "add the tone to mrm/badges.py (with its meaning) or use one of its classes"


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_the_badge_tag_draws_a_tone_by_meaning_or_by_its_class_and_escapes_the_text():
    assert render('{% badge _("overdue") "danger" css="ms-1" testid="overdue" %}') == (
        '<span class="badge bg-red-lt ms-1" data-testid="overdue">overdue</span>'
    )
    assert render("{% badge text tone %}", text="<b>Draft</b>", tone="bg-secondary-lt") == (
        '<span class="badge bg-secondary-lt">&lt;b&gt;Draft&lt;/b&gt;</span>'
    )
    assert (
        render(
            '{% badgeblock "closed" href="?outcome="|add:value data_outcome=value %}{{ label }}: {{ n }}{% endbadgeblock %}',
            value="new",
            label="New & fresh",
            n=3,
        )
        == '<a class="badge bg-dark-lt" data-outcome="new" href="?outcome=new">New &amp; fresh: 3</a>'
    )
    # a count reads as {{ count }} would print it, with the reader's thousands separator
    from django.utils import translation

    with translation.override("en"):
        assert (
            render('{% badge n "count" %}', n=1234) == '<span class="badge bg-red text-red-fg badge-pill">1,234</span>'
        )
    assert badge_class("bg-hotpink-lt") == TONES["neutral"]  # an unknown tone is plain, never passed through


def test_the_badge_tag_refuses_an_attribute_it_does_not_know():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        render('{% badge "x" "ok" onclick="alert(1)" %}')


# --- the gate bites -------------------------------------------------------------------------------------------


PLANTED = """\
{% load i18n %}
<span class="badge bg-red-lt">{% translate "overdue" %}</span>
<span class="small badge {{ status_badge }} ms-1">{{ status }}</span>
<p class="text-red">late</p>
<section class="card border-azure">x</section>
<svg><path fill="#ff0000" stroke="red"></path></svg>
<div data-x="1" class="bg-white" title="rgb(1, 2, 3)">x</div>
<td>{{ amount|money }}</td>
<td class="text-nowrap"><span>{{ row.total|money }}</span></td>
{% for row in rows %}<tr><td>{{ row }}</td></tr>{% empty %}<tr><td colspan="3">Nothing yet.</td></tr>{% endfor %}
{% for item in items %}<li>{{ item }}</li>{% empty %}
  <li class="list-group-item fw-bold">Nothing here.</li>{% endfor %}
<select name="owner" class="form-select"><option value="">Anyone</option>{% person_options people %}</select>
"""

RIGHT = """\
{% load i18n ui money %}{# class="badge bg-red-lt" in a comment is not drawn #}
{% badge _("overdue") "danger" %}
<p class="text-danger badge-counter-like">late</p>
<section class="card border-info" id="launch">x</section>
<a href="#add" class="link-secondary" data-bs-target="#abc">add</a>
<svg fill="none" stroke="currentColor"><path d="M1 1"></path></svg>
<td class="text-end text-nowrap">{{ amount|money }}</td>
<td>{% blocktranslate with amount=x|money %}only above {{ amount }}{% endblocktranslate %}</td>
{% for row in rows %}<tr><td>{{ row }}</td></tr>{% empty %}<tr><td colspan="3" class="text-secondary">Nothing yet.</td></tr>{% endfor %}
{% for item in items %}<li>{{ item }}</li>{% empty %}<li class="list-group-item text-secondary">Nothing here.</li>{% endfor %}
{% for item in items %}{{ item }}{% empty %}—{% endfor %}
<select name="owner" class="form-select"{% searchable %}><option value="">Anyone</option>{% person_options people %}</select>
"""


def planted(tmp_path, text: str) -> list[str]:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(text, encoding="utf-8")
    return [str(f) for f in scan_templates(template_files(tmp_path), tmp_path)]


def test_the_gate_names_every_planted_one_off_style(tmp_path):
    assert planted(tmp_path, PLANTED) == [
        "templates/page.html:2: hand-written badge (use {% badge text tone %} from mrm/templatetags/ui.py)",
        "templates/page.html:2: palette class bg-red-lt (use a meaning: text-danger, border-info, a badge tone)",
        "templates/page.html:3: hand-written badge (use {% badge text tone %} from mrm/templatetags/ui.py)",
        "templates/page.html:4: palette class text-red (use a meaning: text-danger, border-info, a badge tone)",
        "templates/page.html:5: palette class border-azure (use a meaning: text-danger, border-info, a badge tone)",
        "templates/page.html:6: colour literal 'fill=\"#ff0000' (colours live in static/css/)",
        "templates/page.html:6: colour literal 'stroke=\"red' (colours live in static/css/)",
        "templates/page.html:7: colour literal 'rgb(' (colours live in static/css/)",
        "templates/page.html:8: money cell <td> without text-end (amounts line up right)",
        "templates/page.html:9: money cell <td> without text-end (amounts line up right)",
        "templates/page.html:10: empty state <td> without text-secondary (docs/DESIGN.md, empty state)",
        "templates/page.html:12: empty state <li> without text-secondary (docs/DESIGN.md, empty state)",
        "templates/page.html:13: select of people without {% searchable %}",
    ]


def test_the_right_twin_passes(tmp_path):
    assert planted(tmp_path, RIGHT) == []
