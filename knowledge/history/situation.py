"""The customer's situation: where their matter stands at the time a message arrives.

Built once per request from the context card (orders with their metadata, appointments, the facts the
extractor found: what was tried, what we promised, case numbers, addresses) and the timeline (every
channel), relative to ``now``, the time the message arrives:

- **orders**, newest first, with status, carrier, tracking, ETA, delivery/pickup, address, total, and whether
  the order is a (free) replacement of another one;
- **refunds** (an order's ``refund`` block): amount, status, when it was paid or is expected, and whether it
  is overdue at ``now``;
- **appointments**, with whether they are still ahead;
- **promises** made by us (agents, bots, notes): their due time, read from the promise's words ("seinast
  torsdag 12. mars", "inom 24 timmar", "by Monday"), and their state at ``now``: ``pending`` (not due yet),
  ``kept`` (one of us wrote again after the promise, before it ran out), ``overdue``, or ``open`` (no due
  time said);
- what the customer already **tried**, **case numbers**, the newest **address** the customer gave;
- each conversation's **open question** (its last customer message when nobody answered after it), and what
  was **resolved** (closed conversations).

Events after ``now`` are ignored, so a case (or a replay) sees the history as it stood. Nothing here guesses:
a field the history does not hold stays empty. Field names are documented in ``docs/situation.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.facts import extract_facts
from knowledge.history.card import CustomerCard, FactOut, MessageOut, OrderOut

PromiseState = Literal["pending", "kept", "overdue", "open"]
# An order's status, as shops name it (lower case), by where the order is: read by the situation, the
# drafts that state it and the request type it confirms, so that all three agree on what a status means.
#: Not sent yet: it can still be changed or cancelled.
NOT_SHIPPED = frozenset(
    {
        "processing",
        "new",
        "paid",
        "confirmed",
        "pending",
        "received",
        "placed",
        "open",
        "on_hold",
        "on-hold",
        "unfulfilled",
        "awaiting_shipment",
        "packed",
    }
)
#: On its way.
IN_TRANSIT = frozenset({"shipped", "in_transit", "dispatched", "sent"})
#: Fetched by the customer (at a pickup point or a store).
COLLECTED = frozenset({"collected", "picked_up"})
#: With the customer.
DELIVERED = frozenset({"delivered", *COLLECTED})
#: Sent back, or on its way back.
RETURNED = frozenset({"returned", "return_requested", "return_received", "refunded"})
#: Nothing more will happen to it: delivered, collected, cancelled or returned.
DONE_STATUSES = frozenset({*DELIVERED, "cancelled", "returned", "refunded"})

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WITHIN_HOURS = re.compile(r"(\d{1,3})\s*(?:timer|timar|timmar|time|timme|hours?|h)\b", re.IGNORECASE)
_WITHIN_DAYS = re.compile(
    r"(\d{1,2})\s*(?:arbeids|virke|yrkes|vardag|hverdag|working\s|business\s)?"
    r"(?:dager|dagar|dage|days?|dagen|døgn|dygn)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]*\?")
# "this week" / "next week" in the five languages: due at the end of that week's Sunday.
_THIS_WEEK = re.compile(
    r"\b(?:this\s+week|denne\s+uk[ae]n?|denne\s+veka|(?:i\s+)?denna\s+vecka|den\s+här\s+veckan|(?:i\s+)?denne\s+uge)\b",
    re.IGNORECASE,
)
_NEXT_WEEK = re.compile(
    r"\b(?:next\s+week|neste\s+uke|neste\s+veke|nästa\s+vecka|næste\s+uge)\b", re.IGNORECASE
)


class RefundState(BaseModel):
    order_id: str
    amount: float | None = None
    currency: str | None = None
    status: str | None = None  # initiated, paid, failed
    at: datetime | None = None
    expected_by: date | None = None
    method: str | None = None
    overdue: bool = False


class OrderState(BaseModel):
    id: str
    status: str | None = None
    items: list[str] = Field(default_factory=list)
    placed_at: datetime | None = None
    updated_at: datetime | None = None
    carrier: str | None = None
    tracking: str | None = None
    eta: date | None = None
    delivered_at: datetime | None = None
    pickup_point: str | None = None
    shipping_address: str | None = None
    total: float | None = None
    currency: str | None = None
    payment: str | None = None
    replacement_for: str | None = None
    replacement: bool = False  # a replacement (or advance exchange) of another order, free of charge
    invoice_due: date | None = None  # when its invoice must be paid (the order's field, or our message)
    refund: RefundState | None = None

    @property
    def open(self) -> bool:
        """Not yet delivered, collected, cancelled or returned."""
        return (self.status or "").lower() not in DONE_STATUSES


class AppointmentState(BaseModel):
    id: str
    at: datetime
    subject: str | None = None
    place: str | None = None
    status: str | None = None
    window_end: datetime | None = None
    upcoming: bool = False


class Promise(BaseModel):
    text: str
    made_at: datetime | None = None
    due: datetime | None = None
    state: PromiseState = "open"
    channel: str | None = None
    source: str | None = None
    role: str | None = None  # who made it: agent, bot (words the customer saw) or note (internal)


class ConversationState(BaseModel):
    id: str
    channel: str
    subject: str | None = None
    status: str
    open_question: str | None = None


class Situation(BaseModel):
    """Where the customer's matter stands at ``now`` (see the module docstring)."""

    now: datetime
    orders: list[OrderState] = Field(default_factory=list)
    refunds: list[RefundState] = Field(default_factory=list)
    appointments: list[AppointmentState] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    tried: list[str] = Field(default_factory=list)
    case_numbers: list[str] = Field(default_factory=list)
    address: str | None = None  # the newest address the customer gave in a message
    conversations: list[ConversationState] = Field(default_factory=list)
    resolved: list[str] = Field(default_factory=list)

    @property
    def overdue_promises(self) -> list[Promise]:
        return [p for p in self.promises if p.state == "overdue"]

    @property
    def empty(self) -> bool:
        return not (self.orders or self.appointments or self.promises or self.tried)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return _utc(value)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            return None
    return None


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None and not isinstance(value, dict | list) else None


