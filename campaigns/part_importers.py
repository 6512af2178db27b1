"""Activities, tasks and KPIs from the old spreadsheets, through the import engine (issue 17.1).

One row per activity, task or KPI of a campaign named by its code (column
``campaign``). A row is matched, in this order, by MRM's own ``id`` (the
first column of the list exports, header "ID"), by its ``external_ref``
within the campaign (activities and tasks: the old sheet's own number), or
for a KPI by its metric and custom name within the campaign; a row that
matches nothing creates one. Re-importing the same file changes nothing.

Columns are the model's field names (``start_date``), or their headers in
either language (``Start date``, ``Дата начала``); the engine's mapping step
renames any other header to a key first. Users are found by e-mail or
username, channels by code or name, a task's activity by its external
reference, ID or name within the task's campaign. Who may (PRODUCT.md §2):
marketers for their own teams' campaigns, admins for all. What the file
names that MRM does not know is listed in the summary before anything is
written; rows apply in bulk through ``campaign_parts_import``.
"""

from __future__ import annotations

import copy
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import permissions
from campaigns.choices import ActivityStatus, KPIMetric
from campaigns.models import KPI, Activity, Campaign, Channel, Task
from imports.choices import RowOutcome
from imports.columns import Columns, RowReader, choice_of, users_by_name
from imports.plans import ImportPlan, PlannedRow
from imports.registry import ColumnsImporter, register_importer
from imports.tabular import DateOutsideWindow, Table, parse_amount, parse_date
from imports.undo import as_json, model_key, previous_values

DATE_FORMAT = "%d.%m.%Y"
TRUE_WORDS = {"1", "yes", "y", "true", "x", "да", "д", "истина", "+"}
FALSE_WORDS = {"0", "no", "n", "false", "нет", "н", "ложь", "-"}


def _parse_time(value) -> datetime.time:
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    text = str(value).strip()
    for fmt in ("%H:%M", "%H:%M:%S", "%H.%M"):
        try:
            return datetime.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError(text)


