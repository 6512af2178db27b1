"""``/api/v1/attachments/`` per role, and the attachments card on the campaign and funding request pages."""

import pytest
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_add
from tests.attachments.samples import brief, image_bytes, quote, upload
from tests.budgets.factories import ExpenseFactory, FundingRequestFactory
from tests.campaigns.factories import TaskFactory

pytestmark = pytest.mark.django_db


def post(client, kind, obj, file):
    return client.post("/api/v1/attachments/", {"target_type": kind, "target_id": obj.pk, "file": file})


def test_the_campaign_team_attaches_and_everyone_who_reads_downloads(api_as, campaign, marketer, approver):
    # given a marketer of the campaign's team attaching a brief
    response = post(api_as(marketer), "campaign", campaign, brief())
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("target_type", "target_id", "name", "content_type", "uploaded_by", "removed_at")} == {
        "target_type": "campaign",
        "target_id": campaign.pk,
        "name": "Brief_v2.pdf",
        "content_type": "application/pdf",
        "uploaded_by": marketer.pk,
        "removed_at": None,
    }
    # when an approver (a reader) lists the campaign's attachments and downloads one
    reader = api_as(approver)
    listed = reader.get("/api/v1/attachments/", {"target_type": "campaign", "target_id": campaign.pk}).json()
    download = reader.get(body["download_url"])
    # then
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;") and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("role", ["approver", "finance_user", "leadership_user"])
def test_readers_who_may_not_edit_get_403(request, api_as, campaign, marketer, role):
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    client = api_as(request.getfixturevalue(role))
    assert post(client, "campaign", campaign, brief()).status_code == 403
    assert client.delete(f"/api/v1/attachments/{attachment.pk}/").status_code == 403
    assert client.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 200


def test_another_teams_user_gets_404_exactly_as_for_a_missing_object(
    api_as, client, secret, other_team_marketer, marketer
):
    hidden = attachment_add(target_type="campaign", target_id=secret.pk, file=brief(), by=other_team_marketer)
    api = api_as(marketer)
    missing_id = hidden.pk + 1000
    for path in ("/api/v1/attachments/{}/",):
        hidden_answer, missing_answer = api.get(path.format(hidden.pk)), api.get(path.format(missing_id))
        assert hidden_answer.status_code == missing_answer.status_code == 404
        assert hidden_answer.json() == missing_answer.json()
    assert api.delete(f"/api/v1/attachments/{hidden.pk}/").status_code == 404
    assert api.get("/api/v1/attachments/").json()["count"] == 0
    refused, absent = post(api, "campaign", secret, brief()), post(api, "campaign", type(secret)(pk=999999), brief())
    assert refused.status_code == absent.status_code == 400 and refused.json() == absent.json()
    client.force_login(marketer)
    assert client.get(reverse("attachments:download", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[missing_id])).status_code == 404


def test_anonymous_gets_401(api_client, campaign):
    assert api_client.get("/api/v1/attachments/").status_code in (401, 403)
    assert post(api_client, "campaign", campaign, brief()).status_code in (401, 403)


def test_a_refused_type_is_a_400_with_a_field_message(api_as, campaign, marketer):
    response = post(api_as(marketer), "campaign", campaign, upload("tool.exe", b"MZ\x90\x00" + b"\x00" * 60))
    assert response.status_code == 400
    assert "cannot be attached" in response.json()["file"][0]


def test_deleting_removes_and_keeps_it_in_history(api_as, campaign, marketer, approver):
    client = api_as(marketer)
    attachment_id = post(client, "campaign", campaign, brief()).json()["id"]
    assert client.delete(f"/api/v1/attachments/{attachment_id}/").status_code == 204
    assert client.delete(f"/api/v1/attachments/{attachment_id}/").status_code == 409
    assert client.get("/api/v1/attachments/").json()["count"] == 0
    removed = client.get("/api/v1/attachments/", {"removed": "true"}).json()["results"]
    assert [(row["id"], row["removed_by"]) for row in removed] == [(attachment_id, marketer.pk)]
    # the file is kept: its object's editors may still fetch it, readers no longer
    assert client.get(removed[0]["download_url"]).status_code == 200
    assert api_as(approver).get(removed[0]["download_url"]).status_code == 404


def test_finance_attaches_invoices_to_any_campaigns_expenses(api_as, campaign, finance_user, other_team_marketer):
    expense = ExpenseFactory(funding_request__campaign=campaign)
    assert post(api_as(finance_user), "expense", expense, quote()).status_code == 201
    # another team's marketer reads no money of this campaign
    assert post(api_as(other_team_marketer), "expense", expense, quote()).status_code == 400


