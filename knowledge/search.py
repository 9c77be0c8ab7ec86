"""Hybrid knowledge search: dense (Chroma) and lexical (BM25) rankings fused over distinct documents.

Signals: BM25 over chunks (stemmed words and character 4-grams), BM25 over whole documents, and one dense
(cosine) ranking per dense text of the query (the latest message, and the message in its conversation).
Each signal ranks chunks; a document takes the score of its best chunk in that signal. The default fusion
(``fusion="zscore"``) turns each signal's scores into z-scores over the documents it found (a document a
signal did not find gets that signal's lowest z-score) and adds them with the query's weights: unlike
reciprocal rank fusion it keeps how far ahead a document is, which measured better on the public suites
(doc2dial hit@1 0.55 → 0.75, swefaq 0.60 → 0.70). ``"minmax"`` and ``"rrf"`` (``weight / (rrf_k + rank)``,
Cormack et al. 2009) remain for comparison. A hit's ``score`` is its fused score, so its scale depends on
the fusion.

Dense candidates come from an exact, in-memory copy of the workspace's knowledge vectors
(:class:`knowledge.vectorstore.ExactIndex`, read from Chroma once per knowledge version, ties broken by
chunk id) while the knowledge has at most :data:`EXACT_MAX` chunks, else from Chroma's approximate HNSW
index: a Chroma query costs about 9 ms of CPU, the matrix product well under one, and exact ranking
does not depend on how the graph was built.

The conversation's dense vector is not the embedding of the concatenated turns (that re-embeds the whole
conversation, ~0.6 s for 400 tokens with the local model, on every request) but the token-weighted mean of
the latest message's query vector and each earlier turn's passage vector, latest first, inside the same
token window the concatenation had: each turn is embedded once (when it is stored, or the first time an
eval case shows it) and found again in the embedding cache by its content hash, so a request embeds only
the latest message. e5 mean-pools token states, so a token-weighted mean of the turns' vectors is close to
the vector of their concatenation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.models import KBChunk, KBDocument, Workspace
from knowledge.embedders import Embedder, Vectors, message_embed_text
from knowledge.fusion import FEATURES, FusionModel, load_model
from knowledge.lexical import LexicalIndex, content_terms, tokenize
from knowledge.rerank import (
    DocUnits,
    Matrix,
    idf_table,
    query_terms,
    rerank_features,
    sentence_units,
    unpack_vectors,
    zscore_columns,
)
from knowledge.tokens import count_tokens
from knowledge.vectorstore import ExactIndex, Scope, VectorIndex
from knowledge.workspaces import get_workspace, vector_index

# A workspace's knowledge of up to this many chunks (about 75 MB of vectors) is ranked from an in-memory
# copy (see the module docstring); a larger one queries Chroma's HNSW index.
EXACT_MAX = 50_000


@dataclass(frozen=True)
class SearchQuery:
    """What to search for: one lexical text and one or more dense texts, with weights."""

    lexical: str
    dense: tuple[str, ...] = ()
    language: str | None = None
    lexical_weight: float = 1.0
    document_weight: float = 1.0  # BM25 over whole documents (evidence spread over a long page adds up)
    dense_weights: tuple[float, ...] = ()
    # The turns before the latest message, latest first: with ``dense[0]`` (the latest message) they make
    # one more dense signal, the conversation vector (see the module docstring).
    conversation: tuple[str, ...] = ()
    conversation_weight: float = 1.0
    conversation_window: int = 400  # tokens of the conversation the vector covers, latest first

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
    documents: LexicalIndex  # ids are "doc:<doc id>"
    chunk_doc: dict[str, str]
    first_chunk: dict[str, str]
    chunk_text: dict[str, str]
    docs: dict[str, tuple[str, str | None, str | None]]  # doc id → title, url, language
    doc_chunks: dict[str, list[tuple[str, str, bytes | None]]] = field(default_factory=dict)
    doc_terms: dict[str, frozenset[str]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 1.0
    dim: int = 0
    _units: dict[str, DocUnits] = field(default_factory=dict)

    def units(self, doc_id: str) -> DocUnits:
        """The document's sentence units (vectors decoded once, then kept)."""
        found = self._units.get(doc_id)
        if found is not None:
            return found
        vectors: list[Matrix] = []
        question: list[bool] = []
        asked: list[str] = []
        language = self.docs[doc_id][2] if doc_id in self.docs else None
        for embed_text, text, blob in self.doc_chunks.get(doc_id, []):
            units = sentence_units(embed_text, text)
            asked.extend(u.text for u in units if u.question)
            matrix = unpack_vectors(blob, self.dim)
            if matrix is None or len(matrix) != len(units):
                continue  # not embedded (an index from before sentence vectors): no late interaction
            vectors.append(matrix)
            question.extend(u.question for u in units)
        found = DocUnits(
            vectors=np.vstack(vectors) if vectors else None,
            question=np.array(question, dtype=bool),
            terms=self.doc_terms.get(doc_id, frozenset()),
            question_terms=frozenset(content_terms("\n".join(dict.fromkeys(asked)), language)),
        )
        self._units[doc_id] = found
        return found


