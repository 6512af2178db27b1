"""Scale data for measuring MRM at a large department's size (issue 16; docs/PERFORMANCE.md).

Why not the services: they validate, lock and notify row by row, which takes
hours for a million rows. Here rows go in with ``bulk_create`` in batches, in
states the services could have produced (the model constraints hold: one open
approval request per subject, approved amounts within the asked amount,
spend only against funded requests, end dates after start dates).

Idempotent: every row carries a marker (``scale-`` team slugs, ``scale``
usernames, ``SCL-`` campaign codes, ``SFR-`` request numbers, ``SEX-`` expense
references, activities of scale campaigns, history rows with the change
reason ``seed_scale``). A run counts what is there and only tops up to the
asked size; running it twice adds nothing. Values come from a generator
seeded by the row's index, so a top-up continues the same data set.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, fields
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Membership, Team, User
from approvals.choices import Outcome, RequestStatus, StageStatus, SubjectKind
from approvals.models import ApprovalRequest, Comment, Decision, StageAssignment, StageState, WorkflowTemplate
from budgets import services as budget_services
from budgets.choices import FUNDED_STATUSES, FundingRequestStatus, PeriodKind
from budgets.models import Expense, ExpenseCategory, FiscalPeriod, FiscalYear, FundingRequest
from campaigns.choices import ActivityStatus, ActivityType, CampaignStatus
from campaigns.models import Activity, Campaign, Channel

HISTORY_MARK = "seed_scale"
TEAM_SLUG_PREFIX = "scale-"
USERNAME_PREFIX = "scale"
CAMPAIGN_PREFIX = "SCL-"
REQUEST_PREFIX = "SFR-"
EXPENSE_PREFIX = "SEX-"
YEARS = 3


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind the data set has (defaults: issue 16's large department)."""

    teams: int = 20
    users: int = 500
    campaigns: int = 10_000
    activities: int = 50_000
    funding_requests: int = 20_000
    approval_requests: int = 30_000
    expenses: int = 100_000
    history: int = 1_000_000

    @classmethod
    def scaled(cls, scale: float = 1.0, **overrides: int | None) -> Sizes:
        """The defaults times ``scale`` (at least one of each, ten users for every role), then any explicit size."""
        values = {f.name: max(1, round(f.default * scale)) for f in fields(cls)}
        values["users"] = max(10, values["users"])
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)


FIRST_NAMES = [
    "Александр", "Мария", "Дмитрий", "Анна", "Сергей", "Елена", "Андрей", "Ольга", "Алексей", "Наталья",
    "Иван", "Татьяна", "Михаил", "Ирина", "Николай", "Светлана", "Павел", "Юлия", "Артём", "Ксения",
]  # fmt: skip
LAST_NAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
    "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
]  # fmt: skip
FEMININE = {"Мария", "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Ксения"}
CITIES = [
    "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород", "Челябинск",
    "Самара", "Омск", "Ростов-на-Дону", "Уфа", "Красноярск", "Воронеж", "Пермь", "Волгоград", "Краснодар",
    "Саратов", "Тюмень", "Ижевск", "Барнаул",
]  # fmt: skip
CAMPAIGN_WORDS = [
    "Весенний запуск", "Летняя распродажа", "Осенний форум", "Новогодняя акция", "Вебинар для партнёров",
    "Конференция", "Ребрендинг", "Выставка", "Продвижение продукта", "Лояльность клиентов",
]  # fmt: skip
VENDORS = ["ООО «Ромашка»", "АО «Медиа Групп»", "ИП Соколова", "ООО «Ивент Про»", "ПАО «Печать»", "ООО «Цифра»"]


def _rng(kind: str, index: int) -> random.Random:
    return random.Random(f"{kind}:{index}")  # noqa: S311 - test data, not secrets


def _person(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}{'а' if first in FEMININE else ''}"


def _skewed(rng: random.Random, n: int) -> int:
    """An index in range(n) with a Zipf-like skew: a few large teams, many small ones."""
    return min(n - 1, int(n * rng.random() ** 2.5))


