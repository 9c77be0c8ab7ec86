"""Metrics as pure functions: each takes what one case produced and returns numbers, or a :class:`Score`
(a value and the reason for it) where a reader of the report needs to know why."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.types import Passage


def retrieval_scores(expected: Sequence[str], ranked: Sequence[str]) -> dict[str, float]:
    """hit@1, hit@5 and reciprocal rank within 10, over distinct documents (first occurrence counts)."""
    distinct: list[str] = []
    for doc in ranked:
        if doc not in distinct:
            distinct.append(doc)
    wanted = set(expected)
    first = next((i for i, d in enumerate(distinct, start=1) if d in wanted), None)
    return {
        "hit_at_1": 1.0 if first == 1 else 0.0,
        "hit_at_5": 1.0 if first is not None and first <= 5 else 0.0,
        "mrr_at_10": 1.0 / first if first is not None and first <= 10 else 0.0,
    }


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
MIN_SHARE = (
    0.5  # the shorter of two values must cover at least this share of the longer (see known_value_found)
)
MIN_PHONE_DIGITS = 7


def words(value: str) -> list[str]:
    """The value's words after folding: Unicode NFKC, case-folded, split on spaces and punctuation."""
    return _WORDS.findall(unicodedata.normalize("NFKC", value).casefold())


def fold(value: str) -> str:
    """NFKC, case-folded, without spaces and punctuation ("SO-123 45" and "so12345" fold alike)."""
    return "".join(words(value))


def _digits(value: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value))


def _contains(longer: list[str], shorter: list[str]) -> bool:
    """Whether ``shorter`` occurs in ``longer`` as a run of whole words."""
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def values_match(expected: str, candidate: str) -> bool:
    """Whether an extracted value finds an expected one (the strict rule of ``known_facts.recall``).

    Equal after folding (case, Unicode NFKC, spaces and punctuation), or one contains the other as whole
    words while the shorter is not a small part of the longer: it covers at least ``MIN_SHARE`` (half) of
    the longer's words *and* of its characters (letters and digits). "Stockholm" does not find
    "Drottninggatan 5, 111 51 Stockholm" (1 of 5 words), "4831" does not find "48310456" (not a whole
    word), "Drottninggatan 5" does not find it either (2 of 5 words); "Har startet ruteren på nytt" finds
    "startet ruteren på nytt".
    """
    e, c = words(expected), words(candidate)
    if not e or not c:
        return False
    if "".join(e) == "".join(c):
        return True
    shorter, longer = (e, c) if len(e) <= len(c) else (c, e)
    if not _contains(longer, shorter):
        return False
    word_share = len(shorter) / len(longer)
    char_share = sum(map(len, shorter)) / sum(map(len, longer))
    return word_share >= MIN_SHARE and char_share >= MIN_SHARE


def phones_match(a: str, b: str) -> bool:
    """Whether two phone numbers are the same number, compared by their digits.

    An international prefix (``00``) and a national trunk ``0`` are dropped; one number may carry a country
    code (1-3 digits) the other lacks. Each needs at least ``MIN_PHONE_DIGITS`` digits.
    """
    da, db = (_digits(x).removeprefix("00") for x in (a, b))
    if len(da) < MIN_PHONE_DIGITS or len(db) < MIN_PHONE_DIGITS:
        return False
    if da == db:
        return True
    shorter, longer = sorted((da.lstrip("0"), db.lstrip("0")), key=len)
    return longer.endswith(shorter) and len(longer) - len(shorter) <= 3 and len(shorter) >= MIN_PHONE_DIGITS


def looks_like_phone(value: str) -> bool:
    """Digits (at least ``MIN_PHONE_DIGITS``) with only phone punctuation around them."""
    return sum(ch.isdigit() for ch in value) >= MIN_PHONE_DIGITS and all(
        ch.isdigit() or ch in " +-()." for ch in value.strip()
    )


