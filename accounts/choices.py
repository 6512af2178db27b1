from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """The roles of PRODUCT.md §2; each is a Django group of the same name.

    ``leadership`` (the CMO, marketing directors) reads every campaign and all
    money and changes nothing; it decides approvals only where it is an
    assigned approver, which is why the demo CMO also holds ``approver``.
    """

    MARKETER = "marketer", _("Marketer")
    APPROVER = "approver", _("Approver")
    FINANCE = "finance", _("Finance")
    LEADERSHIP = "leadership", _("Leadership")
    ADMIN = "admin", _("Administrator")


class TokenStatus(models.TextChoices):
    """Where an API token stands; derived from its expiry and revocation, never stored."""

    ACTIVE = "active", pgettext_lazy("API token", "Active")
    EXPIRED = "expired", pgettext_lazy("API token", "Expired")
    REVOKED = "revoked", pgettext_lazy("API token", "Revoked")
