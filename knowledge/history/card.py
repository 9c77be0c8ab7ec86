"""The customer context card: who they are, what is going on, what we know, tried and promised.

One call, :func:`customer_card`, gives the agent's desk (and the drafter) everything about a customer on
every channel at once, so that nobody asks for what the customer already told us.

Only promises made by us are ``promised``. A commitment the customer made is kept apart in
``customer_commitments`` (:func:`customer_commitment`): the customer's own words ("I will send the photos
tomorrow"), a note quoting them ("Customer: I'll send the photos"), or our words with the customer as the
subject ("Den gamla skickar du tillbaka inom 14 dagar", "the customer returns it within 14 days").
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, Message, Order
from knowledge.errors import InputError
from knowledge.history.identity import find_customer
from knowledge.locale import workspace_locale
from knowledge.workspaces import get_workspace

_EXCERPT = 60  # characters of context either side of a fact


class IdentityOut(BaseModel):
    kind: str  # email, phone, facebook, instagram, x, external_id, ...
    value: str  # normalised
    display: str  # as first written


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    role: str
    channel: str
    text: str
    at: datetime


class ConversationOut(BaseModel):
    id: str
    channel: str
    subject: str | None = None
    status: str
    sla_due_at: datetime | None = None
    started_at: datetime | None = None
    last_message_at: datetime | None = None
    messages: int = 0
    last_message: MessageOut | None = None


class OrderOut(BaseModel):
    id: str
    status: str | None = None
    items: list[Any] = Field(default_factory=list)
    placed_at: datetime | None = None
    updated_at: datetime | None = None
    meta: dict[str, Any] = Field(default_factory=dict)


class AppointmentOut(BaseModel):
    """A booked time with the customer (the ``appointment`` block of the event format)."""

    id: str
    at: datetime
    subject: str | None = None
    status: str | None = None
    place: str | None = None
    window_end: datetime | None = None


class FactOut(BaseModel):
    """A known fact and where it came from (field names match ``assistant.types.KnownFact``)."""

    kind: str
    value: str
    normalized: str | None = None
    source: str | None = None  # message id, "profile" or "order:<id>"
    channel: str | None = None
    at: datetime | None = None
    confidence: float = 1.0
    excerpt: str | None = None  # the message text around the fact


class CustomerCard(BaseModel):
    """Everything an agent should see before replying to this customer."""

    id: str  # internal id, the customer scope of history searches
    external_id: str
    name: str | None = None
    language: str | None = None
    identities: list[IdentityOut] = Field(default_factory=list)
    open_conversations: list[ConversationOut] = Field(default_factory=list)
    recent_conversations: list[ConversationOut] = Field(default_factory=list)  # closed ones, newest first
    orders: list[OrderOut] = Field(default_factory=list)
    facts: list[FactOut] = Field(default_factory=list)
    tried: list[FactOut] = Field(default_factory=list)  # what was already tried
    promised: list[FactOut] = Field(default_factory=list)  # what we promised
    customer_commitments: list[FactOut] = Field(default_factory=list)  # what the customer said they would do
    appointments: list[AppointmentOut] = Field(default_factory=list)  # oldest first


def lookup_customer(session: Session, workspace: str, customer_ref: str) -> Customer:
    """The customer ``customer_ref`` names in ``workspace``.

    Raises:
        InputError: no such workspace or customer, or the reference is ambiguous.
    """
    ws = get_workspace(session, workspace, create=False)
    customer = (
        find_customer(session, ws.id, customer_ref, workspace_locale(session, ws.id).country)
        if ws is not None
        else None
    )
    if customer is None:
        raise InputError(f"no customer {customer_ref!r} in workspace {workspace!r}")
    return customer


def _excerpt(text: str, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        start, end = 0, min(len(text), 2 * _EXCERPT)
    lo, hi = max(0, start - _EXCERPT), min(len(text), end + _EXCERPT)
    out = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + out + ("…" if hi < len(text) else "")


def _message_out(m: Message, conversation_id: str) -> MessageOut:
    return MessageOut(
        id=m.external_id,
        conversation_id=conversation_id,
        role=m.role,
        channel=m.channel,
        text=m.text,
        at=m.at,
    )


def customer_card(
    sessions: sessionmaker[Session], workspace: str, customer_ref: str, *, recent: int = 10
) -> CustomerCard:
    """The context card of the customer ``customer_ref`` names.

    Args:
        sessions: session factory of the relational store.
        workspace: workspace name.
        customer_ref: an external id (any of theirs), ``#<internal id>``, an e-mail, a phone number or a
            handle (``kari.n``, ``@kari.n`` or ``facebook:kari.n``).
        recent: how many closed conversations to include.

    Returns:
        The card; facts of the same kind are newest first.

    Raises:
        InputError: no such customer, or the reference matches several.
    """
    with sessions() as session:
        return _card(session, lookup_customer(session, workspace, customer_ref), recent)


def customer_context(
    sessions: sessionmaker[Session],
    workspace: str,
    customer_ref: str,
    *,
    recent: int = 10,
    limit: int | None = None,
) -> tuple[CustomerCard, list[MessageOut]]:
    """The card and the timeline of one customer, read in one session with one lookup (a request's path).

    Args:
        sessions: session factory of the relational store.
        workspace: workspace name.
        customer_ref: as for :func:`customer_card`.
        recent: how many closed conversations the card includes.
        limit: the timeline's last ``limit`` messages (all when None).

    Returns:
        What :func:`customer_card` and :func:`customer_timeline` return.

    Raises:
        InputError: no such customer, or the reference matches several.
    """
    with sessions() as session:
        c = lookup_customer(session, workspace, customer_ref)
        return _card(session, c, recent), _timeline(session, c, limit)


@dataclass(frozen=True)
class KeptContext:
    """One customer's card and timeline as of their history version, and what callers derived from them.

    Shared by every request that finds the same version: read it, never change it (``derived`` is the one
    place a caller adds what it computed from the card and timeline, under its own key).
    """

    customer_id: int
    version: int
    card: CustomerCard
    timeline: list[MessageOut]
    derived: dict[str, Any] = field(default_factory=dict)

    def derive(self, key: str, compute: Callable[[], Any]) -> Any:
        """What a caller computes from this card and timeline, computed once per version under ``key``
        (two requests racing both compute it; either result is the same)."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]


class ContextCache:
    """Customers' cards and timelines, kept while their history version stays the same.

    Every write to a customer's history bumps ``customers.history_version`` in the write's transaction
    (:mod:`knowledge.db.versions`), in whichever process it happens; a request reads the customer's row
    (one lookup, as before) and reads the card and timeline again only when the version it finds is not
    the kept one. The ``size`` most recently used customers are kept.

    Args:
        size: how many customers to keep.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.reads = 0  # how many times a card and timeline were read from the store (tests count them)
        self._kept: OrderedDict[tuple[int, int, int | None], KeptContext] = OrderedDict()
        self._lock = threading.Lock()

    def context(
        self,
        sessions: sessionmaker[Session],
        workspace: str,
        customer_ref: str,
        *,
        recent: int = 10,
        limit: int | None = None,
    ) -> KeptContext:
        """The card and timeline of the customer ``customer_ref`` names, as :func:`customer_context` reads
        them, from the cache when their history has not changed since.

        Raises:
            InputError: no such customer, or the reference matches several.
        """
        with sessions() as session:
            c = lookup_customer(session, workspace, customer_ref)
            key = (c.id, recent, limit)
            version = int(c.history_version or 0)
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None and kept.version == version:
                    self._kept.move_to_end(key)
                    return kept
            # read in the session (one transaction) that read the version: the card is of that version
            kept = KeptContext(c.id, version, _card(session, c, recent), _timeline(session, c, limit))
        with self._lock:
            self.reads += 1
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return kept


def _card(session: Session, c: Customer, recent: int) -> CustomerCard:
    identities = session.scalars(
        select(Identity).where(Identity.customer_id == c.id).order_by(Identity.kind, Identity.value)
    )
    card = CustomerCard(
        id=str(c.id),
        external_id=c.external_id,
        name=c.name,
        language=c.language,
        identities=[IdentityOut(kind=i.kind, value=i.value, display=i.display) for i in identities],
    )
    _conversations(session, c, card, recent)
    card.appointments = _appointments(c)
    orders = session.scalars(
        select(Order)
        .where(Order.customer_id == c.id)
        .order_by(Order.placed_at.desc().nulls_last(), Order.external_id)
    )
    card.orders = [
        OrderOut(
            id=o.external_id,
            status=o.status,
            items=list(o.items or []),
            placed_at=o.placed_at,
            updated_at=o.updated_at,
            meta=dict(o.meta or {}),
        )
        for o in orders
    ]
    _facts(session, c, card)
    return card


def _appointments(c: Customer) -> list[AppointmentOut]:
    raw = (c.meta or {}).get("appointments") or {}
    out = []
    for value in raw.values() if isinstance(raw, dict) else []:
        try:
            out.append(AppointmentOut.model_validate(value))
        except ValueError:
            continue  # a hand-edited row we cannot read is left out, not fatal for the card
    return sorted(out, key=lambda a: a.at)


def _conversations(session: Session, c: Customer, card: CustomerCard, recent: int) -> None:
    convs = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.customer_id == c.id)
            .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())
        )
    )
    counts: dict[int, int] = {
        conv_id: n
        for conv_id, n in session.execute(
            select(Message.conversation_id, func.count())
            .where(Message.customer_id == c.id)
            .group_by(Message.conversation_id)
        )
    }
    # Each conversation's last message, all in one query (not one query per conversation).
    newest = (
        select(
            Message.id,
            func.row_number()
            .over(partition_by=Message.conversation_id, order_by=(Message.at.desc(), Message.id.desc()))
            .label("n"),
        )
        .where(Message.conversation_id.in_([conv.id for conv in convs]))
        .subquery()
    )
    lasts = {
        m.conversation_id: m
        for m in session.scalars(
            select(Message).join(newest, Message.id == newest.c.id).where(newest.c.n == 1)
        )
    }
    for conv in convs:
        last = lasts.get(conv.id)
        out = ConversationOut(
            id=conv.external_id,
            channel=conv.channel,
            subject=conv.subject,
            status=conv.status,
            sla_due_at=conv.sla_due_at,
            started_at=conv.started_at,
            last_message_at=conv.last_message_at,
            messages=counts.get(conv.id, 0),
            last_message=_message_out(last, conv.external_id) if last is not None else None,
        )
        if conv.status == "open":
            card.open_conversations.append(out)
        elif len(card.recent_conversations) < recent:
            card.recent_conversations.append(out)
    # the most urgent first: an SLA that runs out soonest, then the latest activity
    card.open_conversations.sort(
        key=lambda o: (o.sla_due_at is None, o.sla_due_at.timestamp() if o.sla_due_at else 0)
    )


# The customer as a promise's speaker or subject, in the five languages.
_CUSTOMER = r"(?:the\s+)?customer|kunden|kunde|kund|kundin|kunder"
_YOU = r"du|dere|ni|you|dykk"
_WE = r"vi|we|me|jeg|eg|jag|i|du|dere|ni|you|dykk"  # a clause opening with a pronoun is not inverted
_FIRST_PERSON = re.compile(r"^\W*(?:i|i'll|i'm|jeg|eg|jag)\b", re.IGNORECASE)
_QUOTED = re.compile(  # a note quoting the customer just before the clause: "Customer: ", "Kunden sier: «"
    rf"\b(?:{_CUSTOMER})\b(?:\s+(?:says|said|sier|sa|seier|säger|sade|siger|sagde))?\s*[:\-–]\s*[\"«“']?\s*$",
    re.IGNORECASE,
)
_ACTS = (
    r"(?:send\w*|skick\w*|return\w*|levere\w*|lever\w*|aflever\w*|lämna\w*|bring\w*|post\w*|ship\w*"
    r"|ring\w*|call\w*|betal\w*|pay\w*|svar\w*|reply\w*|fyll\w*|fill\w*)"
)
_MODAL = r"(?:will|shall|must|can|skal|ska|vil|må|måste|kan|skall)\s+"
_CUSTOMER_SUBJECT = re.compile(
    rf"^\W*(?:(?:{_CUSTOMER}|han|hun|ho|hon|he|she|they)\b"  # "Kunden sender ...", "she will call ..."
    rf"|(?:{_YOU})\s+(?:{_MODAL})?{_ACTS}\b"  # "you send it back", "du returnerer den"
    rf"|(?!(?:{_WE})\b)(?:\w+\s+){{1,4}}?(?:{_YOU})\s+(?:{_MODAL})?{_ACTS}\b"  # "the old one you return"
    rf"|(?!(?:{_WE})\b)(?:\w+\s+){{1,4}}?{_ACTS}\s+(?:du|dere|ni|dykk)\b)",  # "Den gamla skickar du"
    re.IGNORECASE,
)


def customer_commitment(value: str, role: str | None, before: str = "") -> bool:
    """Whether a "promise" fact is the customer's own commitment rather than ours.

    Args:
        value: the promise's clause.
        role: the role of the message it was read from (customer, agent, bot, note), if known.
        before: the message text just before the clause (a note's "Customer: " quoting them).

    Returns:
        True for the customer's words in the first person, a note quoting the customer, or a clause whose
        subject is the customer ("you send the old one back within 14 days"); False for our promises,
        including one the customer reports ("you promised to call me").
    """
    if role == "customer":
        return bool(_FIRST_PERSON.search(value))
    return bool(_QUOTED.search(before[-80:]) or _CUSTOMER_SUBJECT.search(value))


def _facts(session: Session, c: Customer, card: CustomerCard) -> None:
    rows = session.execute(  # columns, not ORM objects: a long history has hundreds of facts
        select(
            Fact.kind,
            Fact.value,
            Fact.normalized,
            Fact.source,
            Fact.channel,
            Fact.at,
            Fact.confidence,
            Fact.span_start,
            Fact.span_end,
            Message.text,
            Message.role,
        )
        .outerjoin(Message, Fact.message_id == Message.id)
        .where(Fact.customer_id == c.id)
        .order_by(Fact.kind, Fact.at.desc().nulls_last(), Fact.id)
    )
    for kind, value, normalized, source, channel, at, confidence, start, end, text, role in rows:
        out = FactOut(
            kind=kind,
            value=value,
            normalized=normalized,
            source=source,
            channel=channel,
            at=at,
            confidence=confidence,
            excerpt=_excerpt(text, start, end) if text is not None else None,
        )
        if kind == "promise" and customer_commitment(value, role, text[: start or 0] if text else ""):
            card.customer_commitments.append(out)
        else:
            {"tried": card.tried, "promise": card.promised}.get(kind, card.facts).append(out)


def customer_timeline(
    sessions: sessionmaker[Session], workspace: str, customer_ref: str, *, limit: int | None = None
) -> list[MessageOut]:
    """Every message of the customer on every channel, oldest first (the last ``limit`` when given).

    Raises:
        InputError: no such customer, or the reference matches several.
    """
    with sessions() as session:
        return _timeline(session, lookup_customer(session, workspace, customer_ref), limit)


def _timeline(session: Session, c: Customer, limit: int | None) -> list[MessageOut]:
    query = (  # columns, not ORM objects: the timeline of a long history is hundreds of messages
        select(
            Message.external_id,
            Conversation.external_id,
            Message.role,
            Message.channel,
            Message.text,
            Message.at,
        )
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Message.customer_id == c.id)
        .order_by(Message.at.desc(), Message.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = [
        MessageOut(id=id_, conversation_id=conv, role=role, channel=channel, text=text, at=at)
        for id_, conv, role, channel, text, at in session.execute(query)
    ]
    return rows[::-1]
