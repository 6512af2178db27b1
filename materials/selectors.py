"""Reads of the material pages that are more than a queryset method."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Subquery

from approvals.choices import SubjectKind
from approvals.models import ApprovalRequest, Comment, Decision
from materials.models import Material, MaterialVersion


def latest_request_subquery():
    """The id of a version's open-or-last approval request, as a subquery over ``MaterialVersion``."""
    content_type = ContentType.objects.get_for_model(MaterialVersion)
    latest = ApprovalRequest.objects.filter(
        content_type=content_type, subject_kind=SubjectKind.MATERIAL_VERSION, object_id=OuterRef("pk")
    ).order_by("-submitted_at", "-pk")
    return Subquery(latest.values("pk")[:1])


def materials_for_list(queryset):
    """Materials with what a row shows (campaign, team, owner, latest version) and its latest request's id."""
    content_type = ContentType.objects.get_for_model(MaterialVersion)
    latest = ApprovalRequest.objects.filter(
        content_type=content_type,
        subject_kind=SubjectKind.MATERIAL_VERSION,
        object_id=OuterRef("latest_version_id"),
    ).order_by("-submitted_at", "-pk")
    return queryset.with_list_data().annotate(approval_request_id=Subquery(latest.values("pk")[:1]))


def version_page_data(material: Material, version: MaterialVersion | None, user) -> dict:
    """Everything the material page shows for one version, in a fixed number of queries.

    The version's requests (newest first) with their decisions, the comments
    of all of them, the pinned ones numbered 1..n in the order written (the
    markers on the preview), and the request the page comments on (open, else
    the last one).
    """
    versions = list(material.versions.select_related("uploaded_by").order_by("-number"))
    if version is None:
        return {"versions": versions, "requests": [], "comments": [], "pins": [], "current_request": None}
    decisions = Decision.objects.select_related("decider", "on_behalf_of", "stage_state").order_by("created_at", "pk")
    requests = list(
        ApprovalRequest.objects.visible_to(user)
        .for_subject(version)
        .filter(subject_kind=SubjectKind.MATERIAL_VERSION)
        .select_related("current_stage", "submitted_by", "template")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("-submitted_at", "-pk")
    )
    comments = list(
        Comment.objects.filter(request__in=[r.pk for r in requests])
        .select_related("author")
        .order_by("created_at", "pk")
    )
    pins = []
    for comment in comments:
        if comment.is_pinned:
            comment.pin_number = len(pins) + 1
            comment.x_percent, comment.y_percent = round(comment.x * 100), round(comment.y * 100)
            pins.append(comment)
        else:
            comment.pin_number = None
    return {
        "versions": versions,
        "requests": requests,
        "comments": comments,
        "pins": pins,
        "current_request": requests[0] if requests else None,
    }
