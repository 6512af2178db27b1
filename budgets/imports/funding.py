"""Funding requests from the old spreadsheets, historical and current, with their status (PRODUCT.md §4).

A row is keyed on MRM's ``ID`` (what the list export writes first), else on
the request's ``number``, else on its ``external_ref`` (the old sheet's own
key): a key MRM knows updates that request, a row without one it knows
creates a request. Campaigns are named by code, categories by code or name,
periods by name or by a date inside them, people by e-mail or username.

Who may import which status is PRODUCT.md §2 and §4: a marketer asks for
money for their own teams' campaigns, so imports drafts, submitted and
withdrawn requests of those; recording a *decision* (approved, partially
approved, rejected) that no approval in MRM took is finance's act (finance
and admins, for any campaign). The plan writes nothing; the write is
:func:`budgets.services.funding_requests_import`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from budgets.choices import FUNDED_STATUSES, FundingRequestStatus
from budgets.models import ExpenseCategory, FiscalPeriod, FundingRequest
from budgets.permissions import can_maintain_budgets, can_request_funding
from imports.choices import RowOutcome
from imports.columns import Columns, RowReader, choice_of, users_by_name, values_of
from imports.plans import ImportPlan, PlannedRow
from imports.tabular import Table

COLUMNS = Columns(
    FundingRequest,
    (
        "id",
        "number",
        "external_ref",
        "campaign",
        "category",
        "period",
        "amount",
        "justification",
        "expected_leads",
        "expected_revenue",
        "requested_by",
        "status",
        "approved_amount",
        "decision_note",
        "submitted_at",
        "decided_at",
    ),
)
REQUIRED_FOR_NEW = ("campaign", "category", "period", "amount", "justification")
#: Statuses only finance and admins import: a decision no approval in MRM took (§2, §4).
DECIDED_STATUSES = (*FUNDED_STATUSES, FundingRequestStatus.REJECTED)
#: Statuses a request may hold while its campaign is closed or its category inactive, or its requester has left.
HISTORICAL_STATUSES = (*DECIDED_STATUSES, FundingRequestStatus.WITHDRAWN)
#: Fields an import writes on a request (the stored plan's ``fields``).
FIELDS = (
    "campaign",
    "category",
    "period",
    "amount",
    "justification",
    "expected_leads",
    "expected_revenue",
    "requested_by",
    "external_ref",
)


class _Lookups:
    """Everything the file names, read in a handful of queries before the rows are planned (none per row)."""

    def __init__(self, table: Table, found: dict):
        from campaigns.models import Campaign

        def values(key):
            return values_of(table, found[key])

        self.users = users_by_name(values("requested_by"), related=("groups", "memberships"))
        self.campaigns = {
            c.code.casefold(): c
            for c in Campaign.objects.filter(code__in=values("campaign")).select_related("team")
            if c.code
        }
        # Codes may differ in case in an old sheet: a second, case-insensitive pass for what was not found.
        missing = {v for v in values("campaign") if v.casefold() not in self.campaigns}
        if missing:
            query = Q()
            for code in missing:
                query |= Q(code__iexact=code)
            for c in Campaign.objects.filter(query).select_related("team"):
                self.campaigns.setdefault(c.code.casefold(), c)
        self.categories = {}
        for category in ExpenseCategory.objects.all():
            for name in (category.name_ru, category.name):
                if name:
                    self.categories.setdefault(name.casefold(), category)
            self.categories[category.code.casefold()] = category
        self.periods = list(FiscalPeriod.objects.select_related("year").order_by("start_date"))
        self.period_names: dict[str, list[FiscalPeriod]] = {}
        for period in self.periods:
            self.period_names.setdefault(period.name.casefold(), []).append(period)
        ids = {int(v) for v in values("id") if v.isascii() and v.isdigit() and len(v) < 19}
        numbers = {v.upper() for v in values("number")}
        refs = values("external_ref")
        self.requests = list(
            FundingRequest.objects.filter(
                Q(pk__in=ids) | Q(number__in=numbers) | Q(external_ref__in=refs)
            ).select_related("campaign__team", "category", "period", "requested_by")
            if ids or numbers or refs
            else []
        )
        self.by_id = {r.pk: r for r in self.requests}
        self.by_number = {r.number.upper(): r for r in self.requests}
        self.by_ref = {r.external_ref: r for r in self.requests if r.external_ref}
        from approvals.choices import SubjectKind
        from approvals.services import active_template_for

        # A submitted row starts the funding-request workflow: without one configured it cannot be submitted.
        self.has_workflow = active_template_for(SubjectKind.FUNDING_REQUEST) is not None


def plan_funding_requests(table: Table, *, by) -> ImportPlan:
    """What importing ``table`` would do to the funding requests, as ``by`` would import it; writes nothing."""
    found = COLUMNS.find(table)
    if not any(found[key] for key in ("campaign", "id", "number", "external_ref")):
        raise ValidationError(
            _("The file lacks the column %(column)s. Expected: %(columns)s.")
            % {"column": COLUMNS.header_for("campaign"), "columns": ", ".join(COLUMNS.headers())}
        )
    lookups = _Lookups(table, found)
    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)  # roles read once
    plan = ImportPlan(header=table.header)
    unknown: dict[str, set[str]] = {"campaigns": set(), "categories": set(), "periods": set(), "users": set()}
    seen: dict[str, int] = {}
    for row in table.rows:
        plan.rows.append(_plan_row(RowReader(row, found, COLUMNS), lookups, by=by, seen=seen, unknown=unknown))
    plan.summary = {key: sorted(values, key=str.casefold) for key, values in unknown.items() if values}
    return plan


def _existing(reader: RowReader, lookups: _Lookups, seen: dict) -> FundingRequest | None:
    """The request the row's key names: its ID, else its number, else its external reference."""
    request = None
    ident = reader.identifier()
    number = (reader.text("number") or "").upper()
    ref = reader.text("external_ref") or ""
    if len(ref) > 100:
        reader.refuse("external_ref", _("the reference is longer than %(limit)s characters") % {"limit": 100})
    if ident is not None:
        request = lookups.by_id.get(ident)
        if request is None:
            reader.refuse("id", _("no funding request has the ID %(value)s") % {"value": ident})
    if number:
        by_number = lookups.by_number.get(number)
        if by_number is None:
            reader.refuse(
                "number",
                _("no funding request has the number %(value)s (MRM gives new requests their number)")
                % {"value": number},
            )
        elif request is not None and by_number.pk != request.pk:
            reader.refuse("number", _("%(value)s is another request than the ID names") % {"value": number})
        request = request or by_number
    if ref and ref in lookups.by_ref:
        by_ref = lookups.by_ref[ref]
        if request is not None and by_ref.pk != request.pk:
            reader.refuse(
                "external_ref", _("%(value)s is the reference of %(number)s") % {"value": ref, "number": by_ref.number}
            )
        request = request or by_ref
    key = f"id:{request.pk}" if request is not None else (f"ref:{ref}" if ref else "")
    if key:
        if key in seen:
            reader.refuse(
                "external_ref" if key.startswith("ref:") else "id",
                _("the same request is already on line %(line)s") % {"line": seen[key]},
            )
        else:
            seen[key] = reader.row.line
    return request


