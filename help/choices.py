"""Statuses of questions to champions (PRODUCT.md §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionStatus(models.TextChoices):
    """Where a question stands; moved only by ``help.services``."""

    OPEN = "open", _("Waiting for a champion")
    ESCALATED = "escalated", _("Escalated to administrators")
    ANSWERED = "answered", _("Answered")


class AnswererRole(models.TextChoices):
    """In which capacity a question was answered, recorded at the time of the answer."""

    CHAMPION = "champion", _("Champion")
    ADMIN = "admin", _("Administrator")


UNANSWERED = (QuestionStatus.OPEN, QuestionStatus.ESCALATED)

STATUS_BADGE = {
    QuestionStatus.OPEN: "bg-blue-lt",
    QuestionStatus.ESCALATED: "bg-orange-lt",
    QuestionStatus.ANSWERED: "bg-green-lt",
}
