"""Undoing an applied import while nothing depends on it: the checks and writes every importer shares.

An importer that can be undone records in ``job.result["written"]`` what
its ``apply`` wrote::

    {"created": {"app_label.model": [ids]},
     "updated": {"app_label.model": {"<id>": {field: previous value as JSON}}}}

Undo takes exactly that back: created objects are deleted (children before
parents: newest first), updated fields get their previous values, each
with a history record naming who undid it and the job. It is refused while
something depends on what the import wrote: an object changed after the
import (its history has a later record), or a row of another table that
now points at a created object (a funding request, an expense, a task that
this import did not create...). These functions know no campaign or
budget: they read the models' relations and histories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def model_key(model) -> str:
    return model._meta.label_lower


def written_of(job) -> dict:
    written = (job.result or {}).get("written") or {}
    return {"created": written.get("created") or {}, "updated": written.get("updated") or {}}


def as_json(value):
    """A field value as JSON for ``written["updated"]`` (dates ISO, decimals as strings, instances as ids)."""
    if isinstance(value, models.Model):
        return value.pk
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def previous_values(obj, fields: Iterable[str]) -> dict:
    """The fields of ``obj`` before an import changes them, as JSON (a foreign key by its id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[field.name] = as_json(getattr(obj, field.attname))
    return values


def written_record() -> dict:
    return {"created": {}, "updated": {}}


def changed_after(job) -> list[str]:
    """Objects of the import that were changed since it was applied (their history has a later record)."""
    written = written_of(job)
    objections = []
    keys = set(written["created"]) | set(written["updated"])
    for key in sorted(keys):
        model = apps.get_model(key)
        ids = {int(pk) for pk in written["created"].get(key, [])} | {int(pk) for pk in written["updated"].get(key, {})}
        history = getattr(model, "history", None)
        if history is None or not ids:
            continue
        later = history.filter(id__in=ids, history_date__gt=job.applied_at).order_by("id").values_list("id", flat=True)
        later = sorted(set(later))
        if later:
            objections.append(
                ngettext(
                    "%(count)s %(what)s of this import was changed after it: %(ids)s.",
                    "%(count)s %(what)s of this import were changed after it: %(ids)s.",
                    len(later),
                )
                % {
                    "count": len(later),
                    "what": model._meta.verbose_name if len(later) == 1 else model._meta.verbose_name_plural,
                    "ids": ", ".join(f"#{pk}" for pk in later[:10]) + ("…" if len(later) > 10 else ""),
                }
            )
    return objections


def dependents(job, *, ignore: Iterable[str] = ()) -> list[str]:
    """Rows of other tables that now point at objects the import created (one query per relation).

    ``ignore`` names related models (``app_label.model``) that go with the
    object and are deleted with it (its status transitions, its sharing).
    Rows the same import created are not dependents.
    """
    written = written_of(job)
    ignored = set(ignore)
    own = {key: {int(pk) for pk in ids} for key, ids in written["created"].items()}
    objections = []
    for key, ids in sorted(own.items()):
        if not ids:
            continue
        model = apps.get_model(key)
        for relation in model._meta.related_objects:
            related = relation.related_model
            related_key = model_key(related)
            if related_key in ignored or relation.many_to_many:
                continue
            rows = related._base_manager.filter(**{f"{relation.field.name}__in": ids})
            if own.get(related_key):
                rows = rows.exclude(pk__in=own[related_key])
            count = rows.count()
            if count:
                objections.append(
                    _("%(count)s %(what)s now depend on the %(objects)s this import created.")
                    % {
                        "count": count,
                        "what": related._meta.verbose_name_plural,
                        "objects": model._meta.verbose_name_plural,
                    }
                )
    return objections


def delete_created(job, key: str, *, by, note: str) -> int:
    """Delete what the import created of one model, newest first (children before parents), with history."""
    model = apps.get_model(key)
    ids = [int(pk) for pk in written_of(job)["created"].get(key, [])]
    deleted = 0
    for obj in model._base_manager.select_for_update().filter(pk__in=ids).order_by("-pk"):
        obj._history_user = by
        obj._change_reason = note[:100]
        obj.delete()
        deleted += 1
    return deleted


def restore_updated(job, key: str, *, by, note: str, skip: Iterable[str] = ()) -> tuple[list, list]:
    """Give the fields the import changed their previous values back, in one statement, with history.

    ``skip`` names entries of the record the caller restores itself (a
    campaign's channels). Returns the restored objects and their history records.
    """
    model = apps.get_model(key)
    previous = written_of(job)["updated"].get(key, {})
    if not previous:
        return [], []
    skipped = set(skip)
    objects = list(model._base_manager.select_for_update().filter(pk__in=[int(pk) for pk in previous]))
    fields: set[str] = set()
    for obj in objects:
        for name, value in previous[str(obj.pk)].items():
            if name in skipped:
                continue
            field = obj._meta.get_field(name)
            setattr(obj, field.attname, None if value is None else field.to_python(value))
            fields.add(field.attname if field.is_relation else field.name)
        if hasattr(obj, "updated_at"):
            obj.updated_at = timezone.now()
    if fields:
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.add("updated_at")
        model._base_manager.bulk_update(objects, sorted(fields))
    history = getattr(model, "history", None)
    records = []
    if history is not None and objects:
        records = history.bulk_history_create(objects, update=True, default_user=by, default_change_reason=note[:100])
    return objects, records


def undo_note(job) -> str:
    return _("Undo of import #%(id)s (%(file)s)") % {"id": job.pk, "file": job.file_name}


def label_of(key: str) -> str:
    return capfirst(apps.get_model(key)._meta.verbose_name_plural)