class PartImporter(ColumnsImporter):
    """The rows of one model hanging off a campaign; subclasses name the model, columns and rules."""

    model: type[models.Model]
    all_or_nothing = False
    section = "campaigns"
    upload_help = (
        gettext_lazy("Columns: %(columns)s. Each row names its campaign by its code."),
        gettext_lazy(
            "A row with an ID from an export, or an external reference MRM knows for that campaign (for a KPI: its "
            "metric), updates that row; any other row is added; importing the same file again changes nothing. "
            "Users are found by e-mail or username, a task's activity by its external reference, ID or name. CSV "
            "from Excel in Russian (semicolons, decimal comma, dd.mm.yyyy, Windows-1251) is read as it is."
        ),
    )
    #: key → model field name, in template order.
    fields: dict[str, str] = {}
    required_for_new: tuple[str, ...] = ()
    #: The user column whose person must be active unless the row is closed, and the closing test.
    person_key = ""
    #: Keys that only read (the id and campaign are matched, not written).
    match_keys = ("id", "campaign")
    #: Relations read with the existing rows (the dry run shows and checks them without a query per row).
    related = ()

    def __init__(self):
        self.columns = Columns(self.model, self.fields)

    # --- the engine's questions ---

    def can_import(self, user) -> bool:
        return permissions.can_create_campaign(user)

    def job_scope(self, user) -> Q:
        """A marketer sees the imports they uploaded; admins all."""
        return Q() if user.is_mrm_admin else Q(created_by=user)

    def clean_options(self, mapping, *, by) -> dict:
        return {"uploaded_by": by.pk}

    def result_url(self, job) -> str:
        return reverse("campaigns:list")

    def plan_table(self, *, table: Table, options: dict) -> ImportPlan:
        by = get_user_model().objects.get(pk=options["uploaded_by"])
        return self.plan_rows(table, by=by)

    # --- the dry run ---

    def what(self) -> str:
        return str(self.model._meta.verbose_name)

    def plan_rows(self, table: Table, *, by) -> ImportPlan:
        """What importing ``table`` would do, as ``by`` would import it; writes nothing, a constant number of queries."""
        found = self.columns.find(table)
        if found["campaign"] is None and found["id"] is None:
            raise ValidationError(
                _("The file lacks the column %(column)s. Expected: %(columns)s.")
                % {"column": self.columns.header_for("campaign"), "columns": ", ".join(self.columns.headers())}
            )
        by = type(by).objects.prefetch_related("groups", "memberships").get(pk=by.pk)
        lookups = self.lookups(table, found, by=by)
        plan = ImportPlan(header=table.header)
        unknown: dict[str, set[str]] = {"campaigns": set(), "users": set(), "channels": set(), "activities": set()}
        seen: dict = {}
        for row in table.rows:
            plan.rows.append(
                self.plan_row(RowReader(row, found, self.columns), lookups, by=by, seen=seen, unknown=unknown)
            )
        plan.summary = {key: sorted(values, key=str.casefold) for key, values in unknown.items() if values}
        return plan

    def lookups(self, table: Table, found: dict, *, by) -> dict:
        def values(key):
            column = found.get(key)
            return [RowReader(row, found, self.columns).text(key) for row in table.rows] if column else []

        ids = {int(v) for v in values("id") if v and v.isascii() and v.isdigit()}
        by_id = {
            obj.pk: obj
            for obj in self.model.objects.filter(
                pk__in=ids, campaign__in=Campaign.objects.visible_to(by)
            ).select_related("campaign__team", *self.related)
        }
        codes = {v for v in values("campaign") if v}
        campaigns = {c.code: c for c in Campaign.objects.visible_to(by).filter(code__in=codes).select_related("team")}
        campaigns.update({obj.campaign.code: obj.campaign for obj in by_id.values()})
        existing = self.model.objects.filter(campaign__in=[c.pk for c in campaigns.values()]).select_related(
            *self.related
        )
        by_key = {}
        for obj in existing:
            by_key.setdefault(self.key_of(obj), obj)
        people = [v for key in ("owner", "assignee") for v in values(key) if v]
        return {
            "by_id": by_id,
            "campaigns": campaigns,
            "by_key": by_key,
            "users": users_by_name(people),
            **self.extra_lookups(campaigns),
        }

    def extra_lookups(self, campaigns: dict) -> dict:
        return {}

    def match(self, values: dict, campaign, lookups: dict):
        """The existing object the row names by its natural key (external reference; KPIs: the metric)."""
        key = self.natural_key(values, campaign)
        return lookups["by_key"].get(key) if key is not None else None

    def natural_key(self, values: dict, campaign):
        ref = values.get("external_ref")
        return (campaign.pk, "ref", ref) if ref else None

    def key_of(self, obj):
        """An existing object's natural key, as :meth:`natural_key` reads it from a row."""
        return (obj.campaign_id, "ref", obj.external_ref) if obj.external_ref else None

    def plan_row(self, reader: RowReader, lookups: dict, *, by, seen: dict, unknown: dict) -> PlannedRow:
        refuse, text = reader.refuse, reader.text
        row = reader.row
        planned = PlannedRow(line=row.line, outcome=RowOutcome.ERROR)
        existing, campaign = None, None
        id_text = text("id")
        if id_text:
            existing = lookups["by_id"].get(int(id_text)) if id_text.isascii() and id_text.isdigit() else None
            if existing is None:
                refuse("id", _("no %(what)s has the ID %(value)s") % {"what": self.what(), "value": id_text})
            else:
                campaign = existing.campaign
        code = text("campaign")
        if code:
            named = lookups["campaigns"].get(code)
            if named is None:
                refuse("campaign", _("no campaign has the code %(value)s") % {"value": code})
                unknown["campaigns"].add(code)
            elif campaign is not None and named.pk != campaign.pk:
                refuse(
                    "campaign",
                    _("%(what)s #%(id)s belongs to the campaign %(code)s")
                    % {"what": self.what(), "id": existing.pk, "code": campaign.code},
                )
            else:
                campaign = named
        elif campaign is None and not id_text:
            refuse("campaign", _("name the campaign by its code"))

        values = self.read_values(reader, lookups, campaign=campaign, unknown=unknown)
        if campaign is not None and existing is None:
            existing = self.match(values, campaign, lookups)
        planned.label = " · ".join(filter(None, [campaign.code if campaign else code, self.label_of(values, existing)]))
        if campaign is not None:
            key = ("id", existing.pk) if existing is not None else self.natural_key(values, campaign)
            if key is not None:
                if key in seen:
                    refuse(
                        "id" if id_text else self.natural_key_column(),
                        _("this %(what)s is already on line %(line)s") % {"what": self.what(), "line": seen[key]},
                    )
                else:
                    seen[key] = row.line
            if not permissions.can_edit_campaign(by, campaign):
                refuse(
                    "campaign",
                    _("%(code)s is a campaign of the team %(team)s; you cannot edit it")
                    % {"code": campaign.code, "team": campaign.team.name},
                )
        if existing is None and not id_text:  # an unknown ID is refused as such, not as a new row
            for key in self.required_for_new:
                if key not in reader.refused and (not reader.has(key) or values.get(key) in (None, "")):
                    refuse(key, _("a new %(what)s needs a value here") % {"what": self.what()})
        self.check_row(reader, values, existing)
        if campaign is not None and not reader.errors:
            probe = copy.copy(existing) if existing is not None else self.model(campaign=campaign)
            probe.campaign = campaign
            for key, value in values.items():
                setattr(probe, self.fields[key], value)
            try:
                probe.clean()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    key = next((k for k, f in self.fields.items() if f == field), "campaign")
                    for message in messages:
                        refuse(key, message)
            values = {key: getattr(probe, self.fields[key]) for key in values}  # clean() may normalise
        planned.errors = reader.errors
        planned.data = {
            "id": existing.pk if existing is not None else None,
            "campaign_id": campaign.pk if campaign is not None else None,
            "fields": {self.fields[key]: as_json(value) for key, value in values.items()},
        }
        if planned.errors:
            return planned
        if existing is None:
            planned.outcome = RowOutcome.NEW
        else:
            planned.changes = [
                f"{key}: {_shown(getattr(existing, self.fields[key]))} → {_shown(value)}"
                for key, value in values.items()
                if _differs(existing, self.fields[key], value)
            ]
            planned.outcome = RowOutcome.CHANGED if planned.changes else RowOutcome.UNCHANGED
        return planned

    def natural_key_column(self) -> str:
        return "external_ref"

    def label_of(self, values: dict, existing) -> str:
        return str(values.get("name") or values.get("title") or (existing or ""))

    def check_row(self, reader: RowReader, values: dict, existing) -> None:
        """The kind's own rules on a row (a person who has left on an open item...)."""

    def read_values(self, reader: RowReader, lookups: dict, *, campaign, unknown: dict) -> dict:
        """Every written column present in the file, read as the model's value (an empty cell clears it)."""
        values = {}
        for key, name in self.fields.items():
            if key in self.match_keys or not reader.has(key):
                continue
            field = self.model._meta.get_field(name)
            text = reader.text(key)
            try:
                value = self.read_value(key, field, text, reader, lookups, campaign=campaign, unknown=unknown)
            except _Refused:
                continue
            values[key] = value
        return values

    def read_value(self, key, field, text, reader, lookups, *, campaign, unknown):
        refuse = reader.refuse
        if isinstance(field, models.ForeignKey):
            if not text:
                return None
            return self.read_relation(key, field, text, reader, lookups, campaign=campaign, unknown=unknown)
        if not text:
            if isinstance(field, models.BooleanField):
                return False
            return None if field.null else ""
        try:
            if isinstance(field, models.BooleanField):
                if text.casefold() in TRUE_WORDS:
                    return True
                if text.casefold() in FALSE_WORDS:
                    return False
                refuse(key, _("%(value)s is not yes or no") % {"value": text})
                raise _Refused
            if isinstance(field, models.DateField):
                return parse_date(reader.raw(key), DATE_FORMAT)
            if isinstance(field, models.TimeField):
                return _parse_time(reader.raw(key))
            if isinstance(field, models.DecimalField):
                value = parse_amount(reader.raw(key))
                field.run_validators(value)
                return value
            if field.choices:
                value = choice_of(field.choices, text)
                if value is None:
                    refuse(
                        key,
                        _("unknown value %(value)s (one of: %(choices)s)")
                        % {"value": text, "choices": ", ".join(str(label) for _v, label in field.choices)},
                    )
                    raise _Refused
                return value
            field.run_validators(text)
            return text
        except DateOutsideWindow as exc:
            refuse(key, str(exc))
        except ValidationError as exc:
            refuse(key, " ".join(exc.messages))
        except ValueError:
            if isinstance(field, models.DateField):
                refuse(key, _("%(value)s is not a date (dd.mm.yyyy or yyyy-mm-dd)") % {"value": text})
            elif isinstance(field, models.TimeField):
                refuse(key, _("%(value)s is not a time (hh:mm)") % {"value": text})
            else:
                refuse(key, _("%(value)s is not a number with at most two decimals") % {"value": text})
        raise _Refused

    def read_relation(self, key, field, text, reader, lookups, *, campaign, unknown):
        if field.related_model is get_user_model():
            user = lookups["users"].get(text.casefold())
            if user is None:
                reader.refuse(key, _("no user has the e-mail or username %(value)s") % {"value": text})
                unknown["users"].add(text)
                raise _Refused
            return user
        raise _Refused

    # --- applying the stored plan ---

    def apply(self, *, job, rows: list[PlannedRow], by) -> dict:
        """Write the new and changed rows through ``campaign_parts_import``, recording what was written for undo."""
        from campaigns import services

        actionable = [row for row in rows if row.outcome in (RowOutcome.NEW, RowOutcome.CHANGED)]
        campaigns = Campaign.objects.select_related("team").in_bulk({row.data["campaign_id"] for row in actionable})
        existing = {
            obj.pk: obj
            for obj in self.model.objects.select_for_update().filter(
                pk__in=[row.data["id"] for row in actionable if row.data["id"]]
            )
        }
        related = self._related_objects(actionable)
        note = _("Imported from %(file)s (import #%(id)s)") % {"file": job.file_name, "id": job.pk}
        creates, updates = [], []
        for row in actionable:
            campaign = campaigns[row.data["campaign_id"]]
            if row.outcome == RowOutcome.NEW:
                obj = self.model(campaign=campaign)
                self._set(obj, row.data["fields"], related)
                creates.append(services.PartImport(obj=obj))
                continue
            obj = existing[row.data["id"]]
            obj.campaign = campaign
            original = copy.copy(obj)
            self._set(obj, row.data["fields"], related)
            changed = {name for name in row.data["fields"] if _differs(original, name, getattr(obj, name))}
            if changed:
                updates.append(services.PartImport(obj=obj, changed=changed, original=original))
        previous = {str(i.obj.pk): previous_values(i.original, sorted(i.changed)) for i in updates}
        if self.model is Task:
            for item in updates:
                previous[str(item.obj.pk)]["done_at"] = as_json(item.original.done_at)
        services.campaign_parts_import(model=self.model, creates=creates, updates=updates, by=by, note=note)
        key = model_key(self.model)
        job.result["written"] = {"created": {key: [i.obj.pk for i in creates]}, "updated": {key: previous}}
        return {
            "created": len(creates),
            "changed": len(updates),
            "created_ids": [i.obj.pk for i in creates],
            "changed_ids": sorted(i.obj.pk for i in updates),
        }

    def _related_objects(self, rows) -> dict:
        """The stored rows' foreign keys as objects, one query per relation (a model's ``clean`` may read them)."""
        related = {}
        for field in self.model._meta.concrete_fields:
            if not field.is_relation or field.name == "campaign":
                continue
            ids = {row.data["fields"].get(field.name) for row in rows} - {None}
            related[field.name] = field.related_model._base_manager.in_bulk(ids) if ids else {}
        return related

    def _set(self, obj, fields: dict, related: dict) -> None:
        for name, value in fields.items():
            field = self.model._meta.get_field(name)
            if field.is_relation:
                setattr(obj, name, related[name][value] if value is not None else None)
            else:
                setattr(obj, name, None if value is None else field.to_python(value))

    # --- undo ---

    def undo_objections(self, job) -> list[str]:
        from campaigns.services import campaigns_import_undo_objections

        return campaigns_import_undo_objections(job=job)

    def undo(self, *, job, by) -> dict:
        from campaigns.services import campaigns_import_undo

        return campaigns_import_undo(job=job, by=by)


