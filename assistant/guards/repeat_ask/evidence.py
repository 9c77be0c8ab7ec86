"""Where the conversation already answers a question: evidence from facts, messages and earlier answers.

Evidence is a typed value with the turn it came from:

* known facts (ids, contact details, addresses, products; a bare date or count in a fact does not say what
  it was for, so those are left to the conversation);
* every value a customer wrote, on any channel;
* what an agent *stated* (not what it asked), personal details only when said about the customer;
* a customer's answer right after an agent asked for a slot ("Which city?" - "Bergen"), and values an
  agent proposed that the customer then confirmed ("2 people at 7 pm, right?" - "Yes").

Troubleshooting steps already taken are evidence of their own (:func:`tried_steps`): what the customer or a
note says was done ("Jeg har restartet ruteren og byttet kabel" gives two steps), a "tried" fact, and a
"yes" / "done that" right after an agent proposed the step. Each step keeps its action families and what it
was done to, so that :func:`match_step` can tell "restart the router" from "restart the PC".

Dates, times, counts, amounts and categories belong to a request: when the customer moves on to another
kind of request ("...and a rental car there?") they stop answering questions about it (:func:`in_scope`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import Stemmer

from assistant.guards.repeat_ask.asks import (
    _QUESTION_START,
    Ask,
    find_asks,
    main_clause,
    proposal_verb,
)
from assistant.guards.repeat_ask.slots import (
    TRIED,
    action_families,
    family,
    is_action_verb,
    objects_overlap,
    proposed_slots,
    verb_class,
)
from assistant.guards.repeat_ask.slots import action_objects as slots_action_objects
from assistant.guards.repeat_ask.slots import family_spans as slots_family_spans
from assistant.types import KnownFact, Turn
from knowledge.facts._lexicon import NOT_TRIED_VERBS
from knowledge.text.analysis import ConversationAnalysis, analyse_turns, reading_role
from knowledge.text.kinds import answers, is_builtin
from knowledge.text.lexicons import LANGUAGES, entries, words
from knowledge.text.qualified import noun_key
from knowledge.text.values import Value, has_number

__all__ = [
    "Evidence",
    "Step",
    "ask_kinds",
    "collect",
    "topics_of",
    "ask_topic",
    "in_scope",
    "tried_steps",
    "match_step",
]

_I = re.IGNORECASE


@dataclass(frozen=True)
class Evidence:
    """A value the conversation holds for a slot, and the turn it came from (-1 for a known fact)."""

    slot: str
    value: str
    index: int


# Personal details an agent's statement only vouches for when it is about the customer ("your order 123").
_PERSONAL = frozenset(
    {"email", "phone", "order_number", "tracking_number", "serial_number", "account_id", "name", "address"}
)
_SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|du|deg|din|ditt|dine|di|dykk|dykkar|dere|deres|dig|dit|dina|ni|er|ert|era|jer"
    r"|jeres)\b",
    _I,
)
# Slots whose answer has no fixed shape: any non-evasive reply to a question about them answers them.
_FREE_FORM = frozenset("place origin destination name recipient category product address choice".split())
_EVASIVE = re.compile(
    r"^\W*(?:no|nope|later|hmm+|nei|nej|yes|yeah|yep|ok|okay|sure|ja|jo|japp|tja|thanks|thank you|takk|tack"
    r"|tak)\W*$|\b(?:don'?t know|not sure|no idea|not yet|not decided|haven'?t decided|vet ikke|vet jeg ikke"
    r"|veit ikkje|veit eg ikkje|vet inte|vet jag inte|ved ikke|ved jeg ikke|usikker|osäker|ikke ennå"
    r"|ikke enda|inte än|ikke endnu|ikkje enno|ikke bestemt|inte bestämt|ikkje bestemt)\b",
    _I,
)


def _analysis(turns: Sequence[Turn], analysis: ConversationAnalysis | None) -> ConversationAnalysis:
    """The given analysis when it was made for ``turns``, else a new one."""
    if analysis is not None and analysis.covers(turns):
        return analysis
    return analyse_turns(turns, fields=analysis.fields if analysis is not None else None)


def _fact_evidence(facts: Sequence[KnownFact]) -> list[Evidence]:
    """Facts about the customer: ids, contact details, addresses, products and places.

    A date, time, count or amount on its own does not say which request it belongs to (the order date is not
    the delivery date), so those kinds are left to the conversation, where their context is known.
    """
    out: list[Evidence] = []
    for fact in facts:
        kind = fact.kind.lower().strip().replace(" ", "_").replace("-", "_")
        if family(kind) not in _SCOPED:
            out.append(Evidence(kind, fact.normalized or fact.value, -1))
    return out


def _turn_values(turn: Turn, context: str, an: ConversationAnalysis) -> list[Value]:
    """Values a turn gives: all of a customer's; an agent's only from statements, not from questions."""
    if turn.role == "customer":
        return an.values(turn.text, speaker="customer", context=context)
    values: list[Value] = []
    role = reading_role(turn)
    for sentence in an.sentences(turn.text):
        if "?" in sentence.text and not re.match(
            r"^(?:to confirm|please confirm|just to confirm)", sentence.text, _I
        ):
            continue
        for v in an.values(sentence.text, speaker="agent" if role != "note" else "customer"):
            if role != "note" and v.slot in _PERSONAL and not _SECOND_PERSON.search(sentence.text):
                if v.slot == "address":  # a venue's address: where the customer is going, not where they live
                    values.append(replace(v, slot="venue"))
                continue
            values.append(v)
    return values


_AFFIRM = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok|okay|correct|right|exactly|perfect|great|good|fine|please do|ja|jo|jepp"
    r"|japp|stemmer|korrekt|riktig|rett|precis|stämmer|rigtigt|passer|fint|flott|supert|perfekt|gjerne|gärna"
    r"|gerne|absolutt|absolut|javisst|selvfølgelig|självklart)\b|\b(?:sounds? (?:good|great|fine|perfect"
    r"|amazing|nice|lovely|fun)|that works|works for me|that'?s (?:right|correct|fine|good|great|perfect|it)"
    r"|that is (?:right|correct|fine|good|perfect)|you(?:'re| are) (?:right|correct)|i like (?:it|that|this)"
    r"|that one|det stemmer|det stämmer|det passer|høres bra ut|låter bra|lyder godt|book (?:it|that|this"
    r"|one)|reserve (?:it|that|this)|make (?:a|the) (?:reservation|booking) there|i'?ll take|let'?s (?:do"
    r"|go with|book)|go ahead|bestill den|book den|boka den|bestil den)\b",
    _I,
)
_REJECT = re.compile(
    r"\b(?:no|not|don'?t|nope|something else|another|other|different|nei|ikke|ikkje|nej|inte|annen|annan"
    r"|anden)\b",
    _I,
)


def _accepts_proposal(text: str) -> bool:
    return bool(_AFFIRM.search(text)) and not _REJECT.search(text.split(".")[0])


def _confirmed(asker: Turn, answer: Turn, an: ConversationAnalysis) -> list[Value]:
    """Values an agent proposed in a question that the customer then confirmed."""
    if not _accepts_proposal(answer.text):
        return []
    values: list[Value] = []
    for sentence in an.sentences(asker.text):
        if "?" in sentence.text or re.search(r"\bconfirm|\bbekreft|\bbekräfta|\bbekræft", sentence.text, _I):
            for v in an.values(sentence.text, speaker="agent"):
                if v.slot == "address":
                    values.append(replace(v, slot="venue"))
                elif v.slot not in _PERSONAL:
                    values.append(v)
    return values


def _choice_evidence(turns: Sequence[Turn], an: ConversationAnalysis) -> list[Evidence]:
    """An option the agent named (a place or venue) that the customer then accepted or booked."""
    out: list[Evidence] = []
    for i in range(len(turns) - 1):
        if turns[i].role not in ("agent", "bot"):
            continue
        named = [v for v in an.values(turns[i].text, speaker="agent") if family(v.slot) == "place"]
        later = turns[i + 1 :]
        if named and any(t.role == "customer" and _accepts_proposal(t.text) for t in later):
            out.append(Evidence("choice", named[0].text, i))
    return out


# Values without a role take the role of the question they answer ("Where from?" - "Bergen").
_ROLELESS = frozenset({"place", "date", "time", "quantity", "amount"})


def _answer_value(slot: str, values: list[Value]) -> Value | None:
    """The value in an answer that answers a question about ``slot``, if any."""
    exact = next((v for v in values if v.slot == slot or answers(slot, v.slot)), None)
    if exact is not None:
        return exact
    return next((v for v in values if v.slot in _ROLELESS and family(v.slot) == family(slot)), None)


_YES_NO_REPLY = re.compile(r"^\W*(?:yes|yeah|yep|no|nope|sure|ok|okay|ja|jo|nei|nej|nope)\b", _I)


def _plain_answer(text: str) -> bool:
    """A reply that neither dodges nor asks back and names something: it answers whatever was asked.

    Short replies ("san jose", "The blue one please") count as they are; longer ones need a name in them
    ("I'm staying with friends in Bergen"), not just a new wish ("I want to go to a concert").
    """
    if "?" in text or _EVASIVE.search(text):
        return False
    words = text.split()
    named = any(w[:1].isupper() for w in words[1:]) or any(w.isupper() and len(w) > 1 for w in words)
    return len(words) <= 5 or (named and len(words) <= 20)


def ask_kinds(ask: Ask, an: ConversationAnalysis, language: str | None) -> tuple[str, ...]:
    """The kinds an ask asks for: the workspace's fields it is about first, then the built-in kinds."""
    strong = 2 if ask.slots else 1  # a built-in kind wins over a field that only shares its word ("date")
    named = [m.name for m in an.lexicon.asks(ask.text, language) if m.score >= strong]
    return tuple(dict.fromkeys([*named, *ask.slots]))


