"""The repeat-ask guard: a reply must not ask the customer for something the conversation already gave.

1. :func:`find_asks` finds each question or request in the draft and types the slots it asks for.
2. Slots for which the ask itself proposes a value are confirmations ("Shall I book it for 4 people?",
   "On March 12th or March 3rd?"): real agents confirm or offer options, and that is not a repeat-ask.
3. Every other slot is looked up in the evidence: known facts, values the customer wrote on any channel,
   details an agent stated (not asked), and answers the customer gave right after an agent asked for
   that slot. An ask for another value ("en annen e-postadresse", "the other order", "ordernumret för
   satelliten också") never repeats; one for a new value ("den nye adressen din") only when the value was
   given as the new one.
   A proposed step (slot ``tried``) repeats when the customer already took the same step on the same thing.
4. :func:`remove_repeat_asks` drops the repeated asks (or the repeated clause of a two-part question) and,
   when nothing else is left, says what we already know instead.

Works offline with lexicons and value detectors for en, nb, nn, sv and da.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.guards.repeat_ask.asks import Ask, find_asks, proposal_verb, split_sentences
from assistant.guards.repeat_ask.evidence import (
    Evidence,
    Step,
    ask_kinds,
    ask_topic,
    collect,
    imperative_repeat,
    in_scope,
    match_step,
    topics_of,
    tried_steps,
)
from assistant.guards.repeat_ask.labels import labelled_values, repeated_label
from assistant.guards.repeat_ask.meaning import Similarity, repeats_by_meaning
from assistant.guards.repeat_ask.slots import (
    TRIED,
    action_families,
    family,
    other_in_clause,
    proposed_slots,
    qualifier,
)
from assistant.types import GuardFinding, KnownFact, Turn
from knowledge.fields import FieldSet
from knowledge.text.analysis import ConversationAnalysis, analyse_turns
from knowledge.text.kinds import answers, is_builtin
from knowledge.text.lexicons import alternation, words
from knowledge.text.qualified import category_values
from knowledge.text.values import extract_values

__all__ = ["Ask", "RepeatAskReport", "find_asks", "check_repeat_asks", "remove_repeat_asks", "findings"]

_I = re.IGNORECASE


@dataclass(frozen=True)
class RepeatAskReport:
    """The asks found in a draft and those that ask for something already given."""

    asks: tuple[Ask, ...]
    repeated: tuple[Ask, ...]

    @property
    def flagged(self) -> bool:
        """True when at least one ask repeats."""
        return bool(self.repeated)


_BACK_REFERENCE = re.compile(
    r"^(?:\w+,\s*)?(?:is|are|was|does|do|will|would|can|shall|should|er|är|blir|stemmer|stämmer|passer"
    r"|passar)\b[^?]*\b(?:that|this|it|these|those|det|den|dette|detta|denne|denna|disse|dessa)\b",
    _I,
)


def _proposed(draft: str, ask: Ask) -> set[str]:
    """Slots the ask proposes a value for, in itself or in the sentence it points back to.

    "We'll send it to ola@example.com. Is that the right email?" confirms the address just named.
    """
    proposed = proposed_slots(ask.text)
    if ask.about is not None:  # "Vi har AX3K2408A0712 registrert. Vil du bekrefte det?"
        proposed |= {family(v.slot) for v in extract_values(ask.about, speaker="agent")}
    if _BACK_REFERENCE.search(ask.text):
        before = [s for s in split_sentences(draft[: ask.start]) if s.text.strip()]
        if before:
            proposed |= proposed_slots(before[-1].text)
            proposed |= {v.slot for v in extract_values(before[-1].text, speaker="agent")}
    return proposed


def _detect(draft: str) -> str | None:
    from knowledge.language import detect_language

    return detect_language(draft, None, min_words=3)


def check_repeat_asks(
    draft: str,
    *,
    history: Sequence[Turn],
    message: Turn | None = None,
    facts: Sequence[KnownFact] = (),
    language: str | None = None,
    analysis: ConversationAnalysis | None = None,
    fields: FieldSet | None = None,
    similar: Similarity | None = None,
) -> RepeatAskReport:
    """Find the asks in a draft that ask for a detail the conversation already holds.

    Args:
        draft: the reply to check.
        history: earlier turns on any channel, oldest first.
        message: the customer's latest message, when not already the last turn of ``history``.
        facts: known facts about the customer (order numbers, emails, ...).
        language: the draft's language; detected when None.
        analysis: the conversation analysed once per request (:func:`knowledge.text.analyse_turns` of
            ``history`` plus ``message``); made here when not given or not made for these turns.
        fields: the workspace's own fields: asks about a field and customer values of it are read from
            their names, descriptions, values and ask words. Defaults to the analysis's fields.
        similar: the cosine similarity of two short texts (the local embedder), so that a step proposed
            with another verb of the same meaning ("slå av" / "skrudd av") is recognised as taken
            (:mod:`~assistant.guards.repeat_ask.meaning`); None compares verbs by stems only.

    Returns:
        A report with every ask and the repeated ones, each with ``answered_by`` set to the evidence.
    """
    from knowledge.language import normalize_language

    lang = normalize_language(language) or _detect(draft)
    asks = find_asks(draft, lang)
    turns = [*history, message] if message is not None else list(history)
    steps: list[Step] | None = None
    if analysis is None or not analysis.covers(turns) or (fields is not None and analysis.fields != fields):
        analysis = analyse_turns(
            turns,
            fields=fields if fields is not None else (analysis.fields if analysis else None),
            language=lang,
        )
    if not asks:
        steps = tried_steps(turns, facts, analysis=analysis)
        imperative = _imperative_asks(draft, [], steps, _reported(steps, analysis), similar)
        return RepeatAskReport(tuple(imperative), tuple(imperative))
    evidence = [e for e in collect(turns, facts, lang, analysis=analysis) if e.slot != TRIED]
    topics = topics_of(turns)
    result: list[Ask] = []
    repeated: list[Ask] = []
    for ask in asks:
        ask = replace(ask, slots=ask_kinds(ask, analysis, lang))
        proposed = _proposed(draft, ask)
        now = ask_topic(ask, topics)
        suits = _SUITS.search(ask.text) is not None
        found: Evidence | None = None
        for slot in _slots_to_check(draft, ask):
            if slot == TRIED:
                steps = tried_steps(turns, facts, analysis=analysis) if steps is None else steps
                step = match_step(ask, steps)
                found = Evidence(TRIED, step.text, step.index) if step is not None else None
                if found is None and not action_families(ask.about or ask.text):
                    same = repeats_by_meaning(ask.text, _reported(steps, analysis), similar)
                    found = Evidence(TRIED, same[0], same[1]) if same is not None else None
                if found is not None:
                    break
                continue
            if family(slot) in proposed or slot in proposed:
                continue
            wanted = _wanted(ask.text, slot, lang)
            if wanted == "other":
                continue  # "en annen e-postadresse", "the other order": not the value we know
            found = next(
                (
                    e
                    for e in reversed([*evidence, *_category_evidence(slot, turns)])
                    if (
                        answers(slot, e.slot)
                        or (slot == "model" and e.slot == "product" and _names_model(e.value))
                    )
                    and in_scope(e, now, topics)
                    and (wanted != "new" or _given_as_new(e, turns))
                    and (not suits or family(slot) not in _WHEN or _offered(e, turns))
                ),
                None,
            )
            if found is not None:
                break
        if found is None and TRIED not in ask.slots:
            found = _by_label(ask, turns, lang)
        if found is None and TRIED not in ask.slots and _TRY_ASK.search(ask.text):
            # "Have you tried using the spare card from reception?": a step, whatever else it names
            steps = tried_steps(turns, facts, analysis=analysis) if steps is None else steps
            same = repeats_by_meaning(ask.text, _reported(steps, analysis), similar)
            found = Evidence(TRIED, same[0], same[1]) if same is not None else None
        if found is not None:
            ask = replace(ask, answered_by=found.value)
            repeated.append(ask)
        result.append(ask)
    steps = tried_steps(turns, facts, analysis=analysis) if steps is None else steps
    imperative = _imperative_asks(draft, result, steps, _reported(steps, analysis), similar)
    if imperative:
        result = sorted([*result, *imperative], key=lambda a: a.start)
        repeated = sorted([*repeated, *imperative], key=lambda a: a.start)
    return RepeatAskReport(tuple(result), tuple(repeated))


def _wanted(text: str, slot: str, language: str | None) -> str | None:
    """Whether an ask wants another ("other") or a new ("new") value of ``slot`` (:func:`qualifier`); for a
    workspace field, whose ask words are no built-in cue, another one of something in its first clause
    ("Kender du nummerpladen på den anden bil, eller ...") is another value too."""
    wanted = qualifier(text, slot, language)
    if wanted is None and not is_builtin(slot) and other_in_clause(text):
        return "other"
    return wanted


# "Which day suits you?": an ask for a time to come, answered only by a day or time the customer offered,
# not by the dates of what happened ("i går", "28/2").
_SUITS = re.compile(
    r"\b(?:pass\w*|suit\w*|convenient|works? (?:best )?for you|work best|fits? you|fungerer|funkar"
    r"|funker|høver|høvar|ønsker du|önskar du|ønsker De|would you like|prefer\w*|foretrekk\w*|föredrar"
    r"|foretræk\w*)\b",
    _I,
)
_WHEN = frozenset({"date", "time"})
_OFFER = re.compile(
    r"\b(?:pass\w*|suit\w*|works?|helst|heller|prefer\w*|foretrekk\w*|föredrar|foretræk\w*|kan|kunne|can"
    r"|could|ledig\w*|available|free|gjerne|gärna|gerne|fungerer|funkar|funker|høver|isteden|istedet|i staden"
    r"|istället|i stället|instead|går det|would|ønsker|önskar|want)\b",
    _I,
)


def _offered(evidence: Evidence, turns: Sequence[Turn]) -> bool:
    """Whether a date or time was offered by the customer as one that suits (or given in answer to an
    agent's question), rather than told as when something happened."""
    if evidence.index < 0 or evidence.index >= len(turns):
        return False
    turn = turns[evidence.index]
    if turn.role != "customer":
        return False
    if (
        evidence.index > 0
        and turns[evidence.index - 1].role in ("agent", "bot")
        and "?" in turns[evidence.index - 1].text
    ):
        return True
    at = turn.text.lower().find(evidence.value.lower())
    around = turn.text[max(0, at - 80) : at + len(evidence.value) + 40] if at >= 0 else ""
    return any(_OFFER.search(part) for part in re.split(r"[.!?\n]", around))


_TRY_ASK = re.compile(
    r"^\W*(?:\w+,\s*)?(?:har|have|has|hev)\s+(?:du|dere|dykk|ni|i|you)\s+(?:allerede\s+|alt\s+|already\s+|redan\s+)?"
    r"(?:fått|fåt|fået|hunnet|nået(?:\s+at)?|nåede|rukket|rokke|hunnit|managed\s+to|been\s+able\s+to)\b"
    r"|^\W*(?:\w+[,!]\s*)?(?:har|have|has|hev|did)\s+(?:du|dere|dykk|ni|i|you)\s+(?!\w+\s+(?:du|you)\b)"
    r"|\b(?:have you tried|did you try|have you already tried|har du (?:allerede |alt |allereie )?prøv\w*"
    r"|har du testa?\w*|har du (?:redan )?(?:provat|testat|försökt))\b",
    _I,
)


def _by_label(ask: Ask, turns: Sequence[Turn], language: str | None) -> Evidence | None:
    """Evidence that the ask names a label the customer gave a code under ("ditt elevnummer" after
    "mitt elevnummer är 55102"); an ask for another one ("the other booking number") never repeats."""
    if any(_wanted(ask.text, slot, language) == "other" for slot in (*ask.slots, "order_number")):
        return None
    value = repeated_label(ask.text, labelled_values(turns))
    return Evidence("reference", value.value, value.index) if value is not None else None


def _imperative_asks(
    draft: str,
    asks: Sequence[Ask],
    steps: Sequence[Step],
    reported: Sequence[tuple[str, int]] = (),
    similar: Similarity | None = None,
) -> list[Ask]:
    """Imperatives outside the asks found that propose a step the conversation reports as taken."""
    out: list[Ask] = []
    for sentence in split_sentences(draft):
        if any(a.start < sentence.end and sentence.start < a.end for a in asks):
            continue
        if _next_step(draft, sentence.start, sentence.text) or _acknowledges(sentence.text):
            continue
        step = imperative_repeat(sentence.text, steps)
        taken = step.text if step is not None else None
        if taken is None and reported and not action_families(sentence.text) and not _passive(sentence.text):
            # a statement ("uopna posar kan byttast innan 30 dagar") proposes no step, however close
            same = repeats_by_meaning(sentence.text, reported, similar)
            taken = same[0] if same is not None else None
        if taken is not None:
            out.append(Ask(sentence.text, sentence.start, sentence.end, (TRIED,), answered_by=taken))
    return out


# A step said to come after another ("Start så telefonen på nytt", "Then restart the router", "Starta sedan
# om"): after a new step the draft proposes first, repeating one the customer took is part of the new
# procedure, not a repeat of what they did.
_THEN = re.compile(
    r"^\W*[\w-]+\s+så\b|\b(?:then|deretter|derefter|dernest|sedan|etterpå|efterpå|bagefter|efteråt"
    r"|afterwards|after\s+that|etter\s+det|etter\s+dette|efter\s+det|efter\s+detta|og\s+så|och\s+sen)\b",
    _I,
)


@lru_cache(maxsize=1)
def _acknowledgement_openings() -> re.Pattern[str]:
    return re.compile(r"^\W*(?:" + alternation(words("acknowledgements")) + r")\b", _I)


def _acknowledges(sentence: str) -> bool:
    """A sentence that thanks the customer for a step or says they took it ("Takk for at du har byttet
    filteret", "You have already reset it, so ..."): it acknowledges the step and proposes nothing, unless
    it also carries a proposal of its own. Openings are the ``acknowledgements`` lexicons."""
    return bool(_acknowledgement_openings().search(sentence)) and proposal_verb(sentence) is None


def _slots_to_check(draft: str, ask: Ask) -> tuple[str, ...]:
    """The ask's slots, without ``tried`` for a step of a new procedure the draft proposes."""
    if TRIED in ask.slots and _next_step(draft, ask.start, ask.text):
        return tuple(s for s in ask.slots if s != TRIED)
    return ask.slots


def _next_step(draft: str, start: int, text: str) -> bool:
    """Whether a proposed step comes after another step the draft proposes before it."""
    if not _THEN.search(text):
        return False
    return any(_instruction(s.text) for s in split_sentences(draft[:start]))


def _instruction(sentence: str) -> bool:
    """A step the draft tells the customer to take: a proposal, or an imperative of the
    ``instruction_verbs`` lexicons ("Gå inn på Innstillingar ...", "Tap Settings ...")."""
    if proposal_verb(sentence) is not None:
        return True
    first = re.match(r"^\W*(?:(?:please|vennligst|venligst|vänligen|venleg)\s+)?([^\W\d_]+)", sentence, _I)
    return first is not None and first.group(1).lower() in words("instruction_verbs")


# A modal and a passive verb: what can be done to a thing, said of it, not asked of the customer ("uopna
# posar kan byttast innan 30 dagar", "Varen kan returneres", "It can be exchanged").
_PASSIVE = re.compile(
    r"\b(?:kan|kunne|kunde|må|skal|ska|bør|can|could|may|must|will|should)\s+(?:\w+\s+)?(?:be\s+\w+|bli\s+\w+"
    r"|blive\s+\w+|[^\W\d_]{3,}(?:ast|est|es|as|s))\b",
    _I,
)


def _passive(sentence: str) -> bool:
    return _PASSIVE.search(sentence) is not None and proposal_verb(sentence) is None


def _reported(steps: Sequence[Step], analysis: ConversationAnalysis) -> list[tuple[str, int]]:
    """Steps reported as taken, oldest first: the text layer's "tried" facts of the customer's and notes'
    turns, and the steps the rules found (each with its turn's index)."""
    facts = [
        (lf.fact.value, lf.index)
        for lf in analysis.located_facts(("customer", "note"))
        if lf.fact.kind == TRIED
    ]
    return sorted([*facts, *((s.text, s.index) for s in steps)], key=lambda r: r[1])


def _answers(slot: str, evidence: Evidence) -> bool:
    """Whether evidence answers an ask about ``slot``; a model question takes a product that names one."""
    if answers(slot, evidence.slot):
        return True
    return slot == "model" and evidence.slot == "product" and _names_model(evidence.value)


def _names_model(product: str) -> bool:
    """A product that names its model ("Varmo X200", "Brewmax 300"), not only its kind ("termostaten")."""
    return bool(re.search(r"\d", product)) or len(re.findall(r"\b[A-ZÆØÅÄÖ][\w-]*", product)) >= 2


def _category_evidence(slot: str, turns: Sequence[Turn]) -> list[Evidence]:
    """For "what kind of food?": the kinds of food the customer named ("some Italian food")."""
    if not slot.startswith("category:"):
        return []
    key = slot.split(":", 1)[1]
    return [
        Evidence(v.slot, v.text, index)
        for index, turn in enumerate(turns)
        if turn.role == "customer"
        for v in category_values(turn.text, key)
    ]


_NEW_MARK = re.compile(
    r"\b(?:(?:bor|bur|live|living|lives|am|er|är)\s+(?:nu|nå|no|now|numera)|(?:nu|nå|now)\s+(?:bor|bur|live)"
    r"|ny|nye|nytt|nya|nyt|new|flytt\w*|moved|moving|relocat\w*|til|till|to|instead|i stedet|i staden"
    r"|istället|i stället|endre\w*|ændre\w*|ändra\w*|change\w*|update\w*|oppdater\w*|uppdater\w*)\b",
    _I,
)
_OLD_MARK = re.compile(
    r"\b(?:fra|frå|från|from|gamle|gamla|gamal|gammel|old|tidligere|tidlegare|tidigare|forrige|förra|previous"
    r"|former|nåværende|nuværende|current|nuvarande)\b",
    _I,
)


def _given_as_new(evidence: Evidence, turns: Sequence[Turn]) -> bool:
    """Whether a value was given as the new one ("min nya adress är ...", not "flytte fra Storgata 12")."""
    if evidence.index < 0 or evidence.index >= len(turns):
        return False
    text = turns[evidence.index].text
    at = text.lower().find(evidence.value.lower())
    if at < 0:
        return False
    before = re.split(r"[.!?\n]", text[max(0, at - 80) : at])[-1]
    last_new = max((m.end() for m in _NEW_MARK.finditer(before)), default=-1)
    last_old = max((m.end() for m in _OLD_MARK.finditer(before)), default=-1)
    if last_new > last_old:
        return True
    if last_old < 0 and evidence.index > 0 and turns[evidence.index - 1].role in ("agent", "bot"):
        # The answer to "Hva er den nye adressen din?" is the new address.
        asked = find_asks(turns[evidence.index - 1].text)
        return any(qualifier(a.text, s) == "new" for a in asked for s in a.slots if answers(s, evidence.slot))
    return False


_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "order_number": "order number",
        "email": "email address",
        "phone": "phone number",
        "address": "address",
        "date": "date",
        "end_date": "end date",
        "time": "time",
        "place": "place",
        "name": "name",
        "party_size": "number of people",
        "tracking_number": "tracking number",
        "product": "product",
        "tried": "already tried:",
    },
    "nb": {
        "order_number": "ordrenummer",
        "email": "e-postadresse",
        "phone": "telefonnummer",
        "address": "adresse",
        "date": "dato",
        "end_date": "sluttdato",
        "time": "tidspunkt",
        "place": "sted",
        "name": "navn",
        "party_size": "antall personer",
        "tracking_number": "sporingsnummer",
        "product": "produkt",
        "tried": "allerede prøvd:",
    },
    "nn": {
        "order_number": "ordrenummer",
        "email": "e-postadresse",
        "phone": "telefonnummer",
        "address": "adresse",
        "date": "dato",
        "end_date": "sluttdato",
        "time": "tidspunkt",
        "place": "stad",
        "name": "namn",
        "party_size": "tal på personar",
        "tracking_number": "sporingsnummer",
        "product": "produkt",
        "tried": "allereie prøvd:",
    },
    "sv": {
        "order_number": "ordernummer",
        "email": "e-postadress",
        "phone": "telefonnummer",
        "address": "adress",
        "date": "datum",
        "end_date": "slutdatum",
        "time": "tid",
        "place": "plats",
        "name": "namn",
        "party_size": "antal personer",
        "tracking_number": "spårningsnummer",
        "product": "produkt",
        "tried": "redan provat:",
    },
    "da": {
        "order_number": "ordrenummer",
        "email": "e-mailadresse",
        "phone": "telefonnummer",
        "address": "adresse",
        "date": "dato",
        "end_date": "slutdato",
        "time": "tidspunkt",
        "place": "sted",
        "name": "navn",
        "party_size": "antal personer",
        "tracking_number": "sporingsnummer",
        "product": "produkt",
        "tried": "allerede prøvet:",
    },
}
_NOTED = {
    "en": "Noted: {items}.",
    "nb": "Notert: {items}.",
    "nn": "Notert: {items}.",
    "sv": "Noterat: {items}.",
    "da": "Noteret: {items}.",
}


