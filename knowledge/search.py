"""Hybrid knowledge search: dense (Chroma) and lexical (BM25) rankings fused over distinct documents.

Each signal ranks chunks; a document takes the rank of its best chunk in that signal; reciprocal rank
fusion (RRF, Cormack et al. 2009) adds ``weight / (rrf_k + rank)`` over signals. RRF needs no score
calibration between cosine similarities and BM25 scores, which differ per query and per corpus.
A query may carry several dense texts (the latest message, and the message in its conversation): each is
one more signal.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.models import KBChunk, KBDocument, Workspace
from knowledge.embedders import Embedder
from knowledge.lexical import LexicalIndex
from knowledge.vectorstore import Scope, VectorIndex
from knowledge.workspaces import get_workspace, vector_index


@dataclass(frozen=True)
class SearchQuery:
    """What to search for: one lexical text and one or more dense texts, with weights."""

    lexical: str
    dense: tuple[str, ...] = ()
    language: str | None = None
    lexical_weight: float = 1.0
    dense_weights: tuple[float, ...] = ()

    @classmethod
    def simple(cls, text: str, language: str | None = None) -> SearchQuery:
        return cls(lexical=text, dense=(text,), language=language)


@dataclass
class SearchHit:
    """A knowledge document found for a query, with its best chunk."""

    doc_id: str
    chunk_id: str
    title: str
    text: str
    url: str | None
    language: str | None
    score: float
    rank: int = 0
    dense_score: float | None = None
    lexical_score: float | None = None
    signals: dict[str, int] = field(default_factory=dict)  # signal name → the document's rank in it


@dataclass
class _Corpus:
    version: int
    lexical: LexicalIndex
    chunk_doc: dict[str, str]
    chunk_text: dict[str, str]
    docs: dict[str, tuple[str, str | None, str | None]]  # doc id → title, url, language


class KnowledgeSearcher:
    """Searches one workspace's knowledge. Thread-safe; caches the lexical index per knowledge version."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        chroma: Any,
        embedder: Embedder,
        *,
        candidates: int = 50,
        rrf_k: int = 60,
    ) -> None:
        self.sessions = sessions
        self.chroma = chroma
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        self._corpora: dict[str, _Corpus] = {}
        self._indexes: dict[str, VectorIndex] = {}
        self._lock = threading.Lock()

    def search(self, workspace: str, query: SearchQuery, k: int = 10) -> list[SearchHit]:
        """The ``k`` best documents for ``query`` in ``workspace``, best first."""
        corpus, index = self._load(workspace)
        if not corpus.chunk_doc:
            return []
        rankings: dict[str, list[tuple[str, float]]] = {}
        weights: dict[str, float] = {}
        if query.lexical.strip():
            rankings["lexical"] = corpus.lexical.search(query.lexical, query.language, self.candidates)
            weights["lexical"] = query.lexical_weight
        scope = Scope(workspace=workspace)
        for i, text in enumerate(query.dense):
            if not text.strip():
                continue
            hits = index.query(self.embedder.embed_query(text), self.candidates, scope)
            rankings[f"dense{i}"] = [(h.id, h.score) for h in hits]
            weights[f"dense{i}"] = query.dense_weights[i] if i < len(query.dense_weights) else 1.0
        return self._fuse(corpus, rankings, weights, k)

    def _fuse(
        self,
        corpus: _Corpus,
        rankings: dict[str, list[tuple[str, float]]],
        weights: dict[str, float],
        k: int,
    ) -> list[SearchHit]:
        fused: dict[str, SearchHit] = {}
        for name, ranking in rankings.items():
            rank = 0
            seen: set[str] = set()
            for chunk_id, score in ranking:
                doc_id = corpus.chunk_doc.get(chunk_id)
                if doc_id is None or doc_id in seen:
                    continue
                seen.add(doc_id)
                rank += 1
                hit = fused.get(doc_id)
                if hit is None:
                    title, url, lang = corpus.docs[doc_id]
                    hit = SearchHit(doc_id, chunk_id, title, corpus.chunk_text[chunk_id], url, lang, 0.0)
                    fused[doc_id] = hit
                hit.score += weights[name] / (self.rrf_k + rank)
                hit.signals[name] = rank
                if name.startswith("dense"):
                    if hit.dense_score is None or score > hit.dense_score:
                        hit.dense_score = score
                        if name == "dense0" or hit.lexical_score is None:
                            hit.chunk_id, hit.text = chunk_id, corpus.chunk_text[chunk_id]
                elif hit.lexical_score is None:
                    hit.lexical_score = score
                    if hit.dense_score is None:
                        hit.chunk_id, hit.text = chunk_id, corpus.chunk_text[chunk_id]
        ranked = sorted(fused.values(), key=lambda h: (-h.score, h.doc_id))[:k]
        for i, hit in enumerate(ranked, start=1):
            hit.rank = i
        return ranked

    def _load(self, workspace: str) -> tuple[_Corpus, VectorIndex]:
        with self._lock, self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            assert ws is not None
            corpus = self._corpora.get(workspace)
            if corpus is None or corpus.version != ws.kb_version:
                corpus = self._build(session, ws)
                self._corpora[workspace] = corpus
                self._indexes.pop(workspace, None)
            index = self._indexes.get(workspace)
            if index is None:
                index = vector_index(session, self.chroma, ws, "knowledge", self.embedder.identity)
                self._indexes[workspace] = index
            return corpus, index

    def _build(self, session: Session, ws: Workspace) -> _Corpus:
        rows = session.execute(
            select(
                KBChunk.chunk_id,
                KBChunk.text,
                KBChunk.embed_text,
                KBDocument.doc_id,
                KBDocument.title,
                KBDocument.url,
                KBDocument.language,
            )
            .join(KBDocument, KBChunk.document_id == KBDocument.id)
            .where(KBChunk.workspace_id == ws.id)
            .order_by(KBChunk.id)
        ).all()
        lexical = LexicalIndex([r[0] for r in rows], [r[2] for r in rows], [r[6] for r in rows])
        return _Corpus(
            version=ws.kb_version,
            lexical=lexical,
            chunk_doc={r[0]: r[3] for r in rows},
            chunk_text={r[0]: r[1] for r in rows},
            docs={r[3]: (r[4], r[5], r[6]) for r in rows},
        )
