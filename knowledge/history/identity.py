"""Identity resolution: the same e-mail, phone or social handle is one customer.

An identity is a ``(kind, value)`` pair, unique in a workspace: ``email`` (case-folded), ``phone`` (E.164,
the region taken from the customer's language, else Norway), a social handle under its network's name
(``facebook``, ``instagram``, ``x``, ...; lower-case, no leading ``@``) and ``external_id`` (every id a
source system used for the customer, the first one included).

Resolving an event's customer block looks up all of its identities at once:

- none is known: a new customer;
- all lead to one customer: that customer, even when the block's id is new (it becomes an ``external_id``
  identity of theirs);
- they lead to several customers: the event proves those are one person, so they are merged into the
  oldest (lowest id) — deterministic for a given file — and every row of the others moves to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, Message, Order
from knowledge.db.models import utcnow
from knowledge.errors import InputError
from knowledge.facts import mask_national_ids, normalize_phone
from knowledge.history.events import RESERVED_KINDS, CustomerBlock
from knowledge.masking import mask_identifier

REGIONS: dict[str, str] = {"nb": "NO", "nn": "NO", "sv": "SE", "da": "DK"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_HANDLE = re.compile(r"^[^\s@]{1,300}$")


@dataclass(frozen=True)
class IdentityKey:
    """A normalised identity and how it was written."""

    kind: str
    value: str
    display: str


@dataclass
class Resolution:
    """Which customer an event belongs to, and what resolving it did."""

    customer: Customer
    keys: list[IdentityKey]
    created: bool = False
    merged: list[str] = field(default_factory=list)  # external ids of customers merged into it
    moved_messages: list[int] = field(default_factory=list)  # message pks that changed customer
    identities_added: int = 0
    warnings: list[str] = field(default_factory=list)


def region_for(language: str | None) -> str:
    """The default phone region for a customer's language (Norway when unknown or English)."""
    return REGIONS.get(language or "", "NO")


def normalize_customer_phone(raw: str, language: str | None) -> str | None:
    """E.164 form of a customer's phone number, or None when it is not valid.

    A number without a country code is read in the region of the customer's language (Norway when
    unknown); when it is not a valid number there, the other Nordic regions are tried in turn, so a Danish
    customer writing "20123456" on Facebook, language unknown, is still matched.
    """
    for region in dict.fromkeys((region_for(language), "NO", "SE", "DK")):
        phone = normalize_phone(raw, region)
        if phone:
            return phone
    return None


def normalize_email(raw: str) -> str | None:
    """Case-folded e-mail address, or None when it does not look like one."""
    value = raw.strip().casefold()
    return value if _EMAIL.match(value) else None


def normalize_handle(raw: str) -> str | None:
    """Lower-case handle without a leading ``@``, or None when empty or containing spaces."""
    value = raw.strip().lstrip("@").casefold()
    return value if _HANDLE.match(value) else None


def identity_keys(block: CustomerBlock, language: str | None) -> tuple[list[IdentityKey], list[str]]:
    """The identities a customer block names, and warnings for values that cannot be used."""
    keys = [IdentityKey("external_id", block.id, block.id)]
    warnings: list[str] = []
    if block.email:
        email = normalize_email(block.email)
        if email:
            keys.append(IdentityKey("email", email, block.email))
        else:
            warnings.append(f"customer.email {block.email!r} is not an e-mail address; not used to match")
    if block.phone:
        phone = normalize_customer_phone(block.phone, language)
        if phone:
            keys.append(IdentityKey("phone", phone, block.phone))
        else:
            warnings.append(f"customer.phone {block.phone!r} is not a valid phone number; not used to match")
    for kind, raw in sorted(block.handles.items()):
        handle = normalize_handle(raw)
        if handle:
            keys.append(IdentityKey(kind, handle, raw))
        else:
            warnings.append(f"customer.handles.{kind} {raw!r} is not a handle; not used to match")
    return keys, warnings


def _lookup(session: Session, workspace_id: int, keys: Iterable[tuple[str, str]]) -> list[Identity]:
    pairs = list(dict.fromkeys(keys))
    if not pairs:
        return []
    cond = or_(*(and_(Identity.kind == kind, Identity.value == value) for kind, value in pairs))
    return list(session.scalars(select(Identity).where(Identity.workspace_id == workspace_id, cond)))


def find_customer(session: Session, workspace_id: int, ref: str) -> Customer | None:
    """The customer that ``ref`` names: an external id, ``#<internal id>``, an e-mail, a phone or a handle.

    ``kind:value`` (``facebook:kari.n``) names a handle on one network. Returns None when nobody matches.

    Raises:
        InputError: ``ref`` is empty, or it matches several customers (say which network, e.g. ``x:name``).
    """
    ref = mask_identifier(ref.strip())  # ids and handles are stored with national ids masked
    if not ref:
        raise InputError("give a customer: an external id, e-mail, phone number or handle")
    if ref.startswith("#") and ref[1:].isdigit():
        customer = session.get(Customer, int(ref[1:]))
        return customer if customer is not None and customer.workspace_id == workspace_id else None
    exact = _lookup(session, workspace_id, [("external_id", ref)])
    if exact:
        return session.get(Customer, exact[0].customer_id)
    candidates: list[tuple[str, str]] = []
    kind, sep, rest = ref.partition(":")
    if sep and kind.lower() not in RESERVED_KINDS and normalize_handle(rest):
        candidates.append((kind.lower(), normalize_handle(rest) or ""))
    email = normalize_email(ref)
    if email:
        candidates.append(("email", email))
    if sum(ch.isdigit() for ch in ref) >= 5:
        phone = normalize_customer_phone(ref, None)
        if phone:
            candidates.append(("phone", phone))
    found = _lookup(session, workspace_id, candidates)
    handle = normalize_handle(ref)
    if not found and handle:
        found = list(
            session.scalars(
                select(Identity).where(
                    Identity.workspace_id == workspace_id,
                    Identity.value == handle,
                    Identity.kind.not_in(sorted(RESERVED_KINDS)),
                )
            )
        )
    owners = sorted({i.customer_id for i in found})
    if len(owners) > 1:
        kinds = ", ".join(sorted({f"{i.kind}:{i.value}" for i in found}))
        raise InputError(
            f"{ref!r} matches {len(owners)} customers ({kinds}); say which, e.g. {kinds.split(',')[0]}"
        )
    return session.get(Customer, owners[0]) if owners else None


