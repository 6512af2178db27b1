"""The load test's people (issue 16 item 3; docs/PERFORMANCE.md "Load test").

Run by ``scripts/load.py`` (``make load``), which prepares the database, starts
gunicorn as the Dockerfile does and hands each simulated person real
credentials in ``MRM_LOAD_PEOPLE`` (a JSON file): a session cookie for pages
and an API token for the API. The mix follows the four personas of PRODUCT.md
§1, with their writes: marketers plan (create a campaign, change it, add and
finish a task), finance records spend, the CMO comments on what waits for him,
admins look after people. Everything else they do is reading, as in real use.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["MRM_LOAD_PEOPLE"], encoding="utf-8").read())  # noqa: SIM115
_next = {role: itertools.cycle(people) for role, people in PEOPLE.items()}
_lock = threading.Lock()
TODAY = dt.date.today()
MONTH = TODAY.replace(day=1)
NEXT_MONTH = (MONTH + dt.timedelta(days=32)).replace(day=1)


class Person(HttpUser):
    """One signed-in person: pages with the session cookie, the API with the token."""

    abstract = True
    role = ""
    wait_time = between(1, 4)

    def on_start(self):
        with _lock:
            self.me = next(_next[self.role])
        self.pages = {"Cookie": self.me["cookie"], "Accept-Language": "ru"}
        self.api = {"Authorization": f"Token {self.me['token']}", "Accept": "application/json"}

    def page(self, path: str, name: str | None = None):
        return self.client.get(path, headers=self.pages, name=name or path)

    def get(self, path: str, name: str | None = None):
        return self.client.get(path, headers=self.api, name=name or path)

    def post(self, path: str, body: dict, name: str | None = None):
        return self.client.post(path, json=body, headers=self.api, name=name or path)

    def patch(self, path: str, body: dict, name: str | None = None):
        return self.client.patch(path, json=body, headers=self.api, name=name or path)


class Marketer(Person):
    role = "marketer"
    weight = 14

    @task(4)
    def campaigns(self):
        self.get("/api/v1/campaigns/?page_size=50", "/api/v1/campaigns/ (50)")
        self.page("/campaigns/")

    @task(3)
    def campaign(self):
        campaign = random.choice(self.me["campaigns"])
        self.page(f"/campaigns/{campaign}/", "/campaigns/{id}/")
        self.get(f"/api/v1/campaigns/{campaign}/", "/api/v1/campaigns/{id}/")

    @task(2)
    def calendar(self):
        """Their team's month, as the calendar's address keeps it once chosen.

        A large department's whole month holds more events than the calendar
        shows at once; it is answered 400 "narrow the filter" by design
        (docs/CAMPAIGNS.md), which is not what a planner works with.
        """
        team = self.me["team"]
        self.page(f"/calendar/?team={team}", "/calendar/")
        self.get(
            f"/api/v1/calendar/events/?start={MONTH}&end={NEXT_MONTH}&team={team}", "/api/v1/calendar/events/ (month)"
        )

    @task(2)
    def dashboard(self):
        self.page("/")

    @task(1)
    def board_and_timeline(self):
        self.page("/campaigns/board/")
        self.page("/campaigns/timeline/")

    @task(1)
    def plan_a_campaign(self):
        """A write journey: a draft campaign, a change to it, a task on it, the task done."""
        start = TODAY + dt.timedelta(days=random.randint(10, 90))
        created = self.post(
            "/api/v1/campaigns/",
            {
                "name": f"Нагрузочная кампания {random.randint(1, 10**9)}",
                "team": self.me["team"],
                "owner": self.me["id"],
                "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=14)).isoformat(),
                "planned_cost": "150000.00",
            },
        )
        if created.status_code != 201:
            return
        campaign = created.json()["id"]
        self.patch(f"/api/v1/campaigns/{campaign}/", {"description": "Уточнили аудиторию."}, "/api/v1/campaigns/{id}/")
        made = self.post(
            "/api/v1/tasks/", {"campaign": campaign, "title": "Согласовать бриф", "due_date": start.isoformat()}
        )
        if made.status_code == 201:
            self.patch(f"/api/v1/tasks/{made.json()['id']}/", {"done": True}, "/api/v1/tasks/{id}/")


class Finance(Person):
    role = "finance"
    weight = 6

    @task(3)
    def review_queue(self):
        self.page("/budgets/requests/review/")

    @task(3)
    def lists(self):
        self.get("/api/v1/funding-requests/?page_size=50", "/api/v1/funding-requests/ (50)")
        self.get("/api/v1/expenses/?page_size=50", "/api/v1/expenses/ (50)")

    @task(2)
    def utilisation_and_dashboard(self):
        self.page("/budgets/utilisation/")
        self.page("/")

    @task(2)
    def reports(self):
        slug = random.choice(["budget-vs-actual", "cost-structure", "roi", "spend-without-request"])
        self.get(f"/api/v1/reports/{slug}/", "/api/v1/reports/{slug}/")
        self.page(f"/reports/{slug}/", "/reports/{slug}/")

    @task(1)
    def record_an_expense(self):
        """A write: one rouble of spend on an approved funding request with room left."""
        self.post(
            "/api/v1/expenses/",
            {
                "funding_request": random.choice(self.me["funded_requests"]),
                "vendor": "ООО «Нагрузка»",
                "amount": "1.00",
                "date": TODAY.isoformat(),
                "reference": f"LOAD-{random.randint(1, 10**9)}",
            },
        )


class CMO(Person):
    role = "cmo"
    weight = 6

    @task(3)
    def inbox(self):
        self.page("/approvals/")
        self.get("/api/v1/approval-requests/?pending_for_me=true&page_size=50", "/api/v1/approval-requests/ (mine)")

    @task(3)
    def dashboard(self):
        self.page("/")

    @task(2)
    def reports(self):
        slug = random.choice(["campaign-status", "roi", "cost-structure", "approval-cycle-times"])
        self.page(f"/reports/{slug}/", "/reports/{slug}/")

    @task(1)
    def campaigns(self):
        self.get("/api/v1/campaigns/?page_size=100", "/api/v1/campaigns/ (100)")

    @task(1)
    def comment(self):
        """A write: a preliminary comment on something waiting for him (never a decision)."""
        if self.me["open_requests"]:
            request = random.choice(self.me["open_requests"])
            self.post(
                f"/api/v1/approval-requests/{request}/comments/",
                {"body": "Посмотрю вечером, предварительно — да."},
                "/api/v1/approval-requests/{id}/comments/",
            )


class Admin(Person):
    role = "admin"
    weight = 4

    @task(2)
    def dashboard(self):
        self.page("/")

    @task(2)
    def people(self):
        self.get("/api/v1/users/?page_size=50", "/api/v1/users/ (50)")

    @task(1)
    def admin_lists(self):
        self.page("/admin/campaigns/campaign/", "/admin/campaigns/campaign/")
        self.page("/admin/accounts/user/", "/admin/accounts/user/")
