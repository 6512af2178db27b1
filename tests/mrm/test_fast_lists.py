"""``mrm.fast_lists``: a serializer's list compiled per response writes exactly what DRF writes.

Every kind of field and source the API's lists use, and the irregular cases
that must fall back to DRF's own code: a ``None`` along a dotted source (the
field's default, ``None`` or no key at all), a relation not prefetched, a
decimal that needs rounding, a naive date-time, a field or serializer with
its own ``to_representation``.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from campaigns.api.serializers import TagListField
from campaigns.models import Campaign, Channel
from mrm.fast_lists import FastListSerializer, represent_rows, same_as_drf
from tests.campaigns.factories import CampaignFactory
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


class CampaignShape(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name")
    sponsor_name = serializers.CharField(source="sponsor.full_name", default=None, allow_null=True)
    sponsor_email = serializers.CharField(source="sponsor.email", allow_null=True)
    parent_code = serializers.CharField(source="parent.code", required=False)
    url = serializers.CharField(source="get_absolute_url")
    rounded_cost = serializers.DecimalField(source="planned_cost", max_digits=14, decimal_places=1)
    cost_as_number = serializers.DecimalField(
        source="planned_cost", max_digits=14, decimal_places=2, coerce_to_string=False
    )
    tags = TagListField()
    channels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    shouting = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "code", "name", "team", "team_name", "owner", "sponsor", "sponsor_name", "sponsor_email",
            "parent", "parent_code", "channels", "start_date", "end_date", "planned_cost", "rounded_cost",
            "cost_as_number", "confidential", "tags", "status", "url", "shouting", "created_at", "updated_at",
        ]  # fmt: skip
        list_serializer_class = FastListSerializer

    def get_shouting(self, campaign) -> str:
        return campaign.name.upper() + self.context.get("suffix", "")


@pytest.fixture
def campaigns():
    """Cyrillic names, no sponsor, a parent, channels, tags, costs with and without cents, a confidential one."""
    team = TeamFactory(name="Команда «Север»")
    parent = CampaignFactory(team=team, code="ПАР-1", name="Родитель", planned_cost=Decimal("0.00"))
    channels = list(Channel.objects.all()[:2]) or []
    return [
        parent,
        CampaignFactory(
            team=team, parent=parent, sponsor=None, name="Весна «27» & <скидки>", tags="весна, b2b",
            planned_cost=Decimal("1234567.89"), channels=channels,
        ),
        CampaignFactory(team=team, confidential=True, planned_cost=Decimal("0.05")),
        CampaignFactory(sponsor=UserFactory(display_name="", first_name="", last_name="", username="s-only")),
    ]  # fmt: skip


def test_a_compiled_list_writes_what_drf_writes_in_the_readers_time_zone(campaigns):
    # given: the rows as a list fetches them, and a reader in Vladivostok
    rows = list(Campaign.objects.select_related("team", "sponsor", "parent").prefetch_related("channels"))
    timezone.activate(zoneinfo.ZoneInfo("Asia/Vladivostok"))
    try:
        # when: both serialise them
        fast, drf = same_as_drf(CampaignShape, rows, context={"suffix": "!"})
    finally:
        timezone.deactivate()
    # then: the same, field by field and key by key
    assert fast == drf
    assert [list(row) for row in fast] == [list(row) for row in drf]
    by_code = {row["code"]: row for row in fast}
    child = next(row for row in fast if row["parent"] is not None)
    assert child["sponsor_name"] is None and child["sponsor_email"] is None
    assert child["parent_code"] == "ПАР-1"
    assert "parent_code" not in by_code["ПАР-1"]  # not required and missing: no key, as DRF
    assert child["rounded_cost"] == "1234567.9" and child["cost_as_number"] == Decimal("1234567.89")
    assert child["tags"] == ["весна", "b2b"]
    assert child["created_at"].endswith("+10:00")
    assert child["shouting"] == "ВЕСНА «27» & <СКИДКИ>!"


def test_relations_not_prefetched_and_plain_rows_fall_back_to_drf(campaigns):
    # given: no select_related, no prefetch: every relation is read by DRF's own path
    rows = list(Campaign.objects.all())
    fast, drf = same_as_drf(CampaignShape, rows)
    assert fast == drf


class Line(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    when = serializers.DateTimeField(allow_null=True)
    day = serializers.DateField(required=False)


class Context(serializers.Serializer):
    team = serializers.CharField()
    lines = Line(many=True)
    first = Line(allow_null=True, default=None)
    note = serializers.CharField(source="meta.note", default="—")


def test_plain_serializers_over_dicts_and_the_irregular_values(campaigns):
    # given: mappings with aware and naive date-times, sums at other precisions, missing keys
    aware = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
    rows = [
        {
            "team": "Север",
            "lines": [
                {"label": "a", "amount": Decimal("10.00"), "when": aware, "day": dt.date(2027, 1, 1)},
                {"label": "b", "amount": Decimal("10"), "when": dt.datetime(2027, 1, 1, 12, 0)},
                {"label": "c", "amount": 7, "when": None},
                {"label": "d", "amount": Decimal("0.005"), "when": "2027-01-01"},
            ],
            "first": None,
            "meta": {"note": "с примечанием"},
        },
        {"team": "Юг", "lines": [], "first": {"label": "e", "amount": Decimal("-1.50"), "when": aware}, "meta": None},
        {"team": "Запад", "lines": (), "first": None, "meta": {}},
    ]
    fast, drf = same_as_drf(Context, rows)
    assert fast == drf
    assert fast[0]["lines"][0]["when"] == "2027-01-01T15:00:00+03:00"  # the default zone, Moscow
    assert fast[1]["note"] == "—" and fast[2]["note"] == "—"


def test_a_serializer_with_its_own_representation_is_used_as_it_is():
    class Own(serializers.Serializer):
        name = serializers.CharField()

        def to_representation(self, instance):
            return {"own": instance["name"]}

    assert represent_rows(Own())({"name": "x"}) == {"own": "x"}
    assert same_as_drf(Own, [{"name": "x"}]) == ([{"own": "x"}], [{"own": "x"}])
