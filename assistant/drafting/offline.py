"""The offline drafter: grounded, extractive replies with no model, per language and channel.

Flow of :meth:`OfflineDrafter.draft`::

    DraftRequest ─► retrieval confidence of the top passage ─► below the threshold: a holding reply
                 ─► sentences of the best passage(s), scored against the customer's message
                 ─► greeting + (known order number) + the chosen sentences + (link) + sign-off,
                    shaped and trimmed for the channel ─► full / short / ask_missing suggestions

**Confidence.** :func:`retrieval_confidence` measures how likely the top passage answers the message.
With at least :data:`FUSION_MIN_PASSAGES` retrieved documents (the usual case), it is
:func:`fusion_confidence`: ``1 - exp(-(lead + 0.5 * score) / FUSION_SCALE)`` over the fused z-score
retrieval scores (:mod:`knowledge.search`), where *lead* is the top document's margin over the second;
measured on 948 cases of four suites this separates a right top passage from a wrong one best (ROC AUC
0.90). With fewer documents z-scores mean little, and a mix of four signals of the top passage, each in
[0, 1], is used instead (weights in :data:`WEIGHTS`): *overlap*, the idf-weighted share of the message's
content words (stemmed, or most of their character 4-grams) found in the passage's title and text, with idf
over the (up to five) retrieved passages, weight 0.40; *dense*, the cosine ``dense_score`` mapped linearly
from ``dense_range`` (0.78 → 0, 0.90 → 1: the spread of multilingual-e5-small cosines between an unrelated
and a matching help-center page), weight 0.25; *fused*, the fused ``score`` over ``fused_full``, weight
0.10; *margin*, how clearly the top passage beats the others (the mean of its lead in idf-weighted overlap
over the best other passage and its relative lead in fused score over the second, full at a 25% lead),
weight 0.25. A signal that is missing (no dense score; no positive fused score) is left out and the other
weights renormalised. The drafter abstains below ``threshold`` (default :data:`DEFAULT_THRESHOLD`);
:func:`calibrate_threshold` picks it from labelled confidences (a case is "correct" when the top passage
is the expected document).

**Sentences.** Passages are split into sentences, list items and table rows
(:func:`assistant.guards.grounding.split_units`). Each is scored by the idf-weighted share of the message's
content words it contains (idf over the candidate sentences, so that a word every sentence shares counts
little), with half credit for words only in its heading (or, above the first heading and in a chunk without
one, the passage title), a small bonus for coming early, and a discount
for passages after the first. Sentences that ask for something we already know (an order number when one is
known) are skipped: the reply must never ask for a known fact. The full reply takes the best sentences up
to the channel's target, in passage order (a numbered step brings its whole procedure along); the
short one the best one or two.

**Language.** Greeting, framing and sign-off are always in the customer's language (``request.language``).
Among passages that score nearly as well as the top one, one in the customer's language is preferred, and
so is a lower one of the retrieval window whose best sentence answers the message's words nearly as well
as the top passage's (:data:`SAME_LANGUAGE_SHARE`). If none is, a passage in a neighbouring written
standard (bokmål for nynorsk, :data:`NEIGHBOURS`) comes first, and the answer sentences stay in the
passage's language: translating needs a model, and a faithful quote in a neighbouring language beats an
invented paraphrase. The language guard will flag such a reply, so the agent sees it.

**Deterministic.** No randomness and no model: the same request gives the same suggestions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.channels import (
    ChannelStyle,
    ChannelStyles,
    greeting,
    holding_text,
    read_more,
    response_time_promise,
    sign_off,
    thanks,
)
from assistant.drafting.situated import Composition, compose, load_macros
from assistant.guards.channel import fit_channel
from assistant.guards.grounding import Terms, TextUnit, content_words, split_units, terms, word_covered
from assistant.intent import topic_pattern
from assistant.settings import Settings
from assistant.types import Citation, DraftRequest, KnownFact, Passage, Suggestion
from knowledge.facts import fold
from knowledge.text.analysis import ConversationAnalysis, analyse_turns

__all__ = [
    "DEFAULT_THRESHOLD",
    "OfflineDrafter",
    "RetrievalConfidence",
    "calibrate_threshold",
    "retrieval_confidence",
]

#: The default abstain threshold on :func:`retrieval_confidence`, calibrated with :func:`calibrate_threshold`
#: on real hybrid retrieval over 948 cases of four suites (``svar eval calibrate``): at 0.47 the top passage
#: is right 90% of the time and 94% of the cases are answered.
DEFAULT_THRESHOLD = 0.47
#: Below the threshold, a reply still answers when retrieval's confidence is at least SUPPORT_FLOOR and one
#: of its sentences, in the customer's language, holds SUPPORT_SHARE of the message's words (idf-weighted):
#: :meth:`OfflineDrafter._answerable`.
SUPPORT_FLOOR = 0.25
SUPPORT_SHARE = 0.35
#: The confidence of a reply the customer's own history answers (it quotes no knowledge passage).
SITUATION_CONFIDENCE = 0.9
FUSION_MIN_PASSAGES = 3  # fewer retrieved documents make z-scores meaningless: use the word-overlap mix
FUSION_SCALE = 6.0
DENSE_RANGE = (0.78, 0.90)
FUSED_FULL = 2 / 61
MARGIN_FULL = 0.25
_MAX_STEPS = 8
WEIGHTS = {"overlap": 0.4, "dense": 0.25, "fused": 0.1, "margin": 0.25}
_MARGIN_WINDOW = 5

_I = re.IGNORECASE
_LANGS = ("nb", "nn", "sv", "da", "en")
#: A passage in the customer's language answers in place of a higher one in another language when its best
#: sentence scores at least this share of the higher passage's best (:meth:`OfflineDrafter._sources`).
SAME_LANGUAGE_SHARE = 0.8
#: ... or, for a passage whose title names the request type's topic, this share.
TOPICAL_SHARE = 0.5
#: The written standard a reply quotes from when the knowledge has no passage in the customer's own:
#: bokmål and nynorsk read each other's help articles; other languages have no such neighbour.
NEIGHBOURS = {"nn": "nb", "nb": "nn"}

#: Added to a sentence's score when it holds the kind of answer the question word asks for (a year or date
#: for "når/när/when", a number for "hvor mange/how many", a full name for "hvem/vem/who").
ANSWER_TYPE_BONUS = 0.2
_YEAR = r"\b(?:1[0-9]{3}|20[0-9]{2})\b"
_MONTH = (
    r"\b(?:januar\w*|februar\w*|mars|marts|march|april|mai|maj|may|juni|june|juli|july|august\w*|september"
    r"|oktober|october|november|desember|december)\b"
)
_ANSWER_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"(?:^|[.!?,:;]\s)\W*(?:når|när|hvornår|kva tid|when|(?:i\s+)?(?:hvilket|vilket|what)\s+år\w*"
            r"|what year)\b",
            _I,
        ),
        re.compile(
            rf"{_YEAR}|{_MONTH}|\b(?:i dag|i går|i morgon|i morgen|idag|igår|today|yesterday|tomorrow"
            r"|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|måndag|tisdag|lördag|söndag|monday|tuesday"
            r"|wednesday|thursday|friday|saturday|sunday|uke|veke|vecka|uge|week|tidligere|siden|sedan|ago)\b",
            _I,
        ),
    ),
    (
        re.compile(
            r"(?:^|[.!?,:;]\s)\W*(?:hvor|hur|kor|how)\s+(?:mange|många|many|mye|mycket|mykje|much|stor|big"
            r"|lang|lång|long"
            r"|gammel|gammal|old)\b",
            _I,
        ),
        re.compile(
            r"\d|\b(?:to|två|tre|fire|fyra|fem|seks|sex|sju|syv|åtte|åtta|otte|ni|nio|ti|tio|elleve|tolv|tretten"
            r"|fjorten|femten|seksten|sytten|atten|nitten|tjue|tjugo|hundre|hundra|tusen|million\w*|milliard\w*"
            r"|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|thousand)\b",
            _I,
        ),
    ),
    (
        re.compile(r"(?:^|[.!?,:;]\s)\W*(?:hvem|vem|kven|who|whom)\b", _I),
        re.compile(r"(?<=\w\s)[A-ZÆØÅÄÖÉ][a-zæøåäöé]+(?:\s+[A-ZÆØÅÄÖÉ][a-zæøåäöé]+)+"),
    ),
)
#: "How long ..." asks for a duration: a sentence with a number of days, weeks or hours gets this on top of
#: the number bonus (a delivery-time question is answered by "5-10 working days", not by the shipping price).
DURATION_BONUS = 0.1
_HOW_LONG = re.compile(r"(?:^|[.!?,:;]\s)\W*(?:hvor|hur|kor|how)\s+(?:lang|lång|long)\b", _I)
_DURATION = re.compile(
    r"\d\s*(?:[–-]\s*\d+\s*)?(?:\w+\s+)?(?:(?:virke|vyrke|ar|hver|bank|arbeids|arbets|working\s+)?(?:dag|dage|dagar|dager|"
    r"dagen|dagene|days?)|uk\w*|veke\w*|veck\w*|uge\w*|weeks?|tim(?:e|er|ar|mar|me)|hours?|minutt\w*|minut\w*"
    r"|minutes?|måned\w*|månad\w*|months?)\b",
    _I,
)
#: A sentence that opens with a pronoun or a connective leans on the one before it ("Han ble ...",
#: "Det skjedde ...", "But ..."): it is quoted with that one.
_DEPENDENT = re.compile(
    r"^\W*(?:han|hun|hen|ho|hon|den|det|dette|denne|de|dei|disse|desse|dessa|dom|hans|hennes|dens|deres"
    r"|der|där|da|då|så|men|også|he|she|it|they|this|these|there|then|but|also|his|her|its|their)\b",
    _I,
)

# Cues that a text is about a specific order, and that a passage wants a slot from the customer.
_ORDER_TOPIC = re.compile(
    r"\b(?:order\w*|ordre\w*|bestill\w*|tinging\w*|beställ\w*|pakke\w*|pakka\w*|paket\w*|package\w*|parcel"
    r"|levering\w*|leverans\w*|levert|levererad|delivery|delivered|retur\w*|return\w*|refund\w*|tilbakebetal\w*"
    r"|pengene|pengane|pengarna|reklam\w*|kansell\w*|avbest\w*|annull\w*|cancel\w*|avbryt\w*"
    r"|faktura\w*|invoice\w*|angre\w*|fortryd\w*|ånger\w*|sporing\w*|spårning\w*|tracking)\b",
    _I,
)
_FIRST_PERSON = re.compile(r"\b(?:jeg|eg|jag|i|my|min|mitt|mi|mine|mina|mit|vi|we|our|vår|vårt|vores)\b", _I)
_SLOT_CUES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "order_number": (
        re.compile(
            r"ordre-?numm?er\w*|ordrenr\w*|order\s*(?:number|no\b|nr\b)|ordernum\w*|ordernr\w*"
            r"|beställningsnum\w*|bestillingsnum\w*|tingingsnum\w*|ordrebekræftelse",
            _I,
        ),
        _ORDER_TOPIC,
    ),
    "serial_number": (
        re.compile(r"serie-?num\w*|serial\s*(?:number|no\b)|imei", _I),
        re.compile(
            r"\b(?:reklam\w*|garanti\w*|warrant\w*|defekt\w*|fault\w*|broken|ødelagt\w*|øydelagd\w*|trasig\w*"
            r"|stykker|virker|fungerer|verkar|fungerar|funker|work(?:s|ing)?|repair\w*|reparas\w*|reparat\w*)\b",
            _I,
        ),
    ),
}

_ORDER_SEEN = {
    "nb": "Jeg ser at dette gjelder ordre {v}.",
    "nn": "Eg ser at dette gjeld ordre {v}.",
    "sv": "Jag ser att det gäller order {v}.",
    "da": "Jeg kan se, at det drejer sig om ordre {v}.",
    "en": "I can see that this concerns order {v}.",
}
_ASKS: dict[str, dict[str, str]] = {
    "order_number": {
        "nb": "Kan du sende oss ordrenummeret ditt, så vi kan se nærmere på saken?",
        "nn": "Kan du senda oss ordrenummeret ditt, så vi kan sjå nærare på saka?",
        "sv": "Kan du skicka oss ditt ordernummer, så att vi kan titta närmare på ärendet?",
        "da": "Vil du sende os dit ordrenummer, så vi kan se nærmere på sagen?",
        "en": "Could you send us your order number so that we can look into it?",
    },
    "serial_number": {
        "nb": "Kan du sende oss serienummeret på produktet, så vi kan se nærmere på saken?",
        "nn": "Kan du senda oss serienummeret på produktet, så vi kan sjå nærare på saka?",
        "sv": "Kan du skicka oss produktens serienummer, så att vi kan titta närmare på ärendet?",
        "da": "Vil du sende os produktets serienummer, så vi kan se nærmere på sagen?",
        "en": "Could you send us the product's serial number so that we can look into it?",
    },
}


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The drafter's macro overrides with the workspace's (request's) over them, key by key."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        out[key] = _merged(old, value) if isinstance(value, dict) and isinstance(old, dict) else value
    return out


def _lang(language: str | None) -> str:
    return language if language in _LANGS else "en"


def _clip(x: float) -> float:
    return 0.0 if not math.isfinite(x) else min(max(x, 0.0), 1.0)


def _ranked(passages: Sequence[Passage]) -> list[Passage]:
    """Passages best first: by ``rank`` when ranks are set, else in the given order."""
    order = {id(p): i for i, p in enumerate(passages)}
    return sorted(passages, key=lambda p: (p.rank if p.rank > 0 else math.inf, order[id(p)]))


# --------------------------------------------------------------------------------------------------------
# Confidence


@dataclass(frozen=True)
class RetrievalConfidence:
    """How sure we are that the top passage answers the message, and the signals behind it.

    Attributes:
        value: the combined confidence in [0, 1] (see the module docstring).
        overlap: idf-weighted share of the message's content words found in the top passage.
        dense: the top passage's cosine mapped to [0, 1], or ``None`` when dense retrieval did not run.
        fused: the top passage's fused score over a first place in two rankings, or ``None`` without scores.
        margin: how clearly the top passage beats the others, or ``None`` with one unscored passage.
        doc_id: the top passage's document id, or ``None`` when nothing was retrieved.
    """

    value: float
    overlap: float
    dense: float | None
    fused: float | None
    margin: float | None
    doc_id: str | None


def _query_words(message: str, language: str | None) -> list[tuple[str, frozenset[str]]]:
    return content_words(message, language)


def retrieval_confidence(
    message: str,
    passages: Sequence[Passage],
    language: str | None,
    *,
    dense_range: tuple[float, float] = DENSE_RANGE,
    fused_full: float = FUSED_FULL,
    margin_full: float = MARGIN_FULL,
) -> RetrievalConfidence:
    """The confidence that the top passage answers ``message`` (see the module docstring).

    Args:
        message: the customer's message (add the previous customer turn when the message is elliptic).
        passages: the retrieved passages, best first (or with ``rank`` set).
        language: the message's language (for stemming).
        dense_range: cosines mapped to 0 and to 1.
        fused_full: the fused score that counts as fully confident.
        margin_full: the relative lead over the second passage that counts as fully separated.

    Returns:
        The confidence and its signals; 0 when nothing was retrieved.
    """
    ranked = _ranked(passages)
    if not ranked:
        return RetrievalConfidence(0.0, 0.0, None, None, None, None)
    top = ranked[0]
    shares = _idf_shares(_query_words(message, language), ranked[:_MARGIN_WINDOW], language)
    overlap = shares[0]
    signals: dict[str, float] = {"overlap": overlap}
    dense: float | None = None
    if top.dense_score is not None:
        lo, hi = dense_range
        dense = _clip((top.dense_score - lo) / (hi - lo)) if hi > lo else 0.0
        signals["dense"] = dense
    fused: float | None = None
    margins: list[float] = []
    if len(shares) > 1:
        margins.append(_clip(overlap - max(shares[1:])))
    if top.score > 0:
        fused = _clip(top.score / fused_full) if fused_full > 0 else 0.0
        signals["fused"] = fused
        second = ranked[1].score if len(ranked) > 1 else 0.0
        margins.append(_clip((top.score - second) / (top.score * margin_full)) if margin_full > 0 else 0.0)
    margin = sum(margins) / len(margins) if margins else None
    if margin is not None:
        signals["margin"] = margin
    total = sum(WEIGHTS[k] for k in signals)
    value = sum(WEIGHTS[k] * v for k, v in signals.items()) / total
    if len(ranked) >= FUSION_MIN_PASSAGES:
        value = fusion_confidence(top.score, _rival(ranked).score)
    return RetrievalConfidence(round(_clip(value), 4), round(overlap, 4), dense, fused, margin, top.doc_id)


def _rival(ranked: Sequence[Passage]) -> Passage:
    """The passage the top one's lead is measured against: the next one in the top one's language when
    there is one (a help center's same article in another language is a translation, not a rival answer),
    else the second."""
    top = ranked[0]
    if top.language is not None:
        same = next((p for p in ranked[1:] if p.language == top.language), None)
        if same is not None:
            return same
    return ranked[1]


def fusion_confidence(top_score: float, second_score: float) -> float:
    """Confidence from the fused (z-scored) retrieval scores: the top document's lead and its own score.

    Measured on 948 cases of four suites (``svar eval calibrate``), the lead over the second document
    separates a right top passage from a wrong one best (ROC AUC 0.89), the fused score next (0.87);
    ``lead + 0.5 * score`` gives 0.90, where the word-overlap mix of small result lists gave 0.73.
    """
    strength = (top_score - second_score) + 0.5 * top_score
    return 1.0 - math.exp(-max(0.0, strength) / FUSION_SCALE)


def _idf_shares(
    words: list[tuple[str, frozenset[str]]], passages: Sequence[Passage], language: str | None
) -> list[float]:
    """For each passage, the idf-weighted share of the message's content words it contains.

    The idf is taken over the retrieved passages themselves: a word every passage has tells them apart
    less than one only the top passage has, and a word no passage has (what the question is really
    about, when the knowledge lacks it) weighs the most.
    """
    if not words:
        return [0.0 for _ in passages]
    sources = [terms(f"{p.title}\n{p.text}", p.language or language) for p in passages]
    covered = [[word_covered(stem, grams, source) for source in sources] for stem, grams in words]
    n = len(sources)
    idf = [math.log(1 + n / (1 + sum(row))) for row in covered]
    total = sum(idf)
    return [sum(w for w, row in zip(idf, covered, strict=True) if row[j]) / total for j in range(n)]


def calibrate_threshold(
    scores_correct: Sequence[float], scores_wrong: Sequence[float], target_precision: float = 0.9
) -> float:
    """The lowest threshold at which answering (confidence >= threshold) is right often enough.

    Among the observed confidences, this picks the lowest ``t`` such that, of the cases scoring at least
    ``t``, the share of correct ones is at least ``target_precision``: the most answers for that precision.

    Args:
        scores_correct: confidences of cases whose top passage was the expected document.
        scores_wrong: confidences of cases whose top passage was not.
        target_precision: the share of answered cases that must be correct, in (0, 1].

    Returns:
        The threshold. With no wrong cases, the lowest correct score (answer everything seen); when no
        threshold reaches the target, a value just above every score (abstain on everything seen).

    Raises:
        ValueError: both lists are empty, or ``target_precision`` is not in (0, 1].
    """
    if not 0 < target_precision <= 1:
        raise ValueError(f"target_precision must be in (0, 1], got {target_precision}")
    correct = sorted(float(s) for s in scores_correct if math.isfinite(s))
    wrong = sorted(float(s) for s in scores_wrong if math.isfinite(s))
    if not correct and not wrong:
        raise ValueError("calibrate_threshold needs at least one labelled score")
    for t in sorted(set(correct) | set(wrong)):
        right = len(correct) - _count_below(correct, t)
        answered = right + len(wrong) - _count_below(wrong, t)
        if right > 0 and right / answered >= target_precision:
            return t
    return math.nextafter(max(correct + wrong), math.inf)


def _count_below(sorted_scores: list[float], t: float) -> int:
    lo, hi = 0, len(sorted_scores)
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_scores[mid] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --------------------------------------------------------------------------------------------------------
# Sentence selection


@dataclass(frozen=True)
class _Candidate:
    unit: TextUnit
    passage: Passage
    order: int  # the passage's place among the passages used
    score: float
    bonus: float = 0.0  # the part of the score from the question word's kind of answer


def analysis_of(request: DraftRequest) -> ConversationAnalysis:
    """The request's one analysis of the conversation (made by the service), else the recent conversation
    (the last 20 turns and the message) analysed here, once per plan."""
    if request.analysis is not None:
        return request.analysis
    return analyse_turns([*request.history[-20:], request.message], language=request.language)


def _known_values(
    request: DraftRequest, kind: str, analysis: ConversationAnalysis | None = None
) -> list[str]:
    """Values of ``kind`` we know: from the facts, and from what the customer wrote in this conversation.

    ``analysis`` is the conversation analysed once per request; made from ``request`` when not given.
    """
    an = analysis if analysis is not None else analysis_of(request)
    values = [f.value for f in request.facts if f.kind == kind]
    return values + an.known_values(kind, roles=("customer", "note"))


_CONTACT_CLAUSE = re.compile(
    r",\s*(?:kontakt|kontakta|contact|ta\s+kontakt\s+med)\s+(?:oss|os|us)\s+(?:med|with)\s+"
    r"(?P<obj>[^\W\d_][\w\s-]{0,60}?)\s*,?\s+(?:så|and|so|och|og)\s+",
    _I,
)
_NUMBER_WORD = re.compile(r"num+(?:er|ret|mer)\w*|number|nr\b", _I)


def _without_known_asks(text: str, known_slots: set[str]) -> str | None:
    """``text`` without a request for a slot we already know, or ``None`` when it cannot be removed.

    A sentence like "Har pakken ikke kommet ..., kontakt oss med ordrenummeret, så undersøker vi saken"
    loses its middle clause ("Har pakken ikke kommet ..., undersøker vi saken"); a sentence that is
    only the request ("Contact us with your order number.") cannot be kept.
    """
    cues = [_SLOT_CUES[slot][0] for slot in known_slots if slot in _SLOT_CUES]
    if not any(cue.search(text) for cue in cues):
        return text
    for m in _CONTACT_CLAUSE.finditer(text):
        obj = m.group("obj")
        rest = obj
        for cue in cues:
            rest = cue.sub(" ", rest)
        if rest != obj and not _NUMBER_WORD.search(rest):
            rewritten = text[: m.start()] + ", " + text[m.end() :]
            if not any(cue.search(rewritten) for cue in cues) and len(rewritten.split()) >= 5:
                return rewritten
    return None


def _candidates(
    message_words: list[tuple[str, frozenset[str]]],
    passages: Sequence[Passage],
    language: str | None,
    known_slots: set[str],
    *,
    question: str = "",
) -> list[_Candidate]:
    units: list[tuple[TextUnit, Passage, int, Terms, Terms]] = []
    for order, passage in enumerate(passages):
        lang = passage.language or language
        for unit in split_units(passage.text):
            text = None if unit.kind == "heading" else _without_known_asks(unit.text, known_slots)
            if text is None:
                continue
            unit = replace(unit, text=text)
            context = terms(unit.heading or passage.title, lang)
            units.append((unit, passage, order, terms(text, lang), context))
    if not units:
        return []
    n = len(units)
    idf = [math.log(1 + n / (1 + sum(word_covered(s, g, u[3]) for u in units))) for s, g in message_words]
    total = sum(idf) or 1.0
    wanted = next((answer for asks, answer in _ANSWER_TYPES if asks.search(question)), None)
    how_long = bool(_HOW_LONG.search(question))
    result: list[_Candidate] = []
    for unit, passage, order, body, heading in units:
        score = 0.0
        for (stem, grams), weight in zip(message_words, idf, strict=True):
            if word_covered(stem, grams, body):
                score += weight
            elif word_covered(stem, grams, heading):
                score += 0.5 * weight
        score = score / total + 0.03 / (1 + unit.index)
        bonus = ANSWER_TYPE_BONUS if wanted is not None and wanted.search(unit.text) else 0.0
        if how_long and _DURATION.search(unit.text):
            bonus += DURATION_BONUS
        if len(unit.text.split()) < 3:
            score *= 0.5
        score *= 1.0 if order == 0 else 0.85
        result.append(_Candidate(unit, passage, order, round(score + bonus, 6), bonus))
    return result


def _pick(candidates: list[_Candidate], most: int, fewest: int, *, steps: bool = True) -> list[_Candidate]:
    """The best candidates (at least half as good as the best), up to ``most``, in passage order."""
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: (-c.score, c.order, c.unit.index))
    best = ranked[0].score
    if best < 0.1:  # nothing matches the words: the passage's opening (dense retrieval vouched for it)
        opening = [c for c in candidates if c.order == 0][: max(fewest, 1)]
        return opening
    # the bar is half the best match of the words: the answer-type bonus ranks, it does not raise the bar
    bar = max(0.1, 0.5 * max(c.score - c.bonus for c in ranked))
    chosen = [c for c in ranked if c.score >= bar][:most]
    # A step of a procedure comes with the whole procedure: half a list of steps misleads.
    for c in list(chosen) if steps else []:
        if c.unit.kind == "step":
            chosen += [
                s
                for s in candidates
                if s.unit.kind == "step"
                and s.passage is c.passage
                and s.unit.block == c.unit.block
                and s not in chosen
            ][:_MAX_STEPS]
    if steps:
        chosen = _with_neighbours(candidates, chosen, fewest)
    return sorted(chosen, key=lambda c: (c.order, c.unit.index))


def _with_neighbours(candidates: list[_Candidate], chosen: list[_Candidate], fewest: int) -> list[_Candidate]:
    """The chosen sentences with the one before each that leans on it (:data:`_DEPENDENT`), and, while fewer
    than ``fewest``, the sentence after the best one (an answer often continues there)."""
    at = {(id(c.passage), c.unit.index): c for c in candidates}
    out = list(chosen)
    for c in chosen:
        prev = at.get((id(c.passage), c.unit.index - 1))
        if (
            _DEPENDENT.match(c.unit.text)
            and prev is not None
            and prev not in out
            and prev.unit.kind == "sentence"
        ):
            out.append(prev)
    if out and len(out) < fewest:
        best = max(chosen, key=lambda c: c.score)
        nxt = at.get((id(best.passage), best.unit.index + 1))
        if nxt is not None and nxt not in out and nxt.unit.kind == "sentence":
            out.append(nxt)
    return out


def _render(chosen: Sequence[_Candidate], paragraphs: bool) -> str:
    """The chosen units as text: lists (two or more items of one list) as list lines where paragraphs are
    allowed; everything else as sentences."""
    out: list[str] = []
    sentences: list[str] = []
    prev: _Candidate | None = None
    step = 0
    blocks = [(id(c.passage), c.unit.block) for c in chosen]
    for c in chosen:
        text = c.unit.text
        listed = c.unit.kind in ("item", "step", "row") and blocks.count((id(c.passage), c.unit.block)) > 1
        if listed and paragraphs:
            if sentences:
                out.append(" ".join(sentences))
                sentences = []
            same_list = prev is not None and prev.unit.kind == c.unit.kind and prev.unit.block == c.unit.block
            step = step + 1 if same_list else 1
            line = f"{step}. {text}" if c.unit.kind == "step" else f"- {text}"
            if out and same_list:
                out[-1] += "\n" + line
            else:
                out.append(line)
        else:
            if text[-1] not in ".!?…:":
                text += "."
            sentences.append(text)
        prev = c
    if sentences:
        out.append(" ".join(sentences))
    return "\n\n".join(out) if paragraphs else " ".join(out)


# --------------------------------------------------------------------------------------------------------
# The drafter


@dataclass(frozen=True)
class _Plan:
    """What the drafter decided for a request before writing text."""

    confidence: RetrievalConfidence
    passages: tuple[Passage, ...]  # the passages sentences may come from, primary first
    full: tuple[_Candidate, ...]
    short: tuple[_Candidate, ...]
    order_fact: KnownFact | None
    missing: tuple[str, ...]


class OfflineDrafter:
    """Grounded, extractive suggestions without a model (see the module docstring).

    Args:
        threshold: abstain (holding reply) when :func:`retrieval_confidence` is below it.
        styles: channel styles, team name, public domains and response times; ``None`` uses the defaults.
        dense_range: cosines mapped to 0 and 1 in the confidence (depends on the embedder).
        fused_full: the fused score that counts as fully confident (depends on the fusion's RRF k).
        max_passages: the most passages one reply draws sentences from.
        macros: a workspace's overrides of the shipped reply macros (``{"<lang>": {...}, "policy": {...}}``).
        prefer_topic: among near-tied passages in the customer's language, quote one whose title is about
            the request type (``prompts/intents/topics.yaml``); retrieval's order and confidence are kept.

    Attributes:
        name: ``"offline"``.
        prompt_version: ``"offline@2"``: the version of the templates, the macros and the selection rules.
    """

    name = "offline"
    prompt_version: str | None = "offline@2"

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        styles: ChannelStyles | None = None,
        dense_range: tuple[float, float] = DENSE_RANGE,
        fused_full: float = FUSED_FULL,
        max_passages: int = 2,
        macros: dict[str, Any] | None = None,
        prefer_topic: bool = True,
    ) -> None:
        self.macros = macros or {}
        self.prefer_topic = prefer_topic
        self.threshold = threshold
        self.styles = styles or ChannelStyles()
        self.dense_range = dense_range
        self.fused_full = fused_full
        self.max_passages = max(1, max_passages)

    @classmethod
    def from_settings(cls, settings: Settings, styles: ChannelStyles | None = None) -> OfflineDrafter:
        """A drafter with the threshold from ``settings.abstain_threshold`` when it is set."""
        if settings.abstain_threshold is None:
            return cls(styles=styles)
        return cls(threshold=settings.abstain_threshold, styles=styles)

    # -- public API ---------------------------------------------------------------------------------------

    def confidence(self, request: DraftRequest) -> RetrievalConfidence:
        """The retrieval confidence for ``request`` (what the abstain decision compares to the threshold)."""
        return retrieval_confidence(
            self._query(request),
            request.passages,
            request.language,
            dense_range=self.dense_range,
            fused_full=self.fused_full,
        )

    def draft(self, request: DraftRequest) -> list[Suggestion]:
        """Draft suggestions: 1-3 in "suggest" mode (full, short, ask_missing), exactly one in "answer" mode
        (an answer, or a holding reply when the knowledge does not support one)."""
        plan = self._plan(request)
        macros = _merged(self.macros, request.macros) if request.macros else self.macros
        situated = compose(request, load_macros(request.language, macros), self.styles)
        if situated.lines:
            return [self._situated(request, plan, situated)]
        if not self._answerable(request, plan):
            return [self._holding(request, plan)]
        style = self.styles.style(request.channel)
        if request.mode == "answer":
            return [self._answer(request, plan, style, kind="answer")]
        suggestions = [self._answer(request, plan, style, kind="full")]
        suggestions += [self._ask(request, plan, style, slot) for slot in plan.missing[:1]]
        if [c.unit for c in plan.short] != [c.unit for c in plan.full]:
            short = self._answer(request, plan, style, kind="short")
            if all(short.text != s.text for s in suggestions):
                suggestions.append(short)
        return suggestions[: max(1, min(request.max_suggestions, 3))]

    def stream(self, request: DraftRequest) -> Iterator[str]:
        """Yield the first suggestion's text word by word (the pieces join to the full text)."""
        suggestions = self.draft(request)
        if suggestions:
            yield from re.findall(r"\S+\s*|\s+", suggestions[0].text)

    # -- planning -----------------------------------------------------------------------------------------

    def _query(self, request: DraftRequest) -> str:
        """The message, with the previous customer turn when the message alone has few content words."""
        text = request.message.text
        if len(content_words(text, request.language)) < 3:
            earlier = [t.text for t in request.history if t.role == "customer" and t.text != text]
            if earlier:
                text = f"{text}\n{earlier[-1]}"
        return text

    def _sources(
        self,
        request: DraftRequest,
        words: list[tuple[str, frozenset[str]]] | None = None,
        known: set[str] | None = None,
    ) -> tuple[Passage, ...]:
        """The primary passage and its companions.

        The primary passage is the top one, or a near-tie in the customer's language (one whose title names
        the request type's topic first). When the top passage is in another language, a lower passage of
        the retrieval window (:data:`_MARGIN_WINDOW`) in the customer's language is primary when its best
        sentence answers the message's words nearly as well as the top passage's best
        (:data:`SAME_LANGUAGE_SHARE`): a quote in the customer's language beats a translation's. Only when
        none does, a passage in a neighbouring written standard (:data:`NEIGHBOURS`, bokmål for a nynorsk
        message) comes before one in another language.
        """
        ranked = _ranked(request.passages)
        if not ranked:
            return ()
        top = ranked[0]
        window = ranked[: self.max_passages + 1]
        near = [p for p in window if top.score <= 0 or p.score >= 0.85 * top.score]
        same = [p for p in near if p.language == request.language]
        if not same and words and top.language not in (None, request.language):
            same = self._answering(request, ranked, words, known or set())
        if not same:
            neighbour = NEIGHBOURS.get(request.language or "")
            same = [p for p in near if neighbour is not None and p.language == neighbour]
        topic = topic_pattern(request.request_type) if self.prefer_topic else None
        topical = [p for p in same if topic is not None and topic.search(p.title or "")]
        primary = next(iter(topical or same), top)
        companions = [
            p
            for p in near
            if p is not primary
            and (p.language is None or primary.language is None or p.language == primary.language)
        ]
        return (primary, *companions[: self.max_passages - 1])

    def _answering(
        self,
        request: DraftRequest,
        ranked: Sequence[Passage],
        words: list[tuple[str, frozenset[str]]],
        known: set[str],
    ) -> list[Passage]:
        """Passages of the retrieval window in the customer's language whose best sentence answers the
        message nearly as well as the top passage's best sentence does (:data:`SAME_LANGUAGE_SHARE`), or
        whose title names the request type's topic and whose best sentence answers at least half as well
        (:data:`TOPICAL_SHARE`, the bar :func:`_pick` sets for sentences), in retrieval order."""
        query = self._query(request)

        def best(p: Passage) -> float:
            found = _candidates(words, [p], request.language, known, question=query)
            return max((c.score for c in found), default=0.0)

        bar = best(ranked[0])
        if bar < 0.1:
            return []
        own = [p for p in ranked[1:_MARGIN_WINDOW] if p.language == request.language]
        topic = topic_pattern(request.request_type) if self.prefer_topic else None
        # in retrieval order: the document's rank says more about what it is about than one shared word; a
        # passage whose title names the request type's topic answers too (chosen first by the caller)
        out = []
        for p in own:
            score = best(p)
            titled = topic is not None and topic.search(p.title or "")
            if score >= SAME_LANGUAGE_SHARE * bar or (titled and score >= TOPICAL_SHARE * bar):
                out.append(p)
        return out

    def _plan(self, request: DraftRequest) -> _Plan:
        confidence = self.confidence(request)
        query = self._query(request)
        analysis = analysis_of(request)
        known = {slot for slot in _SLOT_CUES if _known_values(request, slot, analysis)}
        words = content_words(query, request.language)
        sources = self._sources(request, words, known)
        candidates = _candidates(words, sources, request.language, known, question=query)
        style = self.styles.style(request.channel)
        fewest, most = style.target_sentences
        full = _pick(candidates, most, fewest)
        short = _pick(candidates, 1, 1, steps=False)
        if short and len(short[0].unit.text.split()) < 8 and len(full) > 1:
            short = _pick(candidates, 2, 1, steps=False)
        used_passages = tuple(p for p in sources if any(c.passage is p for c in full))
        chosen_text = " ".join(c.unit.text for c in full)
        return _Plan(
            confidence=confidence,
            passages=used_passages,
            full=tuple(full),
            short=tuple(short),
            order_fact=self._order_fact(request, used_passages or sources),
            missing=self._missing(request, chosen_text, known),
        )

    def _order_fact(self, request: DraftRequest, sources: Sequence[Passage]) -> KnownFact | None:
        """The one known order the message is about, if it is about one.

        An order the message names is used; otherwise, when the customer writes about their own order
        or delivery, or the passage answering asks for an order number, the one order we know (none when
        we know several: we do not guess which).
        """
        orders = [f for f in request.facts if f.kind == "order_number"]
        if not orders:
            return None
        text = request.message.text
        message = fold(text)
        named = [f for f in orders if fold(f.value) and fold(f.value) in message]
        if named:
            return named[0]
        own_order = _ORDER_TOPIC.search(text) and _FIRST_PERSON.search(text)
        cue = _SLOT_CUES["order_number"][0]
        if not own_order and not any(cue.search(p.text) for p in sources[:1]):
            return None
        if len({fold(f.normalized or f.value) for f in orders}) > 1:
            return None
        return max(orders, key=lambda f: f.at or "")

    def _missing(self, request: DraftRequest, chosen_text: str, known: set[str]) -> tuple[str, ...]:
        """Slots the answer says are needed, the message is about, and we do not know."""
        missing: list[str] = []
        for slot, (passage_cue, topic) in _SLOT_CUES.items():
            if slot in known or not passage_cue.search(chosen_text):
                continue
            if topic.search(request.message.text) and _FIRST_PERSON.search(request.message.text):
                missing.append(slot)
        return tuple(missing)

    # -- writing ------------------------------------------------------------------------------------------

    def _frame(
        self,
        request: DraftRequest,
        style: ChannelStyle,
        body: Sequence[str],
        *,
        link: str | None = None,
    ) -> str:
        """Greeting + body + link + sign-off, in the customer's language, shaped for the channel."""
        lang = _lang(request.language)
        parts = [p for p in body if p]
        if link:
            parts.append(read_more(lang, link))
        if style.sign_off:  # e-mail: greeting line, paragraphs, sign-off
            head = greeting(lang, request.customer_name, channel=request.channel)
            return "\n\n".join([head, *parts, sign_off(lang, self.styles.team_name)])
        if style.greeting:
            head = greeting(lang, request.customer_name, channel=request.channel)
            if not parts:
                parts = [head]
            elif re.match(r"(?:-|\d{1,2}\.) ", parts[0]) and style.paragraphs:
                parts = [head, *parts]  # a list starts on its own line
            else:
                parts = [f"{head} {parts[0]}", *parts[1:]]
        return ("\n\n" if style.paragraphs else " ").join(parts)

    def _answer_text(
        self,
        request: DraftRequest,
        style: ChannelStyle,
        chosen: Sequence[_Candidate],
        order: KnownFact | None,
        *,
        link: str | None,
    ) -> str:
        lang = _lang(request.language)
        intro: list[str] = []
        if style.sign_off:
            intro.append(thanks(lang))
        if order is not None:
            intro.append(_ORDER_SEEN[lang].format(v=order.value))
        answer = _render(chosen, style.paragraphs)
        if style.paragraphs:
            body = [" ".join(intro), answer]
        else:
            body = [" ".join([*intro, answer])]
        return self._frame(request, style, body, link=link)

    def _answer(self, request: DraftRequest, plan: _Plan, style: ChannelStyle, *, kind: str) -> Suggestion:
        chosen = list(plan.short if kind == "short" else plan.full)
        order = plan.order_fact if kind != "short" else None
        primary = plan.passages[0] if plan.passages else None
        link = None
        if kind != "short" and primary is not None and primary.url and style.links != "none":
            link = (
                primary.url if style.channel in ("email", "chat", "widget", "facebook", "instagram") else None
            )
        text = self._answer_text(request, style, chosen, order, link=link)
        if style.max_chars is not None:
            # Shorten by content first: the link, the least relevant sentences, then the order mention.
            while len(text) > style.max_chars and (link or len(chosen) > 1 or order is not None):
                if link:
                    link = None
                elif len(chosen) > 1:
                    weakest = min(chosen, key=lambda c: (c.score, -c.order, -c.unit.index))
                    chosen.remove(weakest)
                else:
                    order = None
                text = self._answer_text(request, style, chosen, order, link=link)
        cited = [p for p in plan.passages if any(c.passage is p for c in chosen)]
        text = fit_channel(
            text,
            request.channel,
            request.language,
            styles=self.styles,
            cited=cited,
            customer_name=request.customer_name,
        )
        used = [order] if order is not None and order.value in text else []
        return Suggestion(
            kind=kind,
            text=text,
            language=request.language,
            channel=request.channel,
            citations=[Citation(id=p.doc_id, title=p.title, url=p.url, chunk_id=p.chunk_id) for p in cited],
            used_facts=used,
            asks=[],
            confidence=plan.confidence.value,
        )

    def _situated(self, request: DraftRequest, plan: _Plan, situated: Composition) -> Suggestion:
        """A reply that states the customer's situation, and answers from the knowledge only where the
        situation does not; when neither answers, it says when a person will."""
        style = self.styles.style(request.channel)
        lang = _lang(request.language)
        body = [" ".join(situated.lines)]
        chosen: list[_Candidate] = []
        same_language = all(c.passage.language in (None, request.language) for c in plan.full)
        if situated.needs_knowledge and plan.full and same_language and self._answerable(request, plan):
            # a quote in another language would turn the whole reply into a holding one: the situation
            # sentences are in the customer's language, so a foreign passage is left to the agent
            chosen = list(plan.short if style.max_chars is not None and style.max_chars < 600 else plan.full)
            body.append(_render(chosen, style.paragraphs))
        elif situated.needs_knowledge and not situated.apology:
            body.append(response_time_promise(lang, self.styles.response_time(request.channel)))
        if style.sign_off:
            body.insert(0, thanks(lang))
        text = self._frame(request, style, body)
        cited = [p for p in plan.passages if any(c.passage is p for c in chosen)]
        text = fit_channel(
            text,
            request.channel,
            request.language,
            styles=self.styles,
            cited=cited,
            customer_name=request.customer_name,
        )
        return Suggestion(
            kind="answer" if request.mode == "answer" else "full",
            text=text,
            language=request.language,
            channel=request.channel,
            citations=[Citation(id=p.doc_id, title=p.title, url=p.url, chunk_id=p.chunk_id) for p in cited],
            used_situation=situated.used,
            confidence=plan.confidence.value if chosen else max(plan.confidence.value, SITUATION_CONFIDENCE),
        )

    def _answerable(self, request: DraftRequest, plan: _Plan) -> bool:
        """Whether the plan's sentences may answer: retrieval is confident (at least ``threshold``), or it is
        unsure between documents (at least :data:`SUPPORT_FLOOR`) while a sentence of the customer's
        language holds at least :data:`SUPPORT_SHARE` of the message's words, idf-weighted.

        In a small help center whose articles each mix several topics, and repeat them in five languages,
        the top document's lead over the next is small even when one of its sentences answers word for
        word ("Sier du opp før bindingstiden ... er ute, betaler du ..."): the sentence is the evidence then.
        """
        if not plan.full:
            return False
        if plan.confidence.value >= self.threshold:
            return True
        if plan.confidence.value < SUPPORT_FLOOR:
            return False
        return any(
            c.passage.language in (None, request.language) and c.score - c.bonus >= SUPPORT_SHARE
            for c in plan.full
        )

    def _ask(self, request: DraftRequest, plan: _Plan, style: ChannelStyle, slot: str) -> Suggestion:
        lang = _lang(request.language)
        body = [" ".join([thanks(lang), _ASKS[slot][lang]]) if style.sign_off else _ASKS[slot][lang]]
        text = fit_channel(
            self._frame(request, style, body),
            request.channel,
            request.language,
            styles=self.styles,
            customer_name=request.customer_name,
        )
        return Suggestion(
            kind="ask_missing",
            text=text,
            language=request.language,
            channel=request.channel,
            citations=[
                Citation(id=p.doc_id, title=p.title, url=p.url, chunk_id=p.chunk_id)
                for p in plan.passages[:1]
            ],
            asks=[slot],
            confidence=plan.confidence.value,
        )

    def _holding(self, request: DraftRequest, plan: _Plan) -> Suggestion:
        conf = plan.confidence
        if conf.doc_id is None:
            reason = "no knowledge passage was retrieved for this message"
        elif not plan.full:
            reason = f"the top passage {conf.doc_id!r} has no usable text"
        else:
            reason = (
                f"retrieval confidence {conf.value:.2f} is below the threshold {self.threshold:.2f} "
                f"(top passage {conf.doc_id!r}, word overlap {conf.overlap:.2f})"
            )
        text = holding_text(request.language, request.channel, name=request.customer_name, styles=self.styles)
        text = fit_channel(text, request.channel, request.language, styles=self.styles)
        return Suggestion(
            kind="holding",
            text=text,
            language=request.language,
            channel=request.channel,
            confidence=conf.value,
            abstain=True,
            abstain_reason=reason,
        )
