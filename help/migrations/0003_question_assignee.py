"""A question handed over with a leaving champion's work names who answers it now."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('help', '0002_article_translations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalquestion',
            name='assignee',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text="Set when a champion's work is handed over: this person answers the question, as the champions of its teams still may.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handed over to'),
        ),
        migrations.AddField(
            model_name='question',
            name='assignee',
            field=models.ForeignKey(blank=True, editable=False, help_text="Set when a champion's work is handed over: this person answers the question, as the champions of its teams still may.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='help_assigned_questions', to=settings.AUTH_USER_MODEL, verbose_name='handed over to'),
        ),
    ]
