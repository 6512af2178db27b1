"""Expenses and commitments from the old spreadsheets, against approved funding requests (PRODUCT.md §4).

A row is keyed on MRM's ``ID`` (what the list export writes first), else on
its ``external_ref`` (the old sheet's own key) — never on the reference (an
invoice number repeats across vendors): a key MRM knows is that record, and
a row identical to it is *unchanged*; a recorded expense is not rewritten
by an import (finance records a correction instead). A row without a known
key is new. The funding request is named by its number or its external
reference, and the campaign by its code.

The money rule is the one of an expense recorded by hand: the dry run
checks each row with :func:`budgets.services._spend_record` against a
running sum per request, so the file's rows reach a request's limit in file
order and are refused with the same message; applying checks them again
under the requests' locks (:func:`budgets.services.spend_import`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from budgets.models import Commitment, Expense, FundingRequest
from budgets.permissions import can_record_spend
from imports.choices import RowOutcome
from imports.columns import Columns, RowReader, values_of
from imports.plans import ImportPlan, PlannedRow
from imports.tabular import Table

KEYS = ("id", "external_ref", "campaign", "funding_request", "vendor", "amount", "date", "reference", "note")
COLUMNS = {Expense: Columns(Expense, KEYS), Commitment: Columns(Commitment, KEYS)}
REQUIRED = ("funding_request", "vendor", "amount", "date")
#: What a row writes, compared with a recorded one to tell unchanged from refused.
COMPARED = ("funding_request", "vendor", "amount", "date", "reference", "note")


class _Lookups:
    def __init__(self, model, table: Table, found: dict):
        from campaigns.models import Campaign

        def values(key):
            return values_of(table, found[key])

        self.campaigns = {
            c.code.casefold(): c for c in Campaign.objects.filter(code__in=values("campaign")).select_related("team")
        }
        names = values("funding_request")
        requests = (
            FundingRequest.objects.filter(Q(number__in={n.upper() for n in names}) | Q(external_ref__in=names))
            .select_related("campaign__team")
            .order_by("pk")
            if names
            else []
        )
        self.requests: dict[str, FundingRequest] = {}
        for request in requests:
            if request.external_ref:
                self.requests.setdefault(request.external_ref.casefold(), request)
            self.requests[request.number.casefold()] = request
        ids = [r.pk for r in self.requests.values()]
        self.used = dict.fromkeys(ids, Decimal("0"))
        self.used.update(
            model.objects.filter(funding_request__in=ids)
            .values("funding_request")
            .annotate(total=Sum("amount"))
            .values_list("funding_request", "total")
        )
        pks = {int(v) for v in values("id") if v.isascii() and v.isdigit() and len(v) < 19}
        refs = values("external_ref")
        records = (
            model.objects.filter(Q(pk__in=pks) | Q(external_ref__in=refs)).select_related("funding_request")
            if pks or refs
            else []
        )
        self.by_id = {r.pk: r for r in records}
        self.by_ref = {r.external_ref: r for r in self.by_id.values() if r.external_ref}


def plan_spend(model, table: Table, *, by) -> ImportPlan:
    """What importing ``table`` as ``model`` (expenses or commitments) would record, as ``by``; writes nothing."""
    from budgets.services import _spend_record

    columns = COLUMNS[model]
    found = columns.find(table)
    missing = [columns.header_for(key) for key in REQUIRED if not found[key]]
    if missing:
        raise ValidationError(
            _("The file lacks the column %(column)s. Expected: %(columns)s.")
            % {"column": ", ".join(missing), "columns": ", ".join(columns.headers())}
        )
    lookups = _Lookups(model, table, found)
    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)  # roles read once, not per row
    plan = ImportPlan(header=table.header)
    unknown: dict[str, set[str]] = {"campaigns": set(), "funding_requests": set()}
    seen: dict[str, int] = {}
    for row in table.rows:
        reader = RowReader(row, found, columns)
        existing = _existing(reader, lookups, seen)
        for key in REQUIRED:
            if not reader.text(key):
                reader.refuse(key, _("a value is needed here"))
        request = None
        name = reader.text("funding_request")
        if name:
            request = lookups.requests.get(name.casefold())
            if request is None:
                reader.refuse(
                    "funding_request", _("no funding request has the number or reference %(value)s") % {"value": name}
                )
                unknown["funding_requests"].add(name)
        campaign = None
        code = reader.text("campaign")
        if code:
            campaign = lookups.campaigns.get(code.casefold())
            if campaign is None:
                reader.refuse("campaign", _("no campaign has the code %(value)s") % {"value": code})
                unknown["campaigns"].add(code)
        amount = reader.amount("amount", negative=True)
        day = reader.date("date")
        values = {
            "vendor": reader.text("vendor") or "",
            "reference": reader.text("reference") or "",
            "note": reader.text("note") or "",
        }
        for key, limit in (("vendor", 255), ("reference", 100), ("note", 255)):
            if len(values[key]) > limit:
                reader.refuse(key, _("the text is longer than %(limit)s characters") % {"limit": limit})
        ref = reader.text("external_ref") or ""
        target = request.campaign if request is not None else campaign
        if target is not None and not can_record_spend(by, target):
            reader.refuse(
                "funding_request" if request is not None else "campaign",
                _("Finance records money for any campaign; marketers only for their own teams' campaigns."),
            )
        label = " · ".join(filter(None, [name, values["vendor"], str(amount) if amount is not None else ""]))
        planned = PlannedRow(line=row.line, outcome=RowOutcome.ERROR, label=label, errors=reader.errors)
        planned.data = {
            "record_id": existing.pk if existing else None,
            "funding_request_id": request.pk if request else None,
            "campaign_id": campaign.pk if campaign else None,
            "amount": str(amount) if amount is not None else None,
            "date": day.isoformat() if day else None,
            "external_ref": ref,
            **values,
        }
        plan.rows.append(planned)
        if reader.errors:
            continue
        if existing is not None:
            differs = [
                key
                for key in COMPARED
                if (existing.funding_request_id if key == "funding_request" else getattr(existing, key))
                != {"funding_request": request.pk, "amount": amount, "date": day}.get(key, values.get(key))
            ]
            if differs:
                reader.refuse(
                    "id" if found["id"] and reader.text("id") else "external_ref",
                    _(
                        "%(record)s is recorded with another %(fields)s: an import does not change recorded "
                        "money (record a correction instead)"
                    )
                    % {"record": existing.external_ref or existing.pk, "fields": ", ".join(differs)},
                )
                continue
            planned.outcome = RowOutcome.UNCHANGED
            continue
        try:
            record = _spend_record(
                model,
                locked=request,
                by=by,
                campaign=campaign,
                used=lookups.used[request.pk],
                vendor=values["vendor"],
                amount=amount,
                date=day,
                reference=values["reference"],
                note=values["note"],
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    reader.refuse(key if key in KEYS else "amount", message)
            continue
        lookups.used[request.pk] += record.amount
        planned.outcome = RowOutcome.NEW
    plan.summary = {key: sorted(values, key=str.casefold) for key, values in unknown.items() if values}
    return plan


def _existing(reader: RowReader, lookups: _Lookups, seen: dict):
    record = None
    ident = reader.identifier()
    ref = reader.text("external_ref") or ""
    if len(ref) > 100:
        reader.refuse("external_ref", _("the reference is longer than %(limit)s characters") % {"limit": 100})
    if ident is not None:
        record = lookups.by_id.get(ident)
        if record is None:
            reader.refuse("id", _("no record has the ID %(value)s") % {"value": ident})
    if ref and ref in lookups.by_ref:
        if record is not None and lookups.by_ref[ref].pk != record.pk:
            reader.refuse("external_ref", _("%(value)s is the reference of another record") % {"value": ref})
        record = record or lookups.by_ref[ref]
    key = f"id:{record.pk}" if record is not None else (f"ref:{ref}" if ref else "")
    if key:
        if key in seen:
            reader.refuse(
                "external_ref" if key.startswith("ref:") else "id",
                _("the same record is already on line %(line)s") % {"line": seen[key]},
            )
        else:
            seen[key] = reader.row.line
    return record