def _item_names(items: Sequence[Any]) -> list[str]:
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item if isinstance(item, str) else None
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def order_state(order: OrderOut, now: datetime) -> OrderState:
    """One order of the card as a situation item (the documented order fields read from its metadata)."""
    meta = order.meta
    total = _number(meta.get("total"))
    replacement_for = _text(meta.get("replacement_for"))
    state = OrderState(
        id=order.id,
        status=order.status,
        items=_item_names(order.items),
        placed_at=_utc(order.placed_at) if order.placed_at else None,
        updated_at=_utc(order.updated_at) if order.updated_at else None,
        carrier=_text(meta.get("carrier")),
        tracking=_text(meta.get("tracking")),
        eta=_date(meta.get("eta")),
        delivered_at=_datetime(meta.get("delivered_at")),
        pickup_point=_text(meta.get("pickup_point")) or _text(meta.get("pickup_store")),
        shipping_address=_text(meta.get("shipping_address")),
        total=total if total is not None else _items_total(order.items),
        currency=_text(meta.get("currency")),
        payment=_text(meta.get("payment")),
        replacement_for=replacement_for,
        invoice_due=_date(meta.get("invoice_due") or meta.get("due_date") or meta.get("payment_due")),
        replacement=replacement_for is not None
        or (total == 0 and any(p == 0 for p in _prices(order.items)) and bool(order.items)),
    )
    refund = meta.get("refund")
    if isinstance(refund, dict):
        r = RefundState(
            order_id=order.id,
            amount=_number(refund.get("amount")),
            currency=_text(refund.get("currency")) or state.currency,
            status=_text(refund.get("status")),
            at=_datetime(refund.get("at")),
            expected_by=_date(refund.get("expected_by")),
            method=_text(refund.get("method")) or state.payment,
        )
        r.overdue = (
            (r.status or "").lower() != "paid" and r.expected_by is not None and r.expected_by < now.date()
        )
        state.refund = r
    return state


