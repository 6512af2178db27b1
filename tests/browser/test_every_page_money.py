"""Every page of money at 1280, 768 and 390 px, with every axe impact (issue 19 item 6; see crawl.py)."""

import pytest

from tests.browser.crawl import GROUPS, crawl, demo_world, plan, report

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_page_is_axe_clean_at_every_width(context, live_server, request):
    # given the demo, with the matrix's object for each row
    world = demo_world(request)
    planned = plan(world, GROUPS["money"])
    # when each page is opened as someone allowed to and audited at each width
    problems, timings = crawl(context, live_server, world, planned.visits)
    # then axe finds nothing, minor included
    print(report(problems, timings))
    assert not planned.problems + problems, report(planned.problems + problems, timings)
