"""Knowledge ingestion: load → clean → chunk → embed (cached) → upsert, incrementally.

Re-ingesting a source embeds nothing for unchanged documents, replaces changed ones (and drops their
surplus chunks) and removes documents that are gone from the source. A document whose file had a
rejected line this time is kept as it was: a bad input never deletes data. When nothing changed, nothing
is screened, embedded or opened beyond the database: such a re-ingest costs about a command's start-up.

A document's identity does not depend on how it was reached. A file (or sub-folder) inside a folder that
was already ingested belongs to that folder's source: its ids are relative to that folder and only its own
documents can be removed. A folder that contains earlier ingested files or folders takes their documents
over. Either way, the same unchanged documents are reported unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.chunking import Chunk, chunk_document
from knowledge.db.engine import sessions_lock
from knowledge.db.models import KBChunk, KBDocument, KBSource, VectorCollection, Workspace
from knowledge.documents import Document, Rejection
from knowledge.embedders import Embedder
from knowledge.limits import Limits
from knowledge.loaders import load_path
from knowledge.progress import NoProgress, Progress
from knowledge.rerank import pack_vectors, sentence_units
from knowledge.vectorstore import VectorIndex
from knowledge.workspaces import (
    bump_kb_version,
    get_workspace,
    recreate_vector_index,
    validate_workspace_name,
    vector_index,
)


@dataclass
class IngestReport:
    """What an ingest did."""

    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)  # loaded, with a problem (bytes not UTF-8)
    flagged: dict[str, list[str]] = field(default_factory=dict)  # doc id → cleaning flags
    suspicious: list[Rejection] = field(default_factory=list)  # file:line and why (ingested all the same)
    chunks_embedded: int = 0  # chunks sent to the embedding model (cache misses)
    chunks_written: int = 0
    seconds: float = 0.0

    @property
    def chunks_per_second(self) -> float:
        """Chunks written per second of the whole ingest (0 when nothing was written)."""
        return round(self.chunks_written / self.seconds, 1) if self.chunks_written and self.seconds else 0.0

    def summary(self) -> dict[str, int | float]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "rejected": len(self.rejected),
            "chunks_written": self.chunks_written,
            "chunks_per_second": self.chunks_per_second,
        }


class KnowledgeIndexer:
    """Writes knowledge into the relational store and the workspace's vector collection."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        chroma: Any,
        embedder: Embedder,
        *,
        chunk_tokens: int = 256,
        chunk_overlap: int = 32,
        sentence_vectors: bool = False,
        limits: Limits | None = None,
        screen: Callable[[Sequence[Document]], list[Rejection]] | None = None,
    ) -> None:
        self.screen = screen  # reports suspicious documents (planted instructions, foreign URLs)
        self.sessions = sessions
        self.chroma = chroma
        self.embedder = embedder
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        # embed each chunk's sentences too, for late interaction in the reranker (knowledge.rerank)
        self.sentence_vectors = sentence_vectors
        self.limits = limits or Limits()

    def ingest(self, path: str | Path, workspace: str, progress: Progress | None = None) -> IngestReport:
        """Ingest a file or folder into ``workspace``.

        Raises:
            InputError: the path does not exist or is of an unsupported type.
        """
        progress = progress or NoProgress()
        validate_workspace_name(workspace)
        started = time.perf_counter()
        target = Path(path).resolve()
        owner = self._owner(workspace, target)
        loaded = load_path(path, root=owner, limits=self.limits)
        report = IngestReport(
            source=str(owner or target), rejected=list(loaded.rejections), warnings=list(loaded.warnings)
        )
        bad_files = {
            _abs(r.location.rsplit(":", 1)[0] if _has_line(r) else r.location) for r in loaded.rejections
        }
        with sessions_lock(self.sessions), self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            assert ws is not None
            sources = list(session.scalars(select(KBSource).where(KBSource.workspace_id == ws.id)))
            source = next((s for s in sources if s.path == report.source), None)
            if source is None:
                source = KBSource(workspace_id=ws.id, path=report.source)
                session.add(source)
                session.flush()
            # Earlier sources inside what is ingested now: their documents are this source's from now on.
            adopted = {s.id: s for s in sources if s.id != source.id and _within(s.path, target)}
            covered = {source.id, *adopted}
            existing = {
                d.doc_id: d
                for d in session.scalars(select(KBDocument).where(KBDocument.workspace_id == ws.id))
            }
            todo: list[tuple[Document, KBDocument | None]] = []
            for doc in loaded.documents:
                if doc.flags:
                    report.flagged[doc.id] = doc.flags
                row = existing.get(doc.id)
                if row is not None and row.content_hash == doc.content_hash() and row.source_id in covered:
                    report.unchanged.append(doc.id)
                    row.source_id = source.id
                else:
                    todo.append((doc, row))
            loaded_ids = {d.id for d in loaded.documents}
            gone = [
                row
                for row in existing.values()
                if row.source_id in covered
                and row.doc_id not in loaded_ids
                and _abs(row.meta.get("source_file")) not in bad_files
                and (owner is None or _within(row.meta.get("source_file"), target))
            ]
            if not todo and not gone and _same_embedder(session, ws, self.embedder.identity):
                # nothing to write: the vector index is not opened (an unchanged re-ingest never starts
                # Chroma, whose start-up is most of such a command), the embedding model is not loaded and
                # the documents are not screened again (they were when they came in)
                report.seconds = time.perf_counter() - started
                return report
            if self.screen is not None:
                report.suspicious = self.screen(loaded.documents)
            index = vector_index(session, self.chroma, ws, "knowledge", self.embedder.identity)
            self._write(session, ws, source, index, todo, report, progress)
            for row in gone:
                index.delete([c.chunk_id for c in row.chunks])
                report.removed.append(row.doc_id)
                session.delete(row)
            session.flush()
            for old in adopted.values():
                left = select(KBDocument.id).where(KBDocument.source_id == old.id).limit(1)
                if session.scalar(left) is None:
                    session.delete(old)
            if report.added or report.updated or report.removed:
                bump_kb_version(session, ws)
        report.seconds = time.perf_counter() - started
        return report

    def _owner(self, workspace: str, target: Path) -> str | None:
        """The nearest folder already ingested into ``workspace`` that contains ``target``, if any."""
        with self.sessions() as session:
            ws = get_workspace(session, workspace, create=False)
            if ws is None:
                return None
            paths = session.scalars(select(KBSource.path).where(KBSource.workspace_id == ws.id)).all()
        folders = [p for p in paths if p != str(target) and _within(str(target), p) and Path(p).is_dir()]
        return max(folders, key=len) if folders else None

    def _write(
        self,
        session: Session,
        ws: Workspace,
        source: KBSource,
        index: VectorIndex,
        todo: Sequence[tuple[Document, KBDocument | None]],
        report: IngestReport,
        progress: Progress,
    ) -> None:
        if not todo:
            return
        chunked = [
            (doc, row, chunk_document(doc, max_tokens=self.chunk_tokens, overlap=self.chunk_overlap))
            for doc, row in todo
        ]
        all_chunks = [c for _, _, chunks in chunked for c in chunks]
        progress.start("Embedding chunks", len(all_chunks))
        calls_before = getattr(self.embedder, "calls", 0)
        vectors = self.embedder.embed_documents([c.embed_text for c in all_chunks], progress.advance)
        progress.finish()
        sentences = self._sentence_vectors([(c.embed_text, c.text) for c in all_chunks], progress)
        report.chunks_embedded = getattr(self.embedder, "calls", 0) - calls_before
        metas: list[dict[str, str | int | float | bool]] = []
        for doc, _, chunks in chunked:
            metas.extend({"doc_id": doc.id, "ord": c.index, "language": doc.language or ""} for c in chunks)
        progress.start("Writing index", len(all_chunks))
        index.upsert([c.id for c in all_chunks], vectors, [c.embed_text for c in all_chunks], metas)
        progress.advance(len(all_chunks))
        progress.finish()
        report.chunks_written = len(all_chunks)
        packed = iter(sentences)
        for doc, row, chunks in chunked:
            vectors_of = {c.id: next(packed) for c in chunks}
            if row is None:
                row = KBDocument(workspace_id=ws.id, doc_id=doc.id)
                session.add(row)
                report.added.append(doc.id)
            else:
                stale = {c.chunk_id for c in row.chunks} - {c.id for c in chunks}
                if stale:
                    index.delete(sorted(stale))
                row.chunks.clear()
                session.flush()
                report.updated.append(doc.id)
            _fill(row, doc, source, chunks, ws.id, vectors_of)
        session.flush()

    def _sentence_vectors(self, chunks: Sequence[tuple[str, str]], progress: Progress) -> list[bytes]:
        """Each chunk's sentence-unit vectors, packed (see :mod:`knowledge.rerank`); ``chunks`` are
        (embed_text, text). Embedded through the cache, so an unchanged sentence is never embedded twice."""
        if not self.sentence_vectors:
            return [b"" for _ in chunks]
        units = [sentence_units(embed_text, text) for embed_text, text in chunks]
        texts = [u.text for us in units for u in us]
        if not texts:
            return [b"" for _ in chunks]
        progress.start("Embedding sentences", len(texts))
        vectors = self.embedder.embed_documents(texts, progress.advance)
        progress.finish()
        out = []
        start = 0
        for us in units:
            out.append(pack_vectors(vectors[start : start + len(us)]))
            start += len(us)
        return out

    def reindex(self, workspace: str, progress: Progress | None = None) -> int:
        """Rebuild the workspace's knowledge collection from the relational store; returns chunks indexed."""
        progress = progress or NoProgress()
        with sessions_lock(self.sessions), self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            assert ws is not None
            index = recreate_vector_index(session, self.chroma, ws, "knowledge", self.embedder.identity)
            rows = session.execute(
                select(KBChunk, KBDocument.doc_id, KBDocument.language)
                .join(KBDocument, KBChunk.document_id == KBDocument.id)
                .where(KBChunk.workspace_id == ws.id)
                .order_by(KBChunk.id)
            ).all()
            progress.start("Embedding chunks", len(rows))
            vectors = self.embedder.embed_documents([r[0].embed_text for r in rows], progress.advance)
            progress.finish()
            sentences = self._sentence_vectors([(r[0].embed_text, r[0].text) for r in rows], progress)
            for r, blob in zip(rows, sentences, strict=True):
                r[0].sentence_vectors = blob
            index.upsert(
                [r[0].chunk_id for r in rows],
                vectors,
                [r[0].embed_text for r in rows],
                [{"doc_id": r[1], "ord": r[0].ord, "language": r[2] or ""} for r in rows],
            )
            bump_kb_version(session, ws)
            return len(rows)


