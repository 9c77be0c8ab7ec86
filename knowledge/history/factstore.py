"""Known facts with provenance: extracted from messages, taken from profiles and orders.

A fact is unique per customer, kind and key (its folded normalized value), so a re-import, or the same
order number in ten messages, is one fact. When a fact is seen again from another source, the provenance
kept is the best one: the profile, then an order, then the earliest message (ties by source id) — the
same whatever order the events arrive in. A fact seen again from the *same* order or message is updated
(an order's status changes); profile facts keep the value first written.

Messages are scanned with :func:`knowledge.facts.extract_facts`, the writer's role passed along:
customer messages and notes give every kind; agent and bot messages give only what was promised.
National identity numbers are kept masked only: the message text is masked before it is stored, and a
fact whose span touches a national id is kept masked or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.db.history_models import Fact, Message, Order
from knowledge.facts import ExtractedFact, extract_facts, fold, mask_national_ids
from knowledge.history.identity import IdentityKey

PROFILE = "profile"
_ROLE_KINDS: dict[str, frozenset[str] | None] = {
    "customer": None,  # every kind
    "note": None,
    "agent": frozenset({"promise"}),
    "bot": frozenset({"promise"}),
}
_CLAUSE_KINDS = frozenset({"tried", "promise"})
_FAR_FUTURE = datetime.max.replace(year=9000)


@dataclass(frozen=True)
class NewFact:
    """A fact about to be stored."""

    kind: str
    value: str
    normalized: str
    source: str
    channel: str | None = None
    at: datetime | None = None
    confidence: float = 1.0
    message_id: int | None = None
    span_start: int | None = None
    span_end: int | None = None
    key: str | None = None  # defaults to the folded normalized value


def fact_key(normalized: str) -> str:
    """The uniqueness key of a normalized value: folded, at most 255 characters."""
    return (fold(normalized) or normalized.strip().casefold())[:255]


def _rank(source: str, at: datetime | None) -> tuple[int, datetime, str]:
    tier = 0 if source == PROFILE else 1 if source.startswith("order:") else 2
    when = at.replace(tzinfo=None) if at is not None else _FAR_FUTURE
    return tier, when, source


def better(a: Fact | NewFact, b: Fact | NewFact) -> bool:
    """Whether ``a``'s provenance is preferred to ``b``'s."""
    return _rank(a.source, a.at) < _rank(b.source, b.at)


_FIELDS = ("value", "normalized", "source", "message_id", "channel", "at", "span_start", "span_end")


def upsert_fact(session: Session, workspace_id: int, customer_id: int, new: NewFact) -> bool:
    """Store ``new`` unless the customer already has it; returns True when a row was added."""
    key = new.key or fact_key(new.normalized)
    if not key:
        return False
    row = session.scalar(
        select(Fact).where(Fact.customer_id == customer_id, Fact.kind == new.kind, Fact.key == key)
    )
    if row is None:
        session.add(
            Fact(
                workspace_id=workspace_id,
                customer_id=customer_id,
                kind=new.kind,
                key=key,
                confidence=new.confidence,
                **{attr: getattr(new, attr) for attr in _FIELDS},
            )
        )
        return True
    if (row.source == new.source and new.source != PROFILE) or better(new, row):
        for attr in _FIELDS:
            if getattr(row, attr) != getattr(new, attr):
                setattr(row, attr, getattr(new, attr))
    if new.confidence > row.confidence:
        row.confidence = new.confidence
    return False


def mask_json(value: Any) -> Any:
    """``value`` with national identity numbers masked in every string inside it."""
    if isinstance(value, str):
        return mask_national_ids(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value


def message_facts(text: str, *, role: str, language: str | None) -> tuple[str, list[ExtractedFact]]:
    """The masked text of a message and the facts it states (spans index both texts).

    Extraction runs on the original so that national ids are recognised; ``mask_national_ids`` keeps the
    length, so spans stay valid. A fact other than a national id whose span the masking touched is dropped,
    unless it is a clause ("tried", "promise"), which is kept in its masked form.
    """
    masked = mask_national_ids(text)
    allowed = _ROLE_KINDS.get(role, frozenset())
    out: list[ExtractedFact] = []
    for f in extract_facts(text, language=language, role=role):
        if allowed is not None and f.kind not in allowed:
            continue
        if f.kind != "national_id" and masked[f.start : f.end] != text[f.start : f.end]:
            if f.kind not in _CLAUSE_KINDS:
                continue
            value = masked[f.start : f.end]
            f = ExtractedFact(f.kind, value, value.casefold(), f.start, f.end, f.confidence)
        out.append(
            ExtractedFact(
                f.kind,
                mask_national_ids(f.value),
                mask_national_ids(f.normalized),
                f.start,
                f.end,
                f.confidence,
            )
        )
    return masked, out


def store_message_facts(
    session: Session, customer_id: int, message: Message, facts: list[ExtractedFact]
) -> int:
    """Store facts extracted from ``message``; returns how many were new."""
    added = 0
    for f in facts:
        added += upsert_fact(
            session,
            message.workspace_id,
            customer_id,
            NewFact(
                kind=f.kind,
                value=f.value,
                normalized=f.normalized,
                source=message.external_id,
                channel=message.channel,
                at=message.at,
                confidence=f.confidence,
                message_id=message.id,
                span_start=f.start,
                span_end=f.end,
            ),
        )
    return added


def store_profile_facts(
    session: Session, workspace_id: int, customer_id: int, name: str | None, keys: list[IdentityKey]
) -> int:
    """Store the profile's name, e-mail, phone and handles as facts from ``"profile"``."""
    facts: list[NewFact] = []
    if name:
        facts.append(NewFact("name", mask_national_ids(name), mask_national_ids(name), PROFILE))
    for key in keys:
        if key.kind == "external_id":
            continue
        if key.kind in ("email", "phone"):
            facts.append(NewFact(key.kind, key.display, key.value, PROFILE))
        else:
            facts.append(NewFact("handle", f"{key.kind}: {key.display}", f"{key.kind}:{key.value}", PROFILE))
    return sum(upsert_fact(session, workspace_id, customer_id, f) for f in facts)