def _answer_evidence(turns: Sequence[Turn], language: str | None, an: ConversationAnalysis) -> list[Evidence]:
    """Answers the customer gave right after an agent asked for a slot (or confirmed a proposal)."""
    out: list[Evidence] = []
    for i in range(len(turns) - 1):
        asker, answer = turns[i], turns[i + 1]
        if asker.role not in ("agent", "bot") or answer.role != "customer":
            continue
        out += [Evidence(v.slot, v.text, i + 1) for v in _confirmed(asker, answer, an)]
        open_slots: list[str] = []
        for ask in find_asks(asker.text, language):
            proposed = proposed_slots(ask.text)
            open_slots += [
                s
                for s in ask_kinds(ask, an, language)
                if family(s) not in proposed and s not in proposed and s != TRIED
            ]
        if not open_slots:
            continue
        values = an.values(answer.text, speaker="customer")
        text = answer.text.strip()
        single = len(set(open_slots)) == 1
        for slot in dict.fromkeys(open_slots):
            hit = _answer_value(slot, values)
            if hit is not None:
                out.append(Evidence(slot, hit.text, i + 1))
            elif family(slot) == "count" and single and has_number(text):
                out.append(Evidence(slot, text, i + 1))
            elif slot in _FREE_FORM and single and _plain_answer(text):
                out.append(Evidence(slot, text, i + 1))
            elif single and slot in _ID_SLOTS and _LONE_ID.fullmatch(text):
                out.append(Evidence(slot, text, i + 1))  # "What's your membership number?" - "GYM-448120"
            elif not is_builtin(slot) and single and _plain_answer(text) and not _YES_NO_REPLY.match(text):
                out.append(Evidence(slot, text, i + 1))
    return out


