"""The grounding guard: every substantive sentence of a reply must be supported by a passage or a known fact.

A reply is split into sentences (list items and table rows count as sentences). Greetings, sign-offs, stock
phrases (:func:`assistant.channels.is_stock_sentence`), holding phrases ("we are looking into it", "a
colleague will take over") and questions are exempt, and so is a sentence with fewer than two content
words and no number: it claims nothing. Every other sentence is *substantive*.

A substantive sentence's support is the best, over the passages, of its lexical coverage by that passage
together with the known facts: the share of its content words (function words of the five languages and
a few framing words like "see"/"ser" dropped) that the source contains, as the same Snowball stem or, for
compounds and inflections the stemmer misses ("leveringstid" ~ "levering ... tid"), as most of the word's
character 4-grams. Numbers are strict: each number in the sentence must appear in the same source,
otherwise the support is scaled down by the share of numbers found; an invented price or deadline is
never "mostly supported". A sentence is supported when its support reaches ``min_support`` (0.7).

Lexical support is a floor, not a judge: it cannot see a paraphrase in other words or a translation (a
reply in bokmål built from a Swedish passage scores low), and a wrong claim made of the passage's own
words passes. It is deterministic, offline and cheap, which is what a guard on every draft needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.channels import is_stock_sentence
from assistant.types import GuardFinding, KnownFact, Passage
from knowledge.lexical import tokenize
from knowledge.text.sentences import abbreviation_end

__all__ = [
    "MIN_SUPPORT",
    "SentenceSupport",
    "Terms",
    "TextUnit",
    "check_grounding",
    "content_words",
    "coverage",
    "groundedness",
    "sentence_support",
    "split_sentences",
    "split_units",
    "terms",
    "word_covered",
]

MIN_SUPPORT = 0.7
_GRAM_SHARE = 0.6

# Words that carry no claim: question words and framing verbs of the five languages, greetings and
# thanks. (Function words are already dropped by knowledge.lexical's stopword lists.)
_FRAMING = frozenset(
    """
    how what when where which who why hvordan hvorfor hva hvilken hvilket hvilke når hvor hvem kva kven
    kvar kor korleis kvifor vad vilken vilket vilka när var hur varför hvad hvornår hvilke
    hi hello hey dear hei hej hallo hallå heisann hejsan thanks thank takk tack tak please vennligst
    venligst vänligen gjerne gärna gerne glad happy see ser se sjå can could would kan kunne kunde
    look looking found fant fann hittade fandt help hjelpe hjelpa hjälpa hjælpe regarding concerns
    concerning gjelder gjeld gäller drejer sig message melding meldingen meldinga meddelande besked
    beskeden question spørsmål spørsmålet fråga frågan spørgsmål spørgsmålet also også också nok just
    bare berre bara kun only yes no ja nei nej
    i me my mine myself you your yours yourself we us our ours he him his she her hers its they them
    am do does did doing have has had having been being would should shall may might must could can't
    don't doesn't didn't isn't aren't wasn't i'm i've i'd you're we're it's there's what's about after
    before again any some all each more most other so than too very just own same both few here
    """.split()
)

_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"(?<![\w*])\d+(?:[ \u00a0.,]\d{3})*(?:[.,]\d+)?(?![\w*])")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_ENUM = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
_STEP = re.compile(r"^\s*\d{1,2}[.)]\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*\s+(?=[\"'«“(\[]?[A-ZÆØÅÄÖÜÉ])")
_HOLDING = re.compile(
    r"\b(?:we\s+are|we're|i\s+am|i'm|we\s+will\s+be)\s+(?:looking\s+into|checking|investigating)"
    r"|\b(?:get|come|be)\s+back\s+to\s+you|\bhear\s+(?:back\s+)?from\s+us|\bcolleague\s+will"
    r"|\bvi\s+(?:sjekker|sjekkar|undersøker|undersøkjer|undersöker|undersøger|kollar|tittar\s+på|ser\s+på"
    r"|ser\s+nærmere|kigger\s+på)\b"
    r"|\b(?:kommer|kjem)\s+tilbake\s+til\s+deg|\båterkommer\b|\bvender\s+tilbage"
    r"|\bhører\s+fra\s+(?:oss|os)|\bhøyrer\s+frå\s+oss|\bhör\s+av\s+oss|\b(?:en|ein)\s+kollega\b",
    re.IGNORECASE,
)

# Words that name each fact kind, so "I can see order 48213977" is supported by the fact itself.
_KIND_WORDS = {
    "order_number": "order ordre ordren ordrenummer ordrenummeret bestilling bestillingen tinging "
    "beställning beställningen ordernummer ordernumret",
    "tracking_number": "tracking sporing sporingsnummer sporingsnummeret sendingsnummer spårningsnummer "
    "spårning pakke pakken pakka parcel package paket paketet",
    "email": "email e-mail e-post e-posten e-postadresse mejl adress address adresse",
    "phone": "phone telefon telefonnummer mobil mobilnummer nummer number",
    "address": "address adresse adressen adress adressen leveringsadresse",
    "product": "product produkt produktet vare varen vara varan",
    "serial_number": "serial serienummer serienummeret serienumret",
    "account_id": "account konto kontoen kundenummer kundnummer customer",
    "amount": "amount beløp beløpet belopp beløb",
    "date": "date dato datoen datum",
}


# --------------------------------------------------------------------------------------------------------
# Splitting


@dataclass(frozen=True)
class TextUnit:
    """A sentence-sized piece of a text.

    Attributes:
        text: the unit's text, without list markers; a table row reads "first cell: other, cells".
        kind: ``"sentence"``, ``"item"`` (a bullet), ``"step"`` (a numbered list item), ``"row"`` (a table
            row) or ``"heading"``.
        block: the index of the paragraph, list or table it belongs to (consecutive items share it).
        heading: the nearest heading above it, or "".
        index: its position among the units of the text.
    """

    text: str
    kind: str
    block: int
    heading: str
    index: int


def _split_paragraph(paragraph: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        piece = paragraph[start : m.end()].strip()
        head = paragraph[start : m.start() + 1].rstrip()
        if abbreviation_end(head) or re.search(r"\b(?:bl|f)\.\s?(?:a|eks)\.$", head, re.I):
            continue
        if piece:
            sentences.append(piece)
        start = m.end()
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _row_text(line: str) -> str:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    cells = [c for c in cells if c]
    if not cells:
        return ""
    return cells[0] if len(cells) == 1 else f"{cells[0]}: {', '.join(cells[1:])}"


def split_units(text: str) -> list[TextUnit]:
    """Split Markdown-ish text into sentences, list items and table rows, in order.

    Lines of one paragraph are joined before splitting at sentence ends (abbreviations such as "kl.",
    "f.eks.", "e.g." and single initials do not end a sentence). A table's header row and separator are
    dropped; each data row becomes one unit.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    units: list[TextUnit] = []
    block = 0
    heading = ""
    paragraph: list[str] = []

    def add(unit_text: str, kind: str) -> None:
        unit_text = " ".join(unit_text.split())
        if unit_text:
            units.append(TextUnit(unit_text, kind, block, heading, len(units)))

    def flush() -> None:
        nonlocal block
        if paragraph:
            for sentence in _split_paragraph(" ".join(paragraph)):
                add(sentence, "sentence")
            paragraph.clear()
            block += 1

    for i, line in enumerate(lines):
        stripped = line.strip()
        heading_match = _HEADING.match(line)
        if not stripped:
            flush()
            continue
        if heading_match:
            flush()
            heading = heading_match.group(1).strip()
            add(heading, "heading")
            block += 1
            continue
        if stripped.startswith("|"):
            flush()
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if _TABLE_SEP.match(stripped) or _TABLE_SEP.match(nxt.strip()):
                continue  # separator or header row
            add(_row_text(stripped), "row")
            continue
        if _ENUM.match(line):
            if paragraph:
                flush()
            add(_ENUM.sub("", line), "step" if _STEP.match(line) else "item")
            continue
        if units and units[-1].kind in ("item", "step") and not paragraph and line[:1].isspace():
            last = units.pop()  # an indented continuation line of a list item
            units.append(TextUnit(f"{last.text} {stripped}", last.kind, last.block, last.heading, last.index))
            continue
        if units and units[-1].kind in ("item", "step", "row") and not paragraph:
            block += 1
        paragraph.append(stripped)
    flush()
    return units


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (list items and table rows count as sentences), without headings."""
    return [u.text for u in split_units(text) if u.kind != "heading"]


# --------------------------------------------------------------------------------------------------------
# Terms and coverage


@lru_cache(maxsize=20000)
def _word_terms(word: str, language: str | None) -> tuple[str, frozenset[str]] | None:
    tokens = tokenize(word, language or "en")
    stems = [t for t in tokens if not t.startswith("~")]
    if not stems:
        return None
    return stems[0], frozenset(t for t in tokens if t.startswith("~"))


def _numbers(text: str) -> list[str]:
    return [re.sub(r"[ \u00a0.,]", "", m.group(0)) for m in _NUMBER.finditer(text)]


def _strip_links(text: str) -> str:
    return _EMAIL.sub(" ", _URL.sub(" ", text))


@dataclass(frozen=True)
class Terms:
    """The comparable content of a text: stems, character 4-grams and numbers (digits only)."""

    stems: frozenset[str]
    grams: frozenset[str]
    numbers: frozenset[str]

    def __or__(self, other: Terms) -> Terms:
        return Terms(self.stems | other.stems, self.grams | other.grams, self.numbers | other.numbers)


def content_words(text: str, language: str | None) -> list[tuple[str, frozenset[str]]]:
    """The content words of ``text`` as (stem, 4-grams) pairs, in order, framing and function words dropped.

    Numbers, URLs and e-mail addresses are not words here (see :func:`terms`).
    """
    words: list[tuple[str, frozenset[str]]] = []
    for m in _WORD.finditer(_strip_links(text)):
        word = m.group(0).lower()
        if word in _FRAMING or len(word) < 2:
            continue
        found = _word_terms(word, language)
        if found is not None:
            words.append(found)
    return words


@lru_cache(maxsize=8192)  # passages and the history's facts come back on every request
def terms(text: str, language: str | None) -> Terms:
    """The stems, 4-grams and numbers of ``text`` (e-mail addresses keep their digits as numbers)."""
    words = content_words(text, language)
    numbers = _numbers(_URL.sub(" ", text))
    return Terms(
        frozenset(s for s, _ in words),
        frozenset(g for _, grams in words for g in grams),
        frozenset(n for n in numbers if n),
    )


def word_covered(stem: str, grams: frozenset[str], source: Terms) -> bool:
    """Whether a word is in ``source``: the same stem, or most of its 4-grams (compounds, inflections)."""
    if stem in source.stems:
        return True
    return len(grams) >= 3 and len(grams & source.grams) / len(grams) >= _GRAM_SHARE


def coverage(text: str, source: Terms, language: str | None) -> float:
    """The share of ``text``'s content words found in ``source``, scaled by the share of its numbers found.

    Returns 1.0 for a text with neither content words nor numbers.
    """
    words = content_words(text, language)
    numbers = [n for n in _numbers(_URL.sub(" ", text)) if n]
    share = sum(word_covered(s, g, source) for s, g in words) / len(words) if words else 1.0
    if numbers:
        share *= sum(n in source.numbers for n in numbers) / len(numbers)
    return share


def _fact_terms(facts: Sequence[KnownFact]) -> Terms:
    stems: set[str] = set()
    grams: set[str] = set()
    numbers: set[str] = set()
    for fact in facts:
        text = (
            f"{fact.value} {fact.normalized or ''} {_KIND_WORDS.get(fact.kind, fact.kind.replace('_', ' '))}"
        )
        found = terms(text, None)
        stems |= found.stems
        grams |= found.grams
        numbers |= found.numbers
        digits = re.sub(r"\D", "", fact.value)
        if digits:
            numbers.add(digits)
    return Terms(frozenset(stems), frozenset(grams), frozenset(numbers))


# --------------------------------------------------------------------------------------------------------
# The guard


@dataclass(frozen=True)
class SentenceSupport:
    """One sentence of a reply and how well the sources support it.

    Attributes:
        text: the sentence.
        substantive: it makes a claim (not exempt, at least two content words or a number).
        support: the best coverage by one passage plus the known facts, in [0, 1] (1.0 when exempt).
        supported: ``support >= min_support`` (always True for a sentence that is not substantive).
        source: the doc id of the best-supporting passage, "facts" when the facts alone support it, or None.
    """

    text: str
    substantive: bool
    support: float
    supported: bool
    source: str | None


def _exempt(sentence: str, language: str | None) -> bool:
    s = sentence.strip()
    if not s or s.endswith("?") or is_stock_sentence(s, language) or _HOLDING.search(s):
        return True
    words = content_words(s, language)
    return len(words) < 2 and not _numbers(_URL.sub(" ", s))


def sentence_support(
    text: str,
    passages: Sequence[Passage],
    facts: Sequence[KnownFact],
    language: str | None,
    *,
    min_support: float = MIN_SUPPORT,
) -> list[SentenceSupport]:
    """Score every sentence of ``text`` against the passages and the known facts.

    Args:
        text: the reply.
        passages: the passages the reply may rely on (each scored with its own language's stemmer).
        facts: the known facts about the customer.
        language: the reply's language (for its stemmer).
        min_support: the support a substantive sentence needs.

    Returns:
        One entry per sentence, in order.
    """
    fact_terms = _fact_terms(facts)
    sources: list[tuple[str, Terms]] = [
        (p.doc_id, terms(f"{p.title}\n{p.text}", p.language or language) | fact_terms) for p in passages
    ]
    sources.append(("facts", fact_terms))
    result: list[SentenceSupport] = []
    for sentence in split_sentences(text):
        if _exempt(sentence, language):
            result.append(SentenceSupport(sentence, False, 1.0, True, None))
            continue
        best, best_source = 0.0, None
        for name, source in sources:
            score = coverage(sentence, source, language)
            if score > best:
                best, best_source = score, name
        result.append(SentenceSupport(sentence, True, round(best, 4), best >= min_support, best_source))
    return result


def check_grounding(
    text: str,
    passages: Sequence[Passage],
    facts: Sequence[KnownFact],
    language: str | None,
    *,
    min_support: float = MIN_SUPPORT,
) -> list[GuardFinding]:
    """Flag each substantive sentence that no passage or known fact supports (severity "warn").

    Args:
        text: the reply.
        passages: the passages the reply may rely on (the retrieved ones, or the cited ones).
        facts: the known facts about the customer.
        language: the reply's language.
        min_support: the support a substantive sentence needs (see the module docstring).

    Returns:
        One finding per unsupported sentence, its text as the span.
    """
    return [
        GuardFinding(
            guard="grounding",
            severity="warn",
            message=f"no passage or known fact supports this sentence (support {s.support:.2f})",
            span=s.text,
        )
        for s in sentence_support(text, passages, facts, language, min_support=min_support)
        if s.substantive and not s.supported
    ]


def groundedness(
    text: str,
    passages: Sequence[Passage],
    facts: Sequence[KnownFact],
    language: str | None,
    *,
    min_support: float = MIN_SUPPORT,
) -> float:
    """Supported substantive sentences / all substantive sentences, in [0, 1].

    A reply with no substantive sentence (a holding reply, a bare question) claims nothing and scores 1.0.
    """
    scored = sentence_support(text, passages, facts, language, min_support=min_support)
    substantive = [s for s in scored if s.substantive]
    if not substantive:
        return 1.0
    return sum(s.supported for s in substantive) / len(substantive)