def _fill(
    row: KBDocument,
    doc: Document,
    source: KBSource,
    chunks: Sequence[Chunk],
    workspace_id: int,
    sentence_vectors: dict[str, bytes],
) -> None:
    row.source_id = source.id
    row.title = doc.title
    row.text = doc.text
    row.language = doc.language
    row.url = doc.url
    row.updated_at = doc.updated_at
    row.content_hash = doc.content_hash()
    row.flags = list(doc.flags)
    file = doc.location.rsplit(":", 1)[0] if doc.location.rsplit(":", 1)[-1].isdigit() else doc.location
    row.meta = {**doc.metadata, "source_file": _abs(file)}
    row.chunks = [
        KBChunk(
            workspace_id=workspace_id,
            chunk_id=c.id,
            ord=c.index,
            text=c.text,
            embed_text=c.embed_text,
            heading=c.heading,
            tokens=c.tokens,
            content_hash=c.content_hash,
            sentence_vectors=sentence_vectors.get(c.id) or None,
        )
        for c in chunks
    ]


def _same_embedder(session: Session, ws: Workspace, embedder: str) -> bool:
    """Whether the knowledge collection, if there is one, was built by ``embedder`` (else opening it
    raises the clear mismatch error)."""
    rec = session.scalar(
        select(VectorCollection).where(
            VectorCollection.workspace_id == ws.id, VectorCollection.kind == "knowledge"
        )
    )
    return rec is None or rec.embedder == embedder


def _has_line(r: Rejection) -> bool:
    tail = r.location.rsplit(":", 1)
    return len(tail) == 2 and tail[1].isdigit()


def _abs(file: str | None) -> str:
    """A file's absolute path (how ``source_file`` is stored and compared); "" for none."""
    return str(Path(file).resolve()) if file else ""


def _within(path: str | None, folder: str | Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it (both absolute)."""
    return bool(path) and Path(str(path)).is_relative_to(Path(folder))