def _item_name(item: Any) -> str | None:
    if isinstance(item, str):
        return item.strip() or None
    if isinstance(item, dict):
        for field in ("name", "title", "product", "sku"):
            value = item.get(field)
            if isinstance(value, str | int) and str(value).strip():
                return str(value).strip()
    return None


def store_order_facts(session: Session, order: Order) -> int:
    """Store an order's number, status, items, tracking number and address as facts from ``order:<id>``."""
    source = f"order:{order.external_id}"
    at = order.placed_at
    facts = [NewFact("order_number", order.external_id, order.external_id, source, at=at)]
    if order.status:
        facts.append(
            NewFact(
                "order_status",
                f"{order.external_id}: {order.status}",
                f"{order.external_id}:{order.status}",
                source,
                at=order.updated_at or at,
                key=fact_key(order.external_id),
            )
        )
    for item in order.items or []:
        name = _item_name(item)
        if name:
            facts.append(NewFact("product", name, name, source, at=at))
    meta = order.meta or {}
    for field, kind in (("tracking", "tracking_number"), ("tracking_number", "tracking_number")):
        if isinstance(meta.get(field), str | int) and str(meta[field]).strip():
            value = str(meta[field]).strip()
            facts.append(NewFact(kind, value, value, source, at=at))
    for field in ("shipping_address", "address", "delivery_address"):
        if isinstance(meta.get(field), str) and meta[field].strip():
            facts.append(NewFact("address", meta[field].strip(), meta[field].strip(), source, at=at))
    return sum(upsert_fact(session, order.workspace_id, order.customer_id, f) for f in facts)
