"""Number words of the five languages, read from the ``numbers`` and ``one_articles`` lexicons."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text.lexicons import LANGUAGES, alternation, entries

__all__ = ["number_words", "all_number_words", "number_alternation", "parse_number", "has_number"]


@lru_cache(maxsize=16)
def number_words(language: str, *, articles: bool = False) -> dict[str, int]:
    """Number words of one language and their values ("fire" -> 4 in nb).

    Args:
        language: "nb", "nn", "sv", "da" or "en".
        articles: also the indefinite articles that mean one ("en", "ett", "ein"), for where a count is
            expected ("en billett").
    """
    out = {w: int(v) for w, v in entries(language, "numbers") if v.isdigit()}
    if articles:
        out.update({w: int(v) for w, v in entries(language, "one_articles") if v.isdigit()})
    return out


@lru_cache(maxsize=4)
def all_number_words(*, articles: bool = False) -> dict[str, int]:
    """Number words of every language (the first language's value wins for a shared word)."""
    out: dict[str, int] = {}
    for lang in LANGUAGES:
        for w, v in number_words(lang, articles=articles).items():
            out.setdefault(w, v)
    return out


@lru_cache(maxsize=16)
def number_alternation(languages: tuple[str, ...] = LANGUAGES, *, articles: bool = False) -> str:
    """A regex alternation of the number words of ``languages``, longest first; spaces match any run."""
    return alternation(w for lang in languages for w in number_words(lang, articles=articles))


def parse_number(raw: str, language: str | None = None) -> int | None:
    """The value of a digit string or a number word, in ``language`` first, then in any language."""
    low = raw.strip().lower()
    if low.isdigit():
        return int(low)
    if language in LANGUAGES and low in number_words(language):
        return number_words(language)[low]
    if language in (None, "en"):
        return number_words("en").get(low)
    return all_number_words().get(low)


def has_number(text: str) -> bool:
    """True when the text holds a digit or a number word of any language (articles included)."""
    return re.search(rf"\b(?:\d+|{number_alternation(articles=True)})\b", text, re.IGNORECASE) is not None