class _Refused(Exception):
    """A cell was refused (the reason is on the row)."""


def _differs(obj, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if isinstance(value, models.Model) else value)
    return getattr(obj, name) != value


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "username"):
        return value.username
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class ActivitiesImporter(PartImporter):
    """Activities (PRODUCT.md §3) of campaigns a marketer may edit; admins any."""

    kind = "activities"
    title = gettext_lazy("activities")
    upload_title = gettext_lazy("Import activities")
    model = Activity
    fields = {
        "id": "id",
        "campaign": "campaign",
        "external_ref": "external_ref",
        "name": "name",
        "type": "type",
        "channel": "channel",
        "start_date": "start_date",
        "end_date": "end_date",
        "start_time": "start_time",
        "end_time": "end_time",
        "owner": "owner",
        "status": "status",
        "location": "location",
        "url": "url",
        "public": "public",
        "description": "description",
    }
    required_for_new = ("name", "start_date", "end_date")
    related = ("owner", "channel")

    def extra_lookups(self, campaigns: dict) -> dict:
        channels = {}
        for channel in Channel.objects.all():
            channels.setdefault(channel.name.casefold(), channel)
            channels[channel.code.casefold()] = channel
        return {"channels": channels}

    def read_relation(self, key, field, text, reader, lookups, *, campaign, unknown):
        if key == "channel":
            channel = lookups["channels"].get(text.casefold())
            if channel is None:
                reader.refuse(key, _("no channel has the code or name %(value)s") % {"value": text})
                unknown["channels"].add(text)
                raise _Refused
            return channel
        return super().read_relation(key, field, text, reader, lookups, campaign=campaign, unknown=unknown)

    def read_values(self, reader, lookups, *, campaign, unknown) -> dict:
        values = super().read_values(reader, lookups, campaign=campaign, unknown=unknown)
        if reader.has("type") and values.get("type") is None and "type" in values:
            values["type"] = Activity._meta.get_field("type").default
        if reader.has("status") and values.get("status") is None and "status" in values:
            values["status"] = ActivityStatus.PLANNED
        return values

    def check_row(self, reader, values, existing) -> None:
        owner = values.get("owner", existing.owner if existing else None)
        status = values.get("status") or (existing.status if existing else ActivityStatus.PLANNED)
        if owner is not None and not owner.is_active and status not in (ActivityStatus.DONE, ActivityStatus.CANCELLED):
            reader.refuse(
                "owner",
                _("%(user)s has left; only a done or cancelled activity may keep them as owner")
                % {"user": owner.username},
            )


