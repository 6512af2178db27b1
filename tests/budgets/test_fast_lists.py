"""Funding requests, expenses, commitments and their approval requests in the API: what DRF's serialisation writes.

``mrm.fast_lists`` compiles the serializers per response (issue 16). The rows
here vary as the real ones do: a draft without an approval or an approved
amount, a request approved for less than asked after a decision with a note,
one waiting on the CMO with a comment, a refund, an expense with an
attachment, another team's request — read by every role.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.choices import Outcome
from approvals.models import ApprovalRequest
from approvals.services import approval_comment, approval_decide
from budgets import services
from tests.budgets.factories import FundingRequestFactory
from tests.campaigns.factories import CampaignFactory
from tests.support.fast_lists import assert_list_same_as_drf

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/funding-requests/?page_size=100",
    "/api/v1/expenses/?page_size=100",
    "/api/v1/commitments/?page_size=100",
    "/api/v1/approval-requests/?page_size=100",
    "/api/v1/approval-requests/?pending_for_me=true&page_size=100",
]


@pytest.fixture
def varied(make_request, approve, marketer, finance_user, approver, other_team, q1, category):
    draft = make_request("5000.00", justification="Черновик «без» & <суммы>", expected_revenue=None)
    partly = approve(make_request("120000.00"), approved_amount=Decimal("99999.99"))
    big = make_request("600000.00")
    services.funding_request_submit(funding_request=big, by=marketer, reason="Большая кампания")
    waiting = ApprovalRequest.objects.for_subject(big).open().get()
    approval_decide(request=waiting, by=finance_user, outcome=Outcome.APPROVE, note="Согласовано финансами")
    approval_comment(request=waiting, by=approver, body="Вопрос: почему столько?")
    services.expense_create(
        funding_request=partly,
        by=finance_user,
        vendor="ООО «Ромашка»",
        amount=Decimal("1500.50"),
        date=datetime.date(2027, 2, 10),
        reference="СЧ-1",
        note="",
        attachment=SimpleUploadedFile("счёт.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    services.expense_create(
        funding_request=partly,
        by=finance_user,
        vendor="Refunds",
        amount=Decimal("-200.00"),
        date=datetime.date(2027, 2, 11),
        reference="",
        note="Возврат",
    )
    services.commitment_create(
        funding_request=partly,
        by=finance_user,
        vendor="=HYPERLINK(1)",
        amount=Decimal("1000.00"),
        date=datetime.date(2027, 2, 12),
        reference="",
        note="",
    )
    theirs = FundingRequestFactory(
        campaign=CampaignFactory(team=other_team, confidential=True),
        period=q1,
        category=category,
        status="approved",
        approved_amount=Decimal("10.00"),
    )
    return {"draft": draft, "partly": partly, "big": big, "theirs": theirs}


@pytest.mark.parametrize(
    "who", ["marketer", "other_team_marketer", "approver", "cmo", "finance_user", "leadership_user", "admin_user"]
)
def test_each_role_reads_the_lists_as_drf_writes_them(request, api_as, varied, who):
    user = request.getfixturevalue(who)
    for url in LISTS:
        assert_list_same_as_drf(api_as(user), url)


def test_what_the_compiled_lists_say(api_as, varied, finance_user, approver):
    requests = {row["id"]: row for row in assert_list_same_as_drf(api_as(finance_user), LISTS[0])["results"]}
    draft, partly = requests[varied["draft"].pk], requests[varied["partly"].pk]
    assert draft["approval_request"] is None and draft["approved_amount"] is None
    assert draft["expected_revenue"] is None and draft["justification"] == "Черновик «без» & <суммы>"
    assert partly["approved_amount"] == "99999.99" and partly["spent"] == "1300.50"
    assert partly["budget_context"]["team"] and partly["budget_context"]["earlier_requests"] is not None
    expenses = assert_list_same_as_drf(api_as(finance_user), LISTS[1])["results"]
    assert {row["amount"] for row in expenses} == {"1500.50", "-200.00"}
    assert sum(1 for row in expenses if row["attachment_url"]) == 1
    waiting = assert_list_same_as_drf(api_as(approver), LISTS[4])["results"]
    assert [row["object_id"] for row in waiting] == [varied["big"].pk]
    stages = waiting[0]["stages"]
    assert stages[0]["decisions"][0]["note"] == "Согласовано финансами" and stages[1]["decisions"] == []
    assert waiting[0]["decision_context"]["amount"] == "600000.00"