# Which kinds of extracted value may fill which expected slot. Slot names (a suite's) and kind names (the
# extractor's) are both read as words split on "_"; each word that names a general concept of customer
# service maps to it. A slot and a kind are compatible when they are the same name, when the slot names no
# concept (it accepts any kind), or when they share a concept. "identifier" is a weak concept: a name that
# also names a specific one (phone_number → phone) is read as the specific one only.
_CONCEPT_WORDS: dict[str, tuple[str, ...]] = {
    "identifier": ("id", "number", "no", "nr", "code", "ref", "reference", "serial", "tracking", "invoice"),
    "phone": ("phone", "mobile", "tel", "telephone", "cell"),
    "email": ("email", "mail"),
    "address": ("address", "street", "zip", "postcode", "postal"),
    "place": (
        "city",
        "town",
        "location",
        "destination",
        "origin",
        "area",
        "place",
        "venue",
        "country",
        "region",
        "address",
        "store",
        "shop",
    ),
    "when": ("date", "day", "time", "when", "deadline"),
    "money": ("amount", "price", "cost", "fee", "sum", "total", "balance", "refund"),
    "count": ("count", "quantity", "qty"),
    "name": ("name", "person", "company", "venue"),
    "product": ("product", "model", "item", "device", "article"),
    "tried": ("tried", "attempt", "attempts", "step", "steps"),
    "promise": ("promise", "promised", "commitment"),
    "payment": ("payment",),
}
_WORD_CONCEPTS: dict[str, set[str]] = {}
for _concept, _words in _CONCEPT_WORDS.items():
    for _w in _words:
        _WORD_CONCEPTS.setdefault(_w, set()).add(_concept)


def concepts(name: str) -> frozenset[str]:
    """The general concepts a slot or kind name names (see the rule above); empty when none."""
    parts = [p for p in name.casefold().split("_") if p]
    found: set[str] = set()
    for i, part in enumerate(parts):
        if part == "number" and i + 1 < len(parts) and parts[i + 1] == "of":
            found.add("count")  # number_of_rooms
            continue
        found |= _WORD_CONCEPTS.get(part, set())
    if len(found) > 1:
        found.discard("identifier")
    return frozenset(found)


def kinds_compatible(slot: str, kind: str) -> bool:
    """Whether an extracted value of ``kind`` may fill the expected ``slot`` (rule above)."""
    if slot.casefold() == kind.casefold():
        return True
    wanted = concepts(slot)
    return not wanted or bool(wanted & concepts(kind))


def known_value_found(expected: str, slot: str, facts: Sequence[tuple[str, str]]) -> bool:
    """Whether an expected known value is among the extracted facts (the ``known_facts.recall`` rule).

    Args:
        expected: the expected value.
        slot: the expected value's slot name; unrecognised slots accept every kind.
        facts: the extracted facts as ``(kind, value)`` pairs (a normalised value as a pair of its own).

    Returns:
        True when a fact of a compatible kind matches by :func:`values_match`, or, when both are phone
        numbers (the fact's kind is ``phone`` and the expected value looks like one), by
        :func:`phones_match`.
    """
    phone = looks_like_phone(expected)
    for kind, value in facts:
        if not kinds_compatible(slot, kind):
            continue
        if values_match(expected, value):
            return True
        if phone and "phone" in concepts(kind) and phones_match(expected, value):
            return True
    return False


def precision_recall_f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def token_f1(prediction: str, reference: str, language: str | None = None) -> float:
    """F1 of stemmed content words (SQuAD-style), a language-aware reference similarity in [0, 1]."""
    from knowledge.lexical import content_terms

    pred, ref = content_terms(prediction, language), content_terms(reference, language)
    if not pred or not ref:
        return 0.0
    common = 0
    remaining = dict.fromkeys(ref, 0)
    for term in ref:
        remaining[term] += 1
    for term in pred:
        if remaining.get(term, 0) > 0:
            common += 1
            remaining[term] -= 1
    if common == 0:
        return 0.0
    p, r = common / len(pred), common / len(ref)
    return 2 * p * r / (p + r)


# --- situation and answer metrics ---------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d(?:[\d.,:/\- \u00a0\u202f]*\d)?")
_DIGIT_LIKE = re.compile(r"^[\d\s.,:/\-+\u00a0\u202f]+$")
MIN_CONTAINED_DIGITS = 8  # a digit string at least this long may be part of a longer run (a tracking number)


