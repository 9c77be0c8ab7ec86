"""The vector index: one collection per workspace and kind, scoped queries, embedder identity checks.

:class:`VectorIndex` is the contract (a Protocol) the indexer, the searcher and the history store use.
:class:`ChromaVectorIndex` implements it on a Chroma collection (embedded or server);
:class:`InMemoryVectorIndex`, made by an :class:`InMemoryVectorStore` that stands in for the Chroma client,
is the fake the tests use where Chroma itself is not what they test. :class:`ExactIndex` is a read-only
in-memory copy of a knowledge index that the searcher ranks exactly with numpy (Chroma stays the store of
record). Chroma's own tables and files are
touched only here (:func:`compact_chroma`), and :func:`chroma_layout_problems` says what we rely on, so a
Chroma upgrade that changes it fails a test loudly.

- A collection is created with ``embedding_function=None`` and always given vectors by us: Chroma's
  default embedding function downloads an English-only model at run time and is never used.
- Its metadata records the embedder's identity; opening it with another embedder raises
  :class:`EmbedderMismatchError`, which says to re-index.
- :meth:`VectorIndex.query` takes a :class:`Scope` and refuses a query without the scope its kind needs
  (workspace always, customer for history); every hit is checked against the scope before it is returned.
- Chroma is not process-safe: one process owns a ``PersistentClient`` path; several workers use a server.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

import numpy as np
from filelock import FileLock

from knowledge.errors import BackendError, ConfigError, EmbedderMismatchError, ScopeError

log = logging.getLogger("svar.vectorstore")

Metadata = dict[str, str | int | float | bool]


def open_chroma(*, path: Path | None = None, url: str | None = None) -> Any:
    """A Chroma client: a server when ``url`` is given, else embedded on disk at ``path``.

    Raises:
        ConfigError: neither is given, or the URL is malformed.
        BackendError: the server cannot be reached.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ConfigError(f"SVAR_CHROMA_URL must look like http://host:8000, got {url!r}")
        try:
            client = chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise BackendError(f"cannot reach the Chroma server at {url}: {exc}") from exc
        return client
    if path is None:
        raise ConfigError("give a Chroma path (SVAR_HOME) or a server URL (SVAR_CHROMA_URL)")
    path.mkdir(parents=True, exist_ok=True)
    # Chroma sets up its own SQLite schema on first open; two processes doing so at once collide.
    with FileLock(f"{path}.open.lock", is_singleton=True):
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


@dataclass(frozen=True)
class Scope:
    """Who may see what: a workspace, and for history a single customer."""

    workspace: str
    customer_id: str | None = None


@dataclass(frozen=True)
class Hit:
    """A vector search result."""

    id: str
    score: float  # cosine similarity
    text: str
    metadata: Metadata


@dataclass(frozen=True)
class Items:
    """Every item of an index: ids, their vectors (one row each, float32), documents and metadatas."""

    ids: list[str]
    vectors: np.ndarray[Any, Any]
    documents: list[str]
    metadatas: list[Metadata]


@runtime_checkable
class VectorIndex(Protocol):
    """One collection of one workspace (``kind`` is ``knowledge`` or ``history``), queried inside a scope."""

    workspace: str
    kind: str

    @property
    def id(self) -> str:
        """The collection's id (stored in the relational store to find it again)."""
        ...

    @property
    def name(self) -> str:
        """The collection's name."""
        ...

    def count(self) -> int:
        """How many items it holds."""
        ...

    def ids(self) -> list[str]:
        """Every item's id."""
        ...

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray[Any, Any],
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        """Insert or replace items; each item's metadata gets the index's ``workspace``."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Delete items by id (absent ids are ignored)."""
        ...

    def delete_where(self, where: dict[str, Any]) -> None:
        """Delete the items whose metadata has every ``key: value`` of ``where``."""
        ...

    def get(self, ids: Sequence[str]) -> dict[str, Any]:
        """``{"ids", "documents", "metadatas"}`` of the items found among ``ids``."""
        ...

    def query(self, vector: np.ndarray[Any, Any], k: int, scope: Scope) -> list[Hit]:
        """The ``k`` nearest items inside ``scope`` (raises :class:`ScopeError` without the scope needed)."""
        ...

    def query_among(
        self, vector: np.ndarray[Any, Any], k: int, scope: Scope, ids: Sequence[str]
    ) -> list[Hit]:
        """The ``k`` items nearest to ``vector`` among ``ids``, inside ``scope``."""
        ...

    def items(self) -> Items:
        """Every item (ids, vectors, documents, metadatas), for an in-memory copy (:class:`ExactIndex`)."""
        ...


