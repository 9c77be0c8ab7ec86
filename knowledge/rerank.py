"""The offline reranking stage: features of the top fused candidates, from what is stored at ingest.

No cross-encoder ships in a registry package here, so the reranker is built from the local embedder and the
text layer. For each of the top candidates (documents) of the fused ranking it computes:

- ``maxsim``: late interaction. The query vector against every sentence of the candidate, the best match
  (max-similarity over the document's sentences). A short answer inside a long page is found even when the
  chunk vector is diluted by the rest of the chunk. The sentence vectors are embedded **at ingest**
  (:func:`sentence_units`, stored with each chunk as float16), so a query embeds nothing new.
- ``maxsim_conv``: the same with the conversation vector (the message in its conversation).
- ``question``: the best match among the question-shaped parts of the candidate: its title and headings and
  the sentences that end with a question mark (an FAQ's own questions), against the message.
- ``cover``: the share of the query's content words (stemmed, IDF-weighted) that the document contains.
- ``question_terms``: the share of the query's content words (IDF-weighted) found in the candidate's
  question-shaped parts: the lexical twin of ``question``, which needs no vectors.
- ``unique``: what tells near-duplicates apart: the query words this candidate covers that the other
  candidates lack (each covered word weighted by its IDF times the share of the other candidates without it).

Each feature, like each fused signal, is z-scored over the candidates of one query, so the weights
(:mod:`knowledge.fusion`) compare like with like across queries, workspaces and languages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.lexical import content_terms
from knowledge.text.sentences import split_sentences

MAX_UNITS = 48  # sentence units embedded per chunk (a very long chunk keeps its first ones)
MAX_UNIT_CHARS = 600
MIN_UNIT_WORDS = 4  # a shorter sentence is joined to the next ("Ja." / "Nej.")
_WORD = re.compile(r"\w+", re.UNICODE)

RERANK_FEATURES = ("maxsim", "maxsim_conv", "question", "cover", "unique", "question_terms")

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Unit:
    """A sentence (or a title/heading line) of a chunk, the unit of late interaction."""

    text: str
    question: bool  # a title, a heading or a sentence that asks (question-shaped)


def sentence_units(embed_text: str, text: str) -> list[Unit]:
    """The units of a chunk: its title and heading lines, then its sentences (short ones joined).

    Deterministic: the indexer embeds these at ingest and the searcher splits the same way to know which
    stored vector is which unit.

    Args:
        embed_text: the chunk's embedded text (title and heading path, then ``text``).
        text: the chunk's own text.

    Returns:
        At most ``MAX_UNITS`` units, heading lines first.
    """
    units: list[Unit] = []
    prefix = embed_text[: len(embed_text) - len(text)] if embed_text.endswith(text) else ""
    for line in prefix.splitlines():
        if line.strip():
            units.append(Unit(line.strip()[:MAX_UNIT_CHARS], True))
    pending = ""
    for span in split_sentences(text):
        piece = f"{pending} {span.text}".strip() if pending else span.text
        if len(_WORD.findall(piece)) < MIN_UNIT_WORDS and not piece.endswith("?"):
            pending = piece
            continue
        pending = ""
        units.append(Unit(piece[:MAX_UNIT_CHARS], piece.rstrip().endswith("?")))
    if pending:
        units.append(Unit(pending[:MAX_UNIT_CHARS], pending.rstrip().endswith("?")))
    return units[:MAX_UNITS]


def pack_vectors(vectors: Matrix) -> bytes:
    """Sentence vectors as stored: float16, row-major."""
    return np.asarray(vectors, dtype=np.float16).tobytes()


def unpack_vectors(blob: bytes | None, dim: int) -> Matrix | None:
    """The stored sentence vectors (None when the chunk has none or their size does not fit ``dim``)."""
    if not blob or dim <= 0 or len(blob) % (2 * dim):
        return None
    return np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32)


@dataclass
class DocUnits:
    """What the reranker knows of one document: its unit vectors, which are question-shaped, its terms."""

    vectors: Matrix | None  # (n, dim), L2-normalised; None when not embedded (an old index)
    question: npt.NDArray[np.bool_]  # which rows of ``vectors`` are question-shaped
    terms: frozenset[str]
    question_terms: frozenset[str] = frozenset()  # content words of the question-shaped units


def query_terms(text: str, language: str | None) -> dict[str, float]:
    """The query's stemmed content words with their counts (a word said twice weighs twice)."""
    out: dict[str, float] = {}
    for t in content_terms(text, language):
        out[t] = out.get(t, 0.0) + 1.0
    return out


