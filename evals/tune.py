"""Fit a workspace's fusion weights from its labels: eval cases with expected documents.

:func:`collect` runs each labelled case's retrieval query (built as the service builds it) through the
searcher and keeps the candidates' feature rows and which candidates are right; :func:`fit_workspace` fits
:func:`knowledge.fusion.fit` on them and stores the model with the workspace (``svar knowledge
tune-retrieval``). :func:`evaluate` scores any weights on labelled queries (hit@1, hit@5 over the candidates),
which is how held-out figures are reported: fit on the tune half, evaluate on the check half.
:func:`stages` says which stage put a right document first or took it away: the fused order alone against the
reranked order, with the cases the reranker won and lost at rank 1.

Agents' feedback gives labels too (``svar eval export-feedback``): a kept suggestion's cited sources are
right. An agent who *replaced* the source (edited the reply into another document's answer) tells which
document was right instead: :func:`drawn_on` finds the documents a sent text draws on, so the export can
label the case with the document the agent used rather than the one the suggestion cited.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.retrieval import build_query
from evals.suite import EvalCase, Suite, load_suite
from knowledge.fusion import FusionModel, LabelledQuery, fit, save_model
from knowledge.lexical import content_terms
from knowledge.progress import NoProgress, Progress
from knowledge.rerank import idf_table
from knowledge.search import KnowledgeSearcher
from knowledge.workspaces import require_workspace

if TYPE_CHECKING:
    from assistant.runtime import Runtime
    from assistant.settings import Settings


@dataclass(frozen=True)
class Labelled:
    """A case's candidates (document ids, fused order) and their features, with the expected documents."""

    case_id: str
    doc_ids: tuple[str, ...]
    query: LabelledQuery


@contextmanager
def suite_workspace(suite_dir: Path, settings: Settings, workspace: str) -> Iterator[tuple[Suite, Runtime]]:
    """A suite loaded and its knowledge ingested into ``workspace`` of a temporary data directory (only the
    embedding cache of ``settings.home`` is shared, as ``svar eval run`` does); closed on exit.

    Args:
        suite_dir: the suite's folder.
        settings: the settings to copy (home, database and Chroma server are replaced by the temporary ones).
        workspace: the workspace to ingest into.

    Returns:
        The suite and the runtime holding its knowledge, as a context manager.
    """
    from assistant.runtime import build_runtime
    from knowledge.embedders import build_embedder

    suite = load_suite(suite_dir)
    embedder = build_embedder(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="svar-tune-") as tmp:
            run = settings.model_copy(update={"home": Path(tmp), "database_url": None, "chroma_url": None})
            runtime = build_runtime(run, embedder=embedder)
            try:
                for path in suite.knowledge:
                    runtime.indexer.ingest(path, workspace)
                yield suite, runtime
            finally:
                runtime.close()
    finally:
        embedder.close()


def collect(
    searcher: KnowledgeSearcher,
    workspace: str,
    cases: Sequence[EvalCase],
    *,
    history_turns: int = 10,
    progress: Progress | None = None,
) -> list[Labelled]:
    """The labelled queries of the cases with expected documents.

    Args:
        searcher: the workspace's searcher (reranking on, so the features are computed).
        workspace: the workspace the cases' documents are in.
        cases: eval cases (``expected.kb_ids`` says which documents are right).
        history_turns: turns of the conversation in the query, as the service uses.
        progress: a progress reporter.

    Returns:
        One entry per case with expected documents and a candidate list of two or more.
    """
    progress = progress or NoProgress()
    labelled = [c for c in cases if c.expected.kb_ids]
    out = []
    progress.start("Collecting candidates", len(labelled))
    for case in labelled:
        query = build_query(case.message.text, case.history, turns=history_turns)
        cands = searcher.candidates(workspace, query)
        progress.advance()
        if cands.features is None:
            continue
        expected = set(case.expected.kb_ids or ())
        positives = tuple(i for i, d in enumerate(cands.doc_ids) if d in expected)
        out.append(Labelled(case.id, tuple(cands.doc_ids), LabelledQuery(cands.features, positives)))
    progress.finish()
    return out