def _digit_runs(text: str) -> list[str]:
    """The digit strings of ``text``: digits joined across the separators numbers are written with."""
    out: list[str] = []
    for m in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", text)):
        out.extend(r for r in (_digits(p) for p in re.split(r"[ \u00a0\u202f]{2,}|,\s|\.\s", m.group())) if r)
        whole = _digits(m.group())
        if whole not in out:
            out.append(whole)
    return out


def mentions(text: str, alternative: str) -> bool:
    """Whether ``text`` mentions ``alternative`` (the rule of ``situation.recall``).

    An alternative written only with digits and number punctuation ("2 490", "12.03") is compared by its
    digits with the digit strings of the text (equal, or contained when it has at least
    ``MIN_CONTAINED_DIGITS`` digits); any other is looked for in the text after folding both (case, Unicode
    NFKC, spaces and punctuation removed: "SAK-30112" is found in "sak 30112").
    """
    if not alternative.strip():
        return False
    if _DIGIT_LIKE.match(alternative):
        wanted = _digits(alternative)
        if not wanted:
            return False
        runs = _digit_runs(text)
        return any(r == wanted or (len(wanted) >= MIN_CONTAINED_DIGITS and wanted in r) for r in runs)
    folded = fold(alternative)
    return bool(folded) and folded in fold(text)


def situation_scores(
    text: str, must_mention: Sequence[Sequence[str]], must_not_mention: Sequence[str]
) -> dict[str, object]:
    """One case's situation scores: which must-mention groups the text covers, which forbidden strings it has.

    Args:
        text: the first suggestion's text.
        must_mention: groups of alternatives; a group is covered when the text mentions one of them.
        must_not_mention: strings the text must not mention (same rule, :func:`mentions`).

    Returns:
        ``recall`` (share of groups covered; 1.0 for no groups), ``found`` and ``missed`` (the groups' first
        alternatives), ``violations`` (the forbidden strings present) and ``violation`` (any present).
    """
    found = [g for g in must_mention if any(mentions(text, alt) for alt in g)]
    missed = [g for g in must_mention if g not in found]
    violations = [s for s in must_not_mention if mentions(text, s)]
    return {
        "recall": len(found) / len(must_mention) if must_mention else 1.0,
        "n_groups": len(must_mention),
        "n_found": len(found),
        "found": [g[0] for g in found if g],
        "missed": [g[0] for g in missed if g],
        "violations": violations,
        "violation": bool(violations),
    }


def reference_recall(text: str, reference: str) -> float:
    """The share of the gold answer's words (folded, see :func:`words`) present among the text's words.

    For suites with short gold answers (NorQuAD): 1.0 when every word of the answer is in the suggestion.
    Digit groups ("1 490") are read as one number on both sides. 0.0 for an empty reference.
    """

    def tokens(value: str) -> list[str]:
        value = re.sub(r"(?<=\d)[ \u00a0\u202f.](?=\d{3}\b)", "", unicodedata.normalize("NFKC", value))
        return words(value)

    gold = tokens(reference)
    if not gold:
        return 0.0
    have = set(tokens(text))
    return sum(1 for w in gold if w in have) / len(gold)


# --- scores with a reason: channel fit, citations, answering, cost ---------------------------------------


@dataclass(frozen=True)
class Score:
    """One measure of one case: its value in [0, 1] (or a quantity) and why, in words a reader can check."""

    value: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"value": round(self.value, 4), "reason": self.reason}


