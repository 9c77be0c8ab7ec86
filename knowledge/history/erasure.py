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

Deleted vectors keep their (unlabelled) slots in Chroma's HNSW files until reused, so for an embedded
Chroma ``compact=True`` also rebuilds the history collection from its live vectors
(:func:`~knowledge.vectorstore.rebuild_collection`: a new collection, the old one and its folder
deleted) and stores the new id. Then it *verifies*: every file under the data directory is scanned for the
bytes of the customer's vectors (as stored and normalised) and of their message texts; the report says
what was checked and where anything was found (``verified``). The whole erasure holds the store's writer
lock. Erasing someone twice is harmless: the second call finds nobody and reports nothing to erase.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.engine import sessions_lock
from knowledge.db.history_models import Conversation, Customer, Fact, Identity, IdentityClaim, Message, Order
from knowledge.db.models import VectorCollection
from knowledge.errors import EmbedderMismatchError
from knowledge.history.identity import find_customer
from knowledge.history.vectors import stored_history_index, vector_id
from knowledge.locale import workspace_locale
from knowledge.vectorstore import (
    ChromaVectorIndex,
    chroma_persist_path,
    compact_chroma,
    rebuild_collection,
)
from knowledge.workspaces import get_workspace

log = logging.getLogger("svar.erasure")
_MIN_VERIFIED_TEXT = 24  # shorter texts ("Takk!") are not the customer's alone: not searched for


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
    verified: bool | None = None  # None: not checked (a server's files are not ours to read)
    checked_files: int = 0
    checked_vectors: int = 0  # the customer's own vectors (one of a text another customer also has is theirs)
    checked_texts: int = 0
    leftovers: list[str] = field(default_factory=list)  # files that still hold the customer's data

    @property
    def nothing_to_erase(self) -> bool:
        return not self.found

    def summary_lines(self) -> list[str]:
        """What was rewritten and what was verified, one sentence a line (for the CLI)."""
        lines = []
        if self.compacted:
            lines.append(f"Rewrote on disk: {', '.join(self.compacted)}.")
        if self.verified is True:
            lines.append(
                f"Verified: none of the customer's {self.checked_vectors} vectors and "
                f"{self.checked_texts} message texts is in any of the {self.checked_files} files "
                "of the data directory."
            )
        elif self.verified is False:
            lines.append(f"NOT verified: the customer's data is still in {', '.join(self.leftovers)}.")
        return lines


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
    with sessions_lock(sessions):
        return _erase(sessions, chroma, workspace, customer_ref, embedding_cache, compact)


def _erase(
    sessions: sessionmaker[Session],
    chroma: Any,
    workspace: str,
    customer_ref: str,
    embedding_cache: Path | None,
    compact: bool,
) -> ErasureReport:
    report = ErasureReport(customer_ref=customer_ref)
    texts: list[str] = []
    vectors: dict[str, np.ndarray[Any, Any]] = {}
    by_id: dict[str, str] = {}
    with sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        customer = (
            find_customer(session, ws.id, customer_ref, workspace_locale(session, ws.id).country)
            if ws is not None
            else None
        )
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
        by_id = {vector_id(pk): text for pk, text in messages}
        ids = [vector_id(pk) for pk, _ in messages]
        vectors = _delete_vectors(session, chroma, ws, str(customer.id), ids, report)
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
        _rebuild_history_index(sessions, chroma, workspace, report)
        _compact_chroma(chroma, chroma_id, ids, report)
        _verify(sessions, chroma, embedding_cache, by_id, vectors, report)
    log.info("erased customer %s: %s", report.customer_id, report.rows)
    return report


def _delete_vectors(
    session: Session, chroma: Any, ws: Any, customer_id: str, ids: Sequence[str], report: ErasureReport
) -> dict[str, np.ndarray[Any, Any]]:
    """Delete the customer's vectors; returns them by id (to verify that no file still holds them)."""
    empty: dict[str, np.ndarray[Any, Any]] = {}
    try:
        index = stored_history_index(session, chroma, ws)
    except EmbedderMismatchError as exc:  # the collection is gone: nothing to delete there
        report.notes.append(f"history index not found ({exc}); no vectors to delete")
        return empty
    if index is None:
        return empty
    vectors = index.embeddings(ids) if isinstance(index, ChromaVectorIndex) else {}
    index.delete(ids)
    index.delete_where({"customer_id": customer_id})
    report.vectors = len(ids)
    return vectors