# Asks for an identifier, and a reply that is one id and nothing else ("GYM-448120", "#48317702").
_ID_SLOTS = frozenset(
    {
        "order_number", "account_id", "reference", "tracking_number", "serial_number", "invoice_number",
        "case_number", "return_number", "labelled_number",
    }
)  # fmt: skip
_LONE_ID = re.compile(r"#?(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9][A-Za-z0-9/-]{3,30}[.!]?")


# What a request is about. When the customer turns to another request ("...and can you also find me X?"),
# dates, times, counts, amounts and categories said for the earlier request no longer answer questions
# about the new one; places, names and ids still do ("a hotel near there"). A request is known by the
# things it names: the content words of the customer's turn that asks for something new.
_SCOPED = frozenset({"date", "time", "count", "amount", "category", "choice"})


_NEW_REQUEST = re.compile(
    r"\b(?:(?:can|could|would|will) you (?:also |please |now )?(?:find|get|book|reserve|search|look|help"
    r"|make|check|tell|show|buy|rent|order)|i (?:would|'d) (?:also )?like|i (?:also )?(?:want|need)"
    r"|i'?m (?:also )?(?:looking|searching)|(?:also|now) (?:find|get|book|search)"
    r"|(?:kan|kunne|kunde) (?:du|dere|ni) (?:også |också |òg )?(?:finne|finna|finde|skaffe|bestille"
    r"|beställa|booke|boka|reservere|leie|hyra|leje|søke|söka|søge|hjelpe|hjälpa|hjælpe)"
    r"|jeg (?:vil|ønsker|trenger)|eg (?:vil|ønskjer|treng)|jag (?:vill|behöver|önskar)"
    r"|jeg (?:skal bruge|har brug for))\b"
    r"|^\W*(?:please |hi,? |hello,? |hey,? )?(?:find|book|get|reserve|search|look) (?:me|us|for)\b",
    _I,
)


def _request_words(text: str) -> frozenset[str]:
    """The things a customer's turn asks for, as noun keys, when it opens a request; else empty."""
    if not _NEW_REQUEST.search(text):
        return frozenset()
    stop = words("function_words")
    found = {noun_key(w) for w in re.findall(r"[^\W\d_]{3,}", text) if w.lower() not in stop}
    return frozenset(found)


def topics_of(turns: Sequence[Turn]) -> list[frozenset[str]]:
    """For each turn, what the customer's current request names (the things of their last new request)."""
    out: list[frozenset[str]] = []
    current: frozenset[str] = frozenset()
    for turn in turns:
        if turn.role == "customer":
            named = _request_words(turn.text)
            if named and not (named & current):
                current = named
        out.append(current)
    return out


def ask_topic(ask: Ask, topics: list[frozenset[str]]) -> frozenset[str]:
    """What an ask may be about: the things it names among the requests made, and the current request."""
    own = {noun_key(w) for w in re.findall(r"[^\W\d_]{3,}", ask.text)}
    named = {k for topic in topics for k in topic if k in own}
    return frozenset(named) | (topics[-1] if topics else frozenset())


def in_scope(evidence: Evidence, now: frozenset[str], topics: list[frozenset[str]]) -> bool:
    """Dates, times, counts, amounts and categories answer only questions about the same kind of request."""
    if evidence.index < 0 or family(evidence.slot) not in _SCOPED:
        return True
    then = topics[evidence.index]
    return not now or not then or bool(now & then)


