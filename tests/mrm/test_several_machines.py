"""Two web processes and two workers at once, sharing PostgreSQL and Redis (issue 16.5, docs/DEPLOY.md).

Each is a real process as production runs it (gunicorn; ``celery worker``),
on this test's database and its own Redis. What must hold when a load
balancer sends a user's requests to either web process:

- a session started on one is valid on the other (sessions in the database);
- the sign-in throttle counts an address's failures across both (the cache in Redis);
- two writes racing on one row through different processes have exactly the
  allowed effect (row locks in PostgreSQL);
- report runs asked for on either are each done once by one of the workers.
"""

from __future__ import annotations

import concurrent.futures
import re
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import requests

from campaigns.models import CampaignTransition
from reports.choices import RunStatus
from reports.models import ReportRun
from tests.campaigns.factories import CampaignFactory
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.support.servers import RedisServer, free_port, process_env, start_worker, stop, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_web(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "mrm.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(f"{url}/health/"), timeout=90, what=f"web on port {port}")
    return process, url


@pytest.fixture(scope="module")
def machines(tmp_path_factory, django_db_setup):
    """Two gunicorn web processes and two Celery workers on one database and one Redis, for the module."""
    tmp_path = tmp_path_factory.mktemp("machines")
    with RedisServer() as server:
        env = process_env(server.url, tmp_path / "data", MRM_LOGIN_ADDRESS_FAILURE_LIMIT="3")
        processes = []
        try:
            webs = []
            for n in range(2):
                process, url = start_web(env, tmp_path / f"web-{n}.log")
                processes.append(process)
                webs.append(url)
            for n in range(2):
                processes.append(start_worker(env, pool="solo", name=f"machine-{n}", log=tmp_path / f"worker-{n}.log"))
            yield webs, server
        finally:
            for process in processes:
                stop(process)


@pytest.fixture
def two_of_each(machines, transactional_db):
    """The processes, with an empty Redis (no sign-in failures counted by the test before)."""
    webs, server = machines
    redis.Redis(port=server.port).flushdb()
    return webs


def person(username: str, **kwargs):
    """A user whose password the web processes can check (they hash as production does, not as tests do)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = UserFactory(username=username, **kwargs)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


def sign_in(session: requests.Session, web: str, username: str) -> requests.Response:
    page = session.get(f"{web}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{web}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{web}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )


def api_token(web: str, username: str) -> str:
    answer = requests.post(f"{web}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()["token"]


def test_a_session_started_on_one_web_process_is_valid_on_the_other(two_of_each):
    first, second = two_of_each
    person("marta", roles=["marketer"])
    browser = requests.Session()
    # when she signs in through the first web process
    assert sign_in(browser, first, "marta").status_code == 302
    # then the second one knows her (the cookie names a session stored in the database)
    profile = browser.get(f"{second}/accounts/profile/", allow_redirects=False, timeout=10)
    assert profile.status_code == 200 and "marta" in profile.text


def test_the_sign_in_throttle_counts_an_addresss_failures_on_both_web_processes(two_of_each):
    first, second = two_of_each
    person("kate", roles=["marketer"])

    def wrong(web, username):
        return requests.post(
            f"{web}/api/v1/auth/token/", json={"username": username, "password": "wrong-password"}, timeout=10
        ).status_code

    # given three failures from this address, spread over both processes and several usernames
    assert [wrong(first, "a"), wrong(second, "b"), wrong(first, "c")] == [400, 400, 400]
    # then the next attempt is refused on either process, even with the right password
    answer = requests.post(f"{second}/api/v1/auth/token/", json={"username": "kate", "password": PASSWORD}, timeout=10)
    assert answer.status_code == 429, answer.text


def test_two_processes_racing_on_one_campaign_move_it_once(two_of_each):
    first, second = two_of_each
    team = TeamFactory()
    owner = person("owner", roles=["marketer"], teams=[team])
    campaign = CampaignFactory(team=team, owner=owner, status="draft")
    token = api_token(first, "owner")

    def plan(web):
        return requests.post(
            f"{web}/api/v1/campaigns/{campaign.pk}/transition/",
            json={"status": "planned", "note": "Go"},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        ).status_code

    # when both web processes are asked, at once and several times, to plan the draft
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        answers = sorted(pool.map(plan, [first, second] * 3))
    # then exactly one moved it, the others were told it no longer applies
    assert answers == [200, 409, 409, 409, 409, 409]
    assert CampaignTransition.objects.filter(campaign=campaign, to_status="planned").count() == 1


def test_report_runs_asked_for_on_either_process_are_each_done_once(two_of_each):
    first, second = two_of_each
    person("fin", roles=["finance"])
    token = api_token(first, "fin")
    # when six exports are asked for, three through each web process
    for web in [first, second] * 3:
        answer = requests.post(
            f"{web}/api/v1/report-runs/",
            json={"report": "campaign-status", "format": "csv"},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text

    # then the workers finish every one, each in a single attempt
    def all_done():
        runs = list(ReportRun.objects.values_list("status", "attempts"))
        return len(runs) == 6 and all(status == RunStatus.DONE for status, _ in runs) and runs

    runs = wait_until(all_done, timeout=180, what="both workers to finish the six runs")
    assert all(attempts == 1 for _, attempts in runs)
