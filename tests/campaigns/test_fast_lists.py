"""The campaign, activity and task lists of the API answer what DRF's own serialisation answers, for each role.

``mrm.fast_lists`` compiles the serializers per response (issue 16); these
lists are read with varied rows — Cyrillic and markup in names, no sponsor, a
parent, channels or none, a confidential campaign of another team, a launch
waiting for approval, activities with and without times — by every role.
"""

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.choices import CampaignStatus
from campaigns.models import Channel
from campaigns.services import campaign_transition
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.campaigns.factories import ActivityFactory, CampaignFactory, TaskFactory
from tests.factories import UserFactory
from tests.support.fast_lists import assert_list_same_as_drf

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/campaigns/?page_size=100", "/api/v1/activities/?page_size=100", "/api/v1/tasks/?page_size=100"]


@pytest.fixture
def varied(team, other_team, marketer, other_team_marketer, sponsor):
    from approvals.choices import SubjectKind

    workflow = WorkflowTemplateFactory(name="Запуск", subject_kind=SubjectKind.CAMPAIGN_LAUNCH)
    StageFactory(template=workflow, order=1, name="Директор", approvers=[UserFactory(roles=["approver"])])
    channels = list(Channel.objects.all()[:3])
    parent = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, code="ВЕС-1", name="Весна «27» & <b>")
    child = CampaignFactory(
        team=team,
        owner=marketer,
        sponsor=None,
        parent=parent,
        name="Дочерняя",
        tags="весна, b2b",
        planned_cost=Decimal("150000.50"),
        channels=channels,
    )
    launching = CampaignFactory(team=team, owner=marketer, sponsor=sponsor, status=CampaignStatus.PLANNED)
    campaign_transition(campaign=launching, to_status=CampaignStatus.ACTIVE, note="Поехали", by=marketer)
    secret = CampaignFactory(
        team=other_team,
        owner=other_team_marketer,
        confidential=True,
        status=CampaignStatus.ACTIVE,
        channels=channels[:1],
    )
    ActivityFactory(
        campaign=child,
        channel=channels[0],
        owner=marketer,
        name="Вебинар",
        location="Москва",
        start_time=dt.time(10, 30),
        end_time=dt.time(12, 0),
        public=True,
    )
    ActivityFactory(campaign=secret, channel=None, owner=None)
    TaskFactory(campaign=child, title="Макет баннера", assignee=marketer, due_date=dt.date(2027, 1, 15))
    TaskFactory(campaign=secret, title="Секрет", assignee=None, done=True)
    return {"child": child, "launching": launching, "secret": secret}


@pytest.mark.parametrize(
    "who", ["marketer", "other_team_marketer", "sponsor", "approver", "cmo", "finance_user", "admin_user"]
)
def test_each_role_reads_the_lists_as_drf_writes_them(request, api_as, varied, who):
    user = request.getfixturevalue(who)
    for url in LISTS:
        assert_list_same_as_drf(api_as(user), url)


def test_what_the_compiled_campaign_list_says(api_as, varied, marketer, finance_user, other_team_marketer):
    # when: the marketer of the team reads the list
    rows = {row["id"]: row for row in assert_list_same_as_drf(api_as(marketer), LISTS[0])["results"]}
    child, launching = rows[varied["child"].pk], rows[varied["launching"].pk]
    # then: names, nulls, money and the waiting launch are as the serializer declares them
    assert child["name"] == "Дочерняя" and child["sponsor"] is None and child["sponsor_name"] is None
    assert child["planned_cost"] == "150000.50" and child["tags"] == ["весна", "b2b"]
    assert child["parent"] == varied["child"].parent_id and len(child["channels"]) == 3
    assert launching["pending_launch_request"] is not None and "active" not in launching["allowed_transitions"]
    assert child["allowed_transitions"]  # hers to move
    # and the confidential campaign of another team is not listed to her, but is to its own team
    assert varied["secret"].pk not in rows
    theirs = assert_list_same_as_drf(api_as(other_team_marketer), LISTS[0])["results"]
    assert varied["secret"].pk in {row["id"] for row in theirs}
    # and finance reads every campaign and may move none
    rows = assert_list_same_as_drf(api_as(finance_user), LISTS[0])["results"]
    assert varied["secret"].pk in {row["id"] for row in rows}
    assert all(row["allowed_transitions"] == [] for row in rows)
