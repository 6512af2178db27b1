"""The demo data shows something meaningful in every report and dashboard, and reports' demo is idempotent."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from reports import demo
from reports.models import ReportSubscription, SavedReportView
from reports.registry import all_reports

pytestmark = pytest.mark.django_db


def test_every_report_and_dashboard_shows_demo_figures(client):
    # given the whole demo (every app's seed, in floor order)
    call_command("seed_demo", stdout=io.StringIO())
    finance = User.objects.get(username="finance")
    admin = User.objects.get(username="admin")
    # then every report has rows for finance or the administrator
    for report in all_reports():
        reader = admin if report.slug == "approval-cycle-times" else finance
        result = report.run(reader, {})
        assert result.rows, f"the demo leaves {report.slug} empty"
    # and the demo's saved views and subscription exist once, however often it runs
    demo.seed(io.StringIO())
    assert SavedReportView.objects.filter(shared=True).count() == 2
    assert ReportSubscription.objects.get().recipients.count() == 2
    # and each role's dashboard renders with charts
    for username in ("cmo", "finance", "marketer", "admin"):
        client.force_login(User.objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 200
    client.force_login(User.objects.get(username="cmo"))
    assert 'data-report-chart="campaigns-by-status"' in client.get("/").content.decode()
