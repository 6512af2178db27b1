from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The four roles of PRODUCT.md §2; each is a Django group of the same name."""

    MARKETER = "marketer", _("Marketer")
    APPROVER = "approver", _("Approver")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Administrator")
