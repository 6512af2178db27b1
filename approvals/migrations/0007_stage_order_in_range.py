"""A stage's order is 1…999 (the API's declared bounds), also in the database.

A migration of its own: on PostgreSQL a table whose rows were just updated
(0006) cannot be altered in the same transaction.
"""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_renumber_stage_orders"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalstage",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=1,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(999)],
                verbose_name="order",
            ),
        ),
        migrations.AlterField(
            model_name="stage",
            name="order",
            field=models.PositiveSmallIntegerField(
                default=1,
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(999)],
                verbose_name="order",
            ),
        ),
        migrations.AddConstraint(
            model_name="stage",
            constraint=models.CheckConstraint(
                condition=models.Q(("order__gte", 1), ("order__lte", 999)),
                name="approvals_stage_order_in_range",
                violation_error_message="A stage's order is a number from 1 to 999.",
            ),
        ),
    ]
