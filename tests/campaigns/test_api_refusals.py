"""Dates the campaigns API refuses instead of reading (issue 15.6), and what the list page does with them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["12/31/2026", "31.12.2026", "２０２６-01-01", "2026-1-5", "20260105"])
@pytest.mark.parametrize("url", ["/api/v1/campaigns/", "/api/v1/activities/"])
def test_a_date_filter_not_written_yyyy_mm_dd_is_a_400(api_as, marketer, draft_campaign, url, value):
    # given a date the schema's ``format: date`` refuses
    response = api_as(marketer).get(url, {"starts_after": value})
    # then the API refuses it and says how to write one
    assert response.status_code == 400
    assert response.json() == {"starts_after": ["Enter a valid date as YYYY-MM-DD, such as 2026-11-01."]}


def test_an_iso_date_still_filters(api_as, marketer, draft_campaign):
    running = api_as(marketer).get("/api/v1/campaigns/", {"starts_after": draft_campaign.end_date.isoformat()})
    assert [row["code"] for row in running.json()["results"]] == ["BR-001"]
    later = draft_campaign.end_date.replace(year=draft_campaign.end_date.year + 1)
    assert api_as(marketer).get("/api/v1/campaigns/", {"starts_after": later.isoformat()}).json()["count"] == 0


def test_the_list_page_says_how_to_write_a_date_it_cannot_read(client, marketer, draft_campaign):
    # the page's date inputs send YYYY-MM-DD; an address typed by hand in another form gets the page,
    # with the filter's message (as for any filter the page cannot read), not an error page
    client.force_login(marketer)
    response = client.get(reverse("campaigns:list"), {"starts_after": "12/31/2026"})
    assert response.status_code == 200
    assert "Enter a valid date as YYYY-MM-DD, such as 2026-11-01." in response.content.decode()
    filtered = client.get(reverse("campaigns:list"), {"starts_after": draft_campaign.end_date.isoformat()})
    assert "BR-001" in filtered.content.decode()
