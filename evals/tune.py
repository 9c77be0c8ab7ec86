"""Fit a workspace's fusion weights from its labels: eval cases with expected documents.

:func:`collect` runs each labelled case's retrieval query (built as the service builds it) through the
searcher and keeps the candidates' feature rows and which candidates are right; :func:`fit_workspace` fits
:func:`knowledge.fusion.fit` on them and stores the model with the workspace (``svar knowledge
tune-retrieval``). :func:`evaluate` scores any weights on labelled queries (hit@1, hit@5 over the candidates),
which is how held-out figures are reported: fit on the tune half, evaluate on the check half.
:func:`stages` says which stage put a right document first or took it away: the fused order alone against the
reranked order, with the cases the reranker won and lost at rank 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.retrieval import build_query
from evals.suite import EvalCase
from knowledge.fusion import FusionModel, LabelledQuery, fit, save_model
from knowledge.progress import NoProgress, Progress
from knowledge.search import KnowledgeSearcher
from knowledge.workspaces import require_workspace


@dataclass(frozen=True)
class Labelled:
    """A case's candidates (document ids, fused order) and their features, with the expected documents."""

    case_id: str
    doc_ids: tuple[str, ...]
    query: LabelledQuery


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


def fit_workspace(
    searcher: KnowledgeSearcher,
    workspace: str,
    cases: Sequence[EvalCase],
    *,
    l2: float = 1.0,
    history_turns: int = 10,
    progress: Progress | None = None,
) -> tuple[FusionModel, dict[str, dict[str, float]]]:
    """Fit the workspace's fusion weights on ``cases`` and store them with the workspace.

    Returns:
        The stored model, and hit@1/hit@5 on these cases in the fused order alone (before reranking), with
        the default weights and with the fitted weights (figures on the cases it was fitted on: hold some
        back to know what it does on new questions).

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
    model = fit(usable, l2=l2)
    model = FusionModel(weights=model.weights, source="fitted", meta={**model.meta, "cases": len(labelled)})
    with searcher.sessions.begin() as session:
        save_model(session, require_workspace(session, workspace), model)
    return model, {
        "fused": evaluate(labelled, FUSED_ONLY),
        "default": evaluate(labelled, FusionModel()),
        "fitted": evaluate(labelled, model),
    }


def stack(labelled: Sequence[Labelled]) -> np.ndarray:  # pragma: no cover - a debugging aid
    """Every candidate's feature row, stacked (for looking at the features' spread)."""
    return np.vstack([x.query.features for x in labelled]) if labelled else np.zeros((0, 0))