def _items_total(items: Sequence[Any]) -> float | None:
    """An order's total from its items (price times quantity, 1 when not given) when every item has a
    price; None otherwise (an order event without ``total``)."""
    total = 0.0
    for item in items:
        price = _number(item.get("price")) if isinstance(item, dict) else None
        if price is None:
            return None
        qty = _number(item.get("qty")) or _number(item.get("quantity")) or 1.0
        total += price * qty
    return total if items else None


def _prices(items: Sequence[Any]) -> list[float]:
    out = []
    for item in items:
        if isinstance(item, dict) and (price := _number(item.get("price"))) is not None:
            out.append(price)
    return out


def promise_due(text: str, made_at: datetime | None) -> datetime | None:
    """When a promise runs out, from its own words, relative to when it was made.

    A date ("12. mars", "9 March") is due at the end of that day; a weekday ("torsdag", "by Monday") the end
    of its next occurrence after the promise; "this week" / "next week" (each language) the end of that
    week's Sunday (at the weekend "this week" is the coming one); "within 24 hours" / "innen 3 virkedager"
    that long after it.
    None when the words name no time, or no time of making is known for a relative one.
    """
    facts = extract_facts(text, role="agent")
    dates = [f.normalized or f.value for f in facts if f.kind == "date"]
    for value in dates:
        m = re.fullmatch(r"(\d{4})?-?-(\d{2})-(\d{2})", value)
        if m:
            year = int(m.group(1)) if m.group(1) else (made_at or datetime.now(UTC)).year
            try:
                day = date(year, int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            if made_at is not None and not m.group(1) and day < made_at.date() - timedelta(days=180):
                day = date(year + 1, day.month, day.day)
            return datetime.combine(day, time(23, 59), tzinfo=UTC)
    if made_at is None:
        return None
    for value in dates:
        words = value.lower().split()
        if words and words[-1] in _WEEKDAYS:
            ahead = (_WEEKDAYS.index(words[-1]) - made_at.weekday()) % 7 or 7
            return datetime.combine(made_at.date() + timedelta(days=ahead), time(23, 59), tzinfo=UTC)
        if value.lower() == "tomorrow":
            return datetime.combine(made_at.date() + timedelta(days=1), time(23, 59), tzinfo=UTC)
        if value.lower() == "today":
            return datetime.combine(made_at.date(), time(23, 59), tzinfo=UTC)
    for pattern, weeks in ((_THIS_WEEK, 0), (_NEXT_WEEK, 1)):
        if pattern.search(text):
            weeks += 1 if weeks == 0 and made_at.weekday() >= 5 else 0  # said at the weekend: the coming week
            sunday = made_at.date() + timedelta(days=6 - made_at.weekday() + 7 * weeks)
            return datetime.combine(sunday, time(23, 59), tzinfo=UTC)
    if m := _WITHIN_HOURS.search(text):
        return made_at + timedelta(hours=int(m.group(1)))
    if m := _WITHIN_DAYS.search(text):
        return made_at + timedelta(days=int(m.group(1)))
    return None


def _promises(
    promised: Sequence[FactOut],
    timeline: Sequence[MessageOut],
    now: datetime,
    activity: Sequence[datetime] = (),
) -> list[Promise]:
    by_id = {m.id: m for m in timeline}
    # Each message is read once, not once per promise: the customer's confirmations, and our own messages.
    confirmations = [
        m
        for m in timeline
        if m.role == "customer"
        and m.at <= now
        and _CONFIRMED.search(m.text)
        and not _STILL_NOT.search(m.text)
    ]
    # Our messages after a promise keep it, except one that only makes another promise ("sorry, we need
    # until Monday"): a message that is a promise's source counts when it says more than its promises.
    promised_in: dict[str, list[str]] = {}
    for f in promised:
        if f.source:
            promised_in.setdefault(f.source, []).append(f.value)
    ours = [
        m
        for m in timeline
        if m.role in ("agent", "note", "bot")
        and (m.id not in promised_in or _says_more_than(m.text, promised_in[m.id]))
    ]
    out: list[Promise] = []
    seen: set[str] = set()
    for fact in sorted(promised, key=lambda f: _utc(f.at) if f.at else now):
        made_at = fact.at or (by_id[fact.source].at if fact.source in by_id else None)
        made_at = _utc(made_at) if made_at is not None else None
        if made_at is not None and made_at > now:
            continue
        key = fact.value.casefold()
        if key in seen or _customer_commitment(fact.value):
            continue
        seen.add(key)
        due = promise_due(fact.value, made_at)
        role = by_id[fact.source].role if fact.source in by_id else None
        promise = Promise(
            text=fact.value, made_at=made_at, due=due, channel=fact.channel, source=fact.source, role=role
        )
        confirmed = [  # the customer says it happened ("the invoice is gone now 👍", "den kom i dag")
            m for m in confirmations if made_at is not None and made_at < m.at
        ]
        if due is None:
            promise.state = "kept" if confirmed else "open"
        elif now <= due:
            promise.state = "kept" if confirmed else "pending"
        else:
            later = [  # (``ours`` leaves out another promise's message: it does not keep this one)
                m for m in ours if made_at is not None and made_at < m.at <= min(due + timedelta(days=1), now)
            ]
            acted = [  # an order placed for the promise (within the hour before it, or after) keeps it
                t
                for t in activity
                if _SENDING.search(fact.value)
                and made_at is not None
                and made_at - timedelta(hours=1) < t <= min(due + timedelta(days=1), now)
            ]
            promise.state = "kept" if later or acted or confirmed else "overdue"
        out.append(promise)
    return out


# The customer, not us, is the subject: "Kunden sender gammel ruter i retur innen 14 dager", "you return
# the old one within 14 days". Notes record the customer's own commitments beside ours.
_CUSTOMER_SUBJECT = re.compile(
    r"^\W*(?:(?:the\s+)?customer|kunden|kunde|kund|kundin|han|hun|ho|hon|he|she|they"
    r"|(?:du|you|dere|de|ni|I)\s+(?:skal\s+|ska\s+|will\s+|vil\s+|må\s+|must\s+)?"
    r"(?:sende\w*|send\w*|skick\w*|return\w*|levere\w*|lever\w*|aflever\w*|lämna\w*|ta\w*\s+med|bring\w*"
    r"|post\w*|ship\w*))\b",
    re.IGNORECASE,
)
# A customer's message saying a thing happened, and one saying it still has not.
_CONFIRMED = re.compile(
    r"(?:\b(?:is|are|er|är|e)\s+(?:gone|borte|vekk|borta|væk|sorted|ordnet|ordna|fixed|fiksa|fikset|løst|löst"
    r"|done|here|kommet|komen|kommen|kommet\s+frem|arrived|received)"
    r"|\b(?:kom|kommet|kom\s+fram|arrived|came|fikk|fekk|fick|fik|got|received|mottok|mottatt|fått|fået"
    r"|funker|fungerer|fungerar|virker|works|working)\b.{0,40}\b(?:i\s*dag|idag|today|nå|no|nu|now|takk|tack"
    r"|tak|thanks|thank)\b"
    r"|👍|\b(?:takk|tack|tak|thanks|thank you)\b.{0,3}!)",
    re.IGNORECASE,
)
_STILL_NOT = re.compile(
    r"\b(?:still|fortsatt|fremdeles|framleis|fortfarande|stadig|stadigvæk|ennå|enno|ännu|endnu|not|ikke|ikkje"
    r"|inte|never|aldri|aldrig|no)\b",
    re.IGNORECASE,
)


# How long something usually takes ("delivery takes 3-7 working days") informs; it commits us to nothing.
_DURATION = re.compile(
    r"^\W*(?:\w+\s+){0,3}?(?:takes|take|tar|tager|tek|tar\s+det|tager\s+det)\b", re.IGNORECASE
)


_WORD = re.compile(r"\w+")
_MORE_THAN_PROMISE_WORDS = 15  # words beyond its promises that make a message a reply of its own


def _says_more_than(text: str, promises: Sequence[str]) -> bool:
    """Whether our message holds more than the promises read from it: an answer with an offer at its end
    ("we see the router changes channel ... tell us if it does not help and we send a new one") is a reply
    that keeps an earlier "we will get back to you"; a bare postponement is not."""
    rest = text
    for value in promises:
        rest = rest.replace(value, " ")
    return len(_WORD.findall(rest)) >= _MORE_THAN_PROMISE_WORDS


def _customer_commitment(text: str) -> bool:
    """Whether a "promise" is not ours to keep: the customer's own commitment (a note's "the customer
    returns it within 14 days"), or how long something usually takes."""
    return bool(_CUSTOMER_SUBJECT.search(text) or _DURATION.search(text))


def _order_times(order: OrderState) -> list[datetime]:
    """When we acted on an order (placed or updated it): a promise to send something is kept by that."""
    return [t for t in (order.placed_at, order.updated_at) if t is not None]


# A promise to send or order something is kept by the order we placed for it.
_SENDING = re.compile(
    r"\b(?:send\w*|skick\w*|ship\w*|dispatch\w*|bestill\w*|beställ\w*|erstat\w*|ersätt\w*|replac\w*)",
    re.IGNORECASE,
)
_COLLECTED = re.compile(
    r"\b(?:hentet|henta|hämtat|hämtade|hämtats|afhentet|collected|picked up)\b", re.IGNORECASE
)


def _mark_collected(orders: Sequence[OrderState], timeline: Sequence[MessageOut]) -> None:
    """A delivered order whose parcel a later message says was collected ("ny pakke hentet i dag") is
    ``collected``: the customer has it, and must not be told to wait for it."""
    for order in orders:
        status = (order.status or "").lower()
        if status not in ("delivered", "shipped", "ready_for_pickup") or order.placed_at is None:
            continue
        placed = order.placed_at
        said = next((m for m in timeline if m.at >= placed and _COLLECTED.search(m.text)), None)
        if said is not None:
            order.status = "collected"
            order.delivered_at = order.delivered_at or said.at


def _conversation_states(card: CustomerCard, timeline: Sequence[MessageOut]) -> list[ConversationState]:
    out = []
    for conv in [*card.open_conversations, *card.recent_conversations]:
        msgs = [m for m in timeline if m.conversation_id == conv.id]
        question = None
        if msgs and msgs[-1].role == "customer":
            text = " ".join(msgs[-1].text.split())
            asked = _SENTENCE.findall(text)
            question = (asked[-1].strip() if asked else text)[:200]
        out.append(
            ConversationState(
                id=conv.id,
                channel=conv.channel,
                subject=conv.subject,
                status=conv.status,
                open_question=question,
            )
        )
    return out


def build_situation(
    card: CustomerCard, timeline: Sequence[MessageOut], now: datetime | None = None
) -> Situation:
    """The customer's situation at ``now`` (default: the current time).

    Args:
        card: the customer's context card.
        timeline: their messages on every channel, oldest first.
        now: the time the message arrives; history after it is ignored.

    Returns:
        The situation (see the module docstring).
    """
    now = _utc(now) if now is not None else datetime.now(UTC)
    timeline = [  # (messages from the store are in UTC already: used as they are, not copied)
        m if m.at.tzinfo is UTC else m.model_copy(update={"at": _utc(m.at)})
        for m in timeline
        if _utc(m.at) <= now
    ]
    orders = [order_state(o, now) for o in card.orders if o.placed_at is None or _utc(o.placed_at) <= now]
    orders.sort(key=lambda o: o.updated_at or o.placed_at or now, reverse=True)
    if orders:
        _mark_collected(orders[:1], timeline)
        _invoice_dues(orders, timeline)
    appointments = [
        AppointmentState(
            **{**a.model_dump(), "at": _utc(a.at)},
            upcoming=_utc(a.at) >= now and (a.status or "booked") == "booked",
        )
        for a in card.appointments
    ]
    facts_before = [f for f in card.facts if f.at is None or _utc(f.at) <= now]
    addresses = [
        f
        for f in facts_before
        if f.kind == "address"
        and f.source not in (None, "profile")
        and not (f.source or "").startswith("order:")
    ]
    case_numbers = [f.value for f in facts_before if f.kind == "case_number"]
    for m in timeline:  # our own messages name case numbers that are not stored as the customer's facts
        if m.role in ("agent", "note", "bot"):
            case_numbers += [f.value for f in extract_facts(m.text, role=m.role) if f.kind == "case_number"]
    case_numbers = list(dict.fromkeys(case_numbers))
    tried = list(dict.fromkeys(f.value for f in card.tried if f.at is None or _utc(f.at) <= now))
    return Situation(
        now=now,
        orders=orders,
        refunds=[o.refund for o in orders if o.refund is not None],
        appointments=appointments,
        promises=_promises(card.promised, timeline, now, [t for o in orders for t in _order_times(o)]),
        tried=tried,
        case_numbers=case_numbers,
        address=max(addresses, key=lambda f: _utc(f.at) if f.at else now).value if addresses else None,
        conversations=_conversation_states(card, timeline),
        resolved=[c.subject or c.id for c in card.recent_conversations if c.status == "closed"],
    )


# Our message about when an invoice is to be paid: "Fakturaen ... forfaller 15. mai", "ska betalas senast den
# 15 maj", "the invoice is due on 15 May".
_INVOICE_DUE = re.compile(
    r"\b(?:faktura\w*|invoice\w*|rekning\w*|regning\w*|räkning\w*)\b.{0,120}"
    r"\b(?:forfall\w*|forfell\w*|forfald\w*|förfall\w*|due|betal\w*\s+(?:senest|senast|seinast|innen|innan|inden|by))\b",
    re.IGNORECASE | re.DOTALL,
)


def _invoice_dues(orders: Sequence[OrderState], timeline: Sequence[MessageOut]) -> None:
    """An order without its own invoice due date takes the date our newest message gives for its invoice:
    the message names the order, or the customer has one order."""
    for m in reversed(timeline):
        if m.role not in ("agent", "note", "bot") or not _INVOICE_DUE.search(m.text):
            continue
        named = [o for o in orders if o.id in m.text]
        target = named[0] if named else (orders[0] if len(orders) == 1 else None)
        if target is None or target.invoice_due is not None:
            continue
        facts = extract_facts(m.text, role=m.role)
        if not any(f.kind == "date" for f in facts):
            continue
        due = promise_due(m.text, m.at)
        if due is not None:
            target.invoice_due = due.date()


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.0f} {currency or ''}".replace(",", " ").strip()


