"""Existing articles were written in English: their title and text become their English version.

The article's history keeps its text too: every historical row of an
existing article gets a matching historical row of its English version
(same time, author, reason and kind of change), so the audit trail survives
the move. Backwards, an article takes its English version's text (or its
only version's) back.
"""

from django.db import migrations

ORIGINAL_LANGUAGE = "en"


def _fold(*parts):
    # as help.models.search_text at the time of this migration
    return " ".join(parts).casefold().replace("ё", "е")


def article_text_to_translations(apps, schema_editor):
    Article = apps.get_model("help", "HelpArticle")
    Translation = apps.get_model("help", "HelpArticleTranslation")
    HistoricalArticle = apps.get_model("help", "HistoricalHelpArticle")
    HistoricalTranslation = apps.get_model("help", "HistoricalHelpArticleTranslation")
    for article in Article.objects.order_by("pk"):
        translation = Translation.objects.create(
            article_id=article.pk,
            language=ORIGINAL_LANGUAGE,
            title=article.title,
            body=article.body,
            search_text=_fold(article.title, article.body),
        )
        # auto_now fields stamped "now": the text is as old as the article's last change
        Translation.objects.filter(pk=translation.pk).update(
            created_at=article.created_at, updated_at=article.updated_at
        )
        HistoricalTranslation.objects.bulk_create(
            [
                HistoricalTranslation(
                    id=translation.pk,
                    article_id=article.pk,
                    language=ORIGINAL_LANGUAGE,
                    title=row.title,
                    body=row.body,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    history_date=row.history_date,
                    history_change_reason=row.history_change_reason,
                    history_type=row.history_type,
                    history_user_id=row.history_user_id,
                )
                for row in HistoricalArticle.objects.filter(id=article.pk).order_by("history_date", "history_id")
            ]
        )


def translations_to_article_text(apps, schema_editor):
    Article = apps.get_model("help", "HelpArticle")
    Translation = apps.get_model("help", "HelpArticleTranslation")
    for article in Article.objects.order_by("pk"):
        variants = {t.language: t for t in Translation.objects.filter(article_id=article.pk)}
        chosen = variants.get(ORIGINAL_LANGUAGE) or next(iter(variants.values()), None)
        if chosen is not None:
            Article.objects.filter(pk=article.pk).update(title=chosen.title, body=chosen.body)


class Migration(migrations.Migration):
    dependencies = [
        ("help", "0003_question_assignee"),
    ]

    operations = [
        migrations.RunPython(article_text_to_translations, translations_to_article_text),
    ]
