"""Stages stored with an order outside 1–999 are renumbered before the constraint is added (issue 15.6)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("approvals", "0005_list_and_visibility_indexes")]
AFTER = [("approvals", "0007_stage_order_in_range")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_out_of_range_orders_are_renumbered_keeping_their_sequence():
    # given a template whose stages the page stored as 0, 5 and 1200, and a template within the range
    old = migrate(BEFORE)
    Template = old.get_model("approvals", "WorkflowTemplate")
    Stage = old.get_model("approvals", "Stage")
    odd = Template.objects.create(name="Odd", subject_kind="funding_request", is_active=False)
    fine = Template.objects.create(name="Fine", subject_kind="campaign_launch", is_active=False)
    for order, name in ((1200, "Last"), (0, "First"), (5, "Middle")):
        Stage.objects.create(template=odd, order=order, name=name)
    Stage.objects.create(template=fine, order=7, name="Alone")
    try:
        # when the migration runs
        new = migrate(AFTER)
        # then the odd template's stages are 1, 2, 3 in their old sequence; the other is untouched
        Stage = new.get_model("approvals", "Stage")
        assert list(Stage.objects.filter(template_id=odd.pk).order_by("order").values_list("order", "name")) == [
            (1, "First"),
            (2, "Middle"),
            (3, "Last"),
        ]
        assert list(Stage.objects.filter(template_id=fine.pk).values_list("order", flat=True)) == [7]
    finally:
        migrate(AFTER)  # the schema of the other tests (rows are flushed after a transactional test)
