"""Permission matrix rows of help (PRODUCT.md §7).

Articles and the help index are for everyone signed in (a draft article is
a 404 but for champions and admins); writing and translating articles is for
champions and admins (the matrix's marketer is no champion there: 403). A question of team A is asked by a colleague of the
matrix's marketer, who is made team A's champion: the champion and admins
see and answer it; approver, finance and the other team's marketer do not
see it (404). Publishing as FAQ is for the answerer (the champion) and
admins. The inbox and the champions page are for champions and admins (the
matrix's marketer is not a champion where no question is made: 403).
"""

from help import services
from tests.help.factories import HelpArticleFactory, make_champion, team_member
from tests.support.matrix import NOT_FOUND, OK, SIGNED_IN, Resource, Route, expect, only

CHAMPION_OR_ADMIN = expect(NOT_FOUND, marketer=OK, admin=OK)


def question_of_team_a(world):
    make_champion(world.marketer, world.team)
    asker = team_member(world.team, "matrix-asker")
    return services.question_ask(by=asker, body="Where is the budget?", page_url="/campaigns/", page_title="Campaigns")


def answered_question_of_team_a(world):
    question = question_of_team_a(world)
    return services.question_answer(question=question, body="On the Budgets page.", by=world.marketer)


def article(world):
    return HelpArticleFactory(slug="matrix-article")


RESOURCES = [
    Resource(
        "help articles",
        {
            "help:index": SIGNED_IN,
            "help:article": Route(SIGNED_IN, kwargs=lambda world, obj: {"slug": obj.slug}),
            "help:ask": SIGNED_IN,
            "POST help:ask": Route(SIGNED_IN, data={"body": "How do I plan a campaign?", "page_url": "/campaigns/"}),
            "help:questions": SIGNED_IN,
            "help:inbox": only("admin"),
            "help:champions": only("admin"),
            "help:article_new": only("admin"),
            "POST help:article_new": Route(
                only("admin"), data={"language": "ru", "title": "Матрица", "slug": "matrix-new", "body": "Текст."}
            ),
            "help:article_edit": Route(only("admin"), kwargs=lambda world, obj: {"slug": obj.slug, "language": "ru"}),
            "POST help:article_edit": Route(
                only("admin"),
                kwargs=lambda world, obj: {"slug": obj.slug, "language": "ru"},
                data={"title": "Матрица", "body": "Текст.", "based_on": ""},
            ),
            "GET /api/v1/help-articles/": SIGNED_IN,
            "GET /api/v1/help-articles/{id}/": SIGNED_IN,
        },
        obj=article,
    ),
    Resource(
        "questions",
        {
            "GET /api/v1/questions/": SIGNED_IN,
            "POST /api/v1/questions/": Route(SIGNED_IN, data={"body": "How do I add a KPI?", "page_url": "/"}),
            "GET /api/v1/questions/{id}/": CHAMPION_OR_ADMIN,
            "POST /api/v1/questions/{id}/answer/": Route(CHAMPION_OR_ADMIN, data={"body": "Like this."}),
            "help:question": CHAMPION_OR_ADMIN,
            "POST help:answer": Route(CHAMPION_OR_ADMIN, data={"body": "Like this."}),
        },
        obj=question_of_team_a,
    ),
    Resource(
        "answered questions",
        {
            "POST /api/v1/questions/{id}/publish/": CHAMPION_OR_ADMIN,
            "POST help:publish": CHAMPION_OR_ADMIN,
        },
        obj=answered_question_of_team_a,
    ),
]