def collect(
    turns: Sequence[Turn],
    facts: Sequence[KnownFact],
    language: str | None,
    *,
    analysis: ConversationAnalysis | None = None,
) -> list[Evidence]:
    """All the evidence a conversation and the known facts hold, oldest first (facts before turns).

    Args:
        turns: the conversation on every channel, oldest first, the customer's latest message last.
        facts: known facts about the customer.
        language: the conversation's language, for reading the agent's questions; None tries all five.
        analysis: the conversation analysed once (:func:`knowledge.text.analyse_turns` of ``turns``);
            made here when not given.

    Returns:
        Evidence in the order it was given; callers search it newest first.
    """
    an = _analysis(turns, analysis)
    evidence = _fact_evidence(facts)
    # The text layer's facts of the customer's (and notes') turns: the same spans the memory keeps, with
    # the turn they came from (a bare date, time, count or amount is left to the values and their context).
    evidence += [
        Evidence(lf.fact.kind, lf.fact.value, lf.index)
        for lf in an.located_facts(("customer", "note"))
        if family(lf.fact.kind) not in _SCOPED and lf.fact.kind not in (TRIED, "promise")
    ]
    any_place = False
    for index, turn in enumerate(turns):
        context = turns[index - 1].text if index > 0 else ""
        for v in _turn_values(turn, context, an):
            if v.slot.startswith("deictic_") and not any_place:
                continue
            any_place = any_place or family(v.slot) in ("place", "address")
            evidence.append(Evidence(v.slot, v.text, index))
    evidence += _answer_evidence(turns, language, an)
    evidence += _choice_evidence(turns, an)
    return evidence


# --- what the customer already tried --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A troubleshooting step the conversation says was already taken: its action families and objects."""

    families: frozenset[str]
    objects: frozenset[str]
    text: str
    index: int  # the turn it came from, -1 for a known fact
    verb: str = ""  # the verb of a step no family names ("har tørket av sensorene": "tørket")


_CHUNK_SPLIT = re.compile(
    r"\s*[,;:–—]\s+|\s+-\s+|\s+(?:og|and|och|samt|men|but|then|så|plus|eller|or|og så|and then)\s+", _I
)
_DONE_AUX = re.compile(r"\b(?:har|have|has|had|hadde|hade|havde)\b|['’]ve\b|\bI['’]d\b", _I)
_PAST_FORM = re.compile(
    r"^[\w-]{2,}(?:ed|et|ede|ete|te|de|at|ade|vd|vt|mt|lt|rt|kt|tt)$|^(?:prøvd|prøvt|tried|gjort|done|did"
    r"|trakk|trukket|drog|dro|dratt|tok|tatt|tog|taget|satt|sat|satte|held|holdt|höll|slo|slog|slått|reset"
    r"|sett|put|plugged|unplugged)$",
    _I,
)
_RESULT = re.compile(
    r"\b(?:didn'?t help|did not help|didn'?t work|did not work|doesn'?t help|no luck|no difference|no change"
    r"|same (?:thing|problem|result)|still (?:the same|no|not|doesn'?t|won'?t|orange|red|nothing)|hjalp ikke"
    r"|hjalp ikkje|hjelpte ikke|hjelpte ikkje|hjelper ikke|hjelp ikkje|hjelpe ikkje|hjälpte inte|hjälper inte"
    r"|hjalp inte|hjælper ikke|hjalp ikke|hjalp heller ikke|virket ikke|virka ikkje|fungerte ikke"
    r"|fungerade inte|virkede ikke|uten hell|utan hell|utan resultat|uten resultat|uden held|uden resultat"
    r"|ingen endring|ingen forandring|ingen förändring|ingen ændring|samme problem|samma problem)\b",
    _I,
)
_NEGATION = re.compile(r"\b(?:not|never|n't|ikke|ikkje|inte|ej|aldri|aldrig)\b", _I)
_NOT_DONE = re.compile(
    r"\b(?:not|never|n't|ikke|ikkje|inte|ej|aldri|aldrig|want|wants|wanna|would like|'d like|vil|ville|vill"
    r"|ønsker|önskar|ønskjer|skal|ska|skall|should|shall|bør|burde|borde|how|hvordan|hur|korleis|can|could"
    r"|kan|kunne|kunde|please|vennligst|venligst|going to|gonna|plan|planning|planlegger|need to|må|måste"
    r"|skulle|tenkte|tänkte|tænkte|ba|bad|asked|told|advised|rådet|rådde|anbefal\w*|foreslo|foreslog"
    r"|recommend\w*|suggest\w*|if|hvis|dersom|viss|ifall|will|'ll|should i|wonder\w*|lurer|undrar|spekulerer"
    r"|tør|dare|afraid|redd|rädd|bange)\b",
    _I,
)
_AFTER = re.compile(
    r"\b(?:etter|after|efter|despite|tross|trots|även efter|selv etter|sjølv etter|selv efter)\s+"
    r"(?:\S+\s+){0,2}$",
    _I,
)
# English "I" (or a chat's "i" opening the clause), never the Nordic preposition "i".
_I_SUBJECT = r"(?:\b(?-i:I)|(?:^|(?<=[.,!?;:] ))(?-i:i)|\b(?:we|jeg|eg|jag|vi|me))"
_SUBJECT_BEFORE = re.compile(rf"{_I_SUBJECT}\s+(?:\S+\s+)?$", _I)
_SECOND_PERSON_DONE = re.compile(
    r"\b(?:you|du|dere|ni|dykk)\s+(?:have|has|had|har|hadde|hade|havde)\b|\byou['’]ve\b", _I
)
_PRONOUN = re.compile(
    r"\b(?:it|them|den|det|dei|dem|dom|de|han|ho|hun|hon|him|her|begge|both|båda|bægge)\b", _I
)
_NOT_CONTINUATION = re.compile(
    r"\b(?:er|is|are|was|were|är|var|blir|ble|vart|har|has|have|lyser|lyste|virker|fungerer|works|still"
    r"|fortsatt|framleis|fortfarande|stadig|blinker|blinkar|står)\b",
    _I,
)
_DONE_ANAPHOR = re.compile(
    r"\b(?:(?:har|have|has|hadde|had)\s+(?:\S+\s+)?(?:gjort|done|prøvd|prøvt|prøvet|provat|tried|testet|testat"
    r"|tested|gjordt)\s+(?:det|that|it|this|dette|detta|den|dem|dei|them|those|alt|all)|['’]ve\s+(?:\S+\s+)?"
    r"(?:done|tried)\s+(?:that|it|this|those|them)|(?:det|that|this|dette|detta|den)\s+(?:har|have|hade|hadde)"
    r"\s+(?:jeg|eg|jag|i|vi|we)\s+(?:\S+\s+)?(?:gjort|prøvd|prøvt|provat|prøvet|done|tried|testet|testat)"
    r"|(?:did|tried|done)\s+(?:that|it|this)|gjorde\s+(?:det|jeg det|eg det|jag det)|(?:that|it|this|det"
    r"|dette|detta)\s+(?:didn'?t|did not|doesn'?t)\s+(?:help|work)|det\s+(?:hjalp|hjelpte|hjälpte|hjelper"
    r"|hjälper|hjælper|virket|fungerte|fungerade|virkede)\s+(?:ikke|ikkje|inte)|(?:allerede|already|redan"
    r"|allereie|alt)\s+(?:gjort|done|prøvd|tried|provat|prøvet|prøvt)|gjort det|gjorde det)\b"
    r"|^\W*(?:gjort|done|klart|check|sjekk|tjek)\b",
    _I,
)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|ja|jo|jepp|japp|jupp|done|gjort|allerede|already|redan|allereie|absolutely"
    r"|of course|selvfølgelig|sjølvsagt|självklart|selvfølgelig|flere ganger|several times|fleire gonger"
    r"|flera gånger|flere gange)\b",
    _I,
)


