"""Factories of workflow templates and stages; requests are opened through the service."""

import factory

from approvals.choices import StageMode, SubjectKind
from approvals.models import Stage, WorkflowTemplate


class WorkflowTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowTemplate

    name = factory.Sequence(lambda n: f"Workflow {n}")
    subject_kind = SubjectKind.MATERIAL_VERSION
    is_active = True


class StageFactory(factory.django.DjangoModelFactory):
    """A stage; ``approvers=[...]`` and ``groups=[...]`` name who approves."""

    class Meta:
        model = Stage
        skip_postgeneration_save = True

    template = factory.SubFactory(WorkflowTemplateFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    order = factory.Sequence(lambda n: n + 1)
    mode = StageMode.ANY
    sla_days = 2

    @factory.post_generation
    def approvers(self, create, extracted, **kwargs):
        if create and extracted:
            self.approvers.set(extracted)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.approver_groups.set(extracted)
