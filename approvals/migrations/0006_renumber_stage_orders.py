"""Before a stage's order is held to 1…999 (0007): renumber the stages stored outside it.

Stages stored before with an order outside the range (0, or 1000 and more,
which the admin and the forms took) are renumbered 1, 2, 3… within their
template, keeping their sequence, so that the constraint can be added.
"""

from django.db import migrations


def renumber_out_of_range(apps, schema_editor):
    Stage = apps.get_model("approvals", "Stage")
    templates = Stage.objects.exclude(order__gte=1, order__lte=999).values_list("template_id", flat=True).distinct()
    for template_id in list(templates):
        stages = list(Stage.objects.filter(template_id=template_id).order_by("order", "pk"))
        # two steps, so that no two stages share an order on the way (a unique constraint)
        for offset, stage in enumerate(stages):
            Stage.objects.filter(pk=stage.pk).update(order=30000 + offset)
        for offset, stage in enumerate(stages):
            Stage.objects.filter(pk=stage.pk).update(order=offset + 1)
            print(f"approvals.Stage #{stage.pk} (template {template_id}): order {stage.order} -> {offset + 1}")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0005_list_and_visibility_indexes"),
    ]

    operations = [
        migrations.RunPython(renumber_out_of_range, migrations.RunPython.noop),
    ]
