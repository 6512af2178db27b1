"""Journeys (issue 18 items 1 and 6): a checklist ticked, a dependency on the timeline, bulk on tasks, bulk from the board."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from campaigns import services
from campaigns.models import Campaign, ChecklistItem, Task
from tests.campaigns.factories import CampaignFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def default_channels(transactional_db):
    from campaigns.services import channels_ensure_defaults

    channels_ensure_defaults()


def test_a_step_of_a_tasks_checklist_is_added_and_ticked(page, live_server, sign_in, marketer, team, screenshot):
    campaign = CampaignFactory(code="CL-1", name="Spring launch", team=team, owner=marketer)
    task = TaskFactory(campaign=campaign, title="Write the brief", assignee=marketer)
    services.checklist_item_add(task=task, text="Outline", by=marketer)
    sign_in(page, marketer, next_path=campaign.get_absolute_url())
    row = page.locator(f"#task-{task.pk}")
    expect(row.get_by_test_id("checklist-progress")).to_have_text("0/1")
    row.get_by_text("Checklist").click()
    row.get_by_test_id("checklist-new").fill("Review with legal")
    row.get_by_role("button", name="Add step").click()
    row = page.locator(f"#task-{task.pk}")
    expect(row.get_by_test_id("checklist-progress")).to_have_text("0/2")
    row.get_by_role("button", name="Tick: Outline").click()
    expect(page.locator(f"#task-{task.pk}").get_by_test_id("checklist-progress")).to_have_text("1/2")
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("ticked by")
    screenshot(page, "task_checklist")
    ticked = ChecklistItem.objects.get(text="Outline")
    assert ticked.done and ticked.done_by == marketer
    # my tasks shows the same progress
    page.goto(live_server.url + "/campaigns/my-tasks/")
    expect(page.get_by_test_id("checklist-progress")).to_have_text("1/2")


def test_a_dependency_is_shown_on_the_timeline_and_blocks_completion(
    page, live_server, sign_in, marketer, team, screenshot
):
    start = dt.date.today()
    campaign = CampaignFactory(
        code="DEP-1", name="Webinar", team=team, owner=marketer, start_date=start, end_date=start + dt.timedelta(20)
    )
    brief = TaskFactory(campaign=campaign, title="Brief", due_date=start + dt.timedelta(2))
    mail = TaskFactory(campaign=campaign, title="Invitation mail", due_date=start + dt.timedelta(9))
    services.task_set_dependencies(task=mail, depends_on=[brief], by=marketer)
    sign_in(page, marketer, next_path=f"/campaigns/timeline/?start={start}&end={start + dt.timedelta(30)}")
    expect(page.get_by_test_id("timeline-arrow")).to_have_count(1)
    expect(page.get_by_test_id("timeline-after")).to_have_text("after Brief")
    screenshot(page, "task_dependencies_timeline")
    # on the campaign page the task says what it comes after, and cannot be done first
    page.goto(live_server.url + campaign.get_absolute_url())
    row = page.locator(f"#task-{mail.pk}")
    expect(row.get_by_test_id("task-after")).to_contain_text("after Brief")
    row.get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator(f"#task-{mail.pk}").get_by_test_id("task-error")).to_contain_text("Brief")
    page.mouse.move(0, 0)  # the pointer off the re-drawn button: the page is audited as it rests, not hovered
    assert not Task.objects.get(pk=mail.pk).done


def test_tick_tasks_in_my_tasks_and_mark_them_done_then_undo(page, live_server, sign_in, marketer, team, screenshot):
    campaign = CampaignFactory(code="MT-1", team=team, owner=marketer)
    tasks = [TaskFactory(campaign=campaign, title=f"Deliverable {n}", assignee=marketer) for n in range(3)]
    sign_in(page, marketer, next_path="/campaigns/my-tasks/")
    bar = page.get_by_test_id("task-bulk-bar")
    bar.get_by_label("Action").select_option("status")
    expect(bar.get_by_label("Shift by days")).to_be_hidden()
    page.get_by_label("Select Deliverable 0").check()
    page.get_by_label("Select Deliverable 2").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("(2)")
    bar.get_by_label("New status").select_option("done")
    screenshot(page, "task_bulk")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 tasks changed")
    assert set(Task.objects.filter(done=True).values_list("pk", flat=True)) == {tasks[0].pk, tasks[2].pk}
    page.get_by_test_id("bulk-undo").click()
    expect(page.get_by_role("heading", name=re.compile("Bulk change undone"))).to_be_visible()
    assert not Task.objects.filter(done=True).exists()


def test_tick_cards_on_the_board_and_tag_them(page, live_server, sign_in, marketer, team, screenshot):
    for n in range(3):
        CampaignFactory(code=f"BRD-{n}", name=f"Board wave {n}", team=team, owner=marketer)
    sign_in(page, marketer, next_path="/campaigns/board/")
    bar = page.get_by_test_id("bulk-bar")
    bar.get_by_label("Action").select_option("tags")
    page.get_by_label("Select BRD-0").check()
    page.get_by_label("Select BRD-1").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("(2)")
    bar.get_by_label("Add tags").fill("autumn")
    screenshot(page, "campaign_board_bulk")
    bar.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("2 campaigns changed")
    assert set(Campaign.objects.filter(tags__contains="autumn").values_list("code", flat=True)) == {"BRD-0", "BRD-1"}
