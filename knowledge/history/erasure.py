"""Erase a customer: rows, vectors and caches, down to the bytes on disk of the embedded stores.

:func:`erase_customer` deletes, in this order:

1. the customer's vectors in the workspace's history collection, by id and by ``customer_id`` (inside the
   database transaction, so a Chroma failure leaves nothing half-erased);
2. their rows: facts, messages, conversations, orders, identities and the customer (the foreign keys
   cascade too);
3. their entries in the embedding cache (keyed by a hash of the text, so they identify it);
4. the leftovers on disk (``compact=True``): a deleted SQLite row stays in free pages and the WAL until the
   file is rewritten, so the relational SQLite file is vacuumed and checkpointed; Chroma keeps every write
   in its own SQLite log (``embeddings_queue``, documents included) until its HNSW segment is flushed, and
   its full-text index keeps deleted text until merged, so for an embedded Chroma the customer's log
   records are blanked, the full-text index is optimised and the file vacuumed. A Chroma server's files and
   PostgreSQL's dead tuples are the server's to reclaim (autovacuum); the report says so.

Deleted vectors keep their (unlabelled) slots in Chroma's HNSW files until reused;
:func:`knowledge.history.vectors.reindex_history` rebuilds the collection without them. Erasing someone
twice is harmless: the second call finds nobody and reports nothing to erase.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, IdentityClaim, Message, Order
from knowledge.errors import EmbedderMismatchError
from knowledge.history.identity import find_customer
from knowledge.history.vectors import stored_history_index, vector_id
from knowledge.vectorstore import compact_chroma
from knowledge.workspaces import get_workspace

log = logging.getLogger("svar.erasure")


@dataclass
class ErasureReport:
    """What an erasure removed."""

    customer_ref: str
    found: bool = False
    customer_id: str | None = None
    external_ids: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    vectors: int = 0  # vector ids deleted (plus any left with the customer's id)
    cache_entries: int = 0
    compacted: list[str] = field(default_factory=list)  # stores whose files were rewritten
    notes: list[str] = field(default_factory=list)

    @property
    def nothing_to_erase(self) -> bool:
        return not self.found


def erase_customer(
    sessions: sessionmaker[Session],
    chroma: Any,
    workspace: str,
    customer_ref: str,
    *,
    embedding_cache: Path | None = None,
    compact: bool = True,
) -> ErasureReport:
    """Erase everything stored about one customer.

    Args:
        sessions: session factory of the relational store.
        chroma: the Chroma client.
        workspace: workspace name.
        customer_ref: an external id, ``#<internal id>``, e-mail, phone or handle (see ``find_customer``).
        embedding_cache: the :class:`~knowledge.embedders.CachedEmbedder` file to purge, if any.
        compact: rewrite the embedded stores' files so no deleted bytes remain on disk.

    Returns:
        The report; ``nothing_to_erase`` when nobody matched (a second erasure, for one).

    Raises:
        InputError: the reference matches several customers.
        BackendError: Chroma failed (nothing was erased then).
    """
    report = ErasureReport(customer_ref=customer_ref)
    texts: list[str] = []
    with sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        customer = find_customer(session, ws.id, customer_ref) if ws is not None else None
        if ws is None or customer is None:
            return report
        report.found, report.customer_id = True, str(customer.id)
        report.external_ids = list(
            session.scalars(
                select(Identity.value)
                .where(Identity.customer_id == customer.id, Identity.kind == "external_id")
                .order_by(Identity.value)
            )
        )
        messages = session.execute(
            select(Message.id, Message.text).where(Message.customer_id == customer.id)
        ).all()
        texts = [text for _, text in messages]
        ids = [vector_id(pk) for pk, _ in messages]
        _delete_vectors(session, chroma, ws, str(customer.id), ids, report)
        for name, model in (
            ("facts", Fact),
            ("messages", Message),
            ("conversations", Conversation),
            ("orders", Order),
            ("identities", Identity),
            ("claims", IdentityClaim),
        ):
            count = session.scalar(
                select(func.count()).select_from(model).where(model.customer_id == customer.id)
            )
            session.execute(delete(model).where(model.customer_id == customer.id))
            report.rows[name] = int(count or 0)
        session.execute(delete(Customer).where(Customer.id == customer.id))
        report.rows["customers"] = 1
        chroma_id = _history_collection_id(session, chroma, ws)
    if embedding_cache is not None:
        report.cache_entries = _purge_embedding_cache(embedding_cache, texts, vacuum=compact)
    if compact:
        _compact_relational(sessions, report)
        _compact_chroma(chroma, chroma_id, ids, report)
    log.info("erased customer %s: %s", report.customer_id, report.rows)
    return report


def _delete_vectors(
    session: Session, chroma: Any, ws: Any, customer_id: str, ids: Sequence[str], report: ErasureReport
) -> None:
    try:
        index = stored_history_index(session, chroma, ws)
    except EmbedderMismatchError as exc:  # the collection is gone: nothing to delete there
        report.notes.append(f"history index not found ({exc}); no vectors to delete")
        return
    if index is None:
        return
    index.delete(ids)
    index.delete_where({"customer_id": customer_id})
    report.vectors = len(ids)


def _history_collection_id(session: Session, chroma: Any, ws: Any) -> str | None:
    try:
        index = stored_history_index(session, chroma, ws)
    except EmbedderMismatchError:
        return None
    return index.id if index is not None else None


def _purge_embedding_cache(path: Path, texts: Sequence[str], *, vacuum: bool) -> int:
    """Delete the cache entries of ``texts`` (every model) from a CachedEmbedder file."""
    if not path.is_file() or not texts:
        return 0
    hashes = sorted({hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts})
    conn = sqlite3.connect(path, timeout=30)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'embeddings'").fetchone():
            return 0
        removed = 0
        with conn:
            for start in range(0, len(hashes), 500):
                part = hashes[start : start + 500]
                marks = ",".join("?" * len(part))
                removed += conn.execute(f"DELETE FROM embeddings WHERE hash IN ({marks})", part).rowcount
        if vacuum and removed:
            _vacuum(conn)
        return removed
    finally:
        conn.close()


def _vacuum(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _compact_relational(sessions: sessionmaker[Session], report: ErasureReport) -> None:
    engine = sessions.kw.get("bind")
    if not isinstance(engine, Engine):
        return
    if engine.dialect.name != "sqlite":
        report.notes.append(f"{engine.dialect.name}: deleted rows are reclaimed by the server's (auto)vacuum")
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    report.compacted.append("relational store (SQLite)")


def _compact_chroma(
    chroma: Any, collection_id: str | None, ids: Sequence[str], report: ErasureReport
) -> None:
    try:
        note = compact_chroma(chroma, collection_id, ids)
    except sqlite3.Error as exc:
        log.warning("could not compact Chroma's store: %s", exc)
        report.notes.append(f"could not compact Chroma's store: {exc}; run the erasure again when it is idle")
        return
    if note is None:
        report.compacted.append("Chroma (embedded)")
    else:
        report.notes.append(note)