def test_the_list_refuses_an_id_that_is_not_a_whole_number(api_as, marketer):
    assert api_as(marketer).get("/api/v1/attachments/", {"target_id": "12.5"}).status_code == 400
    assert api_as(marketer).get("/api/v1/attachments/", {"target_id": "12"}).status_code == 200


def test_the_list_costs_the_same_queries_for_few_and_many(api_as, campaign, marketer, django_assert_max_num_queries):
    client = api_as(marketer)
    attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    client.get("/api/v1/attachments/")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/attachments/")
    for _ in range(12):
        task = TaskFactory(campaign=campaign)
        attachment_add(target_type="task", target_id=task.pk, file=brief(), by=marketer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/attachments/").json()["count"] == 13


# --- the card on the pages ------------------------------------------------------------------


def test_the_campaign_page_shows_the_card_and_takes_several_files_at_once(client, campaign, marketer):
    client.force_login(marketer)
    page = client.get(campaign.get_absolute_url())
    assert b'data-testid="attachments"' in page.content and b"attachments.js" in page.content
    url = reverse("campaigns:attachments", args=[campaign.pk])
    files = [brief(), upload("photo.png", image_bytes("PNG")), upload("tool.exe", b"MZ" + b"\x00" * 60)]
    answer = client.post(url, {"about": f"campaign:{campaign.pk}", "file": files}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200  # htmx swaps only 2xx: the refusal of one file is in the card
    assert "2 files attached." in answer.content.decode()
    assert "tool.exe: This type of file cannot be attached." in answer.content.decode()
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["Brief_v2.pdf", "photo.png"]


def test_without_htmx_the_card_redirects_back_with_messages(client, campaign, marketer):
    client.force_login(marketer)
    url = reverse("campaigns:attachments", args=[campaign.pk])
    answer = client.post(url, {"about": f"campaign:{campaign.pk}", "file": [brief()]})
    assert answer.status_code == 302 and answer["Location"].endswith("#attachments")


def test_removing_from_the_card_keeps_it_in_the_history_list(client, campaign, marketer):
    attachment = attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    client.force_login(marketer)
    url = reverse("campaigns:attachments", args=[campaign.pk])
    answer = client.post(url, {"remove": attachment.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "stays in the history" in answer and 'data-testid="attachment-removed"' in answer


def test_a_reader_sees_the_files_but_no_upload_form(client, campaign, marketer, approver):
    attachment_add(target_type="campaign", target_id=campaign.pk, file=brief(), by=marketer)
    client.force_login(approver)
    card = client.get(reverse("campaigns:attachments", args=[campaign.pk])).content.decode()
    assert "Brief_v2.pdf" in card and 'data-testid="attachment-form"' not in card
    assert 'data-testid="attachment-remove"' not in card
    answer = client.post(
        reverse("campaigns:attachments", args=[campaign.pk]),
        {"about": f"campaign:{campaign.pk}", "file": [brief()]},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200 and "not attach files" in answer.content.decode()
    assert Attachment.objects.count() == 1


def test_the_card_only_attaches_to_the_pages_own_objects(client, campaign, secret, marketer):
    client.force_login(marketer)
    answer = client.post(
        reverse("campaigns:attachments", args=[campaign.pk]),
        {"about": f"campaign:{secret.pk}", "file": [brief()]},
        HTTP_HX_REQUEST="true",
    )
    assert "own objects" in answer.content.decode()
    assert not Attachment.objects.exists()


def test_the_funding_request_page_has_the_card(client, campaign, marketer):
    request = FundingRequestFactory(campaign=campaign)
    expense = ExpenseFactory(funding_request=request, campaign=campaign)
    attachment_add(target_type="expense", target_id=expense.pk, file=quote(), by=marketer)
    client.force_login(marketer)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="attachments"' in page and "quote.xlsx" in page
    card = client.post(
        reverse("budgets:request_attachments", args=[request.pk]),
        {"about": f"funding_request:{request.pk}", "file": [brief()]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "1 file attached." in card and "Brief_v2.pdf" in card


def test_the_campaign_history_tells_who_attached_and_removed_what(client, campaign, marketer):
    task = TaskFactory(campaign=campaign, title="Key visual")
    attachment = attachment_add(target_type="task", target_id=task.pk, file=brief(), by=marketer)
    from attachments.services import attachment_remove

    attachment_remove(attachment=attachment, by=marketer)
    client.force_login(marketer)
    page = client.get(campaign.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') :]
    assert "File «Brief_v2.pdf» removed" in history and "File «Brief_v2.pdf» attached" in history
    assert "on Key visual" in history
