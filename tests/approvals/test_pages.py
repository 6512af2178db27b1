"""Approval pages: inbox with one-click decisions (htmx), the request page, stand-ins, templates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.choices import RequestStatus
from approvals.models import Decision, Delegation, WorkflowTemplate
from approvals.services import approval_comment, approval_decide
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_inbox_lists_what_waits_on_me_with_one_click_decisions(client, open_request, legal):
    # given a request waits for legal
    client.force_login(legal)
    # when legal opens the inbox
    response = client.get(reverse("approvals:inbox"))
    # then the row is there with approve and request-changes buttons
    assert response.status_code == 200
    html = response.content.decode()
    assert open_request.subject_title in html
    assert 'data-testid="inbox-approve"' in html
    assert 'data-testid="inbox-request-changes"' in html


def test_the_inbox_marks_overdue_rows(client, open_request, legal):
    open_request.__class__.objects.filter(pk=open_request.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(legal)
    assert 'data-testid="overdue"' in client.get(reverse("approvals:inbox")).content.decode()


def test_requesting_changes_from_the_inbox_swaps_the_row_with_the_result(client, open_request, legal):
    client.force_login(legal)
    # when legal requests changes with a note, in one click (htmx)
    response = client.post(
        reverse("approvals:decide", args=[open_request.pk]),
        {"outcome": "request_changes", "note": "Bigger logo", "from": "inbox"},
        **HTMX,
    )
    # then the row comes back with the decision, and the request went back to the submitter
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="inbox-result"' in html
    assert "<tr" in html and "<html" not in html
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.CHANGES_REQUESTED
    assert Decision.objects.get().note == "Bigger logo"


def test_a_second_click_in_the_inbox_shows_the_reason_in_the_row(client, open_request, legal):
    client.force_login(legal)
    url = reverse("approvals:decide", args=[open_request.pk])
    client.post(url, {"outcome": "approve", "from": "inbox"}, **HTMX)
    # when the same row is submitted again (a double click, a stale tab)
    response = client.post(url, {"outcome": "request_changes", "from": "inbox"}, **HTMX)
    # then the row says why nothing happened, and only the first decision counts
    assert response.status_code == 200
    assert 'data-testid="inbox-error"' in response.content.decode()
    assert Decision.objects.count() == 1


def test_an_approver_of_a_later_stage_sees_the_request_but_cannot_decide_yet(client, open_request, approver):
    client.force_login(approver)  # the CMO's stage has not started
    assert open_request.subject_title not in client.get(reverse("approvals:inbox")).content.decode()
    page = client.get(open_request.get_absolute_url()).content.decode()
    assert 'data-testid="decision-form"' not in page
    response = client.post(
        reverse("approvals:decide", args=[open_request.pk]), {"outcome": "approve", "from": "inbox"}, **HTMX
    )
    assert 'data-testid="inbox-error"' in response.content.decode()
    assert not Decision.objects.exists()


def test_the_request_page_shows_decisions_first_and_comments_as_preliminary(client, open_request, legal, marketer):
    # given legal commented, then requested changes
    approval_comment(request=open_request, by=legal, body="Looks good so far")
    approval_decide(request=open_request, by=legal, outcome="request_changes", note="Fix the claim")
    client.force_login(marketer)
    # when the submitter opens the request
    html = client.get(open_request.get_absolute_url()).content.decode()
    # then the decision panel comes before the discussion, which is labelled preliminary
    assert html.index('data-testid="decision-panel"') < html.index('data-testid="discussion"')
    assert "Preliminary comments — not a decision" in html
    assert "Final outcome: changes requested (" in html
    assert "Fix the claim" in html and "Looks good so far" in html
    # and the submitter gets no decision buttons
    assert 'data-testid="decision-form"' not in html


def test_decision_buttons_show_only_for_who_may_decide(client, open_request, legal, marketer):
    client.force_login(legal)
    assert 'data-testid="decision-form"' in client.get(open_request.get_absolute_url()).content.decode()


def test_deciding_on_the_request_page(client, open_request, legal):
    client.force_login(legal)
    response = client.post(reverse("approvals:decide", args=[open_request.pk]), {"outcome": "approve", "note": "ok"})
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.current_stage.name == "CMO"


@pytest.mark.parametrize(
    "next_url, lands_on",
    [("/budgets/requests/review/", "/budgets/requests/review/"), ("https://evil.example/", None), ("", None)],
)
def test_a_decision_from_a_queue_returns_to_it_and_never_to_another_site(
    client, open_request, legal, next_url, lands_on
):
    client.force_login(legal)
    url = reverse("approvals:decide", args=[open_request.pk])
    response = client.post(url, {"outcome": "approve", "note": "ok", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == (lands_on or open_request.get_absolute_url())


def test_a_refused_decision_on_the_page_says_why_and_changes_nothing(client, open_request, marketer, team):
    teammate = UserFactory(username="teammate", roles=["marketer"], teams=[team])
    client.force_login(teammate)  # sees the subject, but is no approver
    response = client.post(reverse("approvals:decide", args=[open_request.pk]), {"outcome": "approve"})
    assert response.status_code == 403
    assert "Only an assigned approver" in response.content.decode()
    assert not Decision.objects.exists()


def test_commenting_on_the_page(client, open_request, marketer):
    client.force_login(marketer)
    response = client.post(reverse("approvals:comment", args=[open_request.pk]), {"body": "Deadline is Friday"})
    assert response.status_code == 302
    assert open_request.comments.get().body == "Deadline is Friday"
    empty = client.post(reverse("approvals:comment", args=[open_request.pk]), {"body": ""})
    assert empty.status_code == 400
    assert open_request.comments.count() == 1


def test_another_team_gets_404_on_the_request(client, open_request, other_team_marketer):
    client.force_login(other_team_marketer)
    assert client.get(open_request.get_absolute_url()).status_code == 404
    assert client.post(reverse("approvals:comment", args=[open_request.pk]), {"body": "x"}).status_code == 404


def test_withdrawing_from_the_page(client, open_request, marketer, legal):
    client.force_login(legal)
    assert client.post(reverse("approvals:cancel", args=[open_request.pk])).status_code == 403
    client.force_login(marketer)
    assert client.post(reverse("approvals:cancel", args=[open_request.pk]), {"note": "no"}).status_code == 302
    open_request.refresh_from_db()
    assert open_request.status == RequestStatus.CANCELLED


def test_the_confirm_page_records_why_a_request_is_still_needed(client, open_request, marketer, legal):
    url = reverse("approvals:confirm", args=[open_request.pk])
    client.force_login(legal)
    assert client.get(url).status_code == 403
    client.force_login(marketer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"note": ""}).status_code == 200
    assert client.post(url, {"note": "Event moved to June"}).status_code == 302
    open_request.refresh_from_db()
    assert open_request.stale_confirmation == "Event moved to June"


def test_the_request_list_filters_pending_for_me(client, open_request, legal, approver):
    client.force_login(legal)
    html = client.get(reverse("approvals:list"), {"pending_for_me": "true"}).content.decode()
    assert open_request.subject_title in html
    client.force_login(approver)  # sees it (a stage to come is his), but it does not wait on him yet
    assert open_request.subject_title in client.get(reverse("approvals:list")).content.decode()
    pending = client.get(reverse("approvals:list"), {"pending_for_me": "true"}).content.decode()
    assert open_request.subject_title not in pending


def test_an_approver_names_a_stand_in(client, legal):
    deputy = UserFactory(username="deputy", roles=["approver"])
    client.force_login(legal)
    today = timezone.localdate()
    response = client.post(
        reverse("approvals:delegations"),
        {"stand_in": deputy.pk, "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.approver, delegation.stand_in) == (legal, deputy)
    bad = client.post(
        reverse("approvals:delegations"),
        {"stand_in": deputy.pk, "starts_on": today.isoformat(), "ends_on": (today - dt.timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 200 and Delegation.objects.count() == 1
    assert client.post(reverse("approvals:delegation_end", args=[delegation.pk])).status_code == 302
    assert not Delegation.objects.exists()


def test_only_admins_edit_templates_in_the_app(client, marketer, admin_user, approver):
    client.force_login(marketer)
    assert client.get(reverse("approvals:templates")).status_code == 200
    assert client.get(reverse("approvals:template_create")).status_code == 403
    client.force_login(admin_user)
    data = {
        "name": "Launch review",
        "subject_kind": "campaign_launch",
        "description": "",
        "is_active": "on",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-order": "1",
        "stages-0-name": "CMO",
        "stages-0-mode": "any",
        "stages-0-approvers": [str(approver.pk)],
        "stages-0-sla_days": "3",
    }
    response = client.post(reverse("approvals:template_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    workflow = WorkflowTemplate.objects.get(name="Launch review")
    assert list(workflow.stages.values_list("name", "sla_days")) == [("CMO", 3)]
    assert list(workflow.stages.get().approvers.all()) == [approver]


def test_a_second_active_template_for_the_same_kind_is_refused_with_a_message(client, admin_user):
    WorkflowTemplateFactory(subject_kind="campaign_launch", name="Existing")
    client.force_login(admin_user)
    data = {
        "name": "Another",
        "subject_kind": "campaign_launch",
        "is_active": "on",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-order": "1",
        "stages-0-name": "CMO",
        "stages-0-mode": "any",
        "stages-0-sla_days": "3",
    }
    response = client.post(reverse("approvals:template_create"), data)
    assert response.status_code == 200
    assert WorkflowTemplate.objects.filter(subject_kind="campaign_launch").count() == 1


@pytest.mark.parametrize("name", ["approvals:inbox", "approvals:list", "approvals:delegations", "approvals:templates"])
def test_pages_ask_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_template_list_shows_stages(client, marketer, approver):
    workflow = WorkflowTemplateFactory(name="Funding", subject_kind="funding_request")
    StageFactory(template=workflow, order=1, name="Finance review", approvers=[approver])
    client.force_login(marketer)
    html = client.get(reverse("approvals:templates")).content.decode()
    assert "Funding" in html and "Finance review" in html


def test_the_request_list_filters_by_status_and_kind(client, open_request, marketer):
    client.force_login(marketer)
    url = reverse("approvals:list")
    assert open_request.subject_title in client.get(url, {"status": "in_progress"}).content.decode()
    assert open_request.subject_title not in client.get(url, {"status": "approved"}).content.decode()
    assert open_request.subject_title in client.get(url, {"subject_kind": "material_version"}).content.decode()
    assert open_request.subject_title not in client.get(url, {"subject_kind": "funding_request"}).content.decode()
    fragment = client.get(url, {"status": "in_progress"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and open_request.subject_title in fragment


def test_the_inbox_is_paged_oldest_first_and_counts_every_waiting_request(
    client, subjects, template, marketer, legal, monkeypatch
):
    # given three requests wait for legal, and the inbox shows two a page
    from approvals import views
    from approvals.services import approval_submit
    from tests.approvals.conftest import KIND
    from tests.factories import TeamFactory

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    titles = [
        approval_submit(subject=TeamFactory(name=f"Subject {n}"), kind=KIND, by=marketer).subject_title for n in "ABC"
    ]
    client.force_login(legal)
    # when legal opens the inbox, then its second page
    first = client.get(reverse("approvals:inbox")).content.decode()
    second = client.get(reverse("approvals:inbox"), {"page": 2}).content.decode()
    # then the heading counts all three, the oldest two come first and the third is on page 2
    assert "3 requests, oldest first" in first
    assert first.count('data-testid="inbox-row"') == 2 and second.count('data-testid="inbox-row"') == 1
    assert titles[0] in first and titles[1] in first and titles[2] in second
    assert "page=2" in first
