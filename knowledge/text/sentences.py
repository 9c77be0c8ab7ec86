"""One sentence splitter for customer messages, notes and drafts (the guards and the facts share it).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by a space or the end, and at every line break.
A dot does not end a sentence after an abbreviation of one of the five languages ("kl. 14", "f.eks.
ruteren", "e.g. the app"; lexicon ``abbreviations``), after a single capital ("J. Hansen"), before a
lower-case word, after a day number before a lower-case month ("2. mars"), nor after a list item's number
("1. Tjek postkassen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.text.lexicons import words

__all__ = ["Span", "split_sentences", "abbreviation_end"]


@dataclass(frozen=True)
class Span:
    """A piece of text with its offsets in the text it came from."""

    text: str
    start: int
    end: int


_END = re.compile(r"[.!?…]+[\"')\]*_»”]*(?=\s|$)|\n+")
_LIST_NUMBER = re.compile(r"\s*(?:\d{1,2}|[a-z])\.")
_DAY_NUMBER = re.compile(r"\b\d{1,2}\.$")


@lru_cache(maxsize=1)
def _abbreviation_re() -> re.Pattern[str]:
    items = sorted(words("abbreviations"), key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in items)
    return re.compile(rf"(?:\b(?:{alternation})|\b[A-ZÆØÅÄÖ])\.$", re.IGNORECASE)


def abbreviation_end(text: str) -> bool:
    """True when ``text`` ends with an abbreviation's dot ("kl.", "f.eks.", "e.g.") or an initial ("J.")."""
    return _abbreviation_re().search(text.rstrip()) is not None


def split_sentences(text: str) -> list[Span]:
    """Split a text into sentences with their offsets (end punctuation stays with its sentence).

    Args:
        text: a message, note or draft.

    Returns:
        Non-empty sentences, stripped, in text order; ``text[s.start:s.end] == s.text``.
    """
    spans: list[Span] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        # Only the end of the sentence so far and the start of what follows are looked at, never slices of
        # the whole text, so a long text with many breaks that do not end a sentence stays linear.
        tail = text[max(start, end - 40) : end]
        nxt = text[end : end + 64].lstrip()
        if _LIST_NUMBER.fullmatch(text, start, end) and (start == 0 or text[start - 1] == "\n"):
            continue  # "1. Tjek postkassen ...": a list item's number, not a sentence
        if m.group(0).startswith(".") and not m.group(0).startswith("..."):
            if abbreviation_end(tail) or (nxt and nxt[0].islower()):
                continue
            if _DAY_NUMBER.search(tail.rstrip()) and nxt[:1].islower():
                continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    offset = start + (len(piece) - len(piece.lstrip()))
    spans.append(Span(stripped, offset, offset + len(stripped)))
