"""Where the conversation already answers a question: evidence from facts, messages and earlier answers.

Evidence is a typed value with the turn it came from:

* known facts (ids, contact details, addresses, products; a bare date or count in a fact does not say what
  it was for, so those are left to the conversation);
* every value a customer wrote, on any channel;
* what an agent *stated* (not what it asked), personal details only when said about the customer;
* a customer's answer right after an agent asked for a slot ("Which city?" - "Bergen"), and values an
  agent proposed that the customer then confirmed ("2 people at 7 pm, right?" - "Yes").

Dates, times, counts, amounts and categories belong to a request: when the customer moves on to another
kind of request ("...and a rental car there?") they stop answering questions about it (:func:`in_scope`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.guards.asks import Ask, find_asks, split_sentences
from assistant.guards.slots import accepts, family, proposed_slots
from assistant.guards.values import Value, extract_values, has_number
from assistant.types import KnownFact, Turn

__all__ = ["Evidence", "collect", "topics_of", "ask_topic", "in_scope"]

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
_FREE_FORM = frozenset(
    "place origin destination name recipient category product account_type ride_sharing address "
    "choice".split()
)
_EVASIVE = re.compile(
    r"^\W*(?:no|nope|later|hmm+|nei|nej|yes|yeah|yep|ok|okay|sure|ja|jo|japp|tja|thanks|thank you|takk|tack"
    r"|tak)\W*$|\b(?:don'?t know|not sure|no idea|not yet|not decided|haven'?t decided|vet ikke|vet jeg ikke"
    r"|veit ikkje|veit eg ikkje|vet inte|vet jag inte|ved ikke|ved jeg ikke|usikker|osäker|ikke ennå"
    r"|ikke enda|inte än|ikke endnu|ikkje enno|ikke bestemt|inte bestämt|ikkje bestemt)\b",
    _I,
)
_FACT_KINDS: dict[str, tuple[str, ...]] = {
    "order": ("order_number",),
    "order_id": ("order_number",),
    "order_number": ("order_number",),
    "booking_reference": ("order_number",),
    "reference": ("order_number",),
    "invoice_number": ("order_number",),
    "tracking": ("tracking_number",),
    "tracking_number": ("tracking_number",),
    "serial": ("serial_number",),
    "serial_number": ("serial_number",),
    "account": ("account_id",),
    "account_id": ("account_id",),
    "customer_number": ("account_id",),
    "email": ("email",),
    "phone": ("phone",),
    "address": ("address", "destination"),
    "name": ("name",),
    "customer_name": ("name",),
    "recipient": ("recipient",),
    "product": ("product",),
    "model": ("product",),
    "date": ("date",),
    "return_date": ("end_date",),
    "end_date": ("end_date",),
    "time": ("time",),
    "duration": ("duration",),
    "amount": ("amount",),
    "price_range": ("price_range",),
    "budget": ("price_range",),
    "place": ("place",),
    "city": ("place",),
    "location": ("place",),
    "origin": ("origin",),
    "destination": ("destination", "place"),
    "count": ("party_size", "quantity"),
    "party_size": ("party_size",),
    "quantity": ("quantity",),
    "category": ("category",),
    "account_type": ("account_type",),
}


def _fact_evidence(facts: Sequence[KnownFact]) -> list[Evidence]:
    """Facts about the customer: ids, contact details, addresses, products and places.

    A date, time, count or amount on its own does not say which request it belongs to (the order date is not
    the delivery date), so those kinds are left to the conversation, where their context is known.
    """
    out: list[Evidence] = []
    for fact in facts:
        kind = fact.kind.lower().strip().replace(" ", "_").replace("-", "_")
        for slot in _FACT_KINDS.get(kind, (kind,)):
            if family(slot) not in _SCOPED:
                out.append(Evidence(slot, fact.normalized or fact.value, -1))
    return out


def _turn_values(turn: Turn, context: str = "") -> list[Value]:
    """Values a turn gives: all of a customer's; an agent's only from statements, not from questions."""
    if turn.role == "customer":
        return extract_values(turn.text, speaker="customer", context=context)
    values: list[Value] = []
    for sentence in split_sentences(turn.text):
        if "?" in sentence.text and not re.match(
            r"^(?:to confirm|please confirm|just to confirm)", sentence.text, _I
        ):
            continue
        for v in extract_values(sentence.text, speaker="agent" if turn.role != "note" else "customer"):
            if turn.role != "note" and v.slot in _PERSONAL and not _SECOND_PERSON.search(sentence.text):
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


def _confirmed(asker: Turn, answer: Turn) -> list[Value]:
    """Values an agent proposed in a question that the customer then confirmed."""
    if not _accepts_proposal(answer.text):
        return []
    values: list[Value] = []
    for sentence in split_sentences(asker.text):
        if "?" in sentence.text or re.search(r"\bconfirm|\bbekreft|\bbekräfta|\bbekræft", sentence.text, _I):
            for v in extract_values(sentence.text, speaker="agent"):
                if v.slot == "address":
                    values.append(replace(v, slot="venue"))
                elif v.slot not in _PERSONAL:
                    values.append(v)
    return values


def _choice_evidence(turns: Sequence[Turn]) -> list[Evidence]:
    """An option the agent named (a place or venue) that the customer then accepted or booked."""
    out: list[Evidence] = []
    for i in range(len(turns) - 1):
        if turns[i].role not in ("agent", "bot"):
            continue
        named = [v for v in extract_values(turns[i].text, speaker="agent") if family(v.slot) == "place"]
        later = turns[i + 1 :]
        if named and any(t.role == "customer" and _accepts_proposal(t.text) for t in later):
            out.append(Evidence("choice", named[0].text, i))
    return out


# Values without a role take the role of the question they answer ("Where from?" - "Bergen").
_ROLELESS = frozenset({"place", "date", "time", "quantity", "amount"})


def _answer_value(slot: str, values: list[Value]) -> Value | None:
    """The value in an answer that answers a question about ``slot``, if any."""
    fitting = accepts(slot) | {slot}
    exact = next((v for v in values if v.slot in fitting), None)
    if exact is not None:
        return exact
    return next((v for v in values if v.slot in _ROLELESS and family(v.slot) == family(slot)), None)


def _plain_answer(text: str) -> bool:
    """A reply that neither dodges nor asks back and names something: it answers whatever was asked.

    Short replies ("san jose", "Psychologist please") count as they are; longer ones need a name in them
    ("I'm staying with friends in Bergen"), not just a new wish ("I want to go to a concert").
    """
    if "?" in text or _EVASIVE.search(text):
        return False
    words = text.split()
    named = any(w[:1].isupper() for w in words[1:]) or any(w.isupper() and len(w) > 1 for w in words)
    return len(words) <= 5 or (named and len(words) <= 20)


def _answer_evidence(turns: Sequence[Turn], language: str | None) -> list[Evidence]:
    """Answers the customer gave right after an agent asked for a slot (or confirmed a proposal)."""
    out: list[Evidence] = []
    for i in range(len(turns) - 1):
        asker, answer = turns[i], turns[i + 1]
        if asker.role not in ("agent", "bot") or answer.role != "customer":
            continue
        out += [Evidence(v.slot, v.text, i + 1) for v in _confirmed(asker, answer)]
        open_slots: list[str] = []
        for ask in find_asks(asker.text, language):
            proposed = proposed_slots(ask.text)
            open_slots += [s for s in ask.slots if family(s) not in proposed and s not in proposed]
        if not open_slots:
            continue
        values = extract_values(answer.text, speaker="customer")
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
    return out


# What a request is about. When the customer turns to another kind of service ("...and a rental car
# there?"), dates, times, counts, amounts and categories said for the earlier request no longer answer
# questions about the new one; places, names and ids still do ("a hotel near there").
_SERVICES: dict[str, str] = {
    "bus": r"bus|buses|coach|train|trains|tog|tåg",
    "flight": r"flight|flights|fly|plane|airline|flyreise|flyg|flyget|flyet",
    "hotel": r"hotel|hotels|hotell|hotellet|hotellrom",
    "car": r"rental car|rent a car|car rental|rental|leiebil|hyrbil|lejebil",
    "ride": r"cab|taxi|ride|uber|lyft|drosje",
    "restaurant": r"restaurant|restaurants|table|dine|dinner|lunch|bord|restaurang",
    "event": r"event|events|concert|concerts|show|game|games|festival|konsert|forestilling|föreställning",
    "appointment": r"appointment|therapist|doctor|dentist|salon|stylist|psycholog\w*|psychiatr\w*"
    r"|timebestill\w*",
    "home": r"apartment|apartments|house|property|leilighet|lägenhet|lejlighed",
    "movie": r"movie|movies|film|cinema|kino|bio",
    "attraction": r"attraction|attractions|sightseeing",
    "bank": r"transfer|balance|saldo|overføring|överföring|overførsel",
    "weather": r"weather|forecast|været|vädret|vejret",
    "music": r"song|songs|playlist|sang|låt",
}
_SERVICE_RES = {name: re.compile(rf"\b(?:{words})\b", _I) for name, words in _SERVICES.items()}
# Words that tie a question to a kind of request ("how many bedrooms" is about a home, "check in" a hotel).
_ASK_SERVICE_RES = {
    "home": re.compile(r"\bbed ?rooms?\b|\bbath ?rooms?\b|\bsoverom\b|\bsovrum\b|\bvisit the apartment", _I),
    "hotel": re.compile(
        r"\bcheck(?:ing)?[- ]?(?:in|out)\b|\bstay\w*|\bnights?\b|\binnsjekk\w*|\bincheck\w*", _I
    ),
    "car": re.compile(
        r"\b(?:the|a) (?:car|vehicle)\b|\brent(?:al)?\b|\bpick(?:ing)?[- ]?(?:it )?up\b|\bdrop", _I
    ),
    "ride": re.compile(r"\briding\b|\briders?\b|\bshared?\b", _I),
    "flight": re.compile(r"\bflying\b|\bdepart\w*|\bpassengers?\b", _I),
    "restaurant": re.compile(r"\bfood\b|\bcuisine\b|\beat\b|\breservation\b", _I),
    "bank": re.compile(r"\bmoney\b|\bfunds\b|\baccount\b|\bsend\b", _I),
}
_SCOPED = frozenset({"date", "time", "count", "amount", "category", "choice"})


def _services(text: str) -> frozenset[str]:
    return frozenset(name for name, rx in _SERVICE_RES.items() if rx.search(text))


def topics_of(turns: Sequence[Turn]) -> list[frozenset[str]]:
    """For each turn, the kinds of request the customer was on at that point (what they last brought up)."""
    out: list[frozenset[str]] = []
    current: frozenset[str] = frozenset()
    for turn in turns:
        if turn.role == "customer":
            groups = _services(turn.text)
            if groups:
                current = (groups - current) or groups
        out.append(current)
    return out


def ask_topic(ask: Ask, topics: list[frozenset[str]]) -> frozenset[str]:
    """What an ask may be about: the request it names and the one the customer is on now."""
    named = _services(ask.text) | {name for name, rx in _ASK_SERVICE_RES.items() if rx.search(ask.text)}
    return frozenset(named) | (topics[-1] if topics else frozenset())


def in_scope(evidence: Evidence, now: frozenset[str], topics: list[frozenset[str]]) -> bool:
    """Dates, times, counts, amounts and categories answer only questions about the same kind of request."""
    if evidence.index < 0 or family(evidence.slot) not in _SCOPED:
        return True
    then = topics[evidence.index]
    return not now or not then or bool(now & then)


def collect(turns: Sequence[Turn], facts: Sequence[KnownFact], language: str | None) -> list[Evidence]:
    """All the evidence a conversation and the known facts hold, oldest first (facts before turns).

    Args:
        turns: the conversation on every channel, oldest first, the customer's latest message last.
        facts: known facts about the customer.
        language: the conversation's language, for reading the agent's questions; None tries all five.

    Returns:
        Evidence in the order it was given; callers search it newest first.
    """
    evidence = _fact_evidence(facts)
    any_place = False
    for index, turn in enumerate(turns):
        context = turns[index - 1].text if index > 0 else ""
        for v in _turn_values(turn, context):
            if v.slot.startswith("deictic_") and not any_place:
                continue
            any_place = any_place or family(v.slot) in ("place", "address")
            evidence.append(Evidence(v.slot, v.text, index))
    evidence += _answer_evidence(turns, language)
    evidence += _choice_evidence(turns)
    return evidence
