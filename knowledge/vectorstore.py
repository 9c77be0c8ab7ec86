"""The vector index: Chroma collections per workspace, scoped queries, embedder identity checks.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
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


class VectorIndex:
    """One Chroma collection of one workspace (``kind`` is ``knowledge`` or ``history``)."""

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

    def _where(self, scope: Scope) -> dict[str, Any] | None:
        if not scope.workspace:
            raise ScopeError("a vector query needs a workspace scope")
        if scope.workspace != self.workspace:
            raise ScopeError(f"scope is workspace {scope.workspace!r} but the index is {self.workspace!r}")
        if self.kind == "history":
            if not scope.customer_id:
                raise ScopeError("a history query needs a customer scope")
            return {"customer_id": scope.customer_id}
        return None

    def _in_scope(self, meta: dict[str, Any], scope: Scope) -> bool:
        if meta.get("workspace") != scope.workspace:
            return False
        return self.kind != "history" or meta.get("customer_id") == scope.customer_id


def collection_name(workspace: str, kind: str) -> str:
    return f"svar-{workspace}-{kind}"


def create_collection(client: Any, *, workspace: str, kind: str, embedder: str) -> VectorIndex:
    """Create a collection for ``embedder``, replacing any old one of that name (and its files)."""
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
    return VectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))


def get_or_create_collection(client: Any, *, workspace: str, kind: str, embedder: str) -> VectorIndex:
    """The collection for a workspace's first use of ``kind``, created unless a usable one exists.

    A collection of that name that is empty and was made for the same workspace and embedder (another
    process created it a moment ago) is adopted rather than deleted; anything else of that name is a
    leftover of an older store and is replaced.
    """
    name = collection_name(workspace, kind)
    try:
        col = client.get_collection(name, embedding_function=None)
    except Exception:
        return create_collection(client, workspace=workspace, kind=kind, embedder=embedder)
    meta = col.metadata or {}
    if meta.get("svar_embedder") == embedder and meta.get("svar_workspace") == workspace and col.count() == 0:
        return VectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))
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
    try:
        col = client.get_collection(name, embedding_function=None)
    except Exception as exc:
        raise EmbedderMismatchError(
            f"the {kind} index of workspace {workspace!r} is missing from Chroma; run `svar reindex`"
        ) from exc
    if str(col.id) != expected_id:
        raise EmbedderMismatchError(
            f"the {kind} collection {name!r} has id {col.id}, not the stored {expected_id}; "
            "it was replaced outside Svar: run `svar reindex`"
        )
    stored = (col.metadata or {}).get("svar_embedder")
    if stored != embedder:
        raise EmbedderMismatchError(
            f"the {kind} index of workspace {workspace!r} was built with embedder {stored!r} but "
            f"{embedder!r} is configured; run `svar reindex` (or set SVAR_EMBEDDER back)"
        )
    return VectorIndex(col, workspace=workspace, kind=kind, max_batch=_max_batch(client))


def persist_directory(client: Any) -> Path | None:
    """The folder of an embedded (on-disk) Chroma client; None for a server."""
    settings = client.get_settings() if hasattr(client, "get_settings") else None
    if settings is None or not settings.is_persistent or not settings.persist_directory:
        return None
    return Path(settings.persist_directory)


def prune_orphan_segments(client: Any) -> list[str]:
    """Remove the index folders an embedded Chroma left behind for deleted collections.

    Chroma deletes a collection's records but keeps its HNSW segment folder (vectors included) on disk.
    A folder named by a segment id that is no longer in Chroma's ``segments`` table belongs to nobody.
    Call it while holding the store's writer lock. Returns the folders removed.
    """
    root = persist_directory(client)
    if root is None or not (root / "chroma.sqlite3").is_file():
        return []
    conn = sqlite3.connect(root / "chroma.sqlite3", timeout=30)
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


def rebuild_collection(client: Any, index: VectorIndex) -> VectorIndex:
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
    return VectorIndex(new, workspace=index.workspace, kind=index.kind, max_batch=index.max_batch)


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
