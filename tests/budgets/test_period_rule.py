"""The fiscal period of a funding request is proposed from its campaign's dates and must overlap them
(issue 14 item 7, PRODUCT.md §4): one rule in the service, met by the form, the API and the demo."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.models import FundingRequest
from budgets.selectors import period_fits_campaign, proposed_period
from campaigns.services import campaign_update
from tests.budgets.factories import FiscalPeriodFactory, FiscalYearFactory
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def q4_2026(db):
    year = FiscalYearFactory(name="FY2026", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    return FiscalPeriodFactory(
        year=year, name="Q4 2026", start_date=datetime.date(2026, 10, 1), end_date=datetime.date(2026, 12, 31)
    )


@pytest.fixture
def q2(fiscal_year):
    return FiscalPeriodFactory(
        year=fiscal_year, name="Q2 2027", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2027, 6, 30)
    )


def selected(body: str, name: str) -> list[str]:
    """The values chosen in the page's select ``name``."""
    select = body.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def values(campaign, category, period, **extra):
    return {
        "campaign": campaign,
        "category": category,
        "period": period,
        "amount": Decimal("1000.00"),
        "justification": "Search ads",
        **extra,
    }


# --- proposing a period ---------------------------------------------------------------------------------


def test_the_period_containing_the_campaigns_start_is_proposed(team, marketer, q4_2026, q1, q2):
    # given a campaign from 15 March to 20 May 2027 (Q1 and Q2)
    campaign = CampaignFactory(
        team=team, owner=marketer, start_date=datetime.date(2027, 3, 15), end_date=datetime.date(2027, 5, 20)
    )
    # then Q1, where it starts, is proposed; both overlap it, Q4 2026 does not
    assert proposed_period(campaign) == q1
    assert period_fits_campaign(q1, campaign) and period_fits_campaign(q2, campaign)
    assert not period_fits_campaign(q4_2026, campaign)


def test_a_campaign_starting_before_any_period_gets_the_first_overlapping_one(team, marketer, q1, q2):
    # given no period for December 2026, and a campaign from 10 December 2026 to 10 February 2027
    campaign = CampaignFactory(
        team=team, owner=marketer, start_date=datetime.date(2026, 12, 10), end_date=datetime.date(2027, 2, 10)
    )
    # then the first period it overlaps is proposed
    assert proposed_period(campaign) == q1


def test_no_period_is_proposed_when_none_overlaps(team, marketer, q1):
    campaign = CampaignFactory(
        team=team, owner=marketer, start_date=datetime.date(2028, 5, 1), end_date=datetime.date(2028, 6, 1)
    )
    assert proposed_period(campaign) is None


def test_a_campaign_without_dates_has_nothing_to_contradict(q1):
    # decided in docs/BUDGETS.md: dates are required, a row without them (legacy) is not checked
    undated = CampaignFactory.build(start_date=None, end_date=None)
    assert proposed_period(undated) is None
    assert period_fits_campaign(q1, undated)


# --- the rule in the service ---------------------------------------------------------------------------


def test_a_request_for_a_2027_campaign_is_refused_in_a_2026_period(campaign, category, marketer, q4_2026, q1):
    # given the spring 2027 campaign (February–March 2027)
    # when its marketer asks for money in Q4 2026
    with pytest.raises(ValidationError) as refused:
        services.funding_request_create(by=marketer, **values(campaign, category, q4_2026))
    # then the period is refused, saying the campaign's dates and which period fits
    message = refused.value.message_dict["period"][0]
    assert "Q4 2026" in message and "SPRING-27" in message and "choose Q1 2027" in message
    assert not FundingRequest.objects.exists()


def test_a_period_without_a_fitting_alternative_says_finance_must_add_one(campaign, category, marketer, q4_2026):
    with pytest.raises(ValidationError) as refused:
        services.funding_request_create(by=marketer, **values(campaign, category, q4_2026))
    assert "no fiscal period covers the campaign's dates yet" in refused.value.message_dict["period"][0]


def test_any_overlapping_period_is_accepted(team, marketer, category, q1, q2):
    # given a campaign over the turn of the quarter
    campaign = CampaignFactory(
        team=team, owner=marketer, start_date=datetime.date(2027, 3, 20), end_date=datetime.date(2027, 4, 10)
    )
    # then a request may be booked in either quarter
    first = services.funding_request_create(by=marketer, **values(campaign, category, q1))
    second = services.funding_request_create(by=marketer, **values(campaign, category, q2))
    assert (first.period, second.period) == (q1, q2)


def test_editing_a_draft_into_a_period_outside_the_campaign_is_refused(make_request, marketer, q4_2026, q1):
    # given a draft in Q1 2027
    draft = make_request("1000.00")
    # when its period is changed to Q4 2026
    with pytest.raises(ValidationError) as refused:
        services.funding_request_update(funding_request=draft, by=marketer, period=q4_2026)
    # then nothing changes
    assert "period" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.period == q1


