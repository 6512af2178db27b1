"""The PDF of a wide, long report fits the page: measured with pdfminer.six, character by character.

The world: budget vs actual by period × team × category, 4 quarters × 5
teams × 6 categories, with long Russian names and amounts in the hundreds of
millions, read in Russian — the report that once put characters outside the
page and cut its last column off.
"""

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTLayoutContainer, LTTextLine

from budgets.choices import FundingRequestStatus
from reports import exports
from reports.registry import get_report
from tests.budgets.factories import (
    BudgetAllocationFactory,
    ExpenseCategoryFactory,
    ExpenseFactory,
    FiscalPeriodFactory,
    FiscalYearFactory,
    FundingRequestFactory,
)
from tests.campaigns.factories import CampaignFactory
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAMS = [
    "Департамент интегрированных маркетинговых коммуникаций",
    "Региональный маркетинг Северо-Западного федерального округа",
    "Цифровые продукты и партнёрские программы",
    "Мероприятия",
    "Brand",
]
CATEGORIES = [
    ("MKT-OOH", "Outdoor", "Наружная реклама на транспорте и цифровых экранах в регионах присутствия"),
    ("MKT-SEA", "Paid search", "Контекстная реклама"),
    ("MKT-EVT", "Events", "Организация отраслевых конференций, выставок и партнёрских мероприятий"),
    ("MKT-PR", "PR", "Связи с общественностью"),
    ("MKT-SOC", "Social", "Продвижение в социальных сетях и работа с лидерами мнений"),
    ("MKT-PRINT", "Print", "Полиграфия"),
]
QUARTERS = [
    ("I квартал 2027", datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
    ("II квартал 2027", datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)),
    ("III квартал 2027", datetime.date(2027, 7, 1), datetime.date(2027, 9, 30)),
    ("IV квартал 2027", datetime.date(2027, 10, 1), datetime.date(2027, 12, 31)),
]


@pytest.fixture
def wide_budget_world(db):
    """120 cells of budget vs actual; in one cell per team approval and spend run far over the allocation."""
    year = FiscalYearFactory()
    periods = [FiscalPeriodFactory(year=year, name=n, start_date=s, end_date=e) for n, s, e in QUARTERS]
    teams = [TeamFactory(name=name, slug=f"wide-{i}") for i, name in enumerate(TEAMS)]
    categories = [ExpenseCategoryFactory(code=c, name=n, name_ru=ru) for c, n, ru in CATEGORIES]
    for p, period in enumerate(periods):
        for t, team in enumerate(teams):
            for c, category in enumerate(categories):
                amount = Decimal("123456789.00") + Decimal(p * 1000000 + t * 10000 + c * 100)
                BudgetAllocationFactory(period=period, team=team, category=category, amount=amount)
    for t, team in enumerate(teams):
        owner = UserFactory(username=f"wide-owner-{t}", roles=["marketer"], teams=[team])
        campaign = CampaignFactory(code=f"WIDE-{t}", name=f"Кампания {t}", team=team, owner=owner)
        request = FundingRequestFactory(
            campaign=campaign,
            category=categories[0],
            period=periods[0],
            amount=Decimal("987654321.00"),
            status=FundingRequestStatus.APPROVED,
            approved_amount=Decimal("987654321.00"),
        )
        ExpenseFactory(funding_request=request, amount=Decimal("876543210.99"), date=datetime.date(2027, 2, 1))
    return {"periods": periods, "teams": teams, "categories": categories}


def _chars(item):
    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTLayoutContainer) or hasattr(item, "__iter__"):
        for child in item:
            yield from _chars(child)


def _lines(item):
    if isinstance(item, LTTextLine):
        yield item.get_text()
    elif hasattr(item, "__iter__"):
        for child in item:
            yield from _lines(child)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@dataclass
class Page:
    box: tuple[float, float, float, float]  # the media box, in points
    chars: list[LTChar]
    words: set[str]
    text: str


def read_pages(content: bytes) -> list[Page]:
    pages = []
    for page in extract_pages(io.BytesIO(content)):
        text = " ".join(_lines(page))
        pages.append(Page(page.bbox, list(_chars(page)), set(_words(text)), text))
    return pages


def assert_fits(pages):
    """Every character inside its page; no two characters of one line drawn over each other (no spill-over).

    Neighbours may touch or kern (``To`` overlaps by about 0.13 em); text that
    spills into the next cell overlaps by more.
    """
    for number, page in enumerate(pages, start=1):
        chars = page.chars
        x0, y0, x1, y1 = page.box
        outside = [
            c.get_text() for c in chars if c.x0 < x0 - 0.5 or c.x1 > x1 + 0.5 or c.y0 < y0 - 0.5 or c.y1 > y1 + 0.5
        ]
        assert not outside, f"page {number}: {len(outside)} characters outside the page: {''.join(outside)[:80]!r}"
        by_line = defaultdict(list)
        for char in chars:
            if char.get_text().strip():
                by_line[(round(char.y0, 1), round(char.size, 1))].append(char)
        for line in by_line.values():
            line.sort(key=lambda c: c.x0)
            for left, right in zip(line, line[1:], strict=False):
                assert right.x0 >= left.x1 - 0.2 * left.size, (
                    f"page {number}: {left.get_text()!r} and {right.get_text()!r} overlap: text spills into a neighbour"
                )


def test_a_wide_budget_pdf_fits_every_page_repeats_its_header_and_numbers_its_pages(wide_budget_world, finance_user):
    # given finance reads budget vs actual by period, team and category in Russian
    with translation.override("ru"):
        result = get_report("budget-vs-actual").run(finance_user, {"group_by": "cell"})
        headers = [str(c.label) for c in result.columns]
        # when it is exported as a PDF
        content = exports.render_pdf(result)
    pages = read_pages(content)
    # then it is long enough to break across pages, each page A4 landscape (842 × 595 pt)
    assert len(result.rows) == 120 and len(result.columns) == 11
    assert len(pages) >= 4
    for page in pages:
        assert round(page.box[2] - page.box[0]) == 842 and round(page.box[3] - page.box[1]) == 595
    # and not one character lies outside its page, nor over its neighbour
    assert_fits(pages)
    for number, page in enumerate(pages, start=1):
        # and every page says which page of how many it is
        assert f"{number} / {len(pages)}" in page.text, f"page {number} has no page number"
    # and from the page where the table starts to the last, every page repeats the header row, last column included
    start = next(i for i, page in enumerate(pages) if set(_words(headers[0] + " " + headers[-1])) <= page.words)
    table_pages = pages[start:]
    assert len(table_pages) >= 3
    for page in table_pages:
        for header in headers:
            assert set(_words(header)) <= page.words, f"{header!r} missing on a page"
    # and the last column is printed for every row and the totals (not cut off): one percentage each
    assert sum(page.text.count("%") for page in pages) == len(result.rows) + 1
    # and the first page says whose figures, which filters and when
    first = pages[0].text
    assert "Все команды" in first
    assert "Группировать по" in first
    assert "Сформирован" in first


def test_a_narrow_report_is_a4_portrait_and_fits(money_world, finance_user):
    # given campaign status by status: four columns
    result = get_report("campaign-status").run(finance_user, {})
    # when exported as a PDF
    pages = read_pages(exports.render_pdf(result))
    # then it is A4 portrait, and fits
    box = pages[0].box
    assert round(box[2] - box[0]) == 595 and round(box[3] - box[1]) == 842
    assert_fits(pages)
