"""Words and stems: one tokenizer and the Snowball stemmers (``PyStemmer``) of the five languages."""

from __future__ import annotations

import re

from knowledge.lexical import content_terms

__all__ = ["WORD", "words", "stems"]

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters and digits, inner apostrophes and hyphens kept)."""
    return [w.lower() for w in WORD.findall(text)]


def stems(text: str, language: str | None) -> list[str]:
    """Stemmed content words of ``text`` in ``language`` (function words of the five languages dropped).

    Args:
        text: any text.
        language: "nb", "nn", "sv", "da" or "en"; None detects it.
    """
    return content_terms(text, language)