_OWN_SUBJECT = re.compile(rf"\b(?:har|have|has|had|hadde|hade|havde)\b|{_I_SUBJECT}\b|['’]ve\b", _I)
_CONTRAST = re.compile(r"\b(?:men|but|mais|however|though|although|dog|derimot|däremot)\b", _I)


def _chunks(sentence: str) -> list[tuple[int, int]]:
    """Clause pieces of a sentence, never cutting inside a named action ("skru av og på")."""
    spans = slots_family_spans(sentence)
    cuts = [
        m
        for m in _CHUNK_SPLIT.finditer(sentence)
        if not any(s < m.start() < e or s < m.end() <= e for s, e, _ in spans)
    ]
    out: list[tuple[int, int]] = []
    begin = 0
    for m in cuts:
        out.append((begin, m.start()))
        begin = m.end()
    out.append((begin, len(sentence)))
    return [(s, e) for s, e in out if sentence[s:e].strip()]


# "did a factory reset", "har gjort en omstart": the step was taken.
_DID = re.compile(
    r"^(?:did|done|gjort|gjorde|gjord|performed|utført|utførte|genomfört|genomförde|udført|udførte|kjørt"
    r"|kjørte|køyrt|kørt|kørte|kört|körde|ran|run)$",
    _I,
)

# Places one looks in: "ingenting i pakkeboksen", "not in spam", "naboene har ikke sett den" say they were
# checked.
_LOOKED_IN = frozenset({"mailbox", "spam", "neighbours"})


def _done(before: str, chunk: str, role: str, families: set[str] | None = None) -> bool | None:
    """True when a clause says the step was taken, False when it says it was not (or is a wish), else None."""
    if "?" in chunk:
        return False
    words = re.findall(r"[\w'-]+", chunk)
    if families and families <= _LOOKED_IN and not any(verb_class(w) for w in words):
        without_negation = _NEGATION.sub(" ", before)
        return role in ("customer", "note") and not _NOT_DONE.search(without_negation)
    if _RESULT.search(chunk) or _AFTER.search(before):
        return True
    if _NOT_DONE.search(before):
        return False
    if role not in ("customer", "note"):
        return True if _SECOND_PERSON_DONE.search(before) else False
    if _DONE_AUX.search(before) or _SUBJECT_BEFORE.search(before):
        return True
    if any(_PAST_FORM.match(w) and (is_action_verb(w) or verb_class(w)) or _DID.match(w) for w in words):
        return True
    return None


