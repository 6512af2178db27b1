"""Message keys for the notification engine's own tests (registered on import).

``TEXT`` shows its parameters as they are; ``NOTE`` says "Notifications"
(a string the catalogue translates) with an amount, so a test can see a
stored message rendered in the reader's language and locale.
"""

from django.utils.translation import gettext as _

from mrm.messages import Params, Rendered, register_message

TEXT = "tests.text"
NOTE = "tests.note"


def _text(params: Params) -> Rendered:
    return Rendered(params.text("title"), params.text("body"))


def _note(params: Params) -> Rendered:
    return Rendered(f"{_('Notifications')}: {params.money('amount')}", params.datetime("at"))


register_message(TEXT, _text)
register_message(NOTE, _note)
