"""Campaigns from the old spreadsheets, through the import engine (:mod:`imports.registry`).

One row per campaign, keyed on its ``code``: a code MRM knows updates that
campaign (if the importer may edit it, PRODUCT.md §2), a new code creates
one. Columns are found by their key (``planned_cost``) or their label in
English or Russian (``Planned cost``, ``Плановые затраты``), in any order;
only ``code`` is required in the header, and a new campaign needs its name,
team, owner and dates. A column that is absent is left alone on update; an
empty cell of an optional column clears it.

Users are matched by e-mail or username (a user who has left may own or
sponsor a completed or cancelled campaign), teams by name or slug, channels
by code or name, the parent by its code (in MRM or in the same file).
Whatever the file names that MRM does not know is listed in the plan's
summary before anything is written. Rows apply one by one through the
campaign services (history with who and when); a row in error is refused
and the others are imported.
"""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team
from campaigns import permissions
from campaigns.choices import CLOSED_STATUSES, CampaignStatus
from campaigns.launch import launch_objections
from campaigns.models import Campaign, Channel
from imports.choices import RowOutcome
from imports.columns import Columns, RowReader, choice_of, users_by_name
from imports.plans import ImportPlan, PlannedRow
from imports.registry import Importer, register_importer
from imports.tabular import DateOutsideWindow, Row, Table, cell_text, parse_amount, parse_date
from imports.undo import model_key, previous_values

#: The columns in template order: key → the model field whose verbose name is the header in each language.
CAMPAIGN_COLUMNS = {
    "code": "code",
    "name": "name",
    "team": "team",
    "owner": "owner",
    "sponsor": "sponsor",
    "start_date": "start_date",
    "end_date": "end_date",
    "planned_cost": "planned_cost",
    "status": "status",
    "channels": "channels",
    "tags": "tags",
    "parent": "parent",
    "description": "description",
}
KEY = model_key(Campaign)
REQUIRED_FOR_NEW = ("name", "team", "owner", "start_date", "end_date")
DATE_FORMAT = "%d.%m.%Y"  # the Russian Excel dialect; ISO dates and XLSX dates are read too
LIST_SEPARATORS = re.compile(r"[;,]")


COLUMNS = Columns(Campaign, CAMPAIGN_COLUMNS)
header_for = COLUMNS.header_for
find_columns = COLUMNS.find


def _status_of(text: str) -> str | None:
    return choice_of(CampaignStatus.choices, text)


def _split(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def _normalise_tags(text: str) -> str:
    seen: list[str] = []
    for tag in (text or "").split(","):
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return ", ".join(seen)


class _Lookups:
    """Everything the file names, read in a few queries before the rows are planned (no query per row)."""

    def __init__(self, table: Table, columns: dict[str, str | None]):
        def values(key):
            column = columns[key]
            return [cell_text(row, column) for row in table.rows] if column else []

        self.users = users_by_name(values("owner") + values("sponsor"))
        self.teams = {}
        for team in Team.objects.all():
            self.teams.setdefault(team.slug.casefold(), team)
            self.teams[team.name.casefold()] = team
        self.channels = {}
        for channel in Channel.objects.all():
            self.channels.setdefault(channel.name.casefold(), channel)
            self.channels.setdefault(str(channel).casefold(), channel)
            self.channels[channel.code.casefold()] = channel
        codes = {v for v in values("code") + values("parent") if v}
        self.campaigns = {
            c.code: c
            for c in Campaign.objects.filter(code__in=codes)
            .select_related("team", "owner", "sponsor", "parent")
            .prefetch_related("channels")
        }


def plan_campaigns(table: Table, *, by) -> ImportPlan:
    """What importing ``table`` would do to the campaigns, as ``by`` would import it; writes nothing."""
    columns = find_columns(table)
    if columns["code"] is None:
        raise ValidationError(
            _("The file lacks the column %(column)s. Expected: %(columns)s.")
            % {"column": header_for("code"), "columns": ", ".join(header_for(key) for key in CAMPAIGN_COLUMNS)}
        )
    lookups = _Lookups(table, columns)
    # Roles and teams read once: every row asks who may write it (no query per row).
    by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)
    plan = ImportPlan(header=table.header)
    unknown: dict[str, set[str]] = {"users": set(), "teams": set(), "channels": set(), "parents": set()}
    seen: dict[str, int] = {}
    for row in table.rows:
        planned = _plan_row(row, columns, lookups, by=by, seen=seen, unknown=unknown)
        plan.rows.append(planned)
    _check_parents(plan, lookups, unknown, column=columns["parent"] or header_for("parent"))
    plan.summary = {key: sorted(values, key=str.casefold) for key, values in unknown.items() if values}
    return plan


