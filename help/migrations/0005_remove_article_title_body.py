"""An article's title and text now live in its language versions only."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('help', '0004_move_article_text_to_translations'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='helparticle',
            name='body',
        ),
        migrations.RemoveField(
            model_name='helparticle',
            name='title',
        ),
        migrations.RemoveField(
            model_name='historicalhelparticle',
            name='body',
        ),
        migrations.RemoveField(
            model_name='historicalhelparticle',
            name='title',
        ),
    ]