# A step no action family names, told in the perfect ("Har tørket av sensorene", "I've wiped the sensors",
# "Jag har redan avkalkat bryggaren") or in the past after its subject ("I descaled the machine", "Jeg
# avkalket kaffemaskinen"): its verb is kept and compared by stem with the verb a draft proposes.
ACT = "act"
_STEP_ADVERBS = (
    r"(?:(?:already|allerede|alt|allereie|redan|just|nettopp|nettop|precis|også|òg|också|also|both|begge"
    r"|båda|then|so|da|då|så|even|til og med|faktisk|actually)\s+)*"
)
_PERFECT_VERB = re.compile(
    rf"^\W*(?:(?:(?-i:I)|i|jeg|eg|jag|vi|we|me|they|de|dei)(?:\s+|(?=['’])))?(?:['’]ve|have|has|had|har|hadde"
    rf"|hade|havde)"
    rf"\s+{_STEP_ADVERBS}(?P<verb>[^\W\d_][\w-]+)",
    _I,
)
_PAST_VERB = re.compile(
    rf"^\W*(?:(?-i:I)|jeg|eg|jag|vi|we|me)\s+{_STEP_ADVERBS}(?P<verb>[^\W\d_][\w-]+(?:ed|et|te|de|a|at|ade"
    rf"|ede|t))\b",
    _I,
)


def _taken_verb(chunk: str, role: str) -> str | None:
    """The verb of a clause that says its writer took a step no family names, else None."""
    if role not in ("customer", "note") or "?" in chunk:
        return None
    m = _PERFECT_VERB.match(chunk) or _PAST_VERB.match(chunk)
    if m is None:
        return None
    verb = m.group("verb").lower()
    if _NEGATION.match(verb) or verb in NOT_TRIED_VERBS or verb in _AUX_WORDS or verb.endswith("n't"):
        return None
    if not slots_action_objects(chunk[m.end() :]):
        return None  # "I've tried" alone names nothing done to anything
    return verb


_AUX_WORDS = frozenset(
    "been vært vore varit været had hatt haft got fått fået fått gotten done gjort gjort gjord gjordt".split()
)


def sentence_steps(
    sentence: str, previous: str, index: int, role: str, *, known_done: bool = False
) -> list[Step]:
    """The steps a sentence reports as taken ("Jeg har restartet ruteren og byttet kabel": two)."""
    return [replace(s, index=index) for s in _sentence_steps(sentence, previous, role, known_done)]


@lru_cache(maxsize=8192)
def _sentence_steps(sentence: str, previous: str, role: str, known_done: bool) -> tuple[Step, ...]:
    """:func:`sentence_steps` at turn index 0, kept per sentence: a stored turn's sentences are read on
    every request about its customer, and what they report does not change (a pure function of its
    arguments and the packaged lexicons)."""
    index = 0
    spans = slots_family_spans(sentence)
    units: list[tuple[set[str], list[str], bool | None]] = []
    verbs: dict[int, str] = {}
    prefix: list[str] = []
    last_done: bool | None = None
    question = bool(_QUESTION_START.match(sentence.strip()))
    previous_end = 0
    for start, end in _chunks(sentence):
        chunk = sentence[start:end]
        joint = sentence[previous_end:start]
        previous_end = end
        families = {name for s, _, name in spans if start <= s < end}
        words = re.findall(r"[\w'-]+", chunk)
        generic = {c for c in (verb_class(w) for w in words) if c}
        taken = _taken_verb(chunk, role) if not families and not generic and not question else None
        if taken is not None:  # any verb and object: "Har tørket av sensorene", "I descaled the machine"
            units.append(({ACT}, [*prefix, chunk], True))
            verbs[len(units) - 1] = taken
            last_done = True
            prefix = []
            continue
        if not families and not generic:
            short = len(words) <= 4 and not _NOT_CONTINUATION.search(chunk)
            if units and short:
                units[-1][1].append(chunk)
            elif not units:
                prefix.append(chunk)
            continue
        first = min([s for s, _, _ in spans if start <= s < end] or [start])
        before = sentence[:first] if not units else sentence[start:first]
        done = _done(before, chunk, role, families)
        if done is None and known_done:
            done = True
        if question and not units:
            done = False
        if done is None or (
            done
            and last_done is False
            and not _OWN_SUBJECT.search(before)
            and not _CONTRAST.search(joint + before)
        ):
            done = last_done  # "Jeg har ikke restartet ruteren eller byttet kabel": neither was done
        last_done = done
        units.append((families | generic, [*prefix, chunk], done))
        prefix = []
    steps: list[Step] = []
    for number, (families, texts, done) in enumerate(units):
        if not done:
            continue
        text = " ".join(texts)
        objects = slots_action_objects(text)
        if _PRONOUN.search(texts[-1] if len(texts) == 1 else texts[0]) and previous:
            objects |= slots_action_objects(previous)
        steps.append(Step(frozenset(families), objects, text.strip(), index, verbs.get(number, "")))
    return tuple(steps)


def _proposal_steps(text: str, index: int, *, perfect_only: bool) -> list[Step]:
    """Steps an agent proposed that the customer then said they did ("Prøv å ..." - "Har gjort det")."""
    out: list[Step] = []
    for ask in find_asks(text):
        if TRIED not in ask.slots:
            continue
        about = ask.about or ask.text
        found = proposal_verb(about)
        if perfect_only and (found is None or found[0] != "perfect") and ask.about is None:
            continue
        families = set(action_families(about))
        generic = verb_class(found[1]) if found is not None else None
        if not families and generic is not None:
            families.add(generic)
        out.append(Step(frozenset(families), slots_action_objects(about), about, index))
    return out


