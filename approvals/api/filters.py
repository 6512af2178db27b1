"""Filters of the approval request list, shared by the API and the list page."""

import django_filters

from approvals.choices import RequestStatus, SubjectKind
from approvals.models import ApprovalRequest
from mrm.filters import BooleanFilter, FilterSet


class ApprovalRequestFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices)
    pending_for_me = BooleanFilter(method="filter_pending_for_me", label="pending for me")
    submitted_by_me = BooleanFilter(method="filter_submitted_by_me", label="submitted by me")
    overdue = BooleanFilter(method="filter_overdue", label="overdue")

    class Meta:
        model = ApprovalRequest
        fields = ("status", "subject_kind", "template", "submitted_by", "object_id")

    def filter_pending_for_me(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user
        pending = ApprovalRequest.objects.pending_for(user).values("pk")
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)

    def filter_submitted_by_me(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user
        return queryset.filter(submitted_by_id=user.pk) if value else queryset.exclude(submitted_by_id=user.pk)

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        overdue = {"status": RequestStatus.IN_PROGRESS, "due_at__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