def _plan_row(reader: RowReader, lookups: _Lookups, *, by, seen: dict, unknown: dict) -> PlannedRow:
    existing = _existing(reader, lookups, seen)
    text = reader.text
    values: dict = {}
    if existing is None and not (reader.text("id") or reader.text("number")):  # an unknown key is refused alone
        for key in REQUIRED_FOR_NEW:
            if not text(key):
                reader.refuse(key, _("a new funding request needs a value here"))

    code = text("campaign")
    if code:
        campaign = lookups.campaigns.get(code.casefold())
        if campaign is None:
            reader.refuse("campaign", _("no campaign has the code %(value)s") % {"value": code})
            unknown["campaigns"].add(code)
        else:
            values["campaign"] = campaign
    category_text = text("category")
    if category_text:
        category = lookups.categories.get(category_text.casefold())
        if category is None:
            reader.refuse(
                "category", _("no expense category has the code or name %(value)s") % {"value": category_text}
            )
            unknown["categories"].add(category_text)
        else:
            values["category"] = category
    period_text = text("period")
    if period_text:
        period = _period(reader, lookups, period_text)
        if period is not None:
            values["period"] = period
        elif period_text.casefold() not in lookups.period_names:
            unknown["periods"].add(period_text)
    for key in ("amount", "expected_revenue"):
        amount = reader.amount(key)
        if amount is not None:
            if key == "amount" and amount == 0:
                reader.refuse(key, _("the amount must be above zero"))
            values[key] = amount
        elif text(key) == "" and key == "expected_revenue" and existing is not None:
            values[key] = None
    if text("justification") is not None:
        if text("justification"):
            values["justification"] = text("justification")
        elif existing is not None:
            reader.refuse("justification", _("say why the money is needed: finance decides on it"))
    if text("expected_leads") is not None:
        values["expected_leads"] = reader.whole_number("expected_leads")
    person = text("requested_by")
    if person:
        user = lookups.users.get(person.casefold())
        if user is None:
            reader.refuse("requested_by", _("no user has the e-mail or username %(value)s") % {"value": person})
            unknown["users"].add(person)
        else:
            values["requested_by"] = user
    elif existing is None:
        values["requested_by"] = by
    ref = text("external_ref")
    if ref:
        values["external_ref"] = ref[:100]

    status = existing.status if existing else FundingRequestStatus.DRAFT
    if text("status"):
        status = choice_of(FundingRequestStatus.choices, text("status"))
        if status is None:
            reader.refuse(
                "status",
                _("unknown status %(value)s (one of: %(statuses)s)")
                % {"value": text("status"), "statuses": ", ".join(str(s) for s in FundingRequestStatus.labels)},
            )
            status = existing.status if existing else FundingRequestStatus.DRAFT
    decision = _decision(reader, values, existing, status)

    merged = {key: values.get(key, getattr(existing, key, None)) for key in FIELDS}
    campaign = merged["campaign"]
    _check_rules(reader, merged, existing, status, by=by, has_workflow=lookups.has_workflow)

    label = " · ".join(
        filter(
            None,
            [existing.number if existing else "", campaign.code if campaign else code, str(merged["amount"] or "")],
        )
    )
    planned = PlannedRow(line=reader.row.line, outcome=RowOutcome.ERROR, label=label, errors=reader.errors)
    planned.data = _stored(existing, values, status, decision)
    if reader.errors:
        return planned
    if existing is None:
        planned.outcome = RowOutcome.NEW
        return planned
    planned.changes = _changes(existing, values, status)
    planned.outcome = RowOutcome.CHANGED if planned.changes else RowOutcome.UNCHANGED
    return planned


