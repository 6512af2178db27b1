"""The types global search looks through, each read through its own app's scope.

Every provider starts from the app's ``visible_to(user)`` queryset, so search
shows exactly what the reader could open. Money rows (funding requests,
commitments, expenses) are in addition kept to campaigns the reader may read:
a confidential campaign's name must not surface through a request someone
can read for another reason (an approver of a closed request).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from search.matching import excerpt
from search.registry import Hit, SearchProvider, register


def _join(*parts) -> str:
    return " · ".join(str(part) for part in parts if part not in (None, ""))


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _campaign_visible(user, prefix: str) -> Q:
    from campaigns.querysets import campaign_visibility_q

    condition = campaign_visibility_q(user, prefix)
    return Q() if condition is None else condition


class CampaignProvider(SearchProvider):
    type = "campaign"
    label = _("Campaigns")
    fields = (("name", "A"), ("code", "A"), ("tags", "B"), ("objective", "C"), ("description", "C"))

    def scoped(self, user):
        from campaigns.models import Campaign

        return Campaign.objects.visible_to(user).select_related("team")

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="campaign",
            id=row.pk,
            title=str(row),
            url=row.get_absolute_url(),
            context=_join(row.team, row.get_status_display(), _date(row.start_date)),
            snippet=excerpt(row.description or row.objective, terms),
            rank=row.search_rank,
        )


class ActivityProvider(SearchProvider):
    type = "activity"
    label = _("Activities")
    fields = (("name", "A"), ("location", "B"), ("description", "C"))

    def scoped(self, user):
        from campaigns.models import Activity

        return Activity.objects.visible_to(user).select_related("campaign")

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="activity",
            id=row.pk,
            title=row.name,
            url=row.get_absolute_url(),
            context=_join(row.campaign.name, row.get_type_display(), _date(row.start_date)),
            snippet=excerpt(row.description, terms),
            rank=row.search_rank,
        )


class TaskProvider(SearchProvider):
    type = "task"
    label = _("Tasks")
    fields = (("title", "A"),)

    def scoped(self, user):
        from campaigns.models import Task

        return Task.objects.visible_to(user).select_related("campaign")

    def hit(self, row, terms):
        due = _("due %(date)s") % {"date": _date(row.due_date)} if row.due_date else ""
        return Hit(
            type=self.type,
            kind="task",
            id=row.pk,
            title=row.title,
            url=reverse("campaigns:detail", args=[row.campaign_id]) + f"#task-{row.pk}",
            context=_join(row.campaign.name, _("done") if row.done else due),
            snippet="",
            rank=row.search_rank,
        )


class MaterialProvider(SearchProvider):
    type = "material"
    label = _("Materials")
    fields = (("title", "A"),)

    def scoped(self, user):
        from materials.models import Material

        return Material.objects.visible_to(user).select_related("campaign")

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="material",
            id=row.pk,
            title=row.title,
            url=row.get_absolute_url(),
            context=_join(row.campaign.name, row.get_kind_display(), row.get_status_display()),
            snippet="",
            rank=row.search_rank,
        )


class FundingRequestProvider(SearchProvider):
    """Funding requests by their number (``FR-2027-0001``, or a part of it such as ``0001``) and justification."""

    type = "funding_request"
    label = _("Funding requests")
    fields = (("number", "A"), ("justification", "B"))

    def scoped(self, user):
        from budgets.models import FundingRequest

        return (
            FundingRequest.objects.visible_to(user)
            .filter(_campaign_visible(user, "campaign__"))
            .select_related("campaign")
        )

    def also(self, terms):
        # a number typed in part ("2027-0001", "0001") is not a word PostgreSQL's parser keeps whole
        if any(char.isdigit() for char in terms.text) and " " not in terms.text:
            return Q(number__icontains=terms.text)
        return None

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="funding_request",
            id=row.pk,
            title=str(row),
            url=row.get_absolute_url(),
            context=_join(row.campaign.name, row.get_status_display()),
            snippet=excerpt(row.justification, terms),
            rank=row.search_rank,
        )


class VendorProvider(SearchProvider):
    """Vendors as commitments and expenses name them: one hit per commitment or expense, best first."""

    type = "vendor"
    label = _("Vendors")
    fields = (("vendor", "A"), ("reference", "B"), ("note", "C"))

    def _scoped(self, model, user):
        return (
            model.objects.visible_to(user)
            .filter(_campaign_visible(user, "campaign__"))
            .select_related("funding_request", "campaign")
        )

    def find(self, user, terms, *, limit, offset=0):
        from budgets.models import Commitment, Expense
        from search.matching import matching

        rows = []
        for model in (Commitment, Expense):
            found = matching(self._scoped(model, user), self.fields, terms)
            rows += list(self.ordered(found)[: offset + limit + 1])
        rows.sort(key=lambda row: (-row.search_rank, -row.date.toordinal(), -row.pk))
        window = rows[offset : offset + limit + 1]
        return [self.hit(row, terms) for row in window[:limit]], len(window) > limit

    def hit(self, row, terms):
        kind = row._meta.model_name
        return Hit(
            type=self.type,
            kind=kind,
            id=row.pk,
            title=row.vendor,
            url=row.get_absolute_url(),
            context=_join(
                row._meta.verbose_name.capitalize(), row.funding_request.number, row.campaign.name, _date(row.date)
            ),
            snippet=excerpt(_join(row.reference, row.note), terms),
            rank=row.search_rank,
        )


class HelpArticleProvider(SearchProvider):
    """Help articles in any language they are written in; one hit per article (its best-matching version)."""

    type = "help_article"
    label = _("Help articles")
    fields = (("title", "A"), ("body", "B"))

    def scoped(self, user):
        from help.models import HelpArticle, HelpArticleTranslation

        return HelpArticleTranslation.objects.filter(
            article__in=HelpArticle.objects.visible_to(user).values("pk")
        ).select_related("article")

    def ordered(self, queryset):
        reader = (get_language() or "").split("-")[0]
        own_first = Case(When(language=reader, then=Value(0)), default=Value(1), output_field=IntegerField())
        return queryset.order_by("-search_rank", own_first, "-pk")

    def find(self, user, terms, *, limit, offset=0):
        from django.conf import settings

        from search.matching import matching

        versions = len(settings.LANGUAGES)
        found = self.ordered(matching(self.scoped(user), self.fields, terms))
        rows, seen = [], set()
        for row in found[: (offset + limit + 1) * versions]:
            if row.article_id not in seen:
                seen.add(row.article_id)
                rows.append(row)
        window = rows[offset : offset + limit + 1]
        return [self.hit(row, terms) for row in window[:limit]], len(window) > limit

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="help_article",
            id=row.article_id,
            title=row.title,
            url=row.article.get_absolute_url(),
            context=_join(_("Help"), row.language_name),
            snippet=excerpt(row.body, terms),
            rank=row.search_rank,
        )


class QuestionProvider(SearchProvider):
    """Answered questions the reader may read: their own, their teams' for champions, and the published FAQ."""

    type = "question"
    label = _("Answered questions")
    fields = (("body", "A"), ("answer", "B"))

    def scoped(self, user):
        from help.choices import QuestionStatus
        from help.models import Question

        return Question.objects.visible_to(user).filter(status=QuestionStatus.ANSWERED)

    def hit(self, row, terms):
        return Hit(
            type=self.type,
            kind="question",
            id=row.pk,
            title=str(row),
            url=row.get_absolute_url(),
            context=_join(_("FAQ") if row.is_faq else _("Answered"), _date(row.answered_at)),
            snippet=excerpt(row.answer, terms),
            rank=row.search_rank,
        )


BUILT_IN = (
    CampaignProvider,
    ActivityProvider,
    TaskProvider,
    MaterialProvider,
    FundingRequestProvider,
    VendorProvider,
    HelpArticleProvider,
    QuestionProvider,
)


def register_all() -> None:
    for provider in BUILT_IN:
        register(provider())
