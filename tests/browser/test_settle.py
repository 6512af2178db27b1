"""``settle`` (tests/support/network.py), which the browser tests wait with, waits for what a page loads late."""

import time
from http.server import BaseHTTPRequestHandler

import pytest

from tests.support.network import settle, watch
from tests.support.servers import http_server

PROBE = (
    b"<!doctype html><html lang='en'><head><title>Probe</title></head><body><main><h1>Probe</h1>"
    b"<p id='out'>waiting</p></main><script>addEventListener('load', () => setTimeout(() => "
    b"fetch('/late').then(r => r.text()).then(t => { document.getElementById('out').textContent = t; }), 0))"
    b"</script></body></html>"
)


class LateContent(BaseHTTPRequestHandler):
    """A page whose script fetches ``/late`` once loaded; ``/late`` answers after 1.5 s, from its own thread."""

    def do_GET(self):
        if self.path == "/late":
            time.sleep(1.5)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/late" else "text/html")
        self.end_headers()
        self.wfile.write(b"loaded" if self.path == "/late" else PROBE)

    def log_message(self, *args):
        pass


@pytest.fixture
def late_content_url():
    with http_server(LateContent) as url:
        yield f"{url}/"


def test_settle_waits_for_a_request_the_page_starts_after_its_load_event(context, late_content_url):
    # given a page that fetches its content once loaded, from an answer that takes 1.5 s
    # (a bare page: the audited ``page`` fixture's axe run on load would take longer than the answer)
    page = watch(context.new_page())
    # when it is opened and the test settles
    page.goto(late_content_url)
    settle(page)
    # then the late content is there (two frames after the load event it is not)
    assert page.text_content("#out") == "loaded"
