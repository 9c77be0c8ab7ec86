"""A customer's history version: one counter per customer, bumped by every write to what we know of them.

What is computed from a customer's stored history (the context card, the timeline, the facts a request
starts from) is a function of the rows of that customer: their profile (``customers``), identities, claims,
conversations, messages, orders and facts. ``customers.history_version`` changes whenever one of those rows
is added, changed or deleted, in the same transaction as the write, so a reader that finds the version it
computed for may reuse the result, in whichever process the write happened (the counter lives in the
database, not in memory). A deleted customer's id is never reused (``AUTOINCREMENT``), so nothing kept under
an erased customer's id can be found again.

:func:`track_history_versions` installs two listeners on a session factory:

- after each flush (every ORM write: the importer, identity merges, the fact store, profile edits), the
  customers of the rows added, changed or deleted are bumped;
- before each bulk ``UPDATE`` or ``DELETE`` statement on one of those tables
  (``session.execute(update(...))``), the customers it touches are read with the same condition, and
  bumped after it ran (and the customer an UPDATE moves the rows to).

Writes that bypass the session (raw SQL on a connection) must call :func:`bump_history_versions` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.history_models import (
    Conversation,
    Customer,
    Fact,
    Identity,
    IdentityClaim,
    Message,
    Order,
)

# The tables whose rows belong to one customer (by ``customer_id``) and feed what is kept per version.
_OWNED = (Identity, IdentityClaim, Conversation, Message, Order, Fact)
_OWNED_TABLES = frozenset(m.__tablename__ for m in _OWNED)
_CUSTOMERS: Table = Customer.__table__  # type: ignore[assignment]


def bump_history_versions(session: Session, customer_ids: Iterable[int]) -> None:
    """Bump the history version of ``customer_ids`` in the session's transaction (no ORM events).

    Args:
        session: the session whose transaction holds the write.
        customer_ids: the customers whose history changed (missing ones are ignored).
    """
    ids = sorted({int(i) for i in customer_ids if i is not None})
    if not ids:
        return
    session.connection().execute(
        update(_CUSTOMERS)
        .where(_CUSTOMERS.c.id.in_(ids))
        .values(history_version=_CUSTOMERS.c.history_version + 1)
    )


def _flushed_customers(session: Session) -> set[int]:
    """The customers whose rows this flush adds, changes or deletes (pre-flush lists, ids assigned)."""
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Customer):
            # a new customer starts at version 0 (nothing kept for it); a deleted one is gone for good
            if obj not in session.new and obj not in session.deleted and session.is_modified(obj):
                ids.add(obj.id)
        elif isinstance(obj, _OWNED):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            ids.add(obj.customer_id)
            moved_from = _old_customer(obj)
            if moved_from is not None:
                ids.add(moved_from)
    return ids


def _old_customer(obj: Any) -> int | None:
    """The customer a changed row belonged to before this flush (a merge moves rows), if it changed."""
    history = inspect(obj).attrs.customer_id.history
    return next((int(v) for v in history.deleted or () if v is not None), None)


def _after_flush(session: Session, _context: Any) -> None:
    bump_history_versions(session, _flushed_customers(session))


def _bulk_statement(state: Any) -> Any:
    """Around a bulk UPDATE/DELETE of a customer's rows: read whom it touches, run it, bump them."""
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table):  # (an ORM statement's table is annotated, still a Table)
        return None
    if table.name == _CUSTOMERS.name:
        if state.is_delete:
            return None  # deleted customers keep no version (their ids are never reused)
        column = table.c.id
    elif table.name in _OWNED_TABLES:
        column = table.c.customer_id
    else:
        return None
    query = select(column).distinct()
    if state.statement.whereclause is not None:
        query = query.where(state.statement.whereclause)
    touched = set(state.session.connection().execute(query).scalars())
    result = state.invoke_statement()
    touched.update(_moved_to(state.statement))
    bump_history_versions(state.session, touched)
    return result


def _moved_to(statement: Any) -> list[int]:
    """The customer an UPDATE gives its rows (``.values(customer_id=...)``), when it sets a plain value."""
    values = getattr(statement, "_values", None) or {}
    return [
        int(bound.value)
        for key, bound in values.items()
        if getattr(key, "key", key) == "customer_id" and isinstance(getattr(bound, "value", None), int)
    ]


def track_history_versions(factory: sessionmaker[Session]) -> None:
    """Keep ``customers.history_version`` current for every write made through ``factory``'s sessions."""
    from sqlalchemy import event

    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _bulk_statement)