class ScaleSeeder:
    """Tops the scale data set up to ``sizes``; ``run()`` returns what it added per kind."""

    def __init__(self, sizes: Sizes, *, batch_size: int = 2000, stdout=None, today: dt.date | None = None):
        self.sizes = sizes
        self.batch_size = batch_size
        self.stdout = stdout
        self.today = today or timezone.localdate()
        self.first_day = self.today - dt.timedelta(days=365 * YEARS - 180)
        self.added: dict[str, int] = {}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict[str, int]:
        self._base()
        for step in (
            self._teams,
            self._users,
            self._campaigns,
            self._activities,
            self._funding_requests,
            self._approval_requests,
            self._expenses,
            self._history,
        ):
            with transaction.atomic():
                step()
        return self.added

    # -- what the scale rows stand on ----------------------------------------------------------

    def _base(self) -> None:
        """The demo's roles, channels, categories and workflows; fiscal years over the whole span."""
        if not (
            WorkflowTemplate.objects.filter(subject_kind=SubjectKind.FUNDING_REQUEST, is_active=True).exists()
            and ExpenseCategory.objects.exists()
            and User.objects.filter(username="finance").exists()
        ):
            call_command("seed_demo", stdout=self.stdout)
        finance = User.objects.get(username="finance")
        last_day = self.today + dt.timedelta(days=365)
        for year in range(self.first_day.year, last_day.year + 1):
            if not FiscalYear.objects.filter(name=f"FY{year}").exists():
                budget_services.fiscal_year_create(
                    name=f"FY{year}", start_date=dt.date(year, 1, 1), period_kind=PeriodKind.QUARTER, by=finance
                )

    def _record(self, kind: str, count: int) -> None:
        self.added[kind] = count
        self.say(f"  {kind}: +{count}")

    def _bulk(self, model, objects: list) -> list:
        return model.objects.bulk_create(objects, batch_size=self.batch_size)

    def _created_history(self, model, objects, *, by_attr: str | None = None) -> None:
        """A creation row per new object, as simple_history would have written on save."""
        history = model.history.model
        tracked = [f.attname for f in history.tracked_fields]
        rows = [
            history(
                **{name: getattr(obj, name) for name in tracked},
                history_date=timezone.now(),
                history_type="+",
                history_user_id=getattr(obj, by_attr) if by_attr else None,
                history_change_reason=HISTORY_MARK,
            )
            for obj in objects
        ]
        history.objects.bulk_create(rows, batch_size=self.batch_size)

    # -- teams and people ------------------------------------------------------------------------

    def _teams(self) -> None:
        existing = Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).count()
        new = [
            Team(
                name=f"Масштаб · {CITIES[i % len(CITIES)]}" + (f" {i // len(CITIES) + 1}" if i >= len(CITIES) else ""),
                slug=f"{TEAM_SLUG_PREFIX}{i + 1:03d}",
                description="Команда тестовых данных для замеров производительности.",
            )
            for i in range(existing, self.sizes.teams)
        ]
        self._bulk(Team, new)
        self._record("teams", len(new))

    def _scale_teams(self) -> list[int]:
        return list(
            Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).order_by("slug").values_list("pk", flat=True)
        )

    @staticmethod
    def roles_for(index: int) -> list[str]:
        """Mostly marketers; every 50th in finance, every 25th leadership, every 10th an approver."""
        if index % 50 == 1:
            return [Role.FINANCE]
        if index % 25 == 2:
            return [Role.LEADERSHIP, Role.APPROVER]
        if index % 10 == 3:
            return [Role.MARKETER, Role.APPROVER]
        return [Role.MARKETER]

    def _users(self) -> None:
        existing = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
        teams = self._scale_teams()
        groups = dict(Group.objects.filter(name__in=Role.values).values_list("name", "pk"))
        users, plan = [], []
        for i in range(existing, self.sizes.users):
            rng = _rng("user", i)
            name = _person(rng)
            first, last = name.split(" ", 1)
            username = f"{USERNAME_PREFIX}{i:05d}"
            user = User(
                username=username,
                display_name=name,
                first_name=first,
                last_name=last,
                email=f"{username}@scale.example.com",
                date_joined=timezone.now() - dt.timedelta(days=rng.randint(0, 365 * YEARS)),
            )
            user.set_unusable_password()
            users.append(user)
            plan.append((self.roles_for(i), teams[_skewed(rng, len(teams))], i))
        users = self._bulk(User, users)
        roles, memberships = [], []
        for user, (role_names, team_id, i) in zip(users, plan, strict=True):
            roles += [User.groups.through(user_id=user.pk, group_id=groups[role]) for role in role_names]
            if Role.MARKETER in role_names:
                memberships.append(Membership(user_id=user.pk, team_id=team_id, is_lead=i % 40 == 3))
        self._bulk(User.groups.through, roles)
        self._bulk(Membership, memberships)
        self._created_history(Membership, memberships)
        self._record("users", len(users))

    def _people(self) -> dict[str, list[int]]:
        """Scale user ids by role, and marketer ids per team."""
        scale = User.objects.filter(username__startswith=USERNAME_PREFIX)
        people = {
            role: list(scale.filter(groups__name=role).order_by("pk").values_list("pk", flat=True))
            for role in Role.values
        }
        return people

    # -- campaigns and activities --------------------------------------------------------------------

    def _campaign_status(self, rng: random.Random, start: dt.date, end: dt.date) -> str:
        if end < self.today:
            return CampaignStatus.COMPLETED if rng.random() < 0.85 else CampaignStatus.CANCELLED
        if start > self.today:
            return rng.choice([CampaignStatus.DRAFT, CampaignStatus.PLANNED, CampaignStatus.PLANNED])
        return CampaignStatus.ACTIVE if rng.random() < 0.9 else CampaignStatus.ON_HOLD

    def _campaigns(self) -> None:
        existing = Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX).count()
        teams = self._scale_teams()
        members: dict[int, list[int]] = {}
        for user_id, team_id in Membership.objects.filter(team_id__in=teams).values_list("user_id", "team_id"):
            members.setdefault(team_id, []).append(user_id)
        staffed = [team for team in teams if members.get(team)]
        sponsors = self._people()[Role.LEADERSHIP] or [User.objects.get(username="cmo").pk]
        channels = list(Channel.objects.values_list("pk", flat=True))
        span = (self.today + dt.timedelta(days=180) - self.first_day).days
        new = []
        for i in range(existing, self.sizes.campaigns):
            rng = _rng("campaign", i)
            team = staffed[_skewed(rng, len(staffed))]
            start = self.first_day + dt.timedelta(days=rng.randint(0, span))
            end = start + dt.timedelta(days=rng.choice([7, 14, 30, 45, 60, 90, 120]))
            status = self._campaign_status(rng, start, end)
            new.append(
                Campaign(
                    code=f"{CAMPAIGN_PREFIX}{i + 1:06d}",
                    name=f"{rng.choice(CAMPAIGN_WORDS)} · {rng.choice(CITIES)} {start.year}",
                    description="Кампания тестовых данных.",
                    team_id=team,
                    owner_id=rng.choice(members[team]),
                    sponsor_id=None if status == CampaignStatus.DRAFT else rng.choice(sponsors),
                    start_date=start,
                    end_date=end,
                    planned_cost=Decimal(rng.randint(50, 5000) * 1000),
                    confidential=rng.random() < 0.05,
                    tags=rng.choice(["", "бренд", "digital,лиды", "события"]),
                    status=status,
                    created_by_id=None,
                )
            )
        new = self._bulk(Campaign, new)
        links = []
        for campaign in new:
            rng = _rng("campaign-channels", campaign.pk)
            links += [
                Campaign.channels.through(campaign_id=campaign.pk, channel_id=channel)
                for channel in rng.sample(channels, k=min(len(channels), rng.randint(1, 3)))
            ]
        self._bulk(Campaign.channels.through, links)
        self._created_history(Campaign, new, by_attr="owner_id")
        self._record("campaigns", len(new))

    def _scale_campaigns(self):
        return Campaign.objects.filter(code__startswith=CAMPAIGN_PREFIX)

    def _activities(self) -> None:
        existing = Activity.objects.filter(campaign__code__startswith=CAMPAIGN_PREFIX).count()
        campaigns = list(self._scale_campaigns().order_by("pk").values_list("pk", "start_date", "end_date", "owner_id"))
        channels = list(Channel.objects.values_list("pk", flat=True))
        types = list(ActivityType.values)
        new, added = [], 0
        for i in range(existing, self.sizes.activities):
            rng = _rng("activity", i)
            campaign_id, start, end, owner = campaigns[i % len(campaigns)]
            first = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            last = min(end, first + dt.timedelta(days=rng.choice([0, 0, 1, 3, 7])))
            status = ActivityStatus.DONE if last < self.today else ActivityStatus.PLANNED
            new.append(
                Activity(
                    campaign_id=campaign_id,
                    name=f"{rng.choice(['Вебинар', 'Рассылка', 'Пост', 'Стенд', 'Пресс-релиз'])} №{i + 1}",
                    type=rng.choice(types),
                    channel_id=rng.choice(channels) if channels else None,
                    start_date=first,
                    end_date=last,
                    owner_id=owner,
                    status=status,
                    location=rng.choice(["", "", rng.choice(CITIES)]),
                    public=rng.random() < 0.1,
                )
            )
            if len(new) >= 10 * self.batch_size:
                self._created_history(Activity, self._bulk(Activity, new), by_attr="owner_id")
                added, new = added + len(new), []
        self._created_history(Activity, self._bulk(Activity, new), by_attr="owner_id")
        self._record("activities", added + len(new))

    # -- money ---------------------------------------------------------------------------------------

    def _funding_requests(self) -> None:
        existing = FundingRequest.objects.filter(number__startswith=REQUEST_PREFIX).count()
        campaigns = list(self._scale_campaigns().order_by("pk").values_list("pk", "start_date", "owner_id"))
        categories = list(ExpenseCategory.objects.filter(is_active=True).values_list("pk", flat=True))
        periods = list(FiscalPeriod.objects.order_by("start_date").values_list("pk", "start_date", "end_date"))
        statuses = (
            [FundingRequestStatus.APPROVED] * 45
            + [FundingRequestStatus.PARTIALLY_APPROVED] * 10
            + [FundingRequestStatus.SUBMITTED] * 15
            + [FundingRequestStatus.REJECTED] * 10
            + [FundingRequestStatus.DRAFT] * 15
            + [FundingRequestStatus.WITHDRAWN] * 5
        )
        new = []
        for i in range(existing, self.sizes.funding_requests):
            rng = _rng("funding-request", i)
            campaign_id, start, owner = campaigns[rng.randrange(len(campaigns))]
            period = next((p for p, s, e in periods if s <= start <= e), periods[-1][0])
            amount = Decimal(rng.randint(10, 2000) * 500)
            status = rng.choice(statuses)
            submitted = timezone.make_aware(dt.datetime.combine(start, dt.time(10))) - dt.timedelta(
                days=rng.randint(5, 40)
            )
            approved = {
                FundingRequestStatus.APPROVED: amount,
                FundingRequestStatus.PARTIALLY_APPROVED: (amount * Decimal("0.6")).quantize(Decimal("0.01")),
            }.get(status)
            decided = status not in (FundingRequestStatus.DRAFT, FundingRequestStatus.SUBMITTED)
            new.append(
                FundingRequest(
                    number=f"{REQUEST_PREFIX}{i + 1:07d}",
                    campaign_id=campaign_id,
                    category_id=rng.choice(categories),
                    period_id=period,
                    amount=amount,
                    justification="Обоснование: охват целевой аудитории и ожидаемые лиды.",
                    expected_leads=rng.randint(10, 2000),
                    expected_revenue=amount * rng.randint(1, 6),
                    requested_by_id=owner,
                    status=status,
                    approved_amount=approved,
                    decision_note="Согласовано." if approved else "",
                    submitted_at=None if status == FundingRequestStatus.DRAFT else submitted,
                    decided_at=submitted + dt.timedelta(days=rng.randint(1, 10)) if decided else None,
                )
            )
        new = self._bulk(FundingRequest, new)
        self._created_history(FundingRequest, new, by_attr="requested_by_id")
        self._record("funding_requests", len(new))

    def _approval_requests(self) -> None:
        """First rounds mirror each request's status; beyond one per request, earlier rounds sent back."""
        scale = ApprovalRequest.objects.filter(subject_title__startswith=REQUEST_PREFIX)
        existing = scale.count()
        subjects = list(
            FundingRequest.objects.filter(number__startswith=REQUEST_PREFIX)
            .exclude(status=FundingRequestStatus.DRAFT)
            .order_by("pk")
            .values_list("pk", "number", "amount", "status", "requested_by_id", "submitted_at")
        )
        if not subjects:
            self._record("approval_requests", 0)
            return
        template = WorkflowTemplate.objects.get(subject_kind=SubjectKind.FUNDING_REQUEST, is_active=True)
        stage = template.stages.order_by("order").first()
        content_type = ContentType.objects.get_for_model(FundingRequest)
        people = self._people()
        approvers = people[Role.LEADERSHIP] + people[Role.APPROVER] or [User.objects.get(username="cmo").pk]
        first_round = {
            FundingRequestStatus.SUBMITTED: RequestStatus.IN_PROGRESS,
            FundingRequestStatus.APPROVED: RequestStatus.APPROVED,
            FundingRequestStatus.PARTIALLY_APPROVED: RequestStatus.APPROVED,
            FundingRequestStatus.REJECTED: RequestStatus.REJECTED,
            FundingRequestStatus.WITHDRAWN: RequestStatus.CANCELLED,
        }
        stage_status = {
            RequestStatus.IN_PROGRESS: StageStatus.IN_PROGRESS,
            RequestStatus.APPROVED: StageStatus.APPROVED,
            RequestStatus.REJECTED: StageStatus.REJECTED,
            RequestStatus.CHANGES_REQUESTED: StageStatus.CHANGES_REQUESTED,
            RequestStatus.CANCELLED: StageStatus.CANCELLED,
        }
        outcome = {
            RequestStatus.APPROVED: Outcome.APPROVE,
            RequestStatus.REJECTED: Outcome.REJECT,
            RequestStatus.CHANGES_REQUESTED: Outcome.REQUEST_CHANGES,
        }
        plans, requests = [], []
        for i in range(existing, self.sizes.approval_requests):
            rng = _rng("approval-request", i)
            pk, number, amount, fr_status, by, submitted = subjects[i % len(subjects)]
            status = first_round[fr_status] if i < len(subjects) else RequestStatus.CHANGES_REQUESTED
            when = submitted or timezone.now()
            if i >= len(subjects):
                when -= dt.timedelta(days=rng.randint(3, 20) * (i // len(subjects)))
            closed = when + dt.timedelta(hours=rng.randint(2, 200))
            requests.append(
                ApprovalRequest(
                    template=template,
                    subject_kind=SubjectKind.FUNDING_REQUEST,
                    content_type=content_type,
                    object_id=pk,
                    subject_title=f"{number} · {amount} ₽",
                    subject_url=f"/budgets/requests/{pk}/",
                    amount=amount,
                    submitted_by_id=by,
                    reason="Прошу согласовать бюджет.",
                    status=status,
                    due_at=when + dt.timedelta(days=stage.sla_days),
                    closed_at=None if status == RequestStatus.IN_PROGRESS else closed,
                )
            )
            # A third of the queue waits on the first approver (the busiest inbox).
            approver = approvers[0] if rng.random() < 0.33 else rng.choice(approvers)
            if approver == by:
                approver = next(a for a in approvers + [User.objects.get(username="cmo").pk] if a != by)
            plans.append((status, approver, when, closed, rng))
        requests = self._bulk(ApprovalRequest, requests)
        states = [
            StageState(
                request_id=request.pk,
                stage=stage,
                order=stage.order,
                name=stage.name,
                mode=stage.mode,
                status=stage_status[status],
                started_at=when,
                finished_at=None if status == RequestStatus.IN_PROGRESS else closed,
                due_at=when + dt.timedelta(days=stage.sla_days),
            )
            for request, (status, _a, when, closed, _r) in zip(requests, plans, strict=True)
        ]
        states = self._bulk(StageState, states)
        assignments, decisions, comments = [], [], []
        for request, state, (status, approver, _when, _closed, rng) in zip(requests, states, plans, strict=True):
            decided = status in outcome
            assignments.append(StageAssignment(stage_state_id=state.pk, user_id=approver, decided=decided))
            if decided:
                decisions.append(
                    Decision(
                        request_id=request.pk,
                        stage_state_id=state.pk,
                        decider_id=approver,
                        outcome=outcome[status],
                        note="Решение по заявке.",
                        approved_amount=request.amount if status == RequestStatus.APPROVED else None,
                    )
                )
            for n in range(rng.choice([0, 1, 1, 2])):
                comments.append(
                    Comment(request_id=request.pk, author_id=approver if n % 2 == 0 else request.submitted_by_id,
                            body=rng.choice(["Уточните охват, пожалуйста.", "Добавил расчёт.", "Согласен."]))
                )  # fmt: skip
        self._bulk(StageAssignment, assignments)
        self._bulk(Decision, decisions)
        self._bulk(Comment, comments)
        new_ids = [request.pk for request in requests]
        first_state = StageState.objects.filter(request_id=OuterRef("pk")).order_by("order").values("pk")[:1]
        for start in range(0, len(new_ids), self.batch_size):
            ApprovalRequest.objects.filter(pk__in=new_ids[start : start + self.batch_size]).update(
                current_stage=Subquery(first_state)
            )
        self._created_history(ApprovalRequest, requests, by_attr="submitted_by_id")
        self._record("approval_requests", len(requests))

    def _expenses(self) -> None:
        existing = Expense.objects.filter(reference__startswith=EXPENSE_PREFIX).count()
        funded = list(
            FundingRequest.objects.filter(number__startswith=REQUEST_PREFIX, status__in=FUNDED_STATUSES)
            .order_by("pk")
            .values_list("pk", "campaign_id", "campaign__start_date", "campaign__end_date")
        )
        if not funded:
            self._record("expenses", 0)
            return
        finance = self._people()[Role.FINANCE] or [User.objects.get(username="finance").pk]
        new, added = [], 0
        for i in range(existing, self.sizes.expenses):
            rng = _rng("expense", i)
            request, campaign, start, end = funded[i % len(funded)]
            amount = Decimal(rng.randint(1, 400) * 100) * (-1 if rng.random() < 0.02 else 1)
            new.append(
                Expense(
                    funding_request_id=request,
                    campaign_id=campaign,
                    vendor=rng.choice(VENDORS),
                    amount=amount,
                    date=start + dt.timedelta(days=rng.randint(0, (end - start).days)),
                    reference=f"{EXPENSE_PREFIX}{i + 1:07d}",
                    note=rng.choice(["", "Счёт", "Акт выполненных работ"]),
                    recorded_by_id=rng.choice(finance),
                )
            )
            if len(new) >= 10 * self.batch_size:
                self._created_history(Expense, self._bulk(Expense, new), by_attr="recorded_by_id")
                added, new = added + len(new), []
        self._created_history(Expense, self._bulk(Expense, new), by_attr="recorded_by_id")
        self._record("expenses", added + len(new))

    # -- history ---------------------------------------------------------------------------------

    HISTORY_SOURCES = (
        (Campaign, {"code__startswith": CAMPAIGN_PREFIX}, "owner_id"),
        (Activity, {"campaign__code__startswith": CAMPAIGN_PREFIX}, "owner_id"),
        (FundingRequest, {"number__startswith": REQUEST_PREFIX}, "requested_by_id"),
        (Expense, {"reference__startswith": EXPENSE_PREFIX}, "recorded_by_id"),
    )

    @classmethod
    def history_count(cls) -> int:
        """Scale history rows of every kind (creation rows included)."""
        models = {Campaign, Activity, FundingRequest, Expense, ApprovalRequest, Membership}
        return sum(m.history.model.objects.filter(history_change_reason=HISTORY_MARK).count() for m in models)

    def _history(self) -> None:
        """Change rows (``~``) spread over the scale rows until the marked history reaches its size."""
        missing = self.sizes.history - self.history_count()
        added = 0
        for round_number in range(1, 1000):
            if added >= missing:
                break
            before = added
            for position, (model, filters, by_attr) in enumerate(self.HISTORY_SOURCES):
                left = len(self.HISTORY_SOURCES) - position
                quota = -(-(missing - added) // left)
                added += self._changes(model, filters, by_attr, quota=quota, round_number=round_number)
            if added == before:
                break  # nothing to write history for
        self._record("history", max(0, added))

    def _changes(self, model, filters, by_attr: str, *, quota: int, round_number: int) -> int:
        """Up to ``quota`` change rows for ``model``'s scale rows, one per row, dated over the span."""
        history = model.history.model
        tracked = [f.attname for f in history.tracked_fields]
        rows, written = [], 0
        objects = model.objects.filter(**filters).order_by("pk")[:quota]
        for obj in objects.iterator(chunk_size=self.batch_size):
            rng = _rng("history", obj.pk * 1009 + round_number)
            rows.append(
                history(
                    **{name: getattr(obj, name) for name in tracked},
                    history_date=timezone.now() - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 365 * YEARS)),
                    history_type="~",
                    history_user_id=getattr(obj, by_attr),
                    history_change_reason=HISTORY_MARK,
                )
            )
            if len(rows) >= 10 * self.batch_size:
                history.objects.bulk_create(rows, batch_size=self.batch_size)
                written, rows = written + len(rows), []
        history.objects.bulk_create(rows, batch_size=self.batch_size)
        return written + len(rows)


def seed_scale(sizes: Sizes, *, batch_size: int = 2000, stdout=None) -> dict[str, int]:
    """Top the scale data set up to ``sizes``; returns the rows added per kind."""
    return ScaleSeeder(sizes, batch_size=batch_size, stdout=stdout).run()
