"""Demo workflow templates (PRODUCT.md §5), safe to run again.

Materials: brand → legal → CMO. Funding requests: finance, then the CMO above
an amount. Campaign launch: the CMO. Requests in every state need subjects
(material versions, funding requests, campaigns); the apps owning those
subjects seed them through ``approvals.services`` once they register their
handlers.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.models import User
from approvals.choices import StageMode, SubjectKind
from approvals.models import Stage, WorkflowTemplate

TEMPLATES = [
    (
        "Material review: brand → legal → CMO",
        SubjectKind.MATERIAL_VERSION,
        "Every material is checked for brand, then legal wording, then signed off by the CMO.",
        [
            # order, name, users, groups, mode, sla days, escalation contact, min amount
            (1, "Brand", ["marketer", "events"], [], StageMode.ANY, 2, "cmo", None),
            (2, "Legal", ["legal"], [], StageMode.ANY, 3, "cmo", None),
            (3, "CMO", ["cmo"], [], StageMode.ANY, 2, "admin", None),
        ],
    ),
    (
        "Funding request: finance, CMO above 500 000",
        SubjectKind.FUNDING_REQUEST,
        "Finance reviews every request (and may approve a lower amount); the CMO signs off above 500 000.",
        [
            (1, "Finance review", [], [Role.FINANCE], StageMode.ANY, 3, "cmo", None),
            (2, "CMO", ["cmo"], [], StageMode.ANY, 2, "admin", Decimal("500000.00")),
        ],
    ),
    (
        "Campaign launch: CMO",
        SubjectKind.CAMPAIGN_LAUNCH,
        "The CMO approves a campaign before it goes active.",
        [
            (1, "CMO", ["cmo"], [], StageMode.ANY, 2, "admin", None),
        ],
    ),
]


def seed(stdout) -> None:
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["marketer", "events", "legal", "cmo", "admin"])
    }
    count = 0
    for name, kind, description, stages in TEMPLATES:
        template = WorkflowTemplate.objects.filter(subject_kind=kind, is_active=True).first()
        if template is None:
            template, _ = WorkflowTemplate.objects.get_or_create(
                name=name, subject_kind=kind, defaults={"description": description, "is_active": True}
            )
        if template.name != name:
            continue  # an administrator configured their own: leave it alone
        for order, stage_name, usernames, groups, mode, sla_days, contact, min_amount in stages:
            stage, _ = Stage.objects.update_or_create(
                template=template,
                order=order,
                defaults={
                    "name": stage_name,
                    "mode": mode,
                    "sla_days": sla_days,
                    "escalation_contact": users.get(contact),
                    "min_amount": min_amount,
                },
            )
            stage.approvers.set([users[u] for u in usernames if u in users])
            stage.approver_groups.set(Group.objects.filter(name__in=groups))
        count += 1
    stdout.write(
        f"  approvals: {count} workflow templates (requests come with materials, funding requests and launches)"
    )