def _rebuild_history_index(
    sessions: sessionmaker[Session], chroma: Any, workspace: str, report: ErasureReport
) -> None:
    """Rebuild an embedded Chroma's history collection so its HNSW files hold no deleted vector."""
    if chroma_persist_path(chroma) is None:
        return
    with sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        if ws is None:
            return
        try:
            index = stored_history_index(session, chroma, ws)
        except EmbedderMismatchError:
            return
        if not isinstance(index, ChromaVectorIndex):
            return
        rebuilt = rebuild_collection(chroma, index)
        rec = session.scalar(
            select(VectorCollection).where(
                VectorCollection.workspace_id == ws.id, VectorCollection.kind == index.kind
            )
        )
        assert rec is not None
        rec.chroma_id = rebuilt.id
    report.compacted.append("history vector index (rebuilt without the erased vectors)")


def _verify(
    sessions: sessionmaker[Session],
    chroma: Any,
    embedding_cache: Path | None,
    texts: dict[str, str],
    vectors: dict[str, np.ndarray[Any, Any]],
    report: ErasureReport,
) -> None:
    """Scan every file of the embedded stores for the customer's vectors and message texts.

    A text another (remaining) customer also sent, and its vector, are theirs too: not searched for.
    """
    chroma_dir = chroma_persist_path(chroma)
    if chroma_dir is None:
        report.notes.append("Chroma server: its files cannot be verified from here")
        return
    shared = _texts_still_stored(sessions, sorted(set(texts.values())))
    own = {vid: text for vid, text in texts.items() if text not in shared}
    mine = [vectors[v] for v in own if v in vectors]
    needles = _vector_needles(np.stack(mine) if mine else np.zeros((0, 0), dtype=np.float32))
    distinct = sorted({t for t in own.values() if len(t) >= _MIN_VERIFIED_TEXT})
    needles += [t.encode("utf-8") for t in distinct]
    files = _store_files(sessions, chroma_dir, embedding_cache)
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if any(needle in data for needle in needles):
            report.leftovers.append(str(path))
    report.checked_files = len(files)
    report.checked_vectors = len(mine)
    report.checked_texts = len(distinct)
    report.verified = not report.leftovers
    if report.leftovers:
        log.error("erasure left the customer's data in %s", report.leftovers)


def _store_files(
    sessions: sessionmaker[Session], chroma_dir: Path, embedding_cache: Path | None
) -> list[Path]:
    """Every file of the embedded stores: Chroma's folder, the SQLite database (and WAL), the cache."""
    roots = [chroma_dir]
    engine = sessions.kw.get("bind")
    if isinstance(engine, Engine) and engine.dialect.name == "sqlite" and engine.url.database:
        db = Path(engine.url.database)
        roots.extend(db.parent.glob(db.name + "*"))
    if embedding_cache is not None:
        roots.extend(embedding_cache.parent.glob(embedding_cache.name + "*"))
    return sorted(
        {p for root in roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()}
    )


def _texts_still_stored(sessions: sessionmaker[Session], texts: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with sessions() as session:
        for start in range(0, len(texts), 200):
            part = list(texts[start : start + 200])
            found.update(session.scalars(select(Message.text).where(Message.text.in_(part)).distinct()))
    return found


def _vector_needles(vectors: np.ndarray[Any, Any]) -> list[bytes]:
    """The bytes of each whole vector as stored and as normalised (how HNSW keeps cosine vectors).

    Whole vectors, not prefixes: a sparse vector's first components are zeros shared with others.
    """
    if vectors.ndim != 2 or vectors.size == 0:
        return []
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normed = (vectors / norms).astype(np.float32)
    return sorted({v.tobytes() for v in vectors} | {v.tobytes() for v in normed})


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