class TasksImporter(PartImporter):
    """Tasks of campaigns a marketer may edit, optionally on one of the campaign's activities; admins any."""

    kind = "tasks"
    title = gettext_lazy("tasks")
    upload_title = gettext_lazy("Import tasks")
    model = Task
    fields = {
        "id": "id",
        "campaign": "campaign",
        "external_ref": "external_ref",
        "activity": "activity",
        "title": "title",
        "assignee": "assignee",
        "due_date": "due_date",
        "done": "done",
    }
    required_for_new = ("title",)
    related = ("assignee", "activity")

    def extra_lookups(self, campaigns: dict) -> dict:
        activities: dict[int, dict[str, Activity]] = {}
        for activity in Activity.objects.filter(campaign__in=[c.pk for c in campaigns.values()]).order_by("pk"):
            names = activities.setdefault(activity.campaign_id, {})
            names.setdefault(activity.name.casefold(), activity)
            names[str(activity.pk)] = activity
            if activity.external_ref:
                names[activity.external_ref.casefold()] = activity
        return {"activities": activities}

    def read_relation(self, key, field, text, reader, lookups, *, campaign, unknown):
        if key == "activity":
            if campaign is None:
                raise _Refused
            activity = lookups["activities"].get(campaign.pk, {}).get(text.casefold())
            if activity is None:
                reader.refuse(
                    key,
                    _("the campaign %(code)s has no activity %(value)s (its external reference, ID or name)")
                    % {"code": campaign.code, "value": text},
                )
                unknown["activities"].add(f"{campaign.code}: {text}")
                raise _Refused
            return activity
        return super().read_relation(key, field, text, reader, lookups, campaign=campaign, unknown=unknown)

    def check_row(self, reader, values, existing) -> None:
        assignee = values.get("assignee", existing.assignee if existing else None)
        done = values.get("done", existing.done if existing else False)
        if assignee is not None and not assignee.is_active and not done:
            reader.refuse(
                "assignee",
                _("%(user)s has left; only a done task may keep them as assignee") % {"user": assignee.username},
            )