def _plan_row(row: Row, columns, lookups: _Lookups, *, by, seen: dict, unknown: dict) -> PlannedRow:
    reader = RowReader(row, columns, COLUMNS)
    errors, refuse, text = reader.errors, reader.refuse, reader.text

    code = text("code") or ""
    existing = lookups.campaigns.get(code)
    planned = PlannedRow(line=row.line, outcome=RowOutcome.ERROR, label=" · ".join(filter(None, [code, text("name")])))
    if not code:
        refuse("code", _("the code is empty"))
    elif len(code) > 32:
        refuse("code", _("the code is longer than %(limit)s characters") % {"limit": 32})
    elif code in seen:
        refuse("code", _("the code %(code)s is already on line %(line)s") % {"code": code, "line": seen[code]})
    else:
        seen[code] = row.line
    if existing is None:
        for key in REQUIRED_FOR_NEW:
            if columns[key] is None or not text(key):
                refuse(key, _("a new campaign needs a value here"))

    values: dict = {}
    name = text("name")
    if name:
        if len(name) > 200:
            refuse("name", _("the name is longer than %(limit)s characters") % {"limit": 200})
        values["name"] = name
    elif name is not None and existing is not None:
        refuse("name", _("the name is empty"))
    if text("description") is not None:
        values["description"] = text("description")
    if text("tags") is not None:
        values["tags"] = _normalise_tags(text("tags"))
        if len(values["tags"]) > 255:
            refuse("tags", _("the tags are longer than %(limit)s characters") % {"limit": 255})

    team_text = text("team")
    if team_text:
        team = lookups.teams.get(team_text.casefold())
        if team is None:
            refuse("team", _("no team is named %(value)s") % {"value": team_text})
            unknown["teams"].add(team_text)
        else:
            values["team"] = team

    for key in ("owner", "sponsor"):
        person = text(key)
        if person:
            user = lookups.users.get(person.casefold())
            if user is None:
                refuse(key, _("no user has the e-mail or username %(value)s") % {"value": person})
                unknown["users"].add(person)
            else:
                values[key] = user
        elif person is not None and key == "sponsor":
            values["sponsor"] = None

    for key in ("start_date", "end_date"):
        raw = row.values.get((columns[key] or "").casefold())
        if columns[key] and cell_text(row, columns[key]):
            try:
                values[key] = parse_date(raw, DATE_FORMAT)
            except DateOutsideWindow as exc:
                refuse(key, str(exc))
            except ValueError:
                refuse(
                    key,
                    _("%(value)s is not a date (dd.mm.yyyy or yyyy-mm-dd)") % {"value": cell_text(row, columns[key])},
                )
    start = values.get("start_date", existing.start_date if existing else None)
    end = values.get("end_date", existing.end_date if existing else None)
    if start and end and end < start:
        refuse("end_date", _("the end date is before the start date"))

    if columns["planned_cost"]:
        raw = row.values.get(columns["planned_cost"].casefold())
        if cell_text(row, columns["planned_cost"]):
            try:
                cost = parse_amount(raw)
            except ValueError:
                refuse(
                    "planned_cost",
                    _("%(value)s is not an amount with at most two decimals")
                    % {"value": cell_text(row, columns["planned_cost"])},
                )
            else:
                if cost < 0:
                    refuse("planned_cost", _("the planned cost must not be negative"))
                values["planned_cost"] = cost
        elif existing is not None:
            values["planned_cost"] = Decimal("0.00")

    status = existing.status if existing else CampaignStatus.DRAFT
    status_text = text("status")
    if status_text:
        found = _status_of(status_text)
        if found is None:
            refuse(
                "status",
                _("unknown status %(value)s (one of: %(statuses)s)")
                % {"value": status_text, "statuses": ", ".join(str(label) for label in CampaignStatus.labels)},
            )
        else:
            status = found

    channels = None
    if text("channels") is not None:
        channels = []
        for item in _split(text("channels")):
            channel = lookups.channels.get(item.casefold())
            if channel is None:
                refuse("channels", _("no channel has the code or name %(value)s") % {"value": item})
                unknown["channels"].add(item)
            elif channel not in channels:
                channels.append(channel)

    parent_code = text("parent")
    if parent_code is not None:
        values["parent"] = parent_code  # resolved once every row is known (_check_parents)
        if parent_code and parent_code == code:
            refuse("parent", _("a campaign cannot be its own parent"))

    # Who may write it (PRODUCT.md §2): marketers their own teams' campaigns, admins all.
    team = values.get("team") or (existing.team if existing else None)
    if existing is not None and not permissions.can_edit_campaign(by, existing):
        refuse(
            "code",
            _("%(code)s is a campaign of the team %(team)s; you cannot edit it")
            % {"code": code, "team": existing.team.name},
        )
    elif (
        team is not None
        and (existing is None or team.pk != existing.team_id)
        and not permissions.can_create_in_team(by, team.pk)
    ):
        refuse("team", _("you can only import campaigns of your own teams, not of %(team)s") % {"team": team.name})

    # The lifecycle's rules that hold for imported campaigns too (§3).
    owner = values.get("owner") or (existing.owner if existing else None)
    sponsor = values.get("sponsor", existing.sponsor if existing else None)
    if owner is not None and not owner.is_active and status not in CLOSED_STATUSES:
        refuse(
            "owner",
            _("%(user)s has left; only a completed or cancelled campaign may keep them as owner")
            % {"user": owner.username},
        )
    if sponsor is not None and not sponsor.is_active and status not in CLOSED_STATUSES:
        refuse(
            "sponsor",
            _("%(user)s has left; only a completed or cancelled campaign may keep them as sponsor")
            % {"user": sponsor.username},
        )
    if status not in (CampaignStatus.DRAFT, CampaignStatus.CANCELLED) and sponsor is None:
        refuse("sponsor", _("a campaign that has left draft needs a sponsor"))
    if existing is not None and status != existing.status:
        if status not in existing.lifecycle_targets():
            refuse(
                "status",
                _("a campaign cannot go from %(from)s to %(to)s")
                % {"from": existing.get_status_display().lower(), "to": CampaignStatus(status).label.lower()},
            )
        elif status == CampaignStatus.ACTIVE and not errors:
            for objection in launch_objections(existing):
                refuse("status", objection)
    elif existing is None and status == CampaignStatus.ACTIVE and not errors:
        probe = Campaign(planned_cost=values.get("planned_cost") or Decimal("0"), team=team)
        for objection in launch_objections(probe):
            refuse("status", objection)

    planned.errors = errors
    planned.data = _stored(code, existing, values, channels, status)
    if errors:
        return planned
    if existing is None:
        planned.outcome = RowOutcome.NEW
    else:
        planned.changes = _changes(existing, values, channels, status)
        planned.outcome = RowOutcome.CHANGED if planned.changes else RowOutcome.UNCHANGED
    return planned


