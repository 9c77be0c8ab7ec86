"""One analysis of a conversation per request: each text is split, scanned for values and facts once.

The service, the drafter and every guard read the same conversation. :func:`analyse_turns` returns a
:class:`ConversationAnalysis` that holds the turns and memoises what is read from a text: its sentences,
its typed value spans (:mod:`knowledge.text.values`, plus the workspace's field values) and its facts
(:mod:`knowledge.facts`). Whoever asks first computes; everybody after reads the same result, so a turn is
scanned once per request however many guards look at it.

Facts are spans with provenance: :meth:`ConversationAnalysis.located_facts` gives every fact with the turn
it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from knowledge.fields import EMPTY_FIELDS, FieldSet
from knowledge.text.fieldvalues import FieldLexicon
from knowledge.text.qualified import count_values
from knowledge.text.sentences import Span, split_sentences
from knowledge.text.values import Value, extract_values

if TYPE_CHECKING:
    from knowledge.facts import ExtractedFact

__all__ = ["TurnLike", "LocatedFact", "ConversationAnalysis", "analyse_turns", "reading_role"]


class TurnLike(Protocol):
    """What the analysis reads of a turn (``assistant.types.Turn`` fits)."""

    @property
    def role(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class LocatedFact:
    """A fact and where it came from: the turn's index (in the analysed turns) and its writer's role."""

    fact: ExtractedFact
    index: int
    role: str


class ConversationAnalysis:
    """The turns of one conversation and everything read from them, computed once.

    Args:
        turns: the conversation on every channel, oldest first (the customer's latest message last).
        products: the workspace's product names, for fact extraction.
        fields: the workspace's own fields; their values are found as value spans of the field's kind.
        language: the conversation's language when known (None: detected per text where needed).
    """

    def __init__(
        self,
        turns: Sequence[TurnLike],
        *,
        products: Iterable[str] = (),
        fields: FieldSet | None = None,
        language: str | None = None,
    ) -> None:
        self.turns: tuple[TurnLike, ...] = tuple(turns)
        self.products: tuple[str, ...] = tuple(products)
        self.fields: FieldSet = fields if fields is not None else EMPTY_FIELDS
        self.language = language
        self.lexicon = FieldLexicon(self.fields)
        self._sentences: dict[str, list[Span]] = {}
        self._values: dict[tuple[str, str, str], list[Value]] = {}
        self._facts: dict[tuple[str, str], list[ExtractedFact]] = {}
        self.scans = 0  # how many texts were scanned for values or facts (each at most once per kind)

    def covers(self, turns: Sequence[TurnLike]) -> bool:
        """True when this analysis was made for exactly ``turns`` (same roles and texts, same order)."""
        return len(turns) == len(self.turns) and all(
            a.role == b.role and a.text == b.text for a, b in zip(turns, self.turns, strict=True)
        )

    def sentences(self, text: str) -> list[Span]:
        """The sentences of ``text`` (memoised)."""
        found = self._sentences.get(text)
        if found is None:
            found = self._sentences[text] = split_sentences(text)
        return found

    def values(self, text: str, *, speaker: str = "customer", context: str = "") -> list[Value]:
        """Typed value spans of ``text`` as ``speaker`` wrote it, with field values (memoised).

        Args:
            text: a turn or one of its sentences.
            speaker: "customer" or "agent" (see :func:`knowledge.text.values.extract_values`).
            context: the message ``text`` answers, if any.
        """
        key = (text, speaker, context)
        found = self._values.get(key)
        if found is None:
            self.scans += 1
            found = extract_values(text, speaker=speaker, context=context)
            fields = self.lexicon.values(text, taken=[(v.start, v.end) for v in found])
            # A value the workspace declared is its field's, not a place or a name guessed from its capitals.
            found = [v for v in found if not _guess_under(v, fields)] + fields + count_values(text)
            self._values[key] = found
        return found

    def facts(self, text: str, *, role: str = "customer") -> list[ExtractedFact]:
        """The facts ``text`` states, read with ``role``'s rules, masked (memoised).

        Payment cards, IBANs and national ids are masked (:func:`knowledge.masking.mask_message_facts`): a
        fact never carries one in clear, whoever reads it (a drafter, an LLM prompt, a guard).
        """
        from knowledge.facts import extract_facts
        from knowledge.masking import mask_message_facts, masked_facts

        key = (text, role)
        found = self._facts.get(key)
        if found is None:
            self.scans += 1
            if role in ("customer", "note") and self.lexicon:
                # the workspace's own fields, by their values (not kept per text: they depend on the fields)
                raw = extract_facts(text, language=self.language, role=role, products=self.products)
                raw = [*raw, *self.lexicon.facts(text)]
                found = self._facts[key] = mask_message_facts(text, text, raw)[1]
            else:
                found = self._facts[key] = masked_facts(
                    text, language=self.language, role=role, products=self.products
                )
        return found

    def located_facts(self, roles: Iterable[str] | None = None) -> list[LocatedFact]:
        """Every fact of the turns (of ``roles``; all by default) with the turn it came from."""
        wanted = None if roles is None else frozenset(roles)
        roles_read = [reading_role(turn) for turn in self.turns]
        out = []
        for index, (turn, role) in enumerate(zip(self.turns, roles_read, strict=True)):
            if wanted is not None and role not in wanted:
                continue
            facts = self.facts(turn.text, role=role)
            out += [LocatedFact(f, index, role) for f in facts]
            if role == "customer" and index > 0 and not any(f.kind == "person" for f in facts):
                named = _name_answer(self.turns[index - 1], turn.text)
                if named is not None:
                    out.append(LocatedFact(named, index, role))
        return out

    def known_values(self, kind: str, roles: Iterable[str] = ("customer", "note")) -> list[str]:
        """The values of facts of ``kind`` that turns of ``roles`` state, oldest first."""
        return [lf.fact.value for lf in self.located_facts(roles) if lf.fact.kind == kind]


# An agent's turn on the phone channel is what the agent wrote down about a call ("Telefonnotat: Kunden
# Arild Nesse ringte ..."): it is read as a note (the customer's details, what was tried, what was promised).
_NOTE_CHANNELS = frozenset({"phone", "note"})


# A phone turn that speaks of the customer in the third person near its start ("Opkald: kunden Birgitte Holm
# ...") is somebody's note of the call, whoever it was filed under.
_THIRD_PERSON_CUSTOMER = re.compile(
    r"(?<!\w)(?:kunden?|kund|customer|caller|innringer|uppringaren)(?!\w)", re.I
)


def reading_role(turn: TurnLike) -> str:
    """The rules a turn is read with: its role, or ``note`` for a record of a phone call."""
    role = turn.role
    if getattr(turn, "channel", None) not in _NOTE_CHANNELS:
        return role
    if role == "agent" or (role == "customer" and _THIRD_PERSON_CUSTOMER.search(turn.text[:80])):
        return "note"
    return role


# "Hva er navnet ditt?" - "Synnøve Lie": a reply that is only a name, right after an agent asked for one.
_NAME_QUESTION = re.compile(
    r"\b(?:navn\w*|namn\w*|name|names|heter du|heiter du|hedder du|who am i speaking)\b[^.!?]*\?", re.I
)
_NAME_REPLY = re.compile(
    r"^\s*(?P<name>[A-ZÆØÅÄÖÜÉ][^\W\d_]+(?:-[A-ZÆØÅÄÖÜÉ][^\W\d_]+)?(?:\s+[A-ZÆØÅÄÖÜÉ][^\W\d_'-]+(?:-[^\W\d_]+)?){1,3})"
    r"\s*[.!]?\s*$"
)


def _name_answer(asked: TurnLike, reply: str) -> ExtractedFact | None:
    """A person fact for a reply that is a first and last name after the agent asked for the name."""
    if asked.role not in ("agent", "bot") or not _NAME_QUESTION.search(asked.text):
        return None
    m = _NAME_REPLY.match(reply)
    if m is None:
        return None
    from knowledge.facts._base import ExtractedFact as Fact

    name = " ".join(m.group("name").split())
    return Fact("person", m.group("name"), name, m.start("name"), m.end("name"), 0.8)


_GUESSED = frozenset({"place", "origin", "destination", "name", "product", "model"})


def _guess_under(value: Value, fields: list[Value]) -> bool:
    return value.slot in _GUESSED and any(f.start <= value.start and value.end <= f.end for f in fields)


def analyse_turns(
    turns: Sequence[TurnLike],
    *,
    products: Iterable[str] = (),
    fields: FieldSet | None = None,
    language: str | None = None,
) -> ConversationAnalysis:
    """Analyse a conversation once for every reader of it (service, drafter, guards).

    Args:
        turns: the conversation on every channel, oldest first, the customer's latest message last.
        products: the workspace's product names.
        fields: the workspace's own fields.
        language: the conversation's language, when decided.

    Returns:
        The analysis; its sentences, values and facts are computed on first use and then shared.
    """
    return ConversationAnalysis(turns, products=products, fields=fields, language=language)
