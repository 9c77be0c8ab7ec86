"""The history vector index: message embeddings tagged with their customer, searched one customer at a time.

Each message is one vector in the workspace's ``history`` collection, with id ``msg-<message pk>`` and
metadata ``customer_id`` (the internal customer id, as a string), ``message_id``, ``conversation_id``,
``channel``, ``role`` and ``at``.

Why search does not lean on Chroma's metadata filter: measured with ``evals/bench_history_scope.py``
(100,000 random 384-d vectors over 1,000 customers, Chroma 1.5 ``PersistentClient``, 2 shared CPU cores),
a query with ``where={"customer_id": ...}`` takes ~103 ms p50 (141 ms p95) against ~1.9 ms unfiltered, and
``get(where=...)`` plus numpy ~21 ms. A customer has tens to hundreds of messages, so :func:`search_history`
asks the relational store (the truth) for that customer's message ids, fetches exactly those vectors with
``get(ids=...)`` and ranks them by cosine in numpy: ~10 ms p50 all told (the ``get`` of embeddings alone
~4 ms), and nothing outside the customer is ever read. The scope is still checked the one way every vector
query is (:class:`~knowledge.vectorstore.Scope`; a history query without a customer is refused) and every
hit's metadata is checked against it. Customers with more than ``FILTER_ABOVE`` messages fall back to
Chroma's filtered query, whose hits are checked the same way and against the store's ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.engine import sessions_lock
from knowledge.db.history_models import Conversation, Customer, Message
from knowledge.db.models import VectorCollection, Workspace
from knowledge.embedders import Embedder, message_embed_text
from knowledge.errors import InputError, ScopeError
from knowledge.progress import NoProgress, Progress
from knowledge.vectorstore import Hit, Metadata, Scope, VectorIndex
from knowledge.workspaces import get_workspace, recreate_vector_index, vector_index

KIND = "history"
FILTER_ABOVE = 20_000  # messages; above this one customer's vectors are not fetched into memory


def vector_id(message_pk: int) -> str:
    """The id of a message's vector (internal ids only: nothing personal in Chroma's id maps)."""
    return f"msg-{message_pk}"


def message_metadata(message: Message, conversation_external_id: str) -> Metadata:
    """The metadata stored with a message's vector."""
    return {
        "customer_id": str(message.customer_id),
        "message_id": message.external_id,
        "conversation_id": conversation_external_id,
        "channel": message.channel,
        "role": message.role,
        "at": message.at.isoformat(),
    }


HistoryIndex = VectorIndex  # a workspace's history collection: a VectorIndex of kind "history"


def as_history(index: VectorIndex) -> VectorIndex:
    """``index``, checked to be a history collection.

    Raises:
        ScopeError: it is another kind of index.
    """
    if index.kind != KIND:
        raise ScopeError(f"not a history index: {index.name}")
    return index


def history_index(session: Session, chroma: Any, ws: Workspace, embedder: str) -> HistoryIndex:
    """The workspace's history collection (created on first use), checked against ``embedder``."""
    return as_history(vector_index(session, chroma, ws, KIND, embedder))


def stored_history_index(session: Session, chroma: Any, ws: Workspace) -> HistoryIndex | None:
    """The workspace's history collection with whatever embedder built it, or None if there is none."""
    rec = session.scalar(
        select(VectorCollection).where(VectorCollection.workspace_id == ws.id, VectorCollection.kind == KIND)
    )
    if rec is None:
        return None
    return as_history(vector_index(session, chroma, ws, KIND, rec.embedder))


def search_history(
    sessions: sessionmaker[Session],
    chroma: Any,
    embedder: Embedder,
    workspace: str,
    customer_id: str,
    query: str,
    k: int = 5,
) -> list[Hit]:
    """The ``k`` messages of one customer nearest in meaning to ``query``, best first.

    Args:
        sessions: session factory of the relational store.
        chroma: the Chroma client.
        embedder: the embedder the history collection was built with.
        workspace: workspace name.
        customer_id: the internal customer id (as in the vectors' metadata), from a verified identity.
        query: the text to search for.
        k: how many hits.

    Returns:
        Hits whose metadata has ``customer_id``, ``message_id``, ``channel``, ``role`` and ``at``.

    Raises:
        ScopeError: no customer was given.
        InputError: the workspace or the customer does not exist.
    """
    if not customer_id or not str(customer_id).strip():
        raise ScopeError("a history query needs a customer scope")
    with sessions.begin() as session:
        ws = get_workspace(session, workspace, create=False)
        customer = session.get(Customer, int(customer_id)) if str(customer_id).strip().isdigit() else None
        if ws is None or customer is None or customer.workspace_id != ws.id:
            raise InputError(f"no customer {customer_id!r} in workspace {workspace!r}")
        scope = Scope(workspace=workspace, customer_id=str(customer.id))
        ids = [
            vector_id(pk)
            for pk in session.scalars(select(Message.id).where(Message.customer_id == customer.id))
        ]
        if not ids:
            return []
        index = history_index(session, chroma, ws, embedder.identity)
    vector = embedder.embed_query(query)
    if len(ids) <= FILTER_ABOVE:
        return index.query_among(vector, k, scope, ids)
    allowed = set(ids)
    return [h for h in index.query(vector, k, scope) if h.id in allowed]


def message_rows(session: Session, pks: Sequence[int]) -> list[tuple[Message, str]]:
    """Messages by primary key with their conversation's external id, in pk order."""
    rows: list[tuple[Message, str]] = []
    for start in range(0, len(pks), 500):
        part = list(pks[start : start + 500])
        rows.extend(
            (m, c)
            for m, c in session.execute(
                select(Message, Conversation.external_id)
                .join(Conversation, Message.conversation_id == Conversation.id)
                .where(Message.id.in_(part))
            )
        )
    return sorted(rows, key=lambda r: r[0].id)


def write_vectors(
    index: HistoryIndex,
    embedder: Embedder,
    rows: Sequence[tuple[Message, str]],
    progress: Progress | None = None,
) -> int:
    """Embed and upsert these messages; returns how many vectors were written."""
    if not rows:
        return 0
    progress = progress or NoProgress()
    progress.start("Embedding messages", len(rows))
    vectors = embedder.embed_documents([message_embed_text(m.text) for m, _ in rows], progress.advance)
    progress.finish()
    index.upsert(
        [vector_id(m.id) for m, _ in rows],
        vectors,
        [m.text for m, _ in rows],
        [message_metadata(m, conv) for m, conv in rows],
    )
    return len(rows)


def reindex_history(
    sessions: sessionmaker[Session],
    chroma: Any,
    embedder: Embedder,
    workspace: str,
    progress: Progress | None = None,
) -> int:
    """Rebuild the workspace's history collection from the relational store; returns messages indexed.

    Also the way to make Chroma drop every trace of erased vectors from its HNSW files at once.
    """
    with sessions_lock(sessions), sessions.begin() as session:
        ws = get_workspace(session, workspace)
        assert ws is not None
        index = as_history(recreate_vector_index(session, chroma, ws, KIND, embedder.identity))
        pks = list(
            session.scalars(select(Message.id).where(Message.workspace_id == ws.id).order_by(Message.id))
        )
        written = 0
        for start in range(0, len(pks), 2000):
            written += write_vectors(
                index, embedder, message_rows(session, pks[start : start + 2000]), progress
            )
        return written