def check_scope(kind: str, workspace: str, scope: Scope) -> dict[str, Any] | None:
    """The metadata filter ``scope`` gives a query on a ``kind`` index of ``workspace``.

    Raises:
        ScopeError: the scope is for another workspace, or a history query has no customer.
    """
    if not scope.workspace:
        raise ScopeError("a vector query needs a workspace scope")
    if scope.workspace != workspace:
        raise ScopeError(f"scope is workspace {scope.workspace!r} but the index is {workspace!r}")
    if kind == "history":
        if not scope.customer_id:
            raise ScopeError("a history query needs a customer scope")
        return {"customer_id": scope.customer_id}
    return None


def in_scope(kind: str, meta: dict[str, Any], scope: Scope) -> bool:
    """Whether an item with ``meta`` may be returned to a caller with ``scope``."""
    if meta.get("workspace") != scope.workspace:
        return False
    return kind != "history" or meta.get("customer_id") == scope.customer_id


def _rank(
    vector: np.ndarray[Any, Any],
    ids: Sequence[str],
    embeddings: Sequence[Any],
    documents: Sequence[str | None],
    metadatas: Sequence[Any],
    k: int,
    kind: str,
    scope: Scope,
) -> list[Hit]:
    """Exact cosine ranking of the given items, in scope only (shared by ``query_among`` and the fake)."""
    if not ids or k <= 0:
        return []
    matrix = np.asarray(embeddings, dtype=np.float32)
    query = np.asarray(vector, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * (float(np.linalg.norm(query)) or 1.0)
    norms[norms == 0] = 1.0
    scores = (matrix @ query) / norms
    hits: list[Hit] = []
    for i in np.argsort(-scores, kind="stable"):
        meta = dict(metadatas[i] or {})
        if not in_scope(kind, meta, scope):
            continue  # never happens unless the index and the store disagree; never returned
        hits.append(Hit(id=ids[i], score=float(scores[i]), text=documents[i] or "", metadata=meta))
        if len(hits) == k:
            break
    return hits


class ChromaVectorIndex:
    """:class:`VectorIndex` on one Chroma collection."""

    def __init__(self, collection: Any, *, workspace: str, kind: str, max_batch: int = 1000) -> None:
        self._col = collection
        self.workspace = workspace
        self.kind = kind
        self.max_batch = max_batch

    @property
    def id(self) -> str:
        return str(self._col.id)

    @property
    def name(self) -> str:
        return str(self._col.name)

    def count(self) -> int:
        return int(self._col.count())

    def ids(self) -> list[str]:
        return list(self._col.get(include=[])["ids"])

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray[Any, Any],
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        """Insert or replace, in batches below Chroma's maximum batch size."""
        for start in range(0, len(ids), self.max_batch):
            end = start + self.max_batch
            metas = [{**m, "workspace": self.workspace} for m in metadatas[start:end]]
            self._col.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32).tolist(),
                documents=list(documents[start:end]),
                metadatas=metas,
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self.max_batch):
            self._col.delete(ids=list(ids[start : start + self.max_batch]))

    def delete_where(self, where: dict[str, Any]) -> None:
        self._col.delete(where=where)

    def get(self, ids: Sequence[str]) -> dict[str, Any]:
        return dict(self._col.get(ids=list(ids), include=["documents", "metadatas"]))

    def embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray[Any, Any]]:
        """The stored vectors of those of ``ids`` that exist, by id, as float32."""
        out: dict[str, np.ndarray[Any, Any]] = {}
        for start in range(0, len(ids), self.max_batch):
            got = self._col.get(ids=list(ids[start : start + self.max_batch]), include=["embeddings"])
            values = got["embeddings"]
            for id_, vector in zip(got["ids"], values if values is not None else [], strict=True):
                out[id_] = np.asarray(vector, dtype=np.float32)
        return out

    def query(self, vector: np.ndarray[Any, Any], k: int, scope: Scope) -> list[Hit]:
        """The ``k`` nearest items inside ``scope``.

        Raises:
            ScopeError: the scope is for another workspace, or a history query has no customer.
        """
        where = self._where(scope)
        n = min(k, self.count())
        if n == 0:
            return []
        res = self._col.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=n,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for id_, doc, meta, dist in zip(
            res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            meta = dict(meta or {})
            if not self._in_scope(meta, scope):
                log.error("dropped a hit outside the caller's scope: collection=%s id=%s", self.name, id_)
                continue
            hits.append(Hit(id=id_, score=1.0 - float(dist), text=doc or "", metadata=meta))
        return hits

    def query_among(
        self, vector: np.ndarray[Any, Any], k: int, scope: Scope, ids: Sequence[str]
    ) -> list[Hit]:
        """The ``k`` items nearest to ``vector`` among ``ids`` (exact), all inside ``scope``.

        Raises:
            ScopeError: the scope is for another workspace or (history) has no customer.
        """
        self._where(scope)  # the same refusal as every vector query
        if not ids or k <= 0:
            return []
        got: dict[str, Any] = {"ids": [], "embeddings": [], "documents": [], "metadatas": []}
        for start in range(0, len(ids), self.max_batch):
            part = self._col.get(
                ids=list(ids[start : start + self.max_batch]),
                include=["embeddings", "documents", "metadatas"],
            )
            for key in got:
                values = part[key]
                got[key].extend(list(values) if values is not None else [])
        return _rank(
            vector, got["ids"], got["embeddings"], got["documents"], got["metadatas"], k, self.kind, scope
        )

    def items(self) -> Items:
        """Every item, read in pages of ``max_batch``."""
        ids: list[str] = []
        vectors: list[Any] = []
        documents: list[str] = []
        metadatas: list[Metadata] = []
        offset = 0
        while True:
            part = self._col.get(
                include=["embeddings", "documents", "metadatas"], limit=self.max_batch, offset=offset
            )
            if not part["ids"]:
                break
            ids.extend(part["ids"])
            vectors.extend(part["embeddings"] if part["embeddings"] is not None else [])
            documents.extend(d or "" for d in part["documents"] or [""] * len(part["ids"]))
            metadatas.extend(dict(m or {}) for m in part["metadatas"] or [{}] * len(part["ids"]))
            offset += len(part["ids"])
        return Items(ids, _matrix(vectors), documents, metadatas)

    def _where(self, scope: Scope) -> dict[str, Any] | None:
        return check_scope(self.kind, self.workspace, scope)

    def _in_scope(self, meta: dict[str, Any], scope: Scope) -> bool:
        return in_scope(self.kind, meta, scope)


def _matrix(vectors: Sequence[Any]) -> np.ndarray[Any, Any]:
    if not len(vectors):
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)


