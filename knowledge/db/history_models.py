"""SQLAlchemy models of customer history: customers, identities, conversations, messages, orders, facts.

Every row carries its workspace. Rows that belong to a customer carry ``customer_id`` with
``ON DELETE CASCADE``, so erasing a customer row removes everything about them (the erasure code also
deletes the dependents explicitly, for databases that do not enforce foreign keys). Times are stored as
UTC and always read back timezone-aware, on SQLite too (:class:`UTCDateTime`).

Primary keys of customers and messages never reuse a deleted id (``AUTOINCREMENT`` on SQLite, sequences
on PostgreSQL): the history vector index is tagged with them, so a reused id could point at a stranger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.db.models import Base, utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive values are taken to be UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _cascade(table: str) -> ForeignKey:
    return ForeignKey(f"{table}.id", ondelete="CASCADE")


class Customer(Base):
    """A person, as one record however many channels and ids they used."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))  # the id of the first event that created them
    name: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(10))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # False: created by an unverified session (a widget without a signed id); it owns only its session id
    verified: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Bumped in the same transaction as every write to the customer's history, profile, identities, orders
    # or facts (:mod:`knowledge.db.versions`): what was computed from the history is kept per this version.
    history_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Identity(Base):
    """A normalised handle that leads to one customer: email, phone, a social handle or an external id."""

    __tablename__ = "customer_identities"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # email, phone, facebook, x, external_id, ...
    value: Mapped[str] = mapped_column(String(320))  # normalised: e-mail case-folded, phone E.164, ...
    display: Mapped[str] = mapped_column(String(320))  # as first written
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Conversation(Base):
    """A thread on one channel."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_conversations_customer_last", "customer_id", "last_message_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"))
    external_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Message(Base):
    """One message of a conversation. ``text`` has national identity numbers masked."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_messages_customer_at", "customer_id", "at"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"))
    conversation_id: Mapped[int] = mapped_column(_cascade("conversations"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))  # given, or "h:" + a hash of the content
    role: Mapped[str] = mapped_column(String(10))  # customer | agent | bot | note
    channel: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Order(Base):
    """An order with its latest known status."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(50))
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Fact(Base):
    """A known fact about a customer and where it came from.

    ``source`` is the message's external id, ``"profile"`` or ``"order:<id>"``; ``key`` is the folded
    normalized value (at most 255 characters), unique per customer and kind, so a re-import or a fact
    repeated in another message does not duplicate it. ``span_start``/``span_end`` locate it in the message.
    """

    __tablename__ = "customer_facts"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"))
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(220))
    message_id: Mapped[int | None] = mapped_column(_cascade("messages"), index=True)
    channel: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)


class IdentityClaim(Base):
    """An identity an unverified session claimed (an e-mail typed into the widget): a candidate link.

    It never leads to a customer by itself; an agent confirms it (the session then merges into the customer
    who owns the identity) or rejects it. See :mod:`knowledge.history.identity`.
    """

    __tablename__ = "customer_claims"
    __table_args__ = (
        UniqueConstraint("workspace_id", "customer_id", "kind", "value"),
        Index("ix_customer_claims_value", "workspace_id", "kind", "value"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(_cascade("workspaces"))
    customer_id: Mapped[int] = mapped_column(_cascade("customers"), index=True)  # the claimant
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(320))  # normalised like an identity
    display: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, confirmed, rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