def rerank_features(
    docs: Sequence[DocUnits],
    message_vector: Matrix | None,
    conversation_vector: Matrix | None,
    terms: dict[str, float],
    idf: dict[str, float],
    default_idf: float,
) -> Matrix:
    """The raw (not yet z-scored) rerank features of the candidates, one row each, ``RERANK_FEATURES`` order.

    A feature a candidate cannot have (no stored sentence vectors, no question-shaped unit) is NaN; the
    caller fills it with the lowest value of the other candidates.

    Args:
        docs: the candidates.
        message_vector: the latest message's query vector (None: no dense query).
        conversation_vector: the conversation's vector (None: no conversation; ``maxsim`` is used).
        terms: the query's content terms with weights (:func:`query_terms`).
        idf: inverse document frequency of terms in the workspace's knowledge.
        default_idf: the IDF of a term no document has.

    Returns:
        An ``(n, 6)`` float32 matrix.
    """
    n = len(docs)
    out = np.full((n, len(RERANK_FEATURES)), np.nan, dtype=np.float32)
    for i, doc in enumerate(docs):
        if doc.vectors is None or not len(doc.vectors) or message_vector is None:
            continue
        sims = doc.vectors @ message_vector
        out[i, 0] = float(sims.max())
        conv = doc.vectors @ conversation_vector if conversation_vector is not None else sims
        out[i, 1] = float(conv.max())
        if len(doc.question) == len(doc.vectors) and doc.question.any():
            out[i, 2] = float(sims[doc.question].max())
    weights = {t: w * idf.get(t, default_idf) for t, w in terms.items()}
    total = sum(weights.values())
    if total > 0 and n:
        has = np.array([[t in d.terms for t in weights] for d in docs], dtype=np.float32)  # (n, terms)
        w = np.array(list(weights.values()), dtype=np.float32)
        out[:, 3] = has @ w / total
        others = (has.sum(axis=0, keepdims=True) - has) / max(n - 1, 1)  # share of the others with it
        out[:, 4] = (has * (1.0 - others)) @ w / total
        asked = np.array([[t in d.question_terms for t in weights] for d in docs], dtype=np.float32)
        out[:, 5] = asked @ w / total
    else:
        out[:, 3:6] = 0.0
    return out


def zscore_columns(matrix: Matrix) -> Matrix:
    """Each column z-scored over the rows; NaN (a feature a row lacks) becomes the column's lowest z-score,
    a constant column becomes zeros."""
    out = np.zeros_like(matrix, dtype=np.float32)
    for j in range(matrix.shape[1]):
        col = matrix[:, j]
        ok = ~np.isnan(col)
        if ok.sum() < 2:
            continue
        mean = float(col[ok].mean())
        sd = float(col[ok].std())
        if sd <= 1e-9:
            continue
        z = (col - mean) / sd
        z[~ok] = float(np.nanmin(z[ok]))
        out[:, j] = z
    return out


def idf_table(doc_terms: Sequence[frozenset[str]]) -> tuple[dict[str, float], float]:
    """BM25-style IDF of every term over the documents, and the IDF of an unseen term."""
    n = len(doc_terms)
    df: dict[str, int] = {}
    for terms in doc_terms:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    return idf, math.log(1.0 + (n + 0.5) / 0.5)