class ExactIndex:
    """An in-memory copy of a small index, ranked exactly with numpy: the knowledge search's candidates.

    Chroma stays the store of record; this is a read-only snapshot of it (built once, kept by the caller
    until the knowledge changes). One matrix product over a help center's few thousand chunks takes well
    under a millisecond, where a Chroma HNSW query costs about 9 ms of CPU, and it is exact: ties in score
    are broken by the item's id, so the order never depends on the graph. Queries are scoped like every
    vector query (:func:`check_scope`), and items outside the index's workspace are left out of the copy.

    Args:
        index: the index to copy (a knowledge index: history is searched per customer, see
            :meth:`VectorIndex.query_among`).

    Raises:
        ValueError: ``index`` holds history.
    """

    def __init__(self, index: VectorIndex) -> None:
        if index.kind == "history":
            raise ValueError("a history index is searched per customer (query_among), not copied whole")
        self.workspace = index.workspace
        self.kind = index.kind
        items = index.items()
        scope = Scope(workspace=index.workspace)
        keep = [i for i, m in enumerate(items.metadatas) if in_scope(index.kind, m, scope)]
        self.ids = [items.ids[i] for i in keep]
        self.documents = [items.documents[i] for i in keep]
        self.metadatas = [items.metadatas[i] for i in keep]
        matrix = items.vectors[keep] if keep else np.zeros((0, 0), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(matrix) else np.ones((0, 1))
        self.matrix: np.ndarray[Any, Any] = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
        # the position of each id in sorted order: the tie-break, computed once
        by_id = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        self._id_rank = np.empty(len(self.ids), dtype=np.int64)
        self._id_rank[by_id] = np.arange(len(self.ids))

    def count(self) -> int:
        return len(self.ids)

    def query(self, vector: np.ndarray[Any, Any], k: int, scope: Scope) -> list[Hit]:
        """The ``k`` nearest items, best first (cosine similarity; equal scores in id order).

        Raises:
            ScopeError: the scope is for another workspace, or the index holds history (a customer's).
        """
        check_scope(self.kind, self.workspace, scope)
        n = min(k, len(self.ids))
        if n <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        scores = self.matrix @ (query / (float(np.linalg.norm(query)) or 1.0))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        # a tie at the cut: every item with the n-th score competes by id, so the cut is deterministic too
        floor = scores[top].min()
        top = np.flatnonzero(scores >= floor)
        order = top[np.lexsort((self._id_rank[top], -scores[top]))][:n]
        return [Hit(self.ids[i], float(scores[i]), self.documents[i], dict(self.metadatas[i])) for i in order]


def collection_name(workspace: str, kind: str) -> str:
    return f"svar-{workspace}-{kind}"


def create_collection(client: Any, *, workspace: str, kind: str, embedder: str) -> VectorIndex:
    """Create a collection for ``embedder``, replacing any old one of that name (and its files).

    ``client`` is a Chroma client or an :class:`InMemoryVectorStore`.
    """
    if isinstance(client, InMemoryVectorStore):
        return client.create(workspace=workspace, kind=kind, embedder=embedder)
    name = collection_name(workspace, kind)
    try:
        client.delete_collection(name)
    except Exception:  # noqa: S110 - absent is fine
        log.debug("no old collection %s to delete", name)
    else:
        prune_orphan_segments(client)
    col = client.create_collection(
        name,
        embedding_function=None,
        metadata={
            "hnsw:space": "cosine",
            "svar_embedder": embedder,
            "svar_workspace": workspace,
            "svar_kind": kind,
        },
    )
    return ChromaVectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))


