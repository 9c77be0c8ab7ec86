"""The workspace's own fields read in text: their values as typed spans, and asks about them.

A company declares the details it tracks (:mod:`knowledge.fields`): a name, a description, optional
possible values and optional words per language for asking about it. From those alone, with no word of
the company's domain in the code:

* a text that contains one of a field's possible values ("gold", "Premium Economy") gives a value span
  of the field's kind (the field's name). Values that say nothing on their own are skipped: numbers (a
  count is read by the built-in detectors), one-letter values and yes/no flags;
* a field's ask words are also the labels customers write before its value, and so are their heads when
  they end in a word for number or id ("flat" of "flat number", "chip" of "chipnummer"): after one of them
  (and a colon, "is", "er", "är" or "=" at most), a code-shaped value, letters and digits in up to four groups
  with at least one digit ("reg.nr EL 48213", "regnummer är KLM 42B", "membership number CW-66120"),
  is the field's value;
* an ask is about a field when it uses one of the field's ask words, or when its content words (stemmed)
  cover a word of the field's name and one more of its name or description ("What type of car?" asks for
  a field "type" described as "Category to which rental car belongs").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from knowledge.fields import FieldSet, FieldSpec
from knowledge.text.lexicons import words as function_words
from knowledge.text.tokens import stems
from knowledge.text.values import Value

if TYPE_CHECKING:
    from knowledge.facts import ExtractedFact

__all__ = ["FieldLexicon", "FieldMatch"]

_FLAG_VALUES = frozenset({"true", "false", "yes", "no", "ja", "nei", "nej", "y", "n"})


@dataclass(frozen=True)
class FieldMatch:
    """A field an ask is about, and how strongly (matched words)."""

    name: str
    score: int


# After a label: a colon, a copula or "=" at most, then letters and digits in up to four groups, one with a
# digit, none a lower-case word ("EL 48213", "KLM 42B", "CW-66120", "KP 44 109").
_LABEL_GAP = r"\.?(?:\s*[:=#]\s*|\s+(?:is|er|är|e|was|var|blir)\s+|\s+)"
_CODE_GROUP = r"[A-ZÆØÅÄÖ0-9][A-ZÆØÅÄÖ0-9]*"
_CODE_VALUE = re.compile(rf"(?P<value>{_CODE_GROUP}(?:[ -]{_CODE_GROUP}){{0,3}})(?![\w-])")


@dataclass(frozen=True)
class _Field:
    name: str
    pattern: re.Pattern[str] | None  # its telling values, longest first; for a yes/no field, its name
    ask: re.Pattern[str] | None  # its ask words in every language
    name_stems: frozenset[str]
    description_stems: frozenset[str]
    labels: re.Pattern[str] | None = None  # its ask words and their heads ("flat" of "flat number")


# An ask word that ends in a word for number or id ("flat number", "chipnummer", "sonekode", "målepunkt-ID")
# is labelled in text by its head too: "flat 7", "chip 578097810012345", "sone 6012".
_ID_ENDING = re.compile(
    r"^(?P<head>.{3,}?)(?:[\s-]+(?:number|no|nr|code|id|ref|reference)|-?s?(?:nummeret|nummer|numret|numer|nr|kode|koden"
    r"|kod|koden|id))$",
    re.IGNORECASE,
)


def _heads(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        m = _ID_ENDING.match(w.strip())
        if m is not None and len(m.group("head").strip(" -")) >= 3:
            out.append(m.group("head").strip(" -"))
    return out


def _telling(value: str) -> bool:
    v = value.strip()
    return len(v) > 1 and not v.replace(".", "").replace(",", "").isdigit() and v.lower() not in _FLAG_VALUES


def _words_pattern(words: list[str], *, inflected: bool = False) -> re.Pattern[str] | None:
    items = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not items:
        return None
    # spaces and hyphens as written or not; an abbreviation's dot may be left out ("reg.nr" ~ "regnr.")
    alternation = "|".join(
        re.escape(w).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?").replace(r"\.", r"\.?") for w in items
    )
    ending = r"\w*" if inflected else ""  # "medlemsnivå" also asks as "medlemsnivået"
    return re.compile(rf"(?<![\w-])(?:{alternation}){ending}(?![\w-])", re.IGNORECASE)


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """A field's name words in any inflection ("shared_ride" ~ "share the ride", "shared rides")."""
    parts = [p for p in name.split("_") if len(p) >= 3]
    if not parts:
        return None
    heads = [re.escape(p[:-1] if len(p) > 4 else p) + r"\w*" for p in parts]
    return re.compile(
        r"(?<![\w-])" + r"(?:\s+(?:the|a|an)\s+|[\s-]+)".join(heads) + r"(?![\w-])", re.IGNORECASE
    )


