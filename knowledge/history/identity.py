"""Identity resolution: the same e-mail, phone or social handle is one customer.

An identity is a ``(kind, value)`` pair, unique in a workspace: ``email`` (case-folded), ``phone`` (E.164;
see below), a social handle under its network's name
(``facebook``, ``instagram``, ``x``, ...; lower-case, no leading ``@``) and ``external_id`` (every id a
source system used for the customer, the first one included).

Resolving an event's customer block looks up all of its identities at once:

- none is known: a new customer;
- all lead to one customer: that customer, even when the block's id is new (it becomes an ``external_id``
  identity of theirs);
- they lead to several customers: the event proves those are one person, so they are merged into the
  oldest (lowest id) — deterministic for a given file — and every row of the others moves to it.

Phone numbers written without a country code ("20123456", "070-123 45 67") are read in the customer's
country (from their language), else the workspace's country, else each Nordic country in turn: every
valid reading is looked up, and the first that a customer already has wins, so a Danish customer writing
"20123456" on Facebook with no language is matched to the "+45 20 12 34 56" of her profile even though
20123456 is also a valid Norwegian number. When no reading is known, the number is stored in the first
valid reading (the customer's, else the workspace's country). A number with "+" or "00" is read as written.

**Trust.** An event's customer block is verified or not (``Event.is_verified``: ``customer.verified``, else
the channel's default; a widget without a signed id is not). An unverified block proves only its own session
id: it resolves to a customer of its own (``Customer.verified`` False) that owns nothing but that id, and
every other identity it names (an e-mail, a phone, a handle, or an id that is already a verified
customer's) is recorded as a pending :class:`~knowledge.db.history_models.IdentityClaim` — a candidate link
an agent confirms (:func:`confirm_claims`, which merges the session into the customer who owns the
identity) or rejects (:func:`reject_claims`). So a visitor typing someone else's e-mail into the widget
never sees, and never adds to, that person's history. When the session's id is already a verified
customer's, the session is kept apart under ``unverified:<id>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, IdentityClaim, Message, Order
from knowledge.db.models import utcnow
from knowledge.errors import InputError
from knowledge.facts import mask_national_ids, normalize_phone
from knowledge.history.events import RESERVED_KINDS, CustomerBlock
from knowledge.masking import mask_identifier

REGIONS: dict[str, str] = {"nb": "NO", "nn": "NO", "sv": "SE", "da": "DK"}
NORDIC_REGIONS = ("NO", "SE", "DK", "FI", "IS")
DEFAULT_COUNTRY = "NO"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_HANDLE = re.compile(r"^[^\s@]{1,300}$")


@dataclass(frozen=True)
class IdentityKey:
    """A normalised identity and how it was written."""

    kind: str
    value: str
    display: str
    alternatives: tuple[str, ...] = ()  # other valid readings of a national phone number, in order


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


def region_for(language: str | None, country: str | None = None) -> str:
    """The phone region for a customer: their language's country, else ``country``, else Norway."""
    return REGIONS.get(language or "", "") or (country or DEFAULT_COUNTRY).upper()


def phone_readings(raw: str, language: str | None, country: str | None = None) -> list[str]:
    """Every valid E.164 reading of a phone number, the most likely first.

    Args:
        raw: the number as written.
        language: the customer's language, when known (its country is tried first).
        country: the workspace's country (ISO 3166 alpha-2), tried next; then the Nordic countries.

    Returns:
        The readings, without duplicates; one reading for a number with ``+`` or ``00``; empty when invalid.
    """
    if raw.strip().startswith(("+", "00")):
        phone = normalize_phone(raw, (country or DEFAULT_COUNTRY).upper())
        return [phone] if phone else []
    first = REGIONS.get(language or "")
    regions = [r for r in (first, (country or DEFAULT_COUNTRY).upper(), *NORDIC_REGIONS) if r]
    readings = (normalize_phone(raw, region) for region in dict.fromkeys(regions))
    return list(dict.fromkeys(p for p in readings if p))


def normalize_customer_phone(raw: str, language: str | None, country: str | None = None) -> str | None:
    """The most likely E.164 reading of a customer's phone number (see :func:`phone_readings`), or None."""
    readings = phone_readings(raw, language, country)
    return readings[0] if readings else None


