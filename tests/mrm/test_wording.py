"""Russian words that depend on what they describe: one English word, several Russian ones (issue 19)."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from changes.choices import ChangeStatus
from mrm.navigation import MAIN_NAVIGATION

pytestmark = pytest.mark.django_db


def test_open_agrees_with_what_is_open_or_is_a_verb_on_a_button():
    with translation.override("ru"):
        # a change request (запрос, masculine) is open
        assert str(ChangeStatus.OPEN.label) == "Открыт"
        # a task (задача, feminine) is open
        assert translation.pgettext("task status", "Open") == "Открыта"
        # a notification's button opens its page
        assert translation.pgettext("action: go to the page", "Open") == "Открыть"


def test_the_task_row_says_a_task_is_open_in_the_feminine(marketer):
    from tests.campaigns.factories import TaskFactory

    task = TaskFactory(done=False)
    with translation.override("ru"):
        html = render_to_string("campaigns/partials/_task_row.html", {"task": task, "can_edit": False})
    assert "Открыта" in html and "Открыт<" not in html


def test_the_menu_names_change_requests_short_enough_for_one_line():
    labels = {item.url_name: item.label for item in MAIN_NAVIGATION}
    with translation.override("ru"):
        assert str(labels["changes:list"]) == "Изменения"
    with translation.override("en"):
        assert str(labels["changes:list"]) == "Changes"
