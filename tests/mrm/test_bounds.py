"""Bounds every input is held to (issue 15.1): money digits, JSON bodies, path ids, the date window."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mrm import bounds
from tests.campaigns.factories import CampaignFactory, TaskFactory

HOSTILE_NUMBERS = [
    "١٠٠",  # Arabic-Indic
    "१००",  # Devanagari
    "１００",  # full-width
    "1_000",
    "1e5",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "0x10",
    "",
    " ",
]


# --- money and decimals --------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_only_ascii_digits_are_a_decimal(text):
    assert bounds.parse_decimal(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1500.00", Decimal("1500.00")),
        ("-12.5", Decimal("-12.5")),
        (" 7 ", Decimal("7")),
        (12, Decimal("12")),
        (12.25, Decimal("12.25")),
        (Decimal("3.10"), Decimal("3.10")),
        (".5", Decimal(".5")),
    ],
)
def test_decimals_as_people_and_programs_write_them(value, expected):
    assert bounds.parse_decimal(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e20, True, None, [], Decimal("NaN")])
def test_what_no_program_means_as_an_amount(value):
    assert bounds.parse_decimal(value) is None


def test_money_fits_the_money_columns():
    assert bounds.parse_money("999999999999.99") == Decimal("999999999999.99")
    assert bounds.parse_money("1000000000000.00") is None  # 13 integer digits: beyond DecimalField(14, 2)
    assert bounds.parse_money("1.005") is None  # three decimals
    assert bounds.parse_money("5") == Decimal("5.00")


@pytest.mark.parametrize("text", HOSTILE_NUMBERS[:7])
def test_the_shared_form_field_refuses_other_digits_with_a_message(text):
    field = bounds.DecimalFormField(max_digits=14, decimal_places=2)
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    assert "digits 0–9" in caught.value.messages[0]


def test_the_shared_form_field_reads_localized_amounts():
    field = bounds.DecimalFormField(max_digits=14, decimal_places=2, localize=True)
    with dt_translation("ru"):
        assert field.clean("1\xa0500,50") == Decimal("1500.50")


def dt_translation(language):
    from django.utils import translation

    return translation.override(language)


@pytest.mark.parametrize("text", HOSTILE_NUMBERS[:7])
def test_the_shared_serializer_field_refuses_other_digits(text):
    from rest_framework.exceptions import ValidationError as DRFValidationError

    field = bounds.DecimalSerializerField(max_digits=14, decimal_places=2)
    with pytest.raises(DRFValidationError):
        field.run_validation(text)


# --- the date window -------------------------------------------------------------------------


def test_the_window_is_2000_to_2100_and_configurable(settings):
    assert bounds.date_window() == (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    bounds.validate_date_in_window(dt.date(2100, 12, 31))
    with pytest.raises(ValidationError, match="between 2000-01-01 and 2100-12-31"):
        bounds.validate_date_in_window(dt.date(9999, 12, 31))
    settings.MRM_DATE_MIN_YEAR, settings.MRM_DATE_MAX_YEAR = 1990, 2050
    bounds.validate_date_in_window(dt.date(1995, 1, 1))
    with pytest.raises(ValidationError):
        bounds.validate_date_in_window(dt.date(2051, 1, 1))


def test_the_window_message_is_translated():
    from django.utils import translation

    with translation.override("ru"):
        with pytest.raises(ValidationError) as caught:
            bounds.validate_date_in_window(dt.date(1, 1, 1))
        assert caught.value.messages == ["Укажите дату с 2000-01-01 по 2100-12-31."]


def test_the_day_after_the_last_possible_date_does_not_overflow():
    assert bounds.day_after(dt.date(9999, 12, 31)) == dt.date(2101, 1, 1)
    assert bounds.clamp_date(dt.date(1, 1, 1)) == dt.date(2000, 1, 1)


# --- JSON request bodies -----------------------------------------------------------------------


@pytest.fixture
def task(db, team, marketer):
    return TaskFactory(campaign=CampaignFactory(team=team, owner=marketer), title="Brief the agency")


def patch_raw(client, url, text):
    return client.generic("PATCH", url, text, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["null", "7", "true", '"text"', "[{}]", "[]"])
def test_a_body_that_is_not_an_object_is_a_400(api_as, marketer, task, body):
    response = patch_raw(api_as(marketer), f"/api/v1/tasks/{task.pk}/", body)
    assert response.status_code == 400, response.content
    assert "JSON object" in response.json()["detail"]
    task.refresh_from_db()
    assert task.title == "Brief the agency"


@pytest.mark.django_db
def test_an_array_nested_30000_deep_is_a_400(api_as, marketer, task):
    body = "[" * 30000 + "]" * 30000
    response = patch_raw(api_as(marketer), f"/api/v1/tasks/{task.pk}/", '{"title": ' + body + "}")
    assert response.status_code == 400
    assert "deeper than 32" in response.json()["detail"]


@pytest.mark.django_db
def test_an_object_nested_200_deep_is_a_400(api_as, marketer, task):
    nested = {}
    for _ in range(200):
        nested = {"a": nested}
    response = api_as(marketer).patch(f"/api/v1/tasks/{task.pk}/", {"extra": nested}, format="json")
    assert response.status_code == 400
    assert "deeper than 32" in response.json()["detail"]


NUL_MESSAGE = "The JSON body contains a NUL character (\\u0000)."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"title": "a\x00b"}, {"title": [NUL_MESSAGE]}),
        ({"unknown": ["x", {"y": "\x00"}]}, {"unknown": [NUL_MESSAGE]}),
        ({"unknown\x00": 1}, {"detail": NUL_MESSAGE}),
    ],
    ids=["value", "deep", "key"],
)
def test_a_nul_character_anywhere_is_a_400(api_as, marketer, task, body, expected):
    response = api_as(marketer).patch(f"/api/v1/tasks/{task.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == expected
    task.refresh_from_db()
    assert task.title == "Brief the agency"


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["1e309", "-1e309", "NaN", "Infinity"])
def test_a_number_beyond_a_float_is_a_400(api_as, marketer, team, number):
    body = '{"name": "X", "team": ' + number + ', "start_date": "2026-09-01", "end_date": "2026-09-02"}'
    response = api_as(marketer).generic("POST", "/api/v1/campaigns/", body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.django_db
def test_parse_errors_are_translated(api_as, marketer, task):
    marketer.language = "ru"
    marketer.save()
    response = patch_raw(api_as(marketer), f"/api/v1/tasks/{task.pk}/", "null")
    assert response.status_code == 400
    assert response.json()["detail"] == "Тело запроса должно быть объектом JSON ({…})."


@pytest.mark.django_db
def test_a_valid_patch_still_works(api_as, marketer, task):
    response = api_as(marketer).patch(f"/api/v1/tasks/{task.pk}/", json.loads('{"title": "Brief them"}'), format="json")
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.title == "Brief them"


# --- path ids ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path_id", ["１", "٣", "1_0", "99999999999999999999", "0"])
def test_a_path_id_is_ascii_digits_within_range(api_as, marketer, team, path_id):
    campaign = CampaignFactory(team=team, owner=marketer)
    client = api_as(marketer)
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
    response = client.get(f"/api/v1/campaigns/{path_id}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_full_width_one_is_not_campaign_one(api_as, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    full_width = "".join(chr(ord("０") + int(d)) for d in str(campaign.pk))
    assert api_as(marketer).get(f"/api/v1/campaigns/{full_width}/").status_code == 404


# --- materials ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_material_without_a_kind_is_a_400(api_as, marketer, team):
    campaign = CampaignFactory(team=team, owner=marketer)
    response = api_as(marketer).post("/api/v1/materials/", {"campaign": campaign.pk, "title": "Banner"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()


# --- ids in query strings of pages and the calendar --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["９", "²", "99999999999999999999"])
def test_a_calendar_filter_id_is_ascii_digits(api_as, marketer, value):
    response = api_as(marketer).get(
        "/api/v1/calendar/events/", {"start": "2026-01-01", "end": "2026-01-31", "team": value}
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999", "９"])
def test_page_query_ids_that_are_no_ids_are_ignored(client, marketer, finance_user, value):
    from django.urls import reverse

    client.force_login(finance_user)
    assert client.get(reverse("budgets:actuals"), {"batch": value}).status_code == 200
    client.force_login(marketer)
    assert client.get(reverse("materials:create"), {"campaign": value}).status_code == 200
    assert client.get(reverse("budgets:request_create"), {"campaign": value}).status_code == 200


@pytest.mark.django_db
def test_a_generated_decimal_filter_reads_ascii_digits_only():
    from budgets.models import FundingRequest
    from mrm.filters import FilterSet

    class AmountFilter(FilterSet):
        class Meta:
            model = FundingRequest
            fields = {"amount": ["gte"]}

    assert not AmountFilter({"amount__gte": "١٠٠"}, queryset=FundingRequest.objects.all()).is_valid()
    assert AmountFilter({"amount__gte": "100.50"}, queryset=FundingRequest.objects.all()).is_valid()