def describe_situation(situation: Situation) -> list[str]:
    """The situation as short lines (the context card, the LLM prompt): orders, refunds, appointments,
    promises with their state, what was tried, open questions, what was resolved."""
    lines = []
    for o in situation.orders:
        parts = [f"order {o.id}: {o.status or '?'}"]
        if o.replacement:
            parts.append(
                f"free replacement of {o.replacement_for}" if o.replacement_for else "free replacement"
            )
        if o.carrier or o.tracking:
            parts.append(" ".join(x for x in (o.carrier, o.tracking) if x))
        if o.eta:
            parts.append(f"ETA {o.eta.isoformat()}")
        if o.invoice_due:
            parts.append(f"invoice due {o.invoice_due.isoformat()}")
        if o.delivered_at:
            parts.append(f"delivered {_stamp(o.delivered_at)}")
        if o.pickup_point:
            parts.append(f"pickup {o.pickup_point}")
        lines.append(" · ".join(parts))
    for r in situation.refunds:
        when = f"paid {_stamp(r.at)}" if (r.status or "") == "paid" else f"expected by {r.expected_by or '?'}"
        flag = " · OVERDUE" if r.overdue else ""
        lines.append(f"refund {r.order_id}: {_money(r.amount, r.currency)} {r.status or ''} · {when}{flag}")
    for a in situation.appointments:
        state = "upcoming" if a.upcoming else (a.status or "past")
        lines.append(f"appointment {a.id}: {a.subject or ''} {_stamp(a.at)} {a.place or ''} · {state}")
    for p in situation.promises:
        due = _stamp(p.due) if p.due else "no time said"
        lines.append(f"promise ({p.state.upper()}, due {due}): {p.text}")
    for t in situation.tried:
        lines.append(f"tried: {t}")
    for c in situation.conversations:
        if c.open_question:
            lines.append(f"open on {c.channel}: {c.open_question}")
    for done in situation.resolved:
        lines.append(f"resolved: {done}")
    return lines
