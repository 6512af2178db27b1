"""Subject handlers: how higher apps take part in approvals without the engine knowing them.

The engine sits below campaigns and budgets (docs/ARCHITECTURE.md), so it
cannot import a material or a funding request. Each app that submits
subjects registers one :class:`SubjectHandler` per subject kind in its
``AppConfig.ready()``::

    register_subject_handler(SubjectHandler(
        kind=SubjectKind.FUNDING_REQUEST,
        model=FundingRequest,
        describe=lambda fr: SubjectInfo(title=fr.number, url=fr.get_absolute_url(),
                                        team_ids=[fr.campaign.team_id], amount=fr.amount),
        visible_ids=lambda user: FundingRequest.objects.visible_to(user).values("pk"),
        scope_ids=lambda scope: FundingRequest.objects.in_scope(scope).values("pk"),
        on_approved=mark_funded,              # (request, approved_amount) -> None
        on_rejected=mark_rejected,            # (request) -> None
        on_changes_requested=back_to_draft,   # (request) -> None
        on_cancelled=mark_withdrawn,          # (request) -> None
    ))

Callbacks run inside the transaction that moves the request, with the
request row locked: if a callback raises, the decision is rolled back too.
The callbacks receive the request; ``request.subject`` is the subject row.
Like Wagtail's ``on_finish``, this keeps business consequences with the app
that owns them.

A handler may also say what a decider should see next to the decision
(``decision_context``): budgets shows a funding request's budget line —
allocated, approved, committed, spent, what remains before and after — on
the request page, in the inbox row and in the API, without the engine
knowing what a budget is::

    decision_context=DecisionContextProvider(
        template="budgets/partials/_decision_context.html",   # drawn with ``ctx``
        load=lambda user, ids: {...},   # subject id -> context, only subjects the user may read
        as_data=lambda context: {...},  # the API's JSON for one context
    )

``load`` is called once per page for every row of a kind (the inbox asks
for all its funding requests at once), so its cost must not grow with the
rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class SubjectInfo:
    """What the engine needs to know about a subject when it is submitted."""

    title: str
    url: str = ""
    team_ids: Iterable[int] = field(default_factory=tuple)
    amount: Decimal | None = None
    version: str = ""


def _noop(*args, **kwargs) -> None:
    return None


@dataclass(frozen=True)
class DecisionContextProvider:
    """What a subject app shows a decider beside the decision (see the module docstring)."""

    # A template partial drawn with ``ctx`` (the loaded object), ``compact``, ``wide`` and ``amount_input``.
    template: str
    # (user, subject ids) -> {subject id: context}; subjects the user may not read are left out.
    load: Callable[[object, list[int]], dict]
    # The API's JSON for one context (money as decimal strings); ``None``: not in the API.
    as_data: Callable[[object], dict] | None = None


@dataclass(frozen=True)
class SubjectHandler:
    kind: str
    model: type[models.Model]
    describe: Callable[[models.Model], SubjectInfo]
    # Ids (a values("pk") queryset or a list) of the subjects the user may see;
    # those users see the subject's approval requests too.
    visible_ids: Callable[[object], object]
    # Ids of the subjects inside a viewer's report scope (accounts.scope.ViewerScope):
    # reports of approvals add up only those, like every other report.
    scope_ids: Callable[[object], object] | None = None
    on_approved: Callable[..., None] = _noop  # (request, approved_amount)
    on_rejected: Callable[..., None] = _noop  # (request)
    on_changes_requested: Callable[..., None] = _noop  # (request)
    on_cancelled: Callable[..., None] = _noop  # (request)
    # What a decider sees next to the decision (optional).
    decision_context: DecisionContextProvider | None = None


_HANDLERS: dict[str, SubjectHandler] = {}


def register_subject_handler(handler: SubjectHandler) -> SubjectHandler:
    """Register (or replace) the handler of a subject kind."""
    _HANDLERS[handler.kind] = handler
    return handler


def unregister_subject_handler(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def get_handler(kind: str) -> SubjectHandler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise ImproperlyConfigured(f"No approval subject handler is registered for {kind!r}.") from None


def registered_handlers() -> tuple[SubjectHandler, ...]:
    return tuple(_HANDLERS.values())