def tried_steps(
    turns: Sequence[Turn],
    facts: Sequence[KnownFact] = (),
    *,
    analysis: ConversationAnalysis | None = None,
) -> list[Step]:
    """Every troubleshooting step the conversation (or a known "tried" fact) says was already taken.

    Steps come from what the customer (or an agent's note) says they did, from what an agent says the
    customer did ("du har allerede ..."), from a "tried" fact, and from a customer's "yes"/"done that" right
    after an agent proposed the step.
    """
    an = _analysis(turns, analysis)
    steps: list[Step] = []
    for fact in facts:
        if fact.kind.lower() == "tried":
            steps += sentence_steps(fact.value, "", -1, "customer", known_done=True)
    for index, turn in enumerate(turns):
        previous = ""
        for sentence in an.sentences(turn.text):
            steps += sentence_steps(sentence.text, previous, index, reading_role(turn))
            previous = sentence.text
        if turn.role != "customer" or index == 0 or turns[index - 1].role not in ("agent", "bot"):
            continue
        first = an.sentences(turn.text)[:1]
        if _DONE_ANAPHOR.search(turn.text):
            steps += _proposal_steps(turns[index - 1].text, index, perfect_only=False)
        elif first and _YES.match(first[0].text):
            steps += _proposal_steps(turns[index - 1].text, index, perfect_only=True)
    return steps


def match_step(ask: Ask, steps: Sequence[Step]) -> Step | None:
    """The newest step that is the action an ask proposes, done to the same thing.

    Every action the ask proposes must have been taken ("Tjek postkassen og spørg naboerne" is not a repeat
    when only the mailbox was checked): a step of the same family (restart, reset, update, cable, ...) that,
    when both name what they were done to, shares an object ("ruteren" ~ "routern"). An ask that names no
    family ("Har du sjekket innstillingene?") matches a step with the same generic verb (try, check) and at
    least two shared objects (or all of its own, when it names just one).
    """
    about = main_clause(ask.about or ask.text)  # not "Siden du allerede har restartet ruteren, ..."
    families = action_families(about)
    objects = slots_action_objects(about)
    if families:
        hits = [
            next(
                (
                    step
                    for step in reversed(steps)
                    if name in step.families
                    and (not objects or not step.objects or objects_overlap(objects, step.objects) >= 1)
                ),
                None,
            )
            for name in families
        ]
        return hits[0] if all(hits) else None
    found = proposal_verb(about)
    generic = verb_class(found[1]) if found is not None else None
    if generic is None or not objects:
        return None
    action = _proposed_action(about, found[1] if found is not None else "")
    if action is not None:
        by_meaning = _same_step(action, objects, steps)
        if by_meaning is not None:
            return by_meaning
    need = min(2, len(objects))
    by_class = next(
        (
            step
            for step in reversed(steps)
            if generic in step.families and step.objects and objects_overlap(objects, step.objects) >= need
        ),
        None,
    )
    return by_class if by_class is not None else same_things(about, objects, steps)


# Steps no family names: what a customer did with a verb of its own ("skrudd igjen", "teke bilete"), or tried.
_PLAIN = frozenset({"act", "try"})
_OTHER_THING = re.compile(
    r"\b(?:other|another|different|annen|anna|annet|andre|annan|annat|anden|andet|ein annan|ei anna|eit anna)"
    r"\s+(?:\w+\s+)?(?P<thing>[^\W\d_]{3,})",
    _I,
)


def same_things(about: str, objects: frozenset[str], steps: Sequence[Step]) -> Step | None:
    """The newest plain step done to the same things as a proposal, whatever verb either uses.

    A step no action family names (not a restart, a check, ...) is the proposed one when it shares two of
    the proposal's objects ("stenge stoppekranen under vasken" ~ "skrudd igjen stoppekranen under vasken"),
    or when both are about trying another of the same thing ("lade batteriet med ein annan ladar" ~ "prøvd
    ein annan ladar"). A check of a thing is never the same step as doing something to it.

    Args:
        about: the proposal's main clause.
        objects: its action objects (:func:`~assistant.guards.repeat_ask.slots.action_objects`).
        steps: the steps taken, oldest first.
    """
    if action_families(about) or len(objects) < 1:
        return None
    others = {m.group("thing").lower() for m in _OTHER_THING.finditer(about)}
    for step in reversed(steps):
        if not step.families <= _PLAIN or not step.objects:
            continue
        if len(objects) >= 2 and objects_overlap(objects, step.objects) >= 2:
            return step
        if others and "try" in step.families:
            tried = {m.group("thing").lower() for m in _OTHER_THING.finditer(step.text)}
            if objects_overlap(frozenset(others), frozenset(tried)) >= 1:
                return step
    return None