@dataclass
class Match:
    """What an event's customer block matches, before anything is written."""

    keys: list[IdentityKey]
    warnings: list[str]
    found: list[Identity]
    owners: list[int]  # customer pks the identities lead to, lowest (oldest) first


def match_customer(session: Session, workspace_id: int, block: CustomerBlock) -> Match:
    """The identities of a customer block and the customers they already lead to (read only)."""
    language = block.language
    if language is None:
        by_id = _lookup(session, workspace_id, [("external_id", block.id)])
        known = session.get(Customer, by_id[0].customer_id) if by_id else None
        language = known.language if known is not None else None
    keys, warnings = identity_keys(block, language)
    found = _lookup(session, workspace_id, [(k.kind, k.value) for k in keys])
    return Match(keys, warnings, found, sorted({i.customer_id for i in found}))


def resolve_customer(
    session: Session, workspace_id: int, block: CustomerBlock, match: Match | None = None
) -> Resolution:
    """Find (or create, or merge into one) the customer of an event's customer block, and record its ids."""
    match = match or match_customer(session, workspace_id, block)
    if not match.owners:
        customer = Customer(
            workspace_id=workspace_id,
            external_id=block.id,
            name=mask_national_ids(block.name) if block.name else None,
            language=block.language,
            meta={},
        )
        session.add(customer)
        session.flush()
        result = Resolution(customer=customer, keys=match.keys, created=True, warnings=match.warnings)
    else:
        found = session.get(Customer, match.owners[0])
        assert found is not None
        customer = found
        result = Resolution(customer=customer, keys=match.keys, warnings=match.warnings)
        for other_id in match.owners[1:]:
            other = session.get(Customer, other_id)
            assert other is not None
            result.merged.append(other.external_id)
            result.moved_messages.extend(merge_customers(session, customer, other))
        _update_profile(customer, block)
    have = {(i.kind, i.value) for i in match.found}  # all of them belong to ``customer`` now
    for key in match.keys:
        if (key.kind, key.value) not in have:
            session.add(
                Identity(
                    workspace_id=workspace_id,
                    customer_id=customer.id,
                    kind=key.kind,
                    value=key.value,
                    display=key.display[:320],
                )
            )
            have.add((key.kind, key.value))
            result.identities_added += 1
    if result.identities_added:
        session.flush()
    return result


def _update_profile(customer: Customer, block: CustomerBlock) -> None:
    """Name and language: the customer's own id speaks for them; another system's id only fills blanks."""
    own = block.id == customer.external_id
    name = mask_national_ids(block.name) if block.name else None
    changed = False
    if name and name != customer.name and (own or not customer.name):
        customer.name, changed = name, True
    if block.language and block.language != customer.language and (own or not customer.language):
        customer.language, changed = block.language, True
    if changed:
        customer.updated_at = utcnow()


def merge_customers(session: Session, survivor: Customer, other: Customer) -> list[int]:
    """Move every row of ``other`` to ``survivor`` and delete ``other``; returns the moved message pks.

    Facts both have keep the provenance of the one that :func:`knowledge.history.factstore.better` prefers.
    Profile fields ``survivor`` lacks are taken from ``other``.
    """
    from knowledge.history.factstore import better

    moved = list(session.scalars(select(Message.id).where(Message.customer_id == other.id)))
    for column in (Identity.customer_id, Conversation.customer_id, Message.customer_id, Order.customer_id):
        session.execute(
            update(column.class_)
            .where(column == other.id)
            .values(customer_id=survivor.id)
            .execution_options(synchronize_session="fetch")
        )
    mine = {(f.kind, f.key): f for f in session.scalars(select(Fact).where(Fact.customer_id == survivor.id))}
    for fact in list(session.scalars(select(Fact).where(Fact.customer_id == other.id))):
        kept = mine.get((fact.kind, fact.key))
        if kept is None:
            fact.customer_id = survivor.id
            mine[(fact.kind, fact.key)] = fact
            continue
        if better(fact, kept):
            for attr in (
                "value",
                "normalized",
                "source",
                "message_id",
                "channel",
                "at",
                "span_start",
                "span_end",
            ):
                setattr(kept, attr, getattr(fact, attr))
        kept.confidence = max(kept.confidence, fact.confidence)
        session.delete(fact)
    session.flush()
    survivor.name = survivor.name or other.name
    survivor.language = survivor.language or other.language
    survivor.meta = {**(other.meta or {}), **(survivor.meta or {})}
    survivor.updated_at = utcnow()
    session.execute(delete(Customer).where(Customer.id == other.id))
    session.expunge(other)
    return moved