class KPIsImporter(PartImporter):
    """KPIs with their targets and actuals, keyed by campaign, metric and custom name (one of each per campaign)."""

    kind = "kpis"
    title = gettext_lazy("KPIs")
    upload_title = gettext_lazy("Import KPIs")
    model = KPI
    fields = {
        "id": "id",
        "campaign": "campaign",
        "metric": "metric",
        "custom_name": "custom_name",
        "target": "target",
        "actual": "actual",
    }
    required_for_new = ("metric",)

    def what(self) -> str:
        return "KPI"

    def read_values(self, reader, lookups, *, campaign, unknown) -> dict:
        values = super().read_values(reader, lookups, campaign=campaign, unknown=unknown)
        if values.get("metric") and values["metric"] != KPIMetric.CUSTOM:
            values["custom_name"] = ""
        return values

    def key_of(self, obj):
        return (obj.campaign_id, "kpi", obj.metric, obj.custom_name.casefold())

    def natural_key(self, values: dict, campaign):
        metric = values.get("metric")
        return (campaign.pk, "kpi", metric, (values.get("custom_name") or "").casefold()) if metric else None

    def natural_key_column(self) -> str:
        return "metric"

    def label_of(self, values: dict, existing) -> str:
        metric = values.get("metric") or (existing.metric if existing else "")
        if metric == KPIMetric.CUSTOM:
            return values.get("custom_name") or (existing.custom_name if existing else "")
        return str(KPIMetric(metric).label) if metric in KPIMetric.values else ""


def register() -> None:
    for importer in (ActivitiesImporter(), TasksImporter(), KPIsImporter()):
        register_importer(importer)