def _stored(code: str, existing, values: dict, channels, status: str) -> dict:
    """The row as JSON for the stored plan: ids, ISO dates, decimal strings."""
    fields = {}
    for key, value in values.items():
        if key in ("team", "owner", "sponsor"):
            fields[f"{key}_id"] = value.pk if value is not None else None
        elif isinstance(value, datetime.date):
            fields[key] = value.isoformat()
        elif isinstance(value, Decimal):
            fields[key] = str(value)
        else:
            fields[key] = value
    return {
        "code": code,
        "campaign_id": existing.pk if existing else None,
        "fields": fields,
        "channel_ids": [c.pk for c in channels] if channels is not None else None,
        "status": status,
    }


def _check_parents(plan: ImportPlan, lookups: _Lookups, unknown: dict, *, column: str) -> None:
    """A parent is a campaign in MRM or a row of the file that imports (never a loop among the file's rows)."""
    rows_by_code = {row.data["code"]: row for row in plan.rows if row.data.get("code")}

    def refuse(row, message):
        row.errors.append(_("%(column)s: %(message)s") % {"column": column, "message": message})
        row.outcome, row.changes = RowOutcome.ERROR, []

    with_parent = [row for row in plan.rows if row.data["fields"].get("parent") not in (None, "", row.data["code"])]
    for row in with_parent:
        parent = row.data["fields"]["parent"]
        if parent not in rows_by_code and parent not in lookups.campaigns:
            refuse(row, _("no campaign has the code %(value)s") % {"value": parent})
            unknown["parents"].add(parent)
            continue
        chain, current = {row.data["code"]}, parent
        while current in rows_by_code:
            if current in chain:
                refuse(row, _("the parent %(value)s would make a loop") % {"value": parent})
                break
            chain.add(current)
            current = rows_by_code[current].data["fields"].get("parent")
    # A child of a refused row is refused too (repeated until nothing more is refused: chains of any length).
    refused_one = True
    while refused_one:
        refused_one = False
        for row in with_parent:
            in_file = rows_by_code.get(row.data["fields"]["parent"])
            if not row.is_error and in_file is not None and in_file.is_error:
                refuse(
                    row,
                    _("the parent %(value)s is refused on line %(line)s")
                    % {"value": in_file.data["code"], "line": in_file.line},
                )
                refused_one = True


