"""Every page of accounts, approvals, help and webhooks, the error pages, and the menus and dialogs
that open over any page, at 1280, 768 and 390 px, with every axe impact (issue 19 item 6; see crawl.py)."""

import pytest

from tests.browser.crawl import GROUPS, audit_open_parts, crawl, demo_world, error_visits, plan, report
from tests.support.matrix import load_matrix

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_matrix_module_is_crawled_by_one_file():
    crawled = [module for modules in GROUPS.values() for module in modules]
    assert sorted(crawled) == sorted(load_matrix()), "add the new tests/gates/matrix module to GROUPS in crawl.py"


def test_every_page_is_axe_clean_at_every_width(context, live_server, request):
    # given the demo, with the matrix's object for each row of accounts, approvals, help, webhooks
    world = demo_world(request)
    planned = plan(world, GROUPS["the_rest"])
    # and the error pages
    visits = planned.visits + error_visits()
    # when each page is opened as someone allowed to and audited at each width
    problems, timings = crawl(context, live_server, world, visits)
    # and the menus and dialogs are opened over a page
    problems += audit_open_parts(context, live_server, world)
    # then axe finds nothing, minor included
    print(report(problems, timings))
    assert not planned.problems + problems, report(planned.problems + problems, timings)
