"""The adoption dashboard's reports (PRODUCT.md §7), checked against hand-computed figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from budgets.choices import ActualLineStatus
from budgets.models import ActualLine, FundingRequest, ImportBatch
from campaigns.choices import CampaignStatus
from help.models import Question
from reports.adoption import active_users_compute, cycle_times_compute, stale_items_compute
from reports.registry import get_report
from tests.budgets.factories import ImportSourceFactory
from tests.campaigns.factories import CampaignFactory
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2027, 4, 1, 12, 0))


def seen(user, days_ago):
    User.objects.filter(pk=user.pk).update(last_seen_at=NOW - dt.timedelta(days=days_ago))


def rows_by(rows, key="group"):
    return {row[key]: row for row in rows}


def test_weekly_active_users_by_team_flag_teams_idle_for_30_days(team, other_team, marketer, other_team_marketer):
    # given team A with one person seen 2 days ago and one 10 days ago, the other team seen 40 days ago,
    # and a deactivated member of team A seen yesterday (not an active account)
    colleague = UserFactory(username="colleague", roles=["marketer"], teams=[team])
    gone = UserFactory(username="gone", roles=["marketer"], teams=[team], is_active=False)
    seen(marketer, 2)
    seen(colleague, 10)
    seen(gone, 1)
    seen(other_team_marketer, 40)
    # when computing the report by team
    rows, totals, chart, notes = active_users_compute(marketer, {"group_by": "team"}, now=NOW)
    # then team A has 2 accounts, 1 weekly active (50 %), and the other team is idle
    by_team = rows_by(rows)
    assert (by_team[team.name]["users"], by_team[team.name]["active"]) == (2, 1)
    assert by_team[team.name]["share"] == Decimal("50.0")
    assert by_team[team.name]["idle"] == ""
    assert by_team[other_team.name]["active"] == 0 and by_team[other_team.name]["idle"] == "Yes"
    assert any(other_team.name in note for note in notes)
    # and the chart has one bar per team for accounts and for actives
    assert chart.labels == [r["group"] for r in rows] and len(chart.datasets) == 2
    # and the total counts every active account once
    assert totals["users"] == User.objects.filter(is_active=True).count()
    assert totals["active"] == 1


def test_weekly_active_users_by_role(marketer, approver, finance_user):
    seen(marketer, 1)
    seen(approver, 8)
    rows, _totals, _chart, _notes = active_users_compute(marketer, {"group_by": "role"}, now=NOW)
    by_role = rows_by(rows)
    assert by_role["Marketer"]["active"] == 1
    assert by_role["Approver"]["users"] == 1 and by_role["Approver"]["active"] == 0
    assert by_role["Finance"]["last_seen"] is None and by_role["Finance"]["idle"] == "Yes"


def unmapped_line(by, amount, date):
    batch = ImportBatch.objects.create(kind="actuals", file_name="a.csv", content=b"", sha256="1" * 64, uploaded_by=by)
    return ActualLine.objects.create(
        source=ImportSourceFactory(),
        batch=batch,
        line_number=1,
        date=date,
        document_number="D-1",
        amount=amount,
        status=ActualLineStatus.UNMAPPED,
        fingerprint="adoption",
    )


def test_share_of_spend_covered_by_approved_requests(money_world, cmo, finance_user):
    # given expenses of 55 000 in February and 10 000 in March 2027 (money_world), and 5 000 unmapped in February
    unmapped_line(finance_user, Decimal("5000.00"), dt.date(2027, 2, 20))
    # when the CMO opens the report
    result = get_report("spend-coverage").run(cmo, {})
    # then February is 55 000 / 60 000 covered, March all of it, 65 000 / 70 000 overall
    february, march = result.rows
    assert (february["covered"], february["uncovered"], february["share"]) == (
        Decimal("55000.00"),
        Decimal("5000.00"),
        Decimal("91.7"),
    )
    assert march["share"] == Decimal("100.0")
    assert result.totals["share"] == Decimal("92.9")
    # and a date filter narrows it to March
    assert len(get_report("spend-coverage").run(cmo, {"date_from": "2027-03-01"}).rows) == 1


def test_cycle_times_of_requests_approvals_and_questions(money_world, marketer, cmo, admin_user):
    # given two funding requests decided in 1 and 3 days, and one still submitted (money_world's autumn)
    decided = FundingRequest.objects.filter(status__in=["approved", "partially_approved"]).order_by("pk")
    for request, days in zip(decided, (1, 3), strict=True):
        FundingRequest.objects.filter(pk=request.pk).update(
            submitted_at=NOW - dt.timedelta(days=10), decided_at=NOW - dt.timedelta(days=10 - days)
        )
    # and questions answered by a champion in 2 hours and 4 hours, by an admin in 1 day, one unanswered
    for hours, role in ((2, "champion"), (4, "champion"), (24, "admin")):
        question = Question.objects.create(asked_by=marketer, body="How?", answer="Like this.", answered_as=role)
        Question.objects.filter(pk=question.pk).update(
            created_at=NOW - dt.timedelta(days=5), answered_at=NOW - dt.timedelta(days=5) + dt.timedelta(hours=hours)
        )
    Question.objects.create(asked_by=marketer, body="Anyone?")
    # when computing cycle times over 90 days
    rows, _totals, chart, _notes = cycle_times_compute(cmo, {"days": 90}, now=NOW)
    by_what = rows_by(rows, "what")
    # then funding requests took 2 days on average and at the median, one is still open
    funding = by_what["Funding requests: submitted to decided"]
    assert (funding["count"], funding["average_days"], funding["median_days"], funding["open"]) == (
        2,
        Decimal("2.0"),
        Decimal("2.0"),
        1,
    )
    # and champions answered two questions in 0.1 day at the median (3 hours), admins one in a day
    champions, admins = by_what["Questions answered by champions"], by_what["Questions answered by admins"]
    assert (champions["count"], champions["median_days"], champions["open"]) == (2, Decimal("0.1"), 1)
    assert (admins["count"], admins["median_days"]) == (1, Decimal("1.0"))
    assert chart.labels == [r["what"] for r in rows]


def test_stale_items_are_counted_with_the_oldest_date(marketer, team):
    # given a campaign still active 10 days after its end, and one ended but completed (not stale)
    CampaignFactory(team=team, owner=marketer, status=CampaignStatus.ACTIVE, end_date=dt.date(2027, 3, 22))
    CampaignFactory(team=team, owner=marketer, status=CampaignStatus.COMPLETED, end_date=dt.date(2027, 3, 1))
    rows, totals, _chart, _notes = stale_items_compute(marketer, {}, now=NOW)
    by_what = rows_by(rows, "what")
    stale = by_what["Campaigns still open after their end date"]
    assert (stale["count"], stale["oldest"]) == (1, dt.date(2027, 3, 22))
    assert by_what["Approvals past their due date"]["count"] == 0
    assert totals["count"] == 1


@pytest.mark.parametrize("slug", ["active-users", "spend-coverage", "cycle-times", "stale-items"])
def test_adoption_reports_are_for_admins_and_the_cmo(client, slug, marketer, approver, cmo, finance_user, admin_user):
    url = reverse("reports:detail", args=[slug])
    for user, expected in ((marketer, 403), (finance_user, 403), (approver, 403), (cmo, 200), (admin_user, 200)):
        client.force_login(user)
        assert client.get(url).status_code == expected, user
    # and the API answers the same way, and exports like every report
    client.force_login(marketer)
    assert client.get(f"/api/v1/reports/{slug}/").status_code == 403
    client.force_login(admin_user)
    assert client.get(f"/api/v1/reports/{slug}/?format=json").status_code == 200
    assert client.get(f"/api/v1/reports/{slug}/?format=xlsx").status_code == 200


def test_the_adoption_dashboard_is_a_tab_for_admins_and_the_cmo(client, marketer, cmo, admin_user):
    client.force_login(cmo)
    landing = client.get("/").content.decode()
    assert "?view=adoption" in landing
    body = client.get("/?view=adoption").content.decode()
    for heading in ("Weekly active users by team", "Spend covered by approved requests", "Stale items"):
        assert heading in body
    client.force_login(marketer)
    assert "?view=adoption" not in client.get("/").content.decode()
    assert 'data-testid="adoption-dashboard"' not in client.get("/?view=adoption").content.decode()


def test_the_adoption_dashboard_costs_the_same_for_1_and_50_teams(assert_constant_queries, client, admin_user):
    counter = iter(range(1000))

    def one_more():
        n = next(counter)
        row_team = TeamFactory(name=f"Adoption {n:03d}")
        user = UserFactory(username=f"adopter-{n}", roles=["marketer"], teams=[row_team])
        seen(user, n % 10)
        CampaignFactory(
            team=row_team,
            owner=user,
            status=CampaignStatus.ACTIVE,
            start_date=dt.date(2020, 1, 1),
            end_date=dt.date(2020, 1, 31),
        )

    client.force_login(admin_user)
    assert_constant_queries(lambda: client.get("/?view=adoption"), one_more)


def test_a_bad_period_is_a_clear_error_not_a_500(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/reports/cycle-times/", {"days": "0"})
    assert response.status_code == 400
    assert "days" in response.json()
    page = client.get("/reports/spend-coverage/", {"date_from": "2027-03-01", "date_to": "2027-01-01"})
    assert page.status_code == 400
    assert "The end date cannot be before the start date." in page.content.decode()


def test_the_adoption_dashboard_in_russian(client, cmo):
    cmo.language = "ru"
    cmo.save(update_fields=["language"])
    client.force_login(cmo)
    body = client.get("/?view=adoption", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Активные за неделю пользователи по командам" in body
    assert "Застывшие элементы" in body