def get_or_create_collection(client: Any, *, workspace: str, kind: str, embedder: str) -> VectorIndex:
    """The collection for a workspace's first use of ``kind``, created unless a usable one exists.

    A collection of that name that is empty and was made for the same workspace and embedder (another
    process created it a moment ago) is adopted rather than deleted; anything else of that name is a
    leftover of an older store and is replaced.
    """
    name = collection_name(workspace, kind)
    if isinstance(client, InMemoryVectorStore):
        return create_collection(client, workspace=workspace, kind=kind, embedder=embedder)
    try:
        col = client.get_collection(name, embedding_function=None)
    except Exception:
        return create_collection(client, workspace=workspace, kind=kind, embedder=embedder)
    meta = col.metadata or {}
    if meta.get("svar_embedder") == embedder and meta.get("svar_workspace") == workspace and col.count() == 0:
        return ChromaVectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))
    log.warning("replacing the leftover collection %s (not in the relational store)", name)
    return create_collection(client, workspace=workspace, kind=kind, embedder=embedder)


def open_collection(
    client: Any, *, workspace: str, kind: str, expected_id: str, embedder: str
) -> VectorIndex:
    """Open a workspace's collection by its stored id; check its name and embedder.

    Raises:
        EmbedderMismatchError: the collection was built with another embedder, or it is missing or was
            replaced outside Svar; the message says to run ``svar reindex``.
    """
    name = collection_name(workspace, kind)
    col: Any
    if isinstance(client, InMemoryVectorStore):
        col = client.collections.get(name)
        if col is None:
            raise EmbedderMismatchError(
                f"the {kind} index of workspace {workspace!r} is missing; run `svar reindex`"
            )
        _check_identity(kind, workspace, name, col.id, col.metadata, expected_id, embedder)
        return col  # type: ignore[no-any-return]
    try:
        col = client.get_collection(name, embedding_function=None)
    except Exception as exc:
        raise EmbedderMismatchError(
            f"the {kind} index of workspace {workspace!r} is missing from Chroma; run `svar reindex`"
        ) from exc
    _check_identity(kind, workspace, name, str(col.id), col.metadata, expected_id, embedder)
    return ChromaVectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))


