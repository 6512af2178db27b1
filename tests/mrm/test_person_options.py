"""{% person_options %}: the Owner filter's people, built in one join (issue 16)."""

import pytest
from django.template import Context, Template

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _render(people, selected):
    template = Template("{% load filter_bar %}{% person_options people selected %}")
    return template.render(Context({"people": people, "selected": selected}))


def test_active_people_and_the_chosen_one_who_left_with_names_escaped():
    ann = UserFactory(display_name="Ann <b>", is_active=True)
    gone = UserFactory(display_name="Former", is_active=False)
    other_gone = UserFactory(display_name="Also gone", is_active=False)
    html = _render([ann, gone, other_gone], str(gone.pk))
    assert f'<option value="{ann.pk}">Ann &lt;b&gt;</option>' in html
    assert f'<option value="{gone.pk}" selected>Former</option>' in html
    assert "Also gone" not in html
    # nothing chosen: only who is here
    assert "Former" not in _render([ann, gone], None)
