"""The API refuses query parameters it cannot read (issue 15.6): ordering, page and page_size.

Before, DRF's OrderingFilter dropped an unknown field and returned the
default order as if obeyed; the pagination fell back to the default size
for an unreadable ``page_size`` and read ``１`` (a full-width one) as a page.
Each is now a 400 naming the parameter, and the schema says what is accepted.
"""

import pytest
from django.utils import translation

from accounts.models import Team
from tests.factories import TeamFactory
from tests.support.fuzz import openapi_document

pytestmark = pytest.mark.django_db

TEAMS = "/api/v1/teams/"


def _parameter(path: str, name: str) -> dict:
    operation = openapi_document()["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_an_unknown_ordering_field_is_a_400_naming_the_allowed_ones(api_as, admin_user):
    # given a list with several teams
    TeamFactory.create_batch(2)
    before = Team.objects.count()
    # when it is ordered by a field the list does not have
    response = api_as(admin_user).get(TEAMS, {"ordering": "nope,-name"})
    # then the request is refused, naming the unknown field and the allowed ones
    assert response.status_code == 400
    [message] = response.json()["ordering"]
    assert "'nope'" in message and "id, name" in message
    assert Team.objects.count() == before


def test_a_known_ordering_still_orders(api_as, admin_user):
    TeamFactory(name="Alpha")
    TeamFactory(name="Omega")
    names = [row["name"] for row in api_as(admin_user).get(TEAMS, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)


def test_a_computed_field_cannot_be_ordered_by(api_as, admin_user):
    # a view without ordering_fields offers its serializer's fields, only those the database can sort by
    allowed = _parameter(TEAMS, "ordering")["description"]
    for field in allowed.split(": ", 1)[1].split(". ")[0].split(", "):
        assert api_as(admin_user).get(TEAMS, {"ordering": field}).status_code == 200, field


def test_the_ordering_message_is_translated(api_as, admin_user):
    admin_user.language = "ru"
    admin_user.save(update_fields=["language"])
    response = api_as(admin_user).get(TEAMS, {"ordering": "nope"})
    assert response.status_code == 400
    with translation.override("ru"):
        assert "Неизвестное поле сортировки" in response.json()["ordering"][0]


def test_the_schema_lists_the_ordering_fields_as_a_pattern():
    schema = _parameter("/api/v1/expense-categories/", "ordering")["schema"]
    assert schema == {
        "type": "string",
        "pattern": "^-?(?:code|gl_account|id|name)(?:,-?(?:code|gl_account|id|name))*$",
    }


@pytest.mark.parametrize("value", ["abc", "-5", "0", "1.5", "１０", "1_0", "null", "-5e-324", " 5"])
def test_a_page_size_that_cannot_be_read_is_a_400(api_as, admin_user, value):
    response = api_as(admin_user).get(TEAMS, {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_large_page_size_is_capped_not_refused(api_as, admin_user):
    TeamFactory.create_batch(3)
    response = api_as(admin_user).get(TEAMS, {"page_size": "133984887866688176128"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == Team.objects.count()


@pytest.mark.parametrize("value", ["１", "1_0", "x", "0", "last"])
def test_a_page_that_cannot_be_read_is_a_400(api_as, admin_user, value):
    response = api_as(admin_user).get(TEAMS, {"page": value})
    assert response.status_code == 400
    assert "page" in response.json()


@pytest.mark.parametrize("page", ["99", "525121120866043232256"])
def test_a_page_past_the_last_is_still_a_404(api_as, admin_user, page):
    # any whole number is a page the schema allows, however large: past the last one, there is nothing
    assert api_as(admin_user).get(TEAMS, {"page": page}).status_code == 404


def test_the_schema_says_pages_start_at_one():
    assert _parameter(TEAMS, "page")["schema"] == {"type": "integer", "minimum": 1}
    assert _parameter(TEAMS, "page_size")["schema"] == {"type": "integer", "minimum": 1}


@pytest.mark.parametrize("value", ["１", "abc", "99999999999999999999", "1e3"])
def test_an_id_filter_of_filterset_fields_refuses_what_is_no_id(api_as, admin_user, value):
    # delegations filter by ``filterset_fields``: they now build on MRM's FilterSet, as declared filtersets do
    response = api_as(admin_user).get("/api/v1/delegations/", {"approver": value})
    assert response.status_code == 400
    assert "approver" in response.json()
    assert _parameter("/api/v1/delegations/", "approver")["schema"]["minimum"] == 1


@pytest.mark.parametrize("name", ["page", "page_size"])
def test_a_page_or_page_size_given_twice_is_a_400(api_as, admin_user, name):
    # ``?page=&page=x`` was read as its last value (here: none, the first page)
    response = api_as(admin_user).get(f"{TEAMS}?{name}=2&{name}=")
    assert response.status_code == 400
    assert response.json() == {name: ["Give one value, not 2."]}


@pytest.mark.parametrize("value", ["maybe", "yes please", "２", "tru"])
def test_a_yes_no_filter_refuses_a_value_it_cannot_read(api_as, approver, value):
    """Before, django-filter read ``?pending_for_me=maybe`` as no filter and listed everything."""
    response = api_as(approver).get("/api/v1/approval-requests/", {"pending_for_me": value})
    assert response.status_code == 400
    assert response.json()["pending_for_me"] == ["Enter true or false."]
    with translation.override("ru"):
        russian = api_as(approver).get(
            "/api/v1/approval-requests/", {"pending_for_me": value}, HTTP_ACCEPT_LANGUAGE="ru"
        )
    assert russian.json()["pending_for_me"] == ["Введите true или false."]


@pytest.mark.parametrize("value", ["true", "True", "1", "false", "0", "", "unknown"])
def test_a_yes_no_filter_reads_what_forms_and_clients_send(api_as, approver, marketer, value):
    assert api_as(approver).get("/api/v1/approval-requests/", {"pending_for_me": value}).status_code == 200
    assert api_as(marketer).get("/api/v1/campaigns/", {"confidential": value}).status_code == 200