def channel_fit(text: str, channel: str, cited: Sequence[Passage] = ()) -> Score:
    """Does the reply fit its channel? The share of three checks it passes.

    1. **length**: at most the channel's ``max_chars`` (:mod:`assistant.channels`; SMS 306, X 280, chat
       1000, e-mail unlimited);
    2. **greeting**: opens with a greeting where the channel's style has one (e-mail, chat, SMS, social DMs),
       and is not judged where it has none (phone, widget);
    3. **no deflection**: does not send the customer to another channel (phone, e-mail) unless a cited
       passage says that is the way (:func:`assistant.guards.channel.find_redirects`).

    Args:
        text: the reply.
        channel: the conversation's channel (an unknown one is held to the chat style).
        cited: the passages the reply cites.

    Returns:
        The share of checks passed, and the failed ones named in the reason ("ok" when none failed).
    """
    from assistant.channels import get_style, has_greeting
    from assistant.guards.channel import find_redirects

    style = get_style(channel)
    checks: list[tuple[str, bool]] = [
        (
            f"{len(text)} characters > {style.max_chars} for {channel}",
            style.max_chars is None or len(text) <= style.max_chars,
        )
    ]
    if style.greeting:
        checks.append((f"no greeting on {channel}", has_greeting(text)))
    redirects = find_redirects(text, cited, channel)
    checks.append((f"sends the customer to {', '.join(sorted({r.kind for r in redirects}))}", not redirects))
    failed = [reason for reason, ok in checks if not ok]
    return Score(1 - len(failed) / len(checks), "; ".join(failed) or "ok")


def citation_validity(citations: Sequence[str], given: Sequence[str]) -> Score | None:
    """The share of the reply's citations that name a passage it was given (None when it cites nothing).

    A citation of a document the retrieval did not return is invented: the agent cannot open it.
    """
    if not citations:
        return None
    allowed = set(given)
    invalid = [c for c in citations if c not in allowed]
    valid = len(citations) - len(invalid)
    reason = f"{valid}/{len(citations)} cited ids were among the passages given"
    if invalid:
        reason += f"; invented: {', '.join(invalid[:5])}"
    return Score(valid / len(citations), reason)


def cited_expected(citations: Sequence[str], expected: Sequence[str]) -> Score:
    """1.0 when the reply cites one of the documents that answer the question (the measure of answering)."""
    hit = sorted(set(citations) & set(expected))
    if hit:
        return Score(1.0, f"cites {', '.join(hit)}")
    if not citations:
        return Score(0.0, "cites nothing")
    return Score(0.0, f"cites {', '.join(citations[:5])}, expected {', '.join(expected[:5])}")


def abstain_correct(abstained: bool, expected: bool) -> Score:
    """1.0 when the reply abstained exactly when the case says it should."""
    if abstained == expected:
        return Score(1.0, "abstained as expected" if expected else "answered as expected")
    return Score(0.0, "abstained but should answer" if abstained else "answered but should abstain")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0.0 when one is all zeros)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def reference_similarity(
    text: str,
    reference: str,
    language: str | None = None,
    vectors: tuple[Sequence[float], Sequence[float]] | None = None,
) -> dict[str, Score]:
    """Similarity to the gold reply: token F1 of stemmed content words, and the embedder's cosine.

    Args:
        text: the reply.
        reference: the gold reply.
        language: the reply's language (for the stemmer).
        vectors: the embeddings of ``text`` and ``reference`` (same embedder), or None for token F1 only.

    Returns:
        ``{"token_f1": Score, "cosine": Score}`` (``cosine`` only when vectors are given).
    """
    f1 = token_f1(text, reference, language)
    out = {"token_f1": Score(f1, f"token F1 {f1:.2f} of stemmed content words against the gold reply")}
    if vectors is not None:
        c = max(0.0, cosine(*vectors))
        out["cosine"] = Score(c, f"embedding cosine {c:.2f} to the gold reply")
    return out


def latency_summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p90, p95, p99 and max of latencies in ms (empty for no values)."""
    if not values:
        return {}
    out = {f"p{p}": round(percentile(values, p), 2) for p in (50, 90, 95, 99)}
    out["max"] = round(max(values), 2)
    return out


@dataclass(frozen=True)
class Prices:
    """What a model costs, in a currency per one million tokens (0 for a local or offline model)."""

    input_per_million: float = 0.0
    output_per_million: float = 0.0
    currency: str = "USD"


def usage_cost(input_tokens: int, output_tokens: int, prices: Prices) -> float:
    """The cost of one call's tokens at ``prices``."""
    return (input_tokens * prices.input_per_million + output_tokens * prices.output_per_million) / 1e6
