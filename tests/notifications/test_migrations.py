"""Rows written before message keys existed: kept readable, linked to their subject, resolved where done.

The data migrations are run on rows shaped as the old code wrote them:
notifications with only a rendered title and body, system notes as English
or Russian sentences. One test runs the real migration graph backwards and
forwards; the others call each migration's function on such rows.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from help import services as help_services
from mrm.messages import render_note
from notifications.models import Notification
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def read_in_english():
    with translation.override("en"):
        yield


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def as_legacy(queryset):
    """Make notifications look as the old code left them: text only, nothing linked or resolved."""
    queryset.update(
        message_key="", params={}, subject_key="", resolved_at=None, resolution_key="", resolution_params={}
    )


@pytest.mark.django_db(transaction=True)
def test_the_schema_migration_keeps_old_notifications_readable(client):
    # given the database before message keys, with a notification as the old code wrote it
    executor = MigrationExecutor(connection)
    before = [
        ("notifications", "0001_initial"),
        ("approvals", "0002_status_labels"),
        ("changes", "0001_initial"),
        ("help", "0001_initial"),
    ]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldUser = old_apps.get_model("accounts", "User")
    OldNotification = old_apps.get_model("notifications", "Notification")
    reader = OldUser.objects.create(username="legacy-reader", language="ru", is_active=True)
    OldNotification.objects.create(recipient=reader, kind="decision", title="Decision: approved — Banner", body="Fine")
    # when migrating to today's schema
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then the row reads as it was written, in the page and in the API, with no key
    notice = Notification.objects.get()
    assert (notice.message_key, notice.params, notice.resolved_at) == ("", {}, None)
    assert notice.display_title == "Decision: approved — Banner" and notice.display_body == "Fine"
    user = type(notice.recipient).objects.get(pk=reader.pk)
    client.force_login(user)
    assert "Decision: approved — Banner" in client.get(reverse("notifications:list")).content.decode()
    call_command("migrate", verbosity=0)  # leave the schema whole for the next tests


def test_old_handover_reasons_in_the_campaign_history_become_keys(db, marketer):
    from tests.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(owner=marketer)
    campaign.history.update(history_change_reason="Handover from Lev Leaving")
    migration("campaigns", "0004_notes_as_message_keys").forwards(django_apps, None)
    reason = campaign.history.latest().history_change_reason
    with translation.override("ru"):
        assert render_note(reason) == "Передано от пользователя Lev Leaving"


def test_an_old_answer_notice_with_raw_markdown_is_rekeyed(db, team, client):
    from tests.help.factories import ask, make_champion

    asker = UserFactory(username="asker", roles=["marketer"], teams=[team])
    champion = make_champion(UserFactory(username="champ", roles=["marketer"], teams=[team]), team)
    question = ask(asker)
    help_services.question_answer(question=question, body="Open **Budgets**.", by=champion)
    as_legacy(Notification.objects.all())
    Notification.objects.filter(recipient=asker).update(
        title="Your question was answered by Champ", body="Open **Budgets**."
    )
    migration("help", "0002_question_notices_resolved").forwards(django_apps, None)
    answer = Notification.objects.get(recipient=asker)
    assert answer.message_key == "help.answered"
    assert "<strong>Budgets</strong>" in answer.body_html and answer.display_body == "Open Budgets."
    champion_notice = Notification.objects.get(recipient=champion)
    assert champion_notice.subject_key == f"help.question:{question.pk}" and champion_notice.resolved_at is not None