def _period(reader: RowReader, lookups: _Lookups, text: str) -> FiscalPeriod | None:
    """A period by its name (``Q1 2027``) or by a date inside it (``15.02.2027``)."""
    named = lookups.period_names.get(text.casefold(), [])
    if len(named) > 1:
        reader.refuse("period", _("several fiscal years have a period named %(value)s") % {"value": text})
        return None
    if named:
        return named[0]
    if any(ch.isdigit() for ch in text) and any(sep in text for sep in ".-/"):
        before = len(reader.errors)
        day = reader.date("period")
        if day is None:
            if len(reader.errors) == before:
                reader.refuse("period", _("no fiscal period is named %(value)s") % {"value": text})
            return None
        containing = [p for p in lookups.periods if p.start_date <= day <= p.end_date]
        if len(containing) == 1:
            return containing[0]
        if containing:
            reader.refuse("period", _("several fiscal periods contain %(value)s: name the period") % {"value": text})
            return None
        reader.refuse("period", _("no fiscal period contains %(value)s") % {"value": text})
        return None
    reader.refuse("period", _("no fiscal period is named %(value)s") % {"value": text})
    return None


def _decision(reader: RowReader, values: dict, existing, status: str) -> dict:
    """The approved amount, the decision's note and the dates, as the status allows them."""
    amount = values.get("amount", existing.amount if existing else None)
    approved = reader.amount("approved_amount")
    note = reader.text("decision_note") or ""
    submitted_on = reader.date("submitted_at")
    decided_on = reader.date("decided_at")
    if status in FUNDED_STATUSES:
        if approved is None and status == FundingRequestStatus.APPROVED:
            approved = amount
        if approved is None:
            reader.refuse("approved_amount", _("a partially approved request needs the amount approved"))
        elif amount is not None and approved > amount:
            reader.refuse(
                "approved_amount",
                _("the approved amount cannot exceed the amount asked (%(amount)s)") % {"amount": amount},
            )
        elif approved <= 0:
            reader.refuse("approved_amount", _("to approve nothing, import the request as rejected"))
        elif amount is not None and status == FundingRequestStatus.APPROVED and approved != amount:
            reader.refuse(
                "approved_amount",
                _("less than the amount asked was approved: the status is partially approved"),
            )
        elif amount is not None and status == FundingRequestStatus.PARTIALLY_APPROVED and approved == amount:
            reader.refuse("approved_amount", _("the whole amount was approved: the status is approved"))
    elif approved is not None:
        reader.refuse("approved_amount", _("only an approved request has an approved amount"))
    if status not in HISTORICAL_STATUSES:
        if note:
            reader.refuse("decision_note", _("only a decided or withdrawn request has a decision note"))
        if decided_on:
            reader.refuse("decided_at", _("only a decided request has a decision date"))
    if status == FundingRequestStatus.DRAFT and submitted_on:
        reader.refuse("submitted_at", _("a draft has not been submitted"))
    if submitted_on and decided_on and decided_on < submitted_on:
        reader.refuse("decided_at", _("the decision is dated before the submission"))
    if len(note) > 4000:
        reader.refuse("decision_note", _("the note is longer than %(limit)s characters") % {"limit": 4000})
    return {
        "approved_amount": str(approved) if approved is not None and status in FUNDED_STATUSES else None,
        "decision_note": note,
        "submitted_at": submitted_on.isoformat() if submitted_on else None,
        "decided_at": decided_on.isoformat() if decided_on else None,
    }


