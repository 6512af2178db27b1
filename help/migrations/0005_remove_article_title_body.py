"""An article's title and text now live in its language versions only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('help', '0004_move_article_text_to_translations'),
    ]

    operations = [
        # a default first, so that going backwards can add the columns back to existing rows
        # (0004 backwards then fills them from the English versions)
        *[
            migrations.AlterField(
                model_name=model,
                name=name,
                field=field,
            )
            for model in ("helparticle", "historicalhelparticle")
            for name, field in (
                ("title", models.CharField(default="", max_length=200, verbose_name="title")),
                (
                    "body",
                    models.TextField(
                        default="",
                        help_text="Markdown; HTML is reduced to a safe subset.",
                        verbose_name="text (Markdown)",
                    ),
                ),
            )
        ],
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