def _changes(campaign: Campaign, values: dict, channels, status: str) -> list[str]:
    changes = []
    for key, value in values.items():
        if key == "parent":
            before = campaign.parent.code if campaign.parent else ""
            if value != before:
                changes.append(f"parent: {before or '—'} → {value or '—'}")
            continue
        before = getattr(campaign, key)
        if before != value:
            changes.append(f"{key}: {_shown(before)} → {_shown(value)}")
    if channels is not None:
        before = sorted(c.code for c in campaign.channels.all())
        after = sorted(c.code for c in channels)
        if before != after:
            changes.append(f"channels: {', '.join(before) or '—'} → {', '.join(after) or '—'}")
    if status != campaign.status:
        changes.append(f"status: {campaign.status} → {status}")
    return changes


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "username"):
        return value.username
    if isinstance(value, Team):
        return value.name
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def apply_campaigns(*, job, rows: list[PlannedRow], by) -> dict:
    """Write the stored plan's new and changed rows through the campaign services (inside the engine's transaction).

    Everything the rows name is read in a few queries, the campaigns are
    written by ``campaigns_import`` in a constant number of statements, and
    an existing campaign whose status the file changes then moves through
    ``campaign_transition`` (its lifecycle and launch guards).
    """
    from campaigns import services

    actionable = [row for row in rows if row.outcome in (RowOutcome.NEW, RowOutcome.CHANGED)]
    user_ids, team_ids, channel_ids = set(), set(), set()
    for row in actionable:
        fields = row.data["fields"]
        user_ids |= {fields.get("owner_id"), fields.get("sponsor_id")} - {None}
        if fields.get("team_id"):
            team_ids.add(fields["team_id"])
        channel_ids |= set(row.data["channel_ids"] or [])
    users = get_user_model().objects.in_bulk(user_ids)
    teams = Team.objects.in_bulk(team_ids)
    channels = Channel.objects.in_bulk(channel_ids)
    parent_codes = {row.data["fields"]["parent"] for row in actionable if row.data["fields"].get("parent")}
    parents = {c.code: c for c in Campaign.objects.filter(code__in=parent_codes)}
    existing = {
        c.pk: c
        for c in Campaign.objects.select_for_update()
        .filter(pk__in=[row.data["campaign_id"] for row in actionable if row.data["campaign_id"]])
        .prefetch_related("channels")
    }
    note = _("Imported from %(file)s (import #%(id)s)") % {"file": job.file_name, "id": job.pk}

    creates, updates, moves = [], [], []
    for row in actionable:
        data, parent_code = _values(row.data["fields"], users=users, teams=teams)
        channel_list = [channels[pk] for pk in row.data["channel_ids"]] if row.data["channel_ids"] is not None else None
        if parent_code:
            data["parent"] = parents.get(parent_code)
        if row.outcome == RowOutcome.NEW:
            campaign = Campaign(code=row.data["code"], **data)
            creates.append(
                services.CampaignImport(
                    campaign=campaign, channels=channel_list, status=row.data["status"], parent_code=parent_code
                )
            )
            continue
        campaign = existing[row.data["campaign_id"]]
        original = copy.copy(campaign)
        changed = {key for key, value in data.items() if _differs(campaign, key, value)}
        if parent_code and data.get("parent") is None:
            changed.add("parent")  # a parent created by this import, set once it exists
        for key in changed:
            setattr(campaign, key, data[key])
        if channel_list is not None and {c.pk for c in channel_list} == {c.pk for c in campaign.channels.all()}:
            channel_list = None
        if changed or channel_list is not None:
            updates.append(
                services.CampaignImport(
                    campaign=campaign,
                    channels=channel_list,
                    status=campaign.status,
                    changed=changed,
                    parent_code=parent_code if "parent" in changed else None,
                    original=original,
                )
            )
        if row.data["status"] != campaign.status:
            moves.append((campaign, row.data["status"]))
    previous = {}
    for item in updates:
        before = previous_values(item.original, sorted(item.changed))
        if item.channels is not None:
            before["channels"] = sorted(c.pk for c in item.original.channels.all())
        previous[str(item.campaign.pk)] = before
    services.campaigns_import(creates=creates, updates=updates, by=by, note=note)
    for campaign, status in moves:
        previous.setdefault(str(campaign.pk), {})["status"] = campaign.status
        services.campaign_transition(campaign=campaign, to_status=status, note=note, by=by)
    changed_ids = sorted({i.campaign.pk for i in updates} | {c.pk for c, _s in moves})
    job.result["written"] = {
        "created": {KEY: [i.campaign.pk for i in creates]},
        "updated": {KEY: previous},
        "moved": {KEY: sorted(c.pk for c, _s in moves)},
    }
    return {
        "created": len(creates),
        "changed": len(changed_ids),
        "created_ids": [i.campaign.pk for i in creates],
        "changed_ids": changed_ids,
    }