def normalize_email(raw: str) -> str | None:
    """Case-folded e-mail address, or None when it does not look like one."""
    value = raw.strip().casefold()
    return value if _EMAIL.match(value) else None


def normalize_handle(raw: str) -> str | None:
    """Lower-case handle without a leading ``@``, or None when empty or containing spaces."""
    value = raw.strip().lstrip("@").casefold()
    return value if _HANDLE.match(value) else None


def identity_keys(
    block: CustomerBlock, language: str | None, country: str | None = None
) -> tuple[list[IdentityKey], list[str]]:
    """The identities a customer block names, and warnings for values that cannot be used.

    A phone key carries its other valid readings in ``alternatives`` (see :func:`phone_readings`).
    """
    keys = [IdentityKey("external_id", block.id, block.id)]
    warnings: list[str] = []
    if block.email:
        email = normalize_email(block.email)
        if email:
            keys.append(IdentityKey("email", email, block.email))
        else:
            warnings.append(f"customer.email {block.email!r} is not an e-mail address; not used to match")
    if block.phone:
        readings = phone_readings(block.phone, language, country)
        if readings:
            keys.append(IdentityKey("phone", readings[0], block.phone, tuple(readings[1:])))
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


def find_customer(
    session: Session, workspace_id: int, ref: str, country: str | None = None
) -> Customer | None:
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
    found = _lookup(session, workspace_id, candidates)
    if not found and sum(ch.isdigit() for ch in ref) >= 5:
        for phone in phone_readings(ref, None, country):  # the first reading someone has
            found = _lookup(session, workspace_id, [("phone", phone)])
            if found:
                break
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
    verified: bool = True
    claims: list[IdentityKey] = field(default_factory=list)  # what an unverified block claims


def match_customer(
    session: Session,
    workspace_id: int,
    block: CustomerBlock,
    country: str | None = None,
    *,
    verified: bool = True,
) -> Match:
    """The identities of a customer block and the customers they already lead to (read only).

    ``country`` is the workspace's country, for phone numbers written without a country code. An
    unverified block (``verified=False``) leads only to its own session's customer; the rest are claims.
    """
    if not verified:
        return _match_unverified(session, workspace_id, block, country)
    language = block.language
    if language is None:
        by_id = _lookup(session, workspace_id, [("external_id", block.id)])
        known = session.get(Customer, by_id[0].customer_id) if by_id else None
        language = known.language if known is not None else None
    keys, warnings = identity_keys(block, language, country)
    pairs = [(k.kind, v) for k in keys for v in (k.value, *k.alternatives)]
    found = _lookup(session, workspace_id, pairs)
    have = {(i.kind, i.value) for i in found}
    chosen: list[IdentityKey] = []
    for key in keys:
        known_reading = next((v for v in (key.value, *key.alternatives) if (key.kind, v) in have), None)
        chosen.append(
            IdentityKey(key.kind, known_reading, key.display)
            if known_reading
            else IdentityKey(key.kind, key.value, key.display)
        )
    wanted = {(k.kind, k.value) for k in chosen}
    found = [i for i in found if (i.kind, i.value) in wanted]
    return Match(chosen, warnings, found, sorted({i.customer_id for i in found}))


UNVERIFIED_PREFIX = "unverified:"


def _match_unverified(
    session: Session, workspace_id: int, block: CustomerBlock, country: str | None
) -> Match:
    keys, warnings = identity_keys(block, block.language, country)
    session_id = block.id
    claims = [k for k in keys if k.kind != "external_id"]
    own = _lookup(session, workspace_id, [("external_id", session_id)])
    if own:
        owner = session.get(Customer, own[0].customer_id)
        if owner is not None and owner.verified:  # the id is a verified customer's: a claim, kept apart
            claims.insert(0, IdentityKey("external_id", session_id, session_id))
            session_id = UNVERIFIED_PREFIX + block.id
            own = _lookup(session, workspace_id, [("external_id", session_id)])
    key = IdentityKey("external_id", session_id, session_id)
    return Match([key], warnings, own, sorted({i.customer_id for i in own}), verified=False, claims=claims)


