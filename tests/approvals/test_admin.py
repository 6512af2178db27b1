"""The Django admin: templates are edited there; decisions are read-only for everybody (PRODUCT.md §5)."""

from django.contrib.admin.sites import site
from django.test import RequestFactory

from approvals.models import ApprovalRequest, Decision, WorkflowTemplate
from approvals.services import approval_decide


def test_nobody_changes_or_deletes_a_decision_in_the_admin(open_request, legal, admin_user, client):
    decision = approval_decide(request=open_request, by=legal, outcome="approve", note="ok")
    admin_user.is_superuser = True
    admin_user.save()
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[Decision]
    # even a superuser has no add, change or delete permission on decisions
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, decision)
    assert not model_admin.has_delete_permission(request, decision)
    client.force_login(admin_user)
    response = client.post(f"/admin/approvals/decision/{decision.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()
    # requests are read-only there too; they move only through the service
    assert not site._registry[ApprovalRequest].has_change_permission(request, open_request)
    assert client.get(f"/admin/approvals/decision/{decision.pk}/change/").status_code == 200  # viewable


def test_admins_edit_templates_in_the_django_admin(template, admin_user, client):
    client.force_login(admin_user)
    assert client.get(f"/admin/approvals/workflowtemplate/{template.pk}/change/").status_code == 200
    assert client.get("/admin/approvals/workflowtemplate/").status_code == 200
    assert WorkflowTemplate.objects.filter(pk=template.pk).exists()