def _check_identity(
    kind: str,
    workspace: str,
    name: str,
    col_id: str,
    metadata: dict[str, Any] | None,
    expected_id: str,
    embedder: str,
) -> None:
    if col_id != expected_id:
        raise EmbedderMismatchError(
            f"the {kind} collection {name!r} has id {col_id}, not the stored {expected_id}; "
            "it was replaced outside Svar: run `svar reindex`"
        )
    stored = (metadata or {}).get("svar_embedder")
    if stored != embedder:
        raise EmbedderMismatchError(
            f"the {kind} index of workspace {workspace!r} was built with embedder {stored!r} but "
            f"{embedder!r} is configured; run `svar reindex` (or set SVAR_EMBEDDER back)"
        )


def prune_orphan_segments(client: Any) -> list[str]:
    """Remove the index folders an embedded Chroma left behind for deleted collections.

    Chroma deletes a collection's records but keeps its HNSW segment folder (vectors included) on disk.
    A folder named by a segment id that is no longer in Chroma's ``segments`` table belongs to nobody.
    Call it while holding the store's writer lock. Returns the folders removed.
    """
    root = chroma_persist_path(client)
    if root is None or not (root / CHROMA_FILE).is_file():
        return []
    conn = sqlite3.connect(root / CHROMA_FILE, timeout=30)
    try:
        live = {str(row[0]) for row in conn.execute("SELECT id FROM segments")}
    finally:
        conn.close()
    removed = []
    for folder in root.iterdir():
        if folder.is_dir() and _is_uuid(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    if removed:
        log.info("removed %d unreferenced Chroma index folders", len(removed))
    return removed


def rebuild_collection(client: Any, index: ChromaVectorIndex) -> ChromaVectorIndex:
    """Copy the live vectors of ``index`` into a fresh collection that takes its name, then drop the old one.

    Chroma's HNSW files keep deleted vectors in unlabelled slots until they are reused; a rebuild through
    its public API (create, add, delete, rename) is the one way to have no deleted vector left in any file
    (with :func:`prune_orphan_segments` for the old folder). The new collection has a new id: store it.
    """
    old = index._col
    tmp_name = f"{old.name}-rebuild"
    try:
        client.delete_collection(tmp_name)  # a leftover of an interrupted rebuild
    except Exception:  # noqa: S110 - absent is the normal case
        log.debug("no leftover %s", tmp_name)
    new = client.create_collection(tmp_name, embedding_function=None, metadata=dict(old.metadata or {}))
    offset = 0
    while True:
        part = old.get(include=["embeddings", "documents", "metadatas"], limit=index.max_batch, offset=offset)
        if not part["ids"]:
            break
        new.add(
            ids=part["ids"],
            embeddings=np.asarray(part["embeddings"], dtype=np.float32).tolist(),
            documents=part["documents"],
            metadatas=part["metadatas"],
        )
        offset += len(part["ids"])
    name = old.name
    client.delete_collection(name)
    new.modify(name=name)
    prune_orphan_segments(client)
    return ChromaVectorIndex(new, workspace=index.workspace, kind=index.kind, max_batch=index.max_batch)


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _max_batch(client: Any) -> int:
    try:
        return max(1, min(1000, int(client.get_max_batch_size())))
    except Exception:
        return 500


# -- the in-memory fake ---------------------------------------------------------------------------------


@dataclass
class InMemoryVectorIndex:
    """:class:`VectorIndex` in memory with exact cosine search: the fake for tests that do not test Chroma."""

    workspace: str
    kind: str
    metadata: dict[str, Any] = field(default_factory=dict)
    _id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _items: dict[str, tuple[np.ndarray[Any, Any], str, Metadata]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self._id

    @property
    def name(self) -> str:
        return collection_name(self.workspace, self.kind)

    def count(self) -> int:
        return len(self._items)

    def ids(self) -> list[str]:
        return list(self._items)

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray[Any, Any],
        documents: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        for id_, vec, doc, meta in zip(ids, vectors, documents, metadatas, strict=True):
            self._items[id_] = (np.asarray(vec, dtype=np.float32), doc, {**meta, "workspace": self.workspace})

    def delete(self, ids: Sequence[str]) -> None:
        for id_ in ids:
            self._items.pop(id_, None)

    def delete_where(self, where: dict[str, Any]) -> None:
        for id_ in [
            i for i, (_, _, m) in self._items.items() if all(m.get(k) == v for k, v in where.items())
        ]:
            del self._items[id_]

    def get(self, ids: Sequence[str]) -> dict[str, Any]:
        found = [i for i in ids if i in self._items]
        return {
            "ids": found,
            "documents": [self._items[i][1] for i in found],
            "metadatas": [self._items[i][2] for i in found],
        }

    def query(self, vector: np.ndarray[Any, Any], k: int, scope: Scope) -> list[Hit]:
        where = check_scope(self.kind, self.workspace, scope)
        ids = [
            i for i, (_, _, m) in self._items.items() if all(m.get(a) == b for a, b in (where or {}).items())
        ]
        return self._rank(vector, k, scope, ids)

    def query_among(
        self, vector: np.ndarray[Any, Any], k: int, scope: Scope, ids: Sequence[str]
    ) -> list[Hit]:
        check_scope(self.kind, self.workspace, scope)
        return self._rank(vector, k, scope, [i for i in ids if i in self._items])

    def items(self) -> Items:
        ids = list(self._items)
        return Items(
            ids,
            _matrix([self._items[i][0] for i in ids]),
            [self._items[i][1] for i in ids],
            [dict(self._items[i][2]) for i in ids],
        )

    def _rank(self, vector: np.ndarray[Any, Any], k: int, scope: Scope, ids: Sequence[str]) -> list[Hit]:
        items = [self._items[i] for i in ids]
        return _rank(
            vector,
            ids,
            [v for v, _, _ in items],
            [d for _, d, _ in items],
            [m for _, _, m in items],
            k,
            self.kind,
            scope,
        )


class InMemoryVectorStore:
    """Stands in for the Chroma client: holds :class:`InMemoryVectorIndex` collections by name."""

    def __init__(self) -> None:
        self.collections: dict[str, InMemoryVectorIndex] = {}

    def create(self, *, workspace: str, kind: str, embedder: str) -> InMemoryVectorIndex:
        """A new, empty index (replacing one of the same name)."""
        index = InMemoryVectorIndex(
            workspace=workspace,
            kind=kind,
            metadata={"svar_embedder": embedder, "svar_workspace": workspace, "svar_kind": kind},
        )
        self.collections[index.name] = index
        return index


# -- Chroma's internals: touched here only ------------------------------------------------------------

CHROMA_FILE = "chroma.sqlite3"
# What compact_chroma relies on in Chroma's SQLite file (checked by chroma_layout_problems).
CHROMA_TABLES: dict[str, frozenset[str]] = {
    "embeddings_queue": frozenset({"id", "topic", "metadata", "vector"}),
    "segments": frozenset({"id"}),  # prune_orphan_segments: a folder of no segment belongs to nobody
}
CHROMA_FULLTEXT = "embedding_fulltext_search"


def chroma_layout_problems(path: Path) -> list[str]:
    """What differs, in the embedded Chroma store at ``path``, from the tables and columns we rely on.

    An empty list means :func:`compact_chroma` can do its work. A Chroma upgrade that renames them makes
    this non-empty (and a test fail) instead of silently leaving erased data on disk.
    """
    file = path / CHROMA_FILE
    if not file.is_file():
        return [f"{file} does not exist"]
    conn = sqlite3.connect(file, timeout=30)
    try:
        problems = []
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        for table, columns in CHROMA_TABLES.items():
            if table not in names:
                problems.append(f"table {table} is missing")
                continue
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            problems.extend(f"column {table}.{c} is missing" for c in sorted(columns - have))
        if CHROMA_FULLTEXT not in names:
            problems.append(f"full-text table {CHROMA_FULLTEXT} is missing")
        return problems
    finally:
        conn.close()


def chroma_persist_path(client: Any) -> Path | None:
    """The data directory of an embedded Chroma client; None for a server or the in-memory fake."""
    settings = client.get_settings() if hasattr(client, "get_settings") else None
    if settings is None or not settings.is_persistent or not settings.persist_directory:
        return None
    return Path(settings.persist_directory)


def compact_chroma(client: Any, collection_id: str | None, ids: Sequence[str]) -> str | None:
    """Leave no deleted record of ``ids`` in an embedded Chroma's files; None when done, else why not.

    Chroma keeps every write in its own SQLite log (``embeddings_queue``, documents included) until its
    HNSW segment is flushed, and its full-text index keeps deleted text until merged: the log records of
    ``ids`` are blanked, the full-text index is optimised and the file vacuumed. A Chroma server reclaims
    its own storage.
    """
    root = chroma_persist_path(client)
    if root is None:
        return "Chroma server: its storage reclaims deleted records itself"
    path = root / CHROMA_FILE
    if not path.is_file():
        return "Chroma's store file is not there: nothing to compact"
    conn = sqlite3.connect(path, timeout=30)
    try:
        if collection_id is not None and ids:
            with conn:
                for start in range(0, len(ids), 500):
                    part = list(ids[start : start + 500])
                    marks = ",".join("?" * len(part))
                    # The metadata segment has applied these records already; the HNSW segment replays
                    # only vectors, and the delete records follow. Blank what identifies them.
                    conn.execute(
                        "UPDATE embeddings_queue SET metadata = NULL,"
                        " vector = CASE WHEN vector IS NULL THEN NULL ELSE zeroblob(length(vector)) END"
                        f" WHERE topic LIKE ? AND id IN ({marks})",
                        ["%/" + collection_id, *part],
                    )
        has_fts = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (CHROMA_FULLTEXT,)).fetchone()
        if has_fts:
            with conn:
                conn.execute(f"INSERT INTO {CHROMA_FULLTEXT}({CHROMA_FULLTEXT}) VALUES ('optimize')")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return None
    finally:
        conn.close()