@dataclass
class Candidates:
    """A query's fused candidates, best fused first, and (when reranking) their feature rows."""

    corpus: _Corpus
    model: FusionModel | None
    doc_ids: list[str]
    totals: dict[str, float]
    per_signal: dict[str, dict[str, tuple[float, str, int]]]
    features: Matrix | None = None


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
        fusion: str = "zscore",
        mode: str = "hybrid",
        rerank: bool = True,
        rerank_depth: int = 30,
        exact_max: int = EXACT_MAX,
    ) -> None:
        self.sessions = sessions
        self.chroma = chroma
        self.embedder = embedder
        self.candidates_k = candidates  # chunks each signal returns
        self.rerank = rerank
        self.rerank_depth = rerank_depth  # fused candidates the reranker sees
        self.rrf_k = rrf_k
        if fusion not in {"zscore", "minmax", "rrf"}:
            raise ValueError(f"fusion must be 'zscore', 'minmax' or 'rrf', not {fusion!r}")
        self.fusion = fusion
        if mode not in {"hybrid", "dense"}:
            raise ValueError(f"mode must be 'hybrid' or 'dense', not {mode!r}")
        self.mode = mode  # "dense": the plain e5 baseline (dense signals only, no BM25, no reranking)
        self.exact_max = exact_max  # up to this many chunks, candidates come from an in-memory exact copy
        self._corpora: dict[str, _Corpus] = {}
        self._indexes: dict[str, VectorIndex | ExactIndex] = {}
        self._lock = threading.Lock()

    def search(self, workspace: str, query: SearchQuery, k: int = 10) -> list[SearchHit]:
        """The ``k`` best documents for ``query`` in ``workspace``, best first."""
        return self.rank(self.candidates(workspace, query), k)

    def candidates(self, workspace: str, query: SearchQuery) -> Candidates:
        """The top fused candidates of ``query`` with their feature rows (see :mod:`knowledge.fusion`).

        With reranking off (or in ``dense`` mode) the feature rows are not computed and ``rank`` orders by
        the fused score alone.
        """
        corpus, index, model = self._load(workspace)
        if not corpus.chunk_doc:
            return Candidates(corpus=corpus, model=model, doc_ids=[], totals={}, per_signal={})
        rankings: dict[str, list[tuple[str, float]]] = {}
        weights: dict[str, float] = {}
        if query.lexical.strip() and self.mode == "hybrid":
            tokens = tokenize(query.lexical, query.language)  # once, for chunks and whole documents
            rankings["lexical"] = corpus.lexical.search_tokens(tokens, self.candidates_k)
            weights["lexical"] = query.lexical_weight
            if query.document_weight:
                found = corpus.documents.search_tokens(tokens, self.candidates_k)
                rankings["documents"] = [(corpus.first_chunk[d[4:]], score) for d, score in found]
                weights["documents"] = query.document_weight
        scope = Scope(workspace=workspace)
        vectors: list[Vectors] = []
        for i, text in enumerate(query.dense):
            if not text.strip():
                continue
            vector = self.embedder.embed_query(text)
            vectors.append(vector)
            hits = index.query(vector, self.candidates_k, scope)
            rankings[f"dense{i}"] = [(h.id, h.score) for h in hits]
            weights[f"dense{i}"] = query.dense_weights[i] if i < len(query.dense_weights) else 1.0
        conv: Vectors | None = None
        turns = [t for t in query.conversation if t.strip()]
        if turns and query.dense and query.dense[0].strip():
            conv = conversation_vector(
                self.embedder, query.dense[0], vectors[0], turns, query.conversation_window
            )
            hits = index.query(conv, self.candidates_k, scope)
            rankings["conversation"] = [(h.id, h.score) for h in hits]
            weights["conversation"] = query.conversation_weight
        per_signal, normalized, totals = self._fuse(corpus, rankings, weights)
        ordered = sorted(totals, key=lambda d: (-totals[d], d))
        cands = Candidates(corpus=corpus, model=model, doc_ids=ordered, totals=totals, per_signal=per_signal)
        if self.rerank and self.mode == "hybrid" and len(ordered) > 1:
            cands.doc_ids = ordered[: self.rerank_depth]
            cands.features = self._features(
                corpus, cands.doc_ids, normalized, totals, vectors[0] if vectors else None, conv, query
            )
        return cands

    def warm(self, workspace: str) -> None:
        """Load ``workspace``'s knowledge (its lexical indexes and vectors) now rather than on its first
        search; a workspace without knowledge loads nothing."""
        self._load(workspace)

    def model(self, workspace: str) -> FusionModel:
        """The weights ``workspace``'s searches rerank with: its fitted model, else the defaults."""
        with self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            found = load_model(session, ws) if ws is not None else None
        return found or FusionModel()

    def rank(self, cands: Candidates, k: int, model: FusionModel | None = None) -> list[SearchHit]:
        """The ``k`` best of ``cands``: reranked by ``model`` (the workspace's, else the defaults) over the
        candidates' features when they were computed, else by the fused score."""
        ranked_ids = list(cands.doc_ids)
        scores = {d: cands.totals[d] for d in ranked_ids}
        if cands.features is not None and len(ranked_ids) > 1:
            model = model or cands.model or FusionModel()
            final = model.score(cands.features)
            scores = {d: float(final[i]) for i, d in enumerate(ranked_ids)}
            order = sorted(range(len(ranked_ids)), key=lambda i: (-final[i], i))
            ranked_ids = [ranked_ids[i] for i in order]
        return self._hits(cands.corpus, cands.per_signal, ranked_ids[:k], scores)

    def _features(
        self,
        corpus: _Corpus,
        doc_ids: list[str],
        normalized: dict[str, dict[str, float]],
        totals: dict[str, float],
        message_vector: Vectors | None,
        conv: Vectors | None,
        query: SearchQuery,
    ) -> Matrix:
        """The candidates' feature rows in ``FEATURES`` order, each column z-scored over the candidates."""
        n = len(doc_ids)
        raw = np.full((n, len(FEATURES)), np.nan, dtype=np.float32)
        raw[:, 0] = [totals[d] for d in doc_ids]
        for j, name in enumerate(("lexical", "documents", "dense0", "conversation"), start=1):
            signal = normalized.get(name)
            if signal:
                floor = min(signal.values())
                raw[:, j] = [signal.get(d, floor) for d in doc_ids]
        units = [corpus.units(d) for d in doc_ids]
        terms = query_terms(query.lexical, query.language)
        raw[:, 5:] = rerank_features(
            units,
            None if message_vector is None else np.asarray(message_vector, dtype=np.float32),
            None if conv is None else np.asarray(conv, dtype=np.float32),
            terms,
            corpus.idf,
            corpus.default_idf,
        )
        return zscore_columns(raw)

    def _fuse(
        self,
        corpus: _Corpus,
        rankings: dict[str, list[tuple[str, float]]],
        weights: dict[str, float],
    ) -> tuple[dict[str, dict[str, tuple[float, str, int]]], dict[str, dict[str, float]], dict[str, float]]:
        """Per signal: each document's (score, best chunk, rank); each signal's normalized scores; the fused
        total of every document found by any signal."""
        per_signal: dict[str, dict[str, tuple[float, str, int]]] = {}  # signal → doc → (score, chunk, rank)
        for name, ranking in rankings.items():
            docs: dict[str, tuple[float, str, int]] = {}
            for chunk_id, score in ranking:
                doc_id = corpus.chunk_doc.get(chunk_id)
                if doc_id is not None and doc_id not in docs:
                    docs[doc_id] = (score, chunk_id, len(docs) + 1)
            per_signal[name] = docs
        totals: dict[str, float] = {}
        for docs in per_signal.values():
            for doc_id in docs:
                totals.setdefault(doc_id, 0.0)
        normalized_all: dict[str, dict[str, float]] = {}
        for name, docs in per_signal.items():
            if not docs:
                continue
            normalized = self._normalize(docs)
            normalized_all[name] = normalized
            # a document a signal did not find ranks below everything it found
            floor = 0.0 if self.fusion == "rrf" else min(normalized.values())
            for doc_id in totals:
                totals[doc_id] += weights[name] * normalized.get(doc_id, floor)
        return per_signal, normalized_all, totals

    def _hits(
        self,
        corpus: _Corpus,
        per_signal: dict[str, dict[str, tuple[float, str, int]]],
        ranked_ids: list[str],
        scores: dict[str, float],
    ) -> list[SearchHit]:
        hits = []
        for rank, doc_id in enumerate(ranked_ids, start=1):
            title, url, lang = corpus.docs[doc_id]
            dense = [
                v
                for n, v in ((n, per_signal[n].get(doc_id)) for n in per_signal)
                if (n.startswith("dense") or n == "conversation") and v
            ]
            lexical = per_signal.get("lexical", {}).get(doc_id) or per_signal.get("documents", {}).get(doc_id)
            best = max(dense, key=lambda v: v[0]) if dense else lexical
            assert best is not None
            hits.append(
                SearchHit(
                    doc_id=doc_id,
                    chunk_id=best[1],
                    title=title,
                    text=corpus.chunk_text[best[1]],
                    url=url,
                    language=lang,
                    score=scores[doc_id],
                    rank=rank,
                    dense_score=max(v[0] for v in dense) if dense else None,
                    lexical_score=lexical[0] if lexical else None,
                    signals={n: docs[doc_id][2] for n, docs in per_signal.items() if doc_id in docs},
                )
            )
        return hits

    def _normalize(self, docs: dict[str, tuple[float, str, int]]) -> dict[str, float]:
        """Per-signal scores made comparable: z-scores, min-max, or reciprocal rank (RRF)."""
        if self.fusion == "rrf":
            return {d: 1.0 / (self.rrf_k + v[2]) for d, v in docs.items()}
        values = [v[0] for v in docs.values()]
        if self.fusion == "minmax":
            lo, hi = min(values), max(values)
            return {d: (v[0] - lo) / (hi - lo) if hi > lo else 1.0 for d, v in docs.items()}
        mean = sum(values) / len(values)
        sd = (sum((x - mean) ** 2 for x in values) / len(values)) ** 0.5
        return {d: (v[0] - mean) / sd if sd > 0 else 0.0 for d, v in docs.items()}

    def _load(self, workspace: str) -> tuple[_Corpus, VectorIndex | ExactIndex, FusionModel | None]:
        with self._lock, self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            assert ws is not None
            model = load_model(session, ws) if self.rerank else None
            corpus = self._corpora.get(workspace)
            if corpus is None or corpus.version != ws.kb_version:
                corpus = self._build(session, ws)
                self._corpora[workspace] = corpus
                self._indexes.pop(workspace, None)
            index = self._indexes.get(workspace)
            if index is None:
                index = vector_index(session, self.chroma, ws, "knowledge", self.embedder.identity)
                if len(corpus.chunk_doc) <= self.exact_max:
                    index = ExactIndex(index)  # read once per knowledge version (see the module docstring)
                self._indexes[workspace] = index
            return corpus, index, model

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
                KBChunk.sentence_vectors,
            )
            .join(KBDocument, KBChunk.document_id == KBDocument.id)
            .where(KBChunk.workspace_id == ws.id)
            .order_by(KBChunk.id)
        ).all()
        lexical = LexicalIndex([r[0] for r in rows], [r[2] for r in rows], [r[6] for r in rows])
        docs = session.execute(
            select(KBDocument.doc_id, KBDocument.title, KBDocument.text, KBDocument.language)
            .where(KBDocument.workspace_id == ws.id)
            .order_by(KBDocument.id)
        ).all()
        documents = LexicalIndex(
            [f"doc:{d[0]}" for d in docs], [f"{d[1]}\n{d[2]}" for d in docs], [d[3] for d in docs]
        )
        first_chunk: dict[str, str] = {}
        doc_chunks: dict[str, list[tuple[str, str, bytes | None]]] = {}
        for r in rows:
            first_chunk.setdefault(r[3], r[0])
            doc_chunks.setdefault(r[3], []).append((r[2], r[1], r[7]))
        doc_terms = (
            {d[0]: frozenset(content_terms(f"{d[1]}\n{d[2]}", d[3])) for d in docs} if self.rerank else {}
        )
        idf, default_idf = idf_table(list(doc_terms.values()))
        return _Corpus(
            version=ws.kb_version,
            lexical=lexical,
            documents=documents,
            first_chunk=first_chunk,
            chunk_doc={r[0]: r[3] for r in rows},
            chunk_text={r[0]: r[1] for r in rows},
            docs={r[3]: (r[4], r[5], r[6]) for r in rows},
            doc_chunks=doc_chunks,
            doc_terms=doc_terms,
            idf=idf,
            default_idf=default_idf,
            dim=self.embedder.dim,
        )