# The verb a "try" proposal is about: "Prøv å tørke av ...", "try descaling ...", "provat att avkalka ...".
_TRY_THEN = re.compile(
    r"\b(?:try|tried|trying|prøv\w*|prova\w*|provat|pröva\w*|forsøk\w*|forsøg\w*|försök\w*|freist\w*|husket"
    r"|huska|hugsa|remembered|remember|kommit\s+ihåg)\s+"
    r"(?:(?:å|att|at|to|og|and|gjerne|gärna|gerne|also|også|òg|først|first)\s+)*(?P<verb>[^\W\d_][\w-]+)",
    _I,
)


def _proposed_action(about: str, proposal: str) -> str | None:
    """The action verb a proposal names: the verb after "try" or, for other proposals, the verb itself."""
    m = _TRY_THEN.search(about)
    if m is not None:
        return m.group("verb").lower()
    return proposal.lower() if proposal and verb_class(proposal) is None else None


@lru_cache(maxsize=4)
def _stemmer(name: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(name)


@lru_cache(maxsize=65536)  # a pure function of the two words (and the lexicons); asked again on every draft
def same_verb(a: str, b: str) -> bool:
    """Two forms of one verb, in any of the five languages ("tørket" ~ "tørke", "wiped" ~ "wiping")."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True  # "töm" ~ "tömt", "skylle" ~ "skyllet"
    common = len(os.path.commonprefix([a, b]))
    if common >= 5 and common >= len(short) - 2:
        return True  # "descaled" ~ "descaling", "avkalket" ~ "avkalke"
    if any(
        _stemmer(lang).stemWord(a) == _stemmer(lang).stemWord(b)
        for lang in ("english", "norwegian", "swedish", "danish")
    ):
        return True
    found_a = _verb_actions(a)
    if found_a and found_a & _verb_actions(b):
        return True
    return any(
        long_.startswith(particle)
        and len(long_) - len(particle) >= 5
        and same_verb(long_[len(particle) :], short)
        for particle in _particles()
    )


@lru_cache(maxsize=1)
def _particles() -> tuple[str, ...]:
    """Verb particles of the five languages (lexicon ``particles``), longest first: a verb may be written with
    its particle before it as one word ("udlufte", "utföra", "avslutte")."""
    return tuple(
        sorted({w for w in words("particles") if len(w) >= 2 and " " not in w}, key=len, reverse=True)
    )


@lru_cache(maxsize=16384)
def _verb_actions(word: str) -> frozenset[str]:
    """The actions of the ``verb_synonyms`` lexicons a verb form names ("skylt" and "vasket": clean)."""
    stems = _stems(word)
    return frozenset(
        action for key, action in _verb_groups().items() if any(st.startswith(key) for st in stems)
    )


_SNOWBALL = ("english", "norwegian", "swedish", "danish")


def _stems(word: str) -> set[str]:
    return {_stemmer(lang).stemWord(word) for lang in _SNOWBALL} | {word}


@lru_cache(maxsize=1)
def _verb_groups() -> dict[str, str]:
    """The ``verb_synonyms`` lexicons by stem: "rinsed" and "cleaning" both name "clean"."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        for word, action in entries(lang, "verb_synonyms"):
            for stem in _stems(word):
                key = stem if len(stem) <= 4 else stem[: max(4, len(stem) - 1)]
                out.setdefault(key, action)
    return out


def imperative_repeat(sentence: str, steps: Sequence[Step]) -> Step | None:
    """A step taken that a draft's imperative proposes again, whatever its verb ("Töm papperskorgen ...").

    A sentence opening with a verb that has no place in the action lexicons is read as a proposal only
    when that verb, done to the same thing, is a step the conversation reports as taken.
    """
    if not any(step.verb for step in steps):
        return None
    m = re.match(
        r"^\W*(?:(?:please|just|then|now|gjerne|bare|berre|bara|så|først|först|fyrst)\s+)*"
        r"(?P<verb>[^\W\d_][\w-]*)\s",
        sentence,
        _I,
    )
    if m is None:
        return None
    objects = slots_action_objects(sentence[m.end() :])
    return _same_step(m.group("verb"), objects, steps) if objects else None


_COORDINATED_VERB = re.compile(
    r"\b(?:og|och|and|samt)\s+(?:har\s+|have\s+|also\s+|også\s+)?([^\W\d_]{3,})", _I
)


def _same_step(action: str, objects: frozenset[str], steps: Sequence[Step]) -> Step | None:
    """The newest step taken with the same verb on the same thing (any verb and object, by stems)."""
    things = frozenset(o for o in objects if not same_verb(o, action))
    for step in reversed(steps):
        # the step's verb, or a verb coordinated with it ("printet returlabelen og afleveret pakken")
        first = re.match(r"\s*([^\W\d_]{3,})", step.text)
        lead = step.verb or (
            first.group(1) if first else ""
        )  # "afleveret pakken i ...": a clause's first word
        verbs = [lead, *_COORDINATED_VERB.findall(step.text)] if lead else []
        if not any(same_verb(v, action) for v in verbs):
            continue
        done_to = frozenset(o for o in step.objects if not any(same_verb(o, v) for v in verbs))
        if not things or objects_overlap(things, done_to) >= 1:
            return step
    return None
