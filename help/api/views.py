"""Help endpoints (PRODUCT.md §8): ``/api/v1/questions/`` with ``{id}/answer/`` and ``{id}/publish/``;
``/api/v1/help-articles/`` (read-only, in the reader's language)."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from help import services
from help.api.filters import HelpArticleFilter, QuestionFilter
from help.api.serializers import AnswerSerializer, HelpArticleSerializer, QuestionSerializer
from help.languages import is_language_tag, language_of, language_tag_pattern
from help.models import HelpArticle, Question
from mrm.api import ScopedCreateReadViewSet, ScopedReadOnlyViewSet

LANG_PARAMETER = OpenApiParameter(
    "lang",
    str,
    pattern=language_tag_pattern(),
    description="Read the articles in this language: "
    + ", ".join(code for code, _name in settings.LANGUAGES)
    + " (any case; a regional form such as ru-RU reads as ru). Default: your saved language, else "
    "Accept-Language. An article not written in it comes in its fallback language, with is_fallback true. "
    "Any other language is refused (400).",
)


@extend_schema_view(
    list=extend_schema(parameters=[LANG_PARAMETER]), retrieve=extend_schema(parameters=[LANG_PARAMETER])
)
class HelpArticleViewSet(ScopedReadOnlyViewSet):
    """Help articles, each in your language when it is written in it, else in its fallback language
    (``is_fallback``); ``translations`` names every language it is written in. Published articles for
    everyone signed in; drafts too for champions and admins (who write them, in the app or the Django
    admin). Filters: ``context_key`` (the page it helps with), ``published``, ``missing`` (not written in
    that language yet), ``q`` (search in your language)."""

    queryset = HelpArticle.objects.all()
    serializer_class = HelpArticleSerializer
    filterset_class = HelpArticleFilter
    ordering_fields = ["slug", "updated_at", "id"]
    ordering = ["slug"]

    def get_queryset(self):
        self._check_lang()
        return super().get_queryset().written().with_translations()

    def _check_lang(self):
        """An unknown ``?lang=`` is a 400: silently answering in another language hid a typo (``?lang=ur``).

        Checked when the list or an article is read (after DRF knows the method is allowed: a PUT is a 405).
        """
        lang = self.request.query_params.get("lang")
        if lang and not is_language_tag(lang):
            raise ValidationError(
                {
                    "lang": [
                        _("Help is not written in %(lang)s: ask for one of %(codes)s.")
                        % {"lang": lang[:20], "codes": ", ".join(code for code, _name in settings.LANGUAGES)}
                    ]
                }
            )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["language"] = language_of(self.request.user, self.request.query_params.get("lang"))
        return context


class QuestionViewSet(ScopedCreateReadViewSet):
    """Questions to champions. You see your own questions, your teams' questions if you are a champion,
    every published FAQ, and everything if you are an admin. Asking (POST) notifies the champions of your
    teams; ``{id}/answer/`` answers (a champion of the asker's team or an admin; 409 once answered);
    ``{id}/publish/`` publishes an answered question as FAQ (its answerer or an admin)."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    search_fields = ["body", "answer"]
    ordering_fields = ["created_at", "answered_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().with_list_data()

    def perform_create(self, serializer):
        data = serializer.validated_data
        question = services.question_ask(
            by=self.request.user, body=data["body"], page_url=data["page_url"], page_title=data["page_title"]
        )
        serializer.instance = self.get_queryset().get(pk=question.pk)

    @extend_schema(request=AnswerSerializer, responses={200: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer the question; the asker is notified (403 if you may not answer it, 409 once answered)."""
        question = self.get_object()
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.question_answer(question=question, body=data.validated_data["body"], by=request.user)
        fresh = self.get_queryset().get(pk=question.pk)
        return Response(QuestionSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the answered question as FAQ, searchable in help by everyone (409 unless answered, or if done)."""
        question = self.get_object()
        services.question_publish(question=question, by=request.user)
        fresh = self.get_queryset().get(pk=question.pk)
        return Response(QuestionSerializer(fresh, context=self.get_serializer_context()).data)
