"""What a search is for: the text people type, cleaned and bounded once (the page, the API and the selector)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The longest search text accepted: a phrase, not a document.
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class SearchTerms:
    """The cleaned search text and its words (for the SQLite fallback and the snippets)."""

    text: str

    @property
    def words(self) -> list[str]:
        return [word.strip("\"'") for word in self.text.split() if word.strip("\"'") and word != "or"]


def clean_query(raw) -> SearchTerms:
    """The search text, or a ``ValidationError`` that says what is wrong with it.

    Control characters (a NUL cannot even reach PostgreSQL) become spaces;
    runs of spaces become one. Empty or longer than :data:`MAX_QUERY_LENGTH`
    is refused with a message in the reader's language.
    """
    text = "".join(" " if unicodedata.category(char) in {"Cc", "Cs"} else char for char in str(raw or ""))
    text = " ".join(text.split())
    if not text:
        raise ValidationError(_("Type a word to search for."), code="required")
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("Search for at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH}, code="max_length"
        )
    return SearchTerms(text)
