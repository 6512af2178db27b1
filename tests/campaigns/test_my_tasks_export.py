"""My tasks can be exported (issue 17 item 2: every list), with the page's own selection."""

import csv
import io

import pytest
from django.urls import reverse

from tests.campaigns.factories import CampaignFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_my_tasks_export_holds_my_open_tasks_only(client, marketer, other_team_marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    mine = TaskFactory(campaign=campaign, assignee=marketer, title="Book the hall", done=False)
    TaskFactory(campaign=campaign, assignee=marketer, title="Already done", done=True)
    TaskFactory(campaign=campaign, assignee=other_team_marketer, title="Someone else's")
    client.force_login(marketer)
    page = client.get(reverse("campaigns:my_tasks"))
    # the menu links to the tasks API with the page's selection: mine, not done
    link = f"/api/v1/tasks/?assignee={marketer.pk}&amp;done=false&amp;format=csv&amp;dialect=en"
    assert link in page.content.decode()
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    text = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # the header and my one open task
    assert mine.title in rows[1]
    assert "Already done" not in text and "Someone else's" not in text