def _differs(campaign: Campaign, key: str, value) -> bool:
    if key in ("team", "owner", "sponsor", "parent"):  # compared by id: no query per row
        return getattr(campaign, f"{key}_id") != (value.pk if value is not None else None)
    return getattr(campaign, key) != value


def _values(fields: dict, *, users, teams) -> tuple[dict, str | None]:
    """The stored row's fields as model values; the parent's code is returned apart (it may be created now)."""
    data, parent_code = {}, None
    for key, value in fields.items():
        if key in ("owner_id", "sponsor_id"):
            data[key[:-3]] = users[value] if value is not None else None
        elif key == "team_id":
            data["team"] = teams[value]
        elif key in ("start_date", "end_date"):
            data[key] = datetime.date.fromisoformat(value)
        elif key == "planned_cost":
            data[key] = Decimal(value)
        elif key == "parent":
            parent_code = value or None
            if not value:
                data["parent"] = None
        else:
            data[key] = value
    return data, parent_code


class CampaignsImporter(Importer):
    """Campaigns (PRODUCT.md §3): marketers import their teams' campaigns, admins any."""

    kind = "campaigns"
    title = gettext_lazy("campaigns")
    upload_title = gettext_lazy("Import campaigns")
    upload_help = (
        gettext_lazy(
            "Columns: %(columns)s. Only the code is required in the header; a new campaign needs its name, team, "
            "owner and dates."
        ),
        gettext_lazy(
            "A row whose code exists updates that campaign; importing the same file again changes nothing. Users "
            "are found by e-mail or username, teams by name, channels by code or name (separated by , or ;), the "
            "parent by its code. CSV from Excel in Russian (semicolons, decimal comma, dd.mm.yyyy, Windows-1251) "
            "is read as it is."
        ),
    )
    section = "campaigns"
    all_or_nothing = False

    def can_import(self, user) -> bool:
        return permissions.can_create_campaign(user)

    def template_columns(self) -> list[str]:
        return COLUMNS.headers()

    def job_scope(self, user) -> Q:
        """A marketer sees the campaign imports they uploaded (other teams' files are theirs); admins all."""
        return Q() if user.is_mrm_admin else Q(created_by=user)

    def clean_options(self, mapping, *, by) -> dict:
        # The rows are planned as the uploader may write them (§2): the plan knows who that is.
        return {"uploaded_by": by.pk}

    def column_choices(self) -> list[tuple[str, str]]:
        return [(key, COLUMNS.header_for(key)) for key in COLUMNS]

    def column_of(self, header: str) -> str | None:
        # The list export's first column (MRM's ID) is read and left alone: a campaign's key is its code.
        if header.strip().casefold() == "id":
            return "id"
        return COLUMNS.key_of(header)

    def plan_table(self, *, table, options):
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return plan_campaigns(table, by=by)

    def apply(self, *, job, rows, by):
        return apply_campaigns(job=job, rows=rows, by=by)

    def undo_objections(self, job) -> list[str]:
        from campaigns.services import campaigns_import_undo_objections

        return campaigns_import_undo_objections(job=job)

    def undo(self, *, job, by) -> dict:
        from campaigns.services import campaigns_import_undo

        return campaigns_import_undo(job=job, by=by)

    def result_url(self, job) -> str:
        return reverse("campaigns:list")


def register() -> None:
    register_importer(CampaignsImporter())