def evaluate(labelled: Sequence[Labelled], model: FusionModel) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 of ``model``'s order over the candidates (a case whose right document is not
    among the candidates counts as a miss)."""
    if not labelled:
        return {"hit_at_1": 0.0, "hit_at_5": 0.0, "mrr_at_10": 0.0, "cases": 0}
    h1 = h5 = mrr = 0.0
    for item in labelled:
        scores = model.score(item.query.features)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        ranks = [r for r, i in enumerate(order[:10], start=1) if i in item.query.positives]
        if ranks:
            h1 += ranks[0] == 1
            h5 += ranks[0] <= 5
            mrr += 1.0 / ranks[0]
    n = len(labelled)
    return {
        "hit_at_1": round(h1 / n, 4),
        "hit_at_5": round(h5 / n, 4),
        "mrr_at_10": round(mrr / n, 4),
        "cases": n,
    }


def drawn_on(
    text: str, documents: Mapping[str, tuple[str, str | None]], language: str | None = None
) -> list[tuple[str, float]]:
    """The documents ``text`` draws on: each document's share of ``text``'s content words (stemmed, each
    weighted by its IDF over ``documents``), best first; documents sharing none are left out.

    Args:
        text: a reply an agent sent.
        documents: the workspace's documents, id → (title and text, language).
        language: the reply's language (detected when None).

    Returns:
        ``(doc id, share)`` pairs, share in 0..1, highest first (ties by id).
    """
    words = set(content_terms(text, language))
    if not words or not documents:
        return []
    ids = sorted(documents)
    terms = [frozenset(content_terms(documents[d][0], documents[d][1])) for d in ids]
    idf, unseen = idf_table(terms)
    weight = {w: idf.get(w, unseen) for w in words}
    total = sum(weight.values())
    shares = [(d, sum(weight[w] for w in words & t) / total) for d, t in zip(ids, terms, strict=True)]
    return sorted(((d, round(x, 4)) for d, x in shares if x > 0), key=lambda p: (-p[1], p[0]))


FUSED_ONLY = FusionModel(weights={"fused": 1.0}, source="fused")  # the order before reranking


def _first_right(item: Labelled, model: FusionModel) -> bool:
    scores = model.score(item.query.features)
    best = min(range(len(scores)), key=lambda i: (-scores[i], i))
    return best in item.query.positives


def stages(labelled: Sequence[Labelled], model: FusionModel | None = None) -> dict[str, Any]:
    """The fused order alone against ``model``'s reranked order on the same candidates.

    This is how a drop is traced to a stage: a case the reranker *lost* had its right document first in the
    fused order and not after reranking; a case it *won* the other way round. A case whose right document
    is not among the candidates was lost before either stage (the signals did not find it).

    Args:
        labelled: the labelled queries (:func:`collect`).
        model: the reranking weights (the defaults when None).

    Returns:
        ``{"fused": metrics, "reranked": metrics, "won": [case ids], "lost": [case ids],
        "not_found": [case ids]}`` (metrics as :func:`evaluate` gives them).
    """
    model = model or FusionModel()
    won, lost, not_found = [], [], []
    for item in labelled:
        if not item.query.positives:
            not_found.append(item.case_id)
            continue
        before, after = _first_right(item, FUSED_ONLY), _first_right(item, model)
        if after and not before:
            won.append(item.case_id)
        elif before and not after:
            lost.append(item.case_id)
    return {
        "fused": evaluate(labelled, FUSED_ONLY),
        "reranked": evaluate(labelled, model),
        "won": won,
        "lost": lost,
        "not_found": not_found,
    }


def held_out(
    labelled: Sequence[Labelled],
    tune_ids: set[str],
    *,
    l2s: Sequence[float] = (1.0, 10.0, 100.0),
) -> dict[str, dict[str, float]]:
    """Fit on the tune cases, score on the others: what fitted weights do on questions they never saw.

    Args:
        labelled: every case's labelled query (:func:`collect`).
        tune_ids: the ids of the cases to fit on (:func:`evals.suite.split_cases` ``"tune"``).
        l2s: the strengths of the pull towards the defaults to try.

    Returns:
        Metrics (as :func:`evaluate`) on the held-out cases for the fused order alone, the defaults, and the
        weights fitted with each ``l2`` (``"fitted l2=..."``).

    Raises:
        InputError: no tune case has a right document among its candidates, or there is no held-out case.
    """
    from knowledge.errors import InputError

    tune = [x.query for x in labelled if x.case_id in tune_ids and x.query.positives]
    check = [x for x in labelled if x.case_id not in tune_ids]
    if not tune or not check:
        raise InputError("held-out figures need labelled cases in both halves (tune and check)")
    out = {"fused": evaluate(check, FUSED_ONLY), "default": evaluate(check, FusionModel())}
    for l2 in l2s:
        out[f"fitted l2={l2:g}"] = evaluate(check, fit(tune, l2=l2))
    return out


CV_L2S = (1.0, 10.0, 100.0)  # the pull towards the defaults a cross-validated fit chooses from
CV_FOLDS = 5


def _fold(item: Labelled, folds: int) -> int:
    """The fold of a labelled query: by its first right document, so that no answer is in two folds."""
    key = min((item.doc_ids[i] for i in item.query.positives), default=item.case_id)
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % folds


def cross_validate(
    labelled: Sequence[Labelled], *, l2s: Sequence[float] = CV_L2S, folds: int = CV_FOLDS
) -> dict[str, Any]:
    """Whether fitting helps on questions the fit did not see: k-fold cross-validation over the labels.

    The labelled queries are split into ``folds`` folds by their right document (no answer in two folds);
    for each ``l2`` every fold is scored (hit@1) by weights fitted on the other folds, and the defaults are
    scored on the same queries. A fit is chosen only when it ranks more held-out questions first than the
    defaults do (ties go to the defaults, then to the larger ``l2``): with few or self-confirming labels
    (kept suggestions whose source was already first) a fit only moves weights away from defaults that
    were chosen on thousands of questions.

    Args:
        labelled: the labelled queries (:func:`collect`).
        l2s: the strengths to try.
        folds: the number of folds.

    Returns:
        ``{"queries", "folds", "default": right at rank 1, "fitted": {"l2=...": right at rank 1},
        "l2": the chosen strength or None (keep the defaults)}``.
    """
    usable = [x for x in labelled if x.query.positives]
    by_fold: dict[int, list[Labelled]] = {}
    for item in usable:
        by_fold.setdefault(_fold(item, folds), []).append(item)
    out: dict[str, Any] = {"queries": len(usable), "folds": len(by_fold), "fitted": {}, "l2": None}
    out["default"] = sum(_first_right(x, FusionModel()) for x in usable)
    if len(by_fold) < 2:
        return out
    best = out["default"]
    for l2 in sorted(l2s, reverse=True):
        right = 0
        for f, held in by_fold.items():
            train = [x.query for g, items in by_fold.items() if g != f for x in items]
            model = fit(train, l2=l2)
            right += sum(_first_right(x, model) for x in held)
        out["fitted"][f"l2={l2:g}"] = right
        if right > best:
            best, out["l2"] = right, l2
    return out


def fit_workspace(
    searcher: KnowledgeSearcher,
    workspace: str,
    cases: Sequence[EvalCase],
    *,
    l2: float | None = None,
    history_turns: int = 10,
    progress: Progress | None = None,
) -> tuple[FusionModel | None, dict[str, Any]]:
    """Fit the workspace's fusion weights on ``cases`` and store them with the workspace.

    Args:
        searcher: the workspace's searcher.
        workspace: the workspace.
        cases: labelled cases (``expected.kb_ids``).
        l2: the pull towards the defaults. None: chosen by :func:`cross_validate`, and nothing is stored
            (the defaults stay, or an earlier fit) unless a fit beats the defaults on held-out folds.
        history_turns: turns of the conversation in the query.
        progress: a progress reporter.

    Returns:
        The stored model (None when nothing was stored), and hit@1/hit@5 on these cases in the fused order
        alone (before reranking), with the default weights and with the fitted weights (figures on the cases
        it was fitted on), plus ``"cross_validation"`` when ``l2`` was chosen.

    Raises:
        InputError: the workspace does not exist, or no case has an expected document among its candidates.
    """
    from knowledge.errors import InputError

    labelled = collect(searcher, workspace, cases, history_turns=history_turns, progress=progress)
    usable = [x.query for x in labelled if x.query.positives]
    if not usable:
        raise InputError(
            "no case has an expected document among the top candidates: check that the cases' kb_ids are "
            "documents of this workspace"
        )
    figures: dict[str, Any] = {
        "fused": evaluate(labelled, FUSED_ONLY),
        "default": evaluate(labelled, FusionModel()),
    }
    if l2 is None:
        cv = cross_validate(labelled)
        figures["cross_validation"] = cv
        if cv["l2"] is None:
            return None, figures
        l2 = float(cv["l2"])
    model = fit(usable, l2=l2)
    model = FusionModel(weights=model.weights, source="fitted", meta={**model.meta, "cases": len(labelled)})
    with searcher.sessions.begin() as session:
        save_model(session, require_workspace(session, workspace), model)
    figures["fitted"] = evaluate(labelled, model)
    return model, figures


def stack(labelled: Sequence[Labelled]) -> np.ndarray:  # pragma: no cover - a debugging aid
    """Every candidate's feature row, stacked (for looking at the features' spread)."""
    return np.vstack([x.query.features for x in labelled]) if labelled else np.zeros((0, 0))
