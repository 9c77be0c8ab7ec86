"""Kinds qualified by the thing they are about: "what kind of food?" asks for ``category:food``, "how many
rooms?" for ``quantity:room``; "Italian food" is a ``category:food`` value, "2 rooms" a ``quantity:room``.

Nothing here knows a domain: the noun comes from the text itself, compared by a language-neutral key (its
Snowball stem, cut to five letters: "rooms" ~ "room", "billetter" ~ "billett"), after the general synonyms
of the ``synonyms`` lexicons ("cuisine" stands for "food").
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from knowledge.text.lexicons import LANGUAGES, entries, words
from knowledge.text.numbers import number_alternation
from knowledge.text.values import Value

__all__ = ["noun_key", "qualified", "base_kind", "count_values", "category_values", "QUALIFIABLE"]

QUALIFIABLE = frozenset({"category", "quantity"})
_I = re.IGNORECASE


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    return {w: v for lang in LANGUAGES for w, v in entries(lang, "synonyms") if v}


@lru_cache(maxsize=4096)
def noun_key(word: str) -> str:
    """A language-neutral key of a noun: its synonym's, stemmed and cut to five letters."""
    low = word.lower().strip(".,!?;:'\"")
    low = _synonyms().get(low, low)
    return str(_stemmer().stemWord(low))[:5]


def qualified(base: str, noun: str) -> str:
    """``base`` qualified by ``noun``: ``qualified("category", "cuisine") == "category:food"``."""
    return f"{base}:{noun_key(noun)}"


def base_kind(kind: str) -> str:
    """The kind without its qualifier (``category:food`` -> ``category``)."""
    return kind.split(":", 1)[0]


@lru_cache(maxsize=1)
def _count_re() -> re.Pattern[str]:
    # Number words that are function words elsewhere ("to" is two in Norwegian) count only as digits do not.
    stop = words("function_words")
    numbers = "|".join(w for w in number_alternation().split("|") if w.replace(r"\s+", " ") not in stop)
    return re.compile(
        rf"\b(?:\d{{1,3}}|{numbers})\s+(?=(?P<w1>[^\W\d_]{{3,}})\b(?:\s+(?P<w2>[^\W\d_]{{3,}})\b)?)", _I
    )


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return words("function_words")


def count_values(text: str) -> list[Value]:
    """Counts of things as ``quantity:<noun>`` values ("2 rooms", "tre soverom")."""
    out: list[Value] = []
    stop = _function_words()
    for m in _count_re().finditer(text):
        for group in ("w1", "w2"):
            noun = (m.group(group) or "").lower()
            if not noun or noun in stop:
                continue
            end = m.end(group)
            out.append(Value(qualified("quantity", noun), text[m.start() : end], m.start(), end))
    return out


def category_values(text: str, key: str) -> list[Value]:
    """The kinds of ``key`` a text names: "I'd love some Italian food" gives "Italian" for ``food``.

    A kind is the one or two words right before a noun of the key that are no function words, no numbers
    and no evaluative words (lexicon ``function_words``).
    """
    out: list[Value] = []
    stop = _function_words()
    for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text):
        if noun_key(m.group(0)) != key:
            continue
        before = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text[max(0, m.start() - 40) : m.start()])[-2:]
        kept: list[str] = []
        for w in reversed(before):
            if w.lower() in stop or noun_key(w) == key:
                break
            kept.insert(0, w)
        if kept:
            value = " ".join(kept)
            start = text.rfind(kept[0], 0, m.start())
            out.append(Value(f"category:{key}", value, start, start + len(value)))
    return out