class FieldLexicon:
    """What the text layer reads of a workspace's fields; built lazily from a :class:`FieldSet`."""

    def __init__(self, fields: FieldSet) -> None:
        self.field_set = fields

    @cached_property
    def _fields(self) -> tuple[_Field, ...]:
        return tuple(self._compile(f) for f in self.field_set)

    @staticmethod
    def _compile(spec: FieldSpec) -> _Field:
        values = [v for v in spec.values if _telling(v)]
        asks = [w for words in spec.ask.values() for w in words]
        pattern = _words_pattern(values)
        if spec.values and all(v.strip().lower() in _FLAG_VALUES for v in spec.values):
            pattern = _name_pattern(spec.name)  # "shared_ride": saying "a shared ride" gives it
        return _Field(
            name=spec.name,
            pattern=pattern,
            ask=_words_pattern(asks, inflected=True),
            name_stems=frozenset(stems(spec.name.replace("_", " "), "en")),
            description_stems=frozenset(stems(spec.description, "en")),
            labels=_words_pattern([*asks, *_heads(asks)], inflected=True),
        )

    @cached_property
    def _function_stems(self) -> frozenset[str]:
        return frozenset(stems(" ".join(function_words("function_words")), "en"))

    def __bool__(self) -> bool:
        return len(self.field_set) > 0

    def values(self, text: str, taken: list[tuple[int, int]] | None = None) -> list[Value]:
        """Spans of ``text`` that are one of a field's possible values, typed with the field's name.

        Args:
            text: a message or sentence.
            taken: spans already typed by the built-in detectors; a field value inside one is skipped
                only when it is a part of it (a value equal to the span is still the field's).
        """
        if not self.field_set:
            return []
        taken = taken or []
        out: list[Value] = []
        for f in self._fields:
            if f.pattern is not None:
                for m in f.pattern.finditer(text):
                    s, e = m.span()
                    if any(ts <= s and e <= te and (ts, te) != (s, e) for ts, te in taken):
                        continue
                    out.append(Value(f.name, m.group(0), s, e))
            out.extend(_labelled(f, text))
        return out

    def facts(self, text: str) -> list[ExtractedFact]:
        """The field values of ``text`` (possible values and labelled values) as facts of the field's kind.

        Args:
            text: a message or note.

        Returns:
            One fact per value found, with its span; the field's name is its kind.
        """
        from knowledge.facts import ExtractedFact

        return [ExtractedFact(v.slot, v.text, v.text, v.start, v.end, 0.8) for v in self.values(text)]

    def asks(self, text: str, language: str | None = None) -> list[FieldMatch]:
        """The fields an ask is about, best first.

        Args:
            text: one ask (a question or request).
            language: the ask's language, for stemming (None: English and the ask's words as written).
        """
        if not self.field_set:
            return []
        words = frozenset(stems(text, language or "en")) - {stem for stem in self._function_stems}
        out: list[FieldMatch] = []
        for f in self._fields:
            if f.ask is not None and f.ask.search(text):
                out.append(FieldMatch(f.name, 10))
                continue
            named = words & f.name_stems
            if not named:
                continue
            described = words & (f.description_stems | f.name_stems)
            if len(described) >= 2:
                out.append(FieldMatch(f.name, len(described)))
            elif words <= f.name_stems:  # "Which account?" asks for "account_type"
                out.append(FieldMatch(f.name, 1))
        return sorted(out, key=lambda m: -m.score)


def _labelled(field: _Field, text: str) -> list[Value]:
    """The code-shaped values written right after one of the field's ask words (its labels)."""
    if field.labels is None:
        return []
    out: list[Value] = []
    for label in field.labels.finditer(text):
        gap = re.compile(_LABEL_GAP, re.IGNORECASE).match(text, label.end())
        if gap is None:
            continue
        m = _CODE_VALUE.match(text, gap.end())
        if m is None or not any(c.isdigit() for c in m.group("value")):
            continue
        value = m.group("value").rstrip(" -")
        out.append(Value(field.name, value, m.start("value"), m.start("value") + len(value)))
    return out