def test_submitting_checks_the_rule_again_after_the_campaign_moved(make_request, marketer, campaign, funding_workflow):
    # given a draft in Q1 2027, then the campaign moved to the autumn
    draft = make_request("1000.00")
    campaign_update(
        campaign=campaign, by=marketer, start_date=datetime.date(2027, 9, 1), end_date=datetime.date(2027, 10, 31)
    )
    # when the draft is submitted, it is refused and stays a draft
    with pytest.raises(ValidationError) as refused:
        services.funding_request_submit(funding_request=draft, by=marketer)
    assert "period" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- the form ------------------------------------------------------------------------------------------


def test_the_form_proposes_the_period_from_the_campaigns_dates(client, marketer, campaign, q4_2026, q1, q2):
    # given the marketer opens the form from the campaign's page
    client.force_login(marketer)
    body = client.get("/budgets/requests/new/", {"campaign": campaign.pk}).content.decode()
    # then Q1 2027, where the campaign starts, is chosen, and the panel says why
    assert selected(body, "period") == [str(q1.pk)]
    assert "Proposed period: Q1 2027." in body


def test_the_only_campaign_on_offer_is_chosen_with_its_period(client, marketer, campaign, q1):
    # given the marketer's teams run one open campaign
    client.force_login(marketer)
    body = client.get("/budgets/requests/new/").content.decode()
    # then it is chosen, and its period proposed
    assert selected(body, "campaign") == [str(campaign.pk)]
    assert selected(body, "period") == [str(q1.pk)]


def test_several_campaigns_are_left_to_choose(client, marketer, campaign, other_campaign, q1):
    client.force_login(marketer)
    body = client.get("/budgets/requests/new/").content.decode()
    assert selected(body, "campaign") == [""]
    assert selected(body, "period") == [""]


def test_the_form_refuses_a_period_outside_the_campaign_on_the_period_field(
    client, marketer, campaign, category, q4_2026, q1
):
    client.force_login(marketer)
    response = client.post(
        "/budgets/requests/new/",
        {
            "campaign": campaign.pk,
            "period": q4_2026.pk,
            "category": category.pk,
            "amount": "1000.00",
            "justification": "Search ads",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "choose Q1 2027" in form.errors["period"][0]
    assert not FundingRequest.objects.exists()


def test_editing_on_the_page_into_a_wrong_period_is_refused(client, marketer, make_request, category, q4_2026, q1):
    draft = make_request("1000.00")
    client.force_login(marketer)
    response = client.post(
        f"/budgets/requests/{draft.pk}/edit/",
        {
            "campaign": draft.campaign_id,
            "period": q4_2026.pk,
            "category": category.pk,
            "amount": "1000.00",
            "justification": "Search ads",
        },
    )
    assert response.status_code == 400 and "period" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.period == q1


def test_the_live_panel_warns_before_saving(client, marketer, campaign, category, q4_2026, q1):
    client.force_login(marketer)
    body = client.get(
        "/budgets/requests/budget-info/",
        {"campaign": campaign.pk, "period": q4_2026.pk, "category": category.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-testid="period-mismatch"' in body and "Q4 2026 does not overlap the campaign" in body
    fitting = client.get(
        "/budgets/requests/budget-info/",
        {"campaign": campaign.pk, "period": q1.pk, "category": category.pk},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'data-testid="period-mismatch"' not in fitting


@pytest.fixture
def back_to_english():
    from django.utils import translation

    yield
    translation.activate("en")


def test_the_refusal_speaks_russian(client, marketer, campaign, category, q4_2026, q1, back_to_english):
    marketer.language = "ru"
    marketer.save()
    client.force_login(marketer)
    client.cookies["django_language"] = "ru"
    response = client.post(
        "/budgets/requests/new/",
        {
            "campaign": campaign.pk,
            "period": q4_2026.pk,
            "category": category.pk,
            "amount": "1000.00",
            "justification": "Контекстная реклама",
        },
    )
    message = response.context["form"].errors["period"][0]
    assert "не пересекается с кампанией SPRING-27" in message and "Q1 2027" in message


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_refuses_a_period_outside_the_campaign_with_a_400(api_as, marketer, campaign, category, q4_2026, q1):
    client = api_as(marketer)
    response = client.post(
        "/api/v1/funding-requests/",
        {
            "campaign": campaign.pk,
            "category": category.pk,
            "period": q4_2026.pk,
            "amount": "1000.00",
            "justification": "Search ads",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "choose Q1 2027" in response.json()["period"][0]
    assert not FundingRequest.objects.exists()


def test_the_api_refuses_moving_a_draft_out_of_the_campaigns_dates(
    api_as, marketer, make_request, q4_2026, q1, back_to_english
):
    draft = make_request("1000.00")
    client = api_as(marketer)
    response = client.patch(
        f"/api/v1/funding-requests/{draft.pk}/", {"period": q4_2026.pk}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert "не пересекается" in response.json()["period"][0]
    draft.refresh_from_db()
    assert draft.period == q1