def _check_rules(reader: RowReader, merged: dict, existing, status: str, *, by, has_workflow: bool) -> None:
    """Who may import the row (§2), and the rules a request meets whoever writes it (§4)."""
    from budgets.services import period_mismatch
    from campaigns.choices import CampaignStatus

    campaign, requester = merged["campaign"], merged["requested_by"]
    if campaign is not None and not can_maintain_budgets(by) and not can_request_funding(by, campaign):
        reader.refuse(
            "campaign",
            _("%(code)s is a campaign of the team %(team)s; you cannot import its funding requests")
            % {"code": campaign.code, "team": campaign.team.name},
        )
    if status in DECIDED_STATUSES and not can_maintain_budgets(by):
        reader.refuse(
            "status",
            _(
                "only finance and administrators import a decided request (%(status)s); "
                "import it as a draft or submitted, and it is decided through its approval"
            )
            % {"status": FundingRequestStatus(status).label.lower()},
        )
    historical = status in HISTORICAL_STATUSES
    if (
        campaign is not None
        and not historical
        and campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.CANCELLED)
    ):
        reader.refuse(
            "campaign",
            _("the campaign %(code)s is %(status)s: it needs no more money (import the request as decided history)")
            % {"code": campaign.code, "status": campaign.get_status_display().lower()},
        )
    category = merged["category"]
    if category is not None and not category.is_active and not historical:
        reader.refuse("category", _("the category %(code)s is inactive") % {"code": category.code})
    if campaign is not None and merged["period"] is not None:
        mismatch = period_mismatch(period=merged["period"], campaign=campaign)
        if mismatch:
            reader.refuse("period", mismatch)
    if requester is not None and not requester.is_active and not historical:
        reader.refuse(
            "requested_by",
            _("%(user)s has left; only a decided or withdrawn request may name them") % {"user": requester.username},
        )
    submits = status == FundingRequestStatus.SUBMITTED and (existing is None or existing.status != status)
    if submits and not has_workflow:
        reader.refuse("status", _("No active workflow template applies to this kind of subject. Ask an administrator."))
    if submits and campaign is not None and requester is not None and requester.is_active:  # noqa: SIM102
        if not can_request_funding(requester, campaign):
            reader.refuse(
                "requested_by",
                _("a submitted request is submitted in its requester's name: %(user)s is not a marketer of %(team)s")
                % {"user": requester.username, "team": campaign.team.name},
            )
    if existing is None:
        return
    changes_fields = any(
        _key_of(merged[key]) != _key_of(getattr(existing, key)) for key in FIELDS if key != "external_ref"
    )
    reopened = existing.status in (FundingRequestStatus.DRAFT, FundingRequestStatus.WITHDRAWN)
    if existing.status != status and not (status == FundingRequestStatus.SUBMITTED and reopened):
        reader.refuse(
            "status",
            _("%(number)s is %(from)s: an import submits a draft, anything else is decided through its approval")
            % {"number": existing.number, "from": existing.get_status_display().lower()},
        )
    if changes_fields and not can_request_funding(by, existing.campaign):
        reader.refuse("campaign", _("only marketers of the campaign's team change its funding requests"))
    elif changes_fields and existing.status not in (FundingRequestStatus.DRAFT, FundingRequestStatus.WITHDRAWN):
        reader.refuse(
            "status",
            _("%(number)s is %(status)s and cannot be changed: withdraw it and submit it again.")
            % {"number": existing.number, "status": existing.get_status_display().lower()},
        )


def _key_of(value):
    return value.pk if hasattr(value, "pk") else value


def _stored(existing, values: dict, status: str, decision: dict) -> dict:
    """The row as JSON for the stored plan: ids, decimal strings."""
    fields = {}
    for key, value in values.items():
        if key in ("campaign", "category", "period", "requested_by"):
            fields[f"{key}_id"] = value.pk
        elif isinstance(value, Decimal):
            fields[key] = str(value)
        else:
            fields[key] = value
    return {"request_id": existing.pk if existing else None, "fields": fields, "status": status, **decision}


def _changes(existing: FundingRequest, values: dict, status: str) -> list[str]:
    changes = []
    for key, value in values.items():
        before = getattr(existing, key)
        if _key_of(before) != _key_of(value) and not (key == "external_ref" and not value):
            changes.append(f"{key}: {_shown(before)} → {_shown(value)}")
    if status != existing.status:
        changes.append(f"status: {existing.status} → {status}")
    return changes


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    if hasattr(value, "username"):
        return value.username
    if hasattr(value, "code"):
        return value.code
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def decided_times(data: dict):
    """The stored row's submission and decision moments (a date in the file: that day's start in MRM's time zone)."""
    import datetime

    from django.utils import timezone

    def moment(value):
        day = datetime.date.fromisoformat(value) if value else None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) if day else None

    return moment(data.get("submitted_at")), moment(data.get("decided_at"))
