"""Repeat-asks by label: an ask for "your student ID" after the customer wrote "my student ID is SP-40917".

Customers label the codes they give ("elevnummer 55102", "booking MAL-88321", "feilkode 567", "My student
ID is SP-40917"), and an agent asks for the same thing by the same word ("Skicka ditt elevnummer", "Could
you tell me your student ID", "hvilken feilkode står det?"). No list of id kinds is needed: the label is
whatever word stands before a code-shaped value (letters and digits, one digit at least), with a generic id
word ("nummer", "nr", "ID", "code", "kode" ...) cut off a compound or read with the word before it. An ask
repeats by label when it names a label the customer used, as a compound with an id word ("elevnummeret")
or a word before one ("student ID"). Only the customer's and notes' turns count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Turn

__all__ = ["LabelledValue", "ask_labels", "labelled_values", "repeated_label"]

# Generic id words: a compound ending in one is a label for its first part ("kundenr" -> "kunde").
_COMPOUND_HEADS = (
    "nummeret", "nummer", "numret", "numre", "nr", "koden", "kode", "koder", "kod", "code", "referanse",
    "referansen", "referens", "reference",
)  # fmt: skip
_HEAD_RE = re.compile(rf"^(?P<stem>[^\W\d_][\w.]*?)[.-]?(?:{'|'.join(_COMPOUND_HEADS)})$", re.IGNORECASE)
# Id words on their own ("student ID", "booking number"): the word before them is the label.
_GENERIC = frozenset((*_COMPOUND_HEADS, "number", "numbers", "no", "id", "ref", "kod", "code"))
_COPULA = frozenset(
    "is er är e var was blir = : # my mitt min mi mine vårt vår vores our your ditt din dit the a".split()
)
_WORD = re.compile(r"[^\W\d_][\w.]*", re.UNICODE)
_CODE = re.compile(
    r"(?<![\w-])(?:[A-Za-z0-9]*\d[A-Za-z0-9]*|[A-Za-z]+(?=[-/]))(?:[-/][A-Za-z0-9]+)*"
    r"(?:[ ]\d[A-Za-z0-9]*)*(?![\w-])"
)
_CLAUSE_BREAK = re.compile(r"[.!?,;()\n]")
_MIN_STEM = 3


class LabelledValue:
    """A code-shaped value a customer gave with a label: the label's stem, the value, the turn's index."""

    __slots__ = ("stem", "value", "index")

    def __init__(self, stem: str, value: str, index: int) -> None:
        self.stem = stem
        self.value = value
        self.index = index


def _code_like(text: str) -> bool:
    """Letters and digits with one digit at least and two characters at least ("feilkode 31")."""
    return any(c.isdigit() for c in text) and len(re.sub(r"\W", "", text)) >= 2


def _stem(word: str) -> str:
    """A label word without an id word, definite ending or linking "s" ("elevnummeret" -> "elev")."""
    w = word.lower().strip(".")
    m = _HEAD_RE.match(w)
    if m and len(m.group("stem").rstrip(".-")) >= _MIN_STEM:
        w = m.group("stem").rstrip(".-")
    for ending in ("s", "e"):
        if w.endswith(ending) and len(w) - 1 >= _MIN_STEM + 1:
            w = w[: -len(ending)]
    return w


def _is_compound_label(word: str) -> bool:
    m = _HEAD_RE.match(word.lower().strip("."))
    return m is not None and len(m.group("stem").rstrip(".-")) >= _MIN_STEM


def labelled_values(turns: Sequence[Turn]) -> list[LabelledValue]:
    """The labelled code-shaped values of the customer's and notes' turns, oldest first."""
    out: list[LabelledValue] = []
    for index, turn in enumerate(turns):
        if turn.role not in ("customer", "note"):
            continue
        text = turn.text
        for m in _CODE.finditer(text):
            if not _code_like(m.group(0)):
                continue
            before = _CLAUSE_BREAK.split(text[max(0, m.start() - 60) : m.start()])[-1]
            words = [w for w in _WORD.findall(before) if w.lower() not in _COPULA][-2:]
            if not words:
                continue
            last = words[-1]
            if last.lower() in _GENERIC:
                if len(words) < 2:
                    continue
                stem = _stem(words[-2])  # "student ID", "booking number"
            else:
                stem = _stem(last)  # "elevnummer", "booking", "ordre"
            if len(stem) >= _MIN_STEM and stem not in _GENERIC:
                out.append(LabelledValue(stem, m.group(0), index))
    return out


def ask_labels(text: str) -> set[str]:
    """The labels an ask names: compounds with an id word ("elevnummeret") and words before one ("student
    ID", "booking number")."""
    words = _WORD.findall(text)
    out: set[str] = set()
    for i, word in enumerate(words):
        low = word.lower()
        if low in _GENERIC:
            if i > 0 and words[i - 1].lower() not in _COPULA:
                out.add(_stem(words[i - 1]))
        elif _is_compound_label(word):
            out.add(_stem(word))
    return {s for s in out if len(s) >= _MIN_STEM and s not in _GENERIC}


def repeated_label(ask: str, values: Sequence[LabelledValue]) -> LabelledValue | None:
    """The newest labelled value whose label the ask names, or None (also when the ask carries a code of
    its own: "Er det ordre 12345?" confirms)."""
    if any(_code_like(m) for m in _CODE.findall(ask)):
        return None
    wanted = ask_labels(ask)
    if not wanted:
        return None
    return next((v for v in reversed(values) if v.stem in wanted), None)