def conversation_vector(
    embedder: Embedder, message: str, message_vector: Vectors, turns: list[str], window: int = 400
) -> Vectors:
    """The dense vector of ``message`` in its conversation, from per-turn vectors.

    Args:
        embedder: the embedder (a cached one finds each turn's vector by its content hash).
        message: the latest message.
        message_vector: its query vector.
        turns: the earlier turns, latest first.
        window: tokens covered, latest first; a turn that does not fit whole counts with what fits.

    Returns:
        The unit vector of the token-weighted mean of the message's and the turns' vectors.
    """
    budget = window
    weights = []
    kept: list[str] = []
    for i, text in enumerate([message, *turns]):
        if budget <= 0:
            break
        n = min(count_tokens(text[: window * 16]), budget)  # a long turn is cut before it is counted
        budget -= n
        weights.append(float(max(n, 1)))
        if i:  # by position: a turn may be the very same string as the message ("ok", "yes")
            kept.append(text)
    rows = [np.asarray(message_vector, dtype=np.float32)]
    if kept:
        rows.extend(
            np.asarray(embedder.embed_documents([message_embed_text(t) for t in kept]), dtype=np.float32)
        )
    matrix = np.vstack(rows)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    mean = (np.asarray(weights, dtype=np.float32)[:, None] * matrix).sum(axis=0)
    out: Vectors = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
    return out
