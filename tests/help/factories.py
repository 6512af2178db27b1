"""Factories of help: articles and questions in each state (asked, answered, published, escalated)."""

import factory

from accounts.models import Membership
from help import services
from help.models import HelpArticle, HelpArticleTranslation
from tests.factories import UserFactory


class HelpArticleTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpArticleTranslation

    language = "en"
    title = factory.Sequence(lambda n: f"How to do thing {n}")
    body = "Open the page and **click** the button."


class HelpArticleFactory(factory.django.DjangoModelFactory):
    """An article with its text in ``language`` (English by default); ``ru=(title, body)`` adds a Russian version."""

    class Meta:
        model = HelpArticle
        skip_postgeneration_save = True

    class Params:
        title = factory.Sequence(lambda n: f"How to do thing {n}")
        body = "Open the page and **click** the button."
        language = "en"
        ru = None

    slug = factory.Sequence(lambda n: f"thing-{n}")
    context_key = ""
    published = True

    text = factory.RelatedFactory(
        HelpArticleTranslationFactory,
        factory_related_name="article",
        language=factory.SelfAttribute("..language"),
        title=factory.SelfAttribute("..title"),
        body=factory.SelfAttribute("..body"),
    )
    russian = factory.Maybe(
        "ru",
        yes_declaration=factory.RelatedFactory(
            HelpArticleTranslationFactory,
            factory_related_name="article",
            language="ru",
            title=factory.LazyAttribute(lambda o: o.factory_parent.ru[0]),
            body=factory.LazyAttribute(lambda o: o.factory_parent.ru[1]),
        ),
    )


def make_champion(user, team):
    """Flag ``user`` the champion of ``team`` (joining it if needed)."""
    Membership.objects.update_or_create(user=user, team=team, defaults={"is_champion": True})
    user.__dict__.pop("champion_team_ids", None)
    user.__dict__.pop("team_ids", None)
    return user


def ask(by, body="How do I submit a funding request?", page_url="/campaigns/", page_title="Campaigns"):
    return services.question_ask(by=by, body=body, page_url=page_url, page_title=page_title)


def answered(by, champion, body="How do I export the budget?", answer="Use the Export button."):
    question = ask(by, body=body)
    return services.question_answer(question=question, body=answer, by=champion)


def published(by, champion, **kwargs):
    question = answered(by, champion, **kwargs)
    return services.question_publish(question=question, by=champion)


def team_member(team, username, roles=("marketer",)):
    return UserFactory(username=username, roles=list(roles), teams=[team])