def _label(slot: str, language: str) -> str:
    return _LABELS.get(language, _LABELS["en"]).get(slot, slot.replace("_", " "))


def _statement(repeated: Sequence[Ask], language: str) -> str:
    items = [
        f"{_label(a.slots[0], language) if a.slots else ''} {a.answered_by.rstrip(' .!;,')}".strip()
        for a in repeated
        if a.answered_by
    ]
    return _NOTED.get(language, _NOTED["en"]).format(items=", ".join(dict.fromkeys(items)))


def _rebuild(sentence: str, start: int, asks: list[Ask], drop: set[tuple[int, int]]) -> str:
    """Rebuild a sentence from the asks (clauses) it keeps, with its closing punctuation."""
    kept = [a for a in asks if (a.start, a.end) not in drop]
    if not kept:
        return ""
    body = " ".join(k.text.rstrip("?.! ") for k in kept)
    lead = (
        sentence[: asks[0].start - start]
        if asks[0].start > start and (asks[0].start, asks[0].end) in drop
        else ""
    )
    closing = "?" if sentence.rstrip().endswith("?") else "."
    out = (lead + body[:1].upper() + body[1:]).strip() if not lead else (lead + body).strip()
    return out + closing


def remove_repeat_asks(draft: str, report: RepeatAskReport, language: str | None = None) -> str:
    """Drop the repeated asks from a draft, keeping the rest intact and readable.

    Args:
        draft: the draft the report was made for.
        report: the result of :func:`check_repeat_asks` on that draft.
        language: used for the statement written when nothing but repeated asks was left.

    Returns:
        The draft without the repeated questions; when that would leave nothing, a short statement of what
        we already know ("Noted: order number 12345.").
    """
    if not report.repeated:
        return draft
    drop = {(a.start, a.end) for a in report.repeated}
    pieces: list[str] = []
    cursor = 0
    dropped_before = False
    for sentence in split_sentences(draft):
        inside = [a for a in report.asks if sentence.start <= a.start and a.end <= sentence.end]
        if not any((a.start, a.end) in drop for a in inside):
            if dropped_before:
                pieces.append(draft[cursor : sentence.start])
                pieces.append(_drop_connective(sentence.text))
                cursor = sentence.end
            dropped_before = False
            continue
        pieces.append(draft[cursor : sentence.start])
        rebuilt = _rebuild(sentence.text, sentence.start, inside, drop) if len(inside) > 1 else ""
        pieces.append(_drop_connective(rebuilt) if dropped_before else rebuilt)
        dropped_before = not rebuilt
        cursor = sentence.end
    pieces.append(draft[cursor:])
    text = "".join(pieces)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not re.search(r"\w", text):
        lang = language or _detect(draft) or "en"
        return _statement(report.repeated, lang)
    return text


_CONNECTIVE = re.compile(r"^(?:and|also|og|og så|også|och|också|samt|så|then|plus)\b[,]?\s+", _I)


def _drop_connective(sentence: str) -> str:
    """'And what is your order number?' reads wrong once the question before it is gone."""
    stripped = _CONNECTIVE.sub("", sentence)
    if stripped == sentence or not stripped:
        return sentence
    return stripped[:1].upper() + stripped[1:]


def findings(report: RepeatAskReport) -> list[GuardFinding]:
    """One warning per repeated ask, for the suggestion's ``guard_findings``."""
    out: list[GuardFinding] = []
    for ask in report.repeated:
        what = ", ".join(ask.slots) or "a detail"
        out.append(
            GuardFinding(
                guard="repeat_ask",
                severity="warn",
                message=f"Asks again for {what}, already given: {ask.answered_by}",
                span=ask.text,
            )
        )
    return out