def resolve_customer(
    session: Session, workspace_id: int, block: CustomerBlock, match: Match | None = None
) -> Resolution:
    """Find (or create, or merge into one) the customer of an event's customer block, and record its ids."""
    match = match or match_customer(session, workspace_id, block)
    if not match.owners:
        customer = Customer(
            workspace_id=workspace_id,
            external_id=match.keys[0].value,
            name=mask_national_ids(block.name) if block.name else None,
            language=block.language,
            meta={},
            verified=match.verified,
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
        if match.verified and not customer.verified:  # a verified event proves the session's id
            customer.verified = True
    _record_claims(session, workspace_id, customer, match.claims)
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


def _record_claims(
    session: Session, workspace_id: int, customer: Customer, claims: list[IdentityKey]
) -> None:
    if not claims:
        return
    known = {
        (c.kind, c.value)
        for c in session.scalars(select(IdentityClaim).where(IdentityClaim.customer_id == customer.id))
    }
    for key in claims:
        if (key.kind, key.value) not in known:
            session.add(
                IdentityClaim(
                    workspace_id=workspace_id,
                    customer_id=customer.id,
                    kind=key.kind,
                    value=key.value,
                    display=key.display[:320],
                    status="pending",
                )
            )
            known.add((key.kind, key.value))
    session.flush()


@dataclass
class Candidate:
    """A pending claim of an unverified session and the verified customer it points at (if any)."""

    claim: IdentityClaim
    customer: Customer | None


def candidates(session: Session, workspace_id: int, claimant: Customer) -> list[Candidate]:
    """The pending claims of an unverified session's customer, each with the customer who owns it."""
    out: list[Candidate] = []
    for claim in session.scalars(
        select(IdentityClaim)
        .where(IdentityClaim.customer_id == claimant.id, IdentityClaim.status == "pending")
        .order_by(IdentityClaim.id)
    ):
        owner = _lookup(session, workspace_id, [(claim.kind, claim.value)])
        target = session.get(Customer, owner[0].customer_id) if owner else None
        out.append(Candidate(claim, target if target is not None and target.id != claimant.id else None))
    return out


def confirm_claims(
    session: Session, workspace_id: int, claimant: Customer, target: Customer | None = None
) -> tuple[Customer, list[int]]:
    """An agent confirms that an unverified session is the customer its claims point at: merge them.

    Args:
        session: an open session (the caller commits).
        workspace_id: the workspace.
        claimant: the unverified session's customer.
        target: the customer to merge into; needed only when the claims point at several customers.

    Returns:
        The customer the session now belongs to (``target``), and the moved message pks (their history
        vectors must be rewritten with the new customer).

    Raises:
        InputError: the claimant is verified, has no pending claim, or the target is ambiguous or not one
            the claims point at.
    """
    if claimant.verified:
        raise InputError(f"customer {claimant.external_id!r} is verified; there is nothing to confirm")
    pending = candidates(session, workspace_id, claimant)
    if not pending:
        raise InputError(f"customer {claimant.external_id!r} has no pending identity claim")
    owners = {c.customer.id: c.customer for c in pending if c.customer is not None}
    if target is None:
        if len(owners) != 1:
            which = ", ".join(sorted(c.external_id for c in owners.values())) or "nobody yet"
            raise InputError(f"the claims of {claimant.external_id!r} point at {which}; say which customer")
        target = next(iter(owners.values()))
    if target.id == claimant.id or not target.verified:
        raise InputError(f"customer {target.external_id!r} cannot confirm {claimant.external_id!r}")
    if pending and owners and target.id not in owners:
        raise InputError(f"no claim of {claimant.external_id!r} points at {target.external_id!r}")
    now = utcnow()
    for c in pending:
        c.claim.status, c.claim.decided_at = "confirmed", now
        if c.customer is None and c.claim.kind != "external_id":  # a free identity: now the target's
            session.add(
                Identity(
                    workspace_id=workspace_id,
                    customer_id=target.id,
                    kind=c.claim.kind,
                    value=c.claim.value,
                    display=c.claim.display,
                )
            )
    session.flush()
    return target, merge_customers(session, target, claimant)


def reject_claims(session: Session, workspace_id: int, claimant: Customer) -> int:
    """An agent rejects every pending claim of an unverified session; returns how many were rejected."""
    now = utcnow()
    pending = [c.claim for c in candidates(session, workspace_id, claimant)]
    for claim in pending:
        claim.status, claim.decided_at = "rejected", now
    session.flush()
    return len(pending)


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
    for column in (
        Identity.customer_id,
        Conversation.customer_id,
        Message.customer_id,
        Order.customer_id,
        IdentityClaim.customer_id,
    ):
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
