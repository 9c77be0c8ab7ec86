"""The fact type, the extraction context and small helpers every extractor shares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.text.kinds import FACT_KINDS
from knowledge.text.lexicons import words

__all__ = ["FACT_KINDS", "ExtractedFact", "Context", "fold", "squash", "alnum_upper", "digits", "fact"]


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ExtractedFact:
    """One fact found in a text.

    ``value`` is the text as written (masked for ``national_id``); ``normalized`` is its canonical form
    (E.164 phone, lowercased email, ISO date, ...); ``start``/``end`` is the span of ``value`` in the input.
    """

    kind: str
    value: str
    normalized: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class Context:
    """What every extractor may use besides the text."""

    language: str | None  # nb, nn, sv, da, en or None when unknown
    role: str  # customer, agent, bot, note
    products: tuple[str, ...] = ()  # the workspace's product names (orders, knowledge titles)

    @property
    def nordic(self) -> bool:
        return self.language in {"nb", "nn", "sv", "da"}


def fold(value: str) -> str:
    """Casefold and drop spaces and punctuation, for comparing values ("SO-123 45" == "so12345")."""
    return _NOT_WORD.sub("", value.casefold())


def squash(value: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends."""
    return _SPACES.sub(" ", value).strip()


def alnum_upper(value: str) -> str:
    """Keep letters and digits only, upper-cased: the canonical form of ids ("so-123 45" -> "SO12345")."""
    return _NOT_WORD.sub("", value).upper()


def digits(value: str) -> str:
    """The digits of ``value`` in order."""
    return "".join(ch for ch in value if ch.isdigit())


def fact(kind: str, text: str, start: int, end: int, normalized: str, confidence: float) -> ExtractedFact:
    """Build a fact whose value is ``text[start:end]``, trimmed of surrounding spaces and trailing dots."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return ExtractedFact(kind, text[start:end], normalized, start, end, confidence)


_SENTENCE_MARK = re.compile(r"[.!?;\n]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def sentence_end(text: str, start: int, end: int | None = None) -> int:
    """Where the sentence running at ``start`` ends: the next ``.!?;`` or line break that is no decimal point
    ("3.2.1"), no abbreviation's dot ("kl. 14") and no ordinal date's dot ("2. mars")."""
    limit = len(text) if end is None else end
    pos = start
    while True:
        m = _SENTENCE_MARK.search(text, pos, limit)
        if m is None:
            return limit
        i = m.start()
        if m.group(0) == "." and _inner_dot(text, i):
            pos = i + 1
            continue
        return i


def _inner_dot(text: str, i: int) -> bool:
    after = text[i + 1 : i + 3]
    if after[:1].isalnum():
        return True  # "3.2.1", "f.eks", "nordlys.no"
    word = _WORD_BEFORE.search(text, max(0, i - 12), i)
    before = word.group(1).lower() if word else ""
    following = text[i + 1 : i + 12].lstrip(" \t")[:1]
    if before in words("abbreviations") and (following.islower() or following.isdigit()):
        return True
    if before.isdigit() and len(before) <= 2 and after[:1] == " " and following.islower():
        return True  # "2. mars", "3. april", "1. etasje"
    return False
