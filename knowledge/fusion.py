"""Fusion weights over the candidates' features: defaults, and a small model fitted on a workspace's labels.

A query's top candidates (:mod:`knowledge.search`) each have a row of features, every one z-scored over the
candidates of that query (``FEATURES``: the hand-weighted fused score, each retrieval signal, and the rerank
features of :mod:`knowledge.rerank`). A candidate's final score is the dot product of its row with the
weights.

``DEFAULT_WEIGHTS`` are what a workspace without labels uses. They were fitted on the **tune** halves of the
public suites only (:mod:`evals.fit_defaults`) and are reported on the check halves (README,
docs/retrieval.md).

:func:`fit` learns weights from labelled queries (the candidates' features and which one is right): a
listwise (softmax) logistic model, fitted by Newton's method with an L2 penalty that pulls the weights
towards the defaults, so a handful of labels moves them a little and many labels move them more. It needs
nothing beyond numpy. The fitted weights are stored with the workspace (:func:`save_model`) and used by its
searches from then on; :func:`delete_model` goes back to the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.db.models import RetrievalModel, Workspace
from knowledge.rerank import RERANK_FEATURES

FEATURES: tuple[str, ...] = ("fused", "lexical", "documents", "dense", "conversation", *RERANK_FEATURES)

# One fit (:func:`fit`) on the tune halves of swefaq-sv, norquad-nb and doc2dial-en together, with the L2 (3)
# that gave the best mean tune hit@1 of 1, 3, 10, 30 and 100, rounded to two decimals (``python -m
# evals.fit_defaults``; docs/retrieval.md has the tune and check figures). ``unique`` up and ``cover`` down
# together: the query words a candidate shares with few of the other candidates count, the words every
# candidate has do not. The late-interaction features stay 0: sentence vectors are off by default.
DEFAULT_WEIGHTS: dict[str, float] = {
    "fused": 1.06,
    "lexical": 0.52,
    "documents": 0.45,
    "dense": 0.32,
    "conversation": -0.07,
    "maxsim": 0.0,
    "maxsim_conv": 0.0,
    "question": 0.0,
    "cover": -0.7,
    "unique": 0.74,
    "question_terms": -0.04,
}

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FusionModel:
    """Weights over ``FEATURES``; ``source`` is ``"default"`` or ``"fitted"``."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    source: str = "default"
    meta: dict[str, Any] = field(default_factory=dict)

    def vector(self) -> Matrix:
        """The weights in ``FEATURES`` order (a missing name weighs 0)."""
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float32)

    def score(self, features: Matrix) -> Matrix:
        """Each candidate's score: its feature row times the weights."""
        out: Matrix = (features @ self.vector()).astype(np.float32)
        return out


@dataclass(frozen=True)
class LabelledQuery:
    """One query's candidates (their feature rows) and which of them are right."""

    features: Matrix  # (n, len(FEATURES))
    positives: tuple[int, ...]


def fit(
    queries: Sequence[LabelledQuery],
    *,
    l2: float = 1.0,
    prior: FusionModel | None = None,
    iterations: int = 25,
    scale_to: FusionModel | None = None,
) -> FusionModel:
    """Fit fusion weights on labelled queries (listwise softmax, L2 towards ``prior``).

    The loss of a query is minus the log of the probability mass the softmax of the scores gives its right
    candidates. Queries without a right candidate among the candidates teach nothing and are skipped.

    The fitted weights are then scaled (a positive factor: the order does not change) so that the scores
    spread over a query's candidates as much as ``scale_to``'s do on the same queries: the offline drafter's
    confidence and its abstain threshold (:mod:`assistant.drafting.offline`) read the score's size, and were
    calibrated on the default weights, so a workspace's fit must not make it abstain more or less by scale.

    Args:
        queries: the labelled queries.
        l2: strength of the pull towards ``prior`` (per query: the penalty is ``l2 * |w - prior|^2 / 2``
            added to the summed loss, so it matters less as labels grow).
        prior: the weights to start from and shrink towards (the defaults when None).
        iterations: Newton steps at most.
        scale_to: the model whose score spread the fit keeps (the defaults when None).

    Returns:
        The fitted model; ``meta`` has the number of queries used, the loss before and after (before the
        scaling) and the scale factor.
    """
    prior = prior or FusionModel()
    w0 = prior.vector().astype(np.float64)
    used = [q for q in queries if q.positives and len(q.features) > 1]
    w = w0.copy()

    def loss_grad_hess(w: npt.NDArray[np.float64]) -> tuple[float, Any, Any]:
        d = len(w)
        loss = 0.5 * l2 * float((w - w0) @ (w - w0))
        grad = l2 * (w - w0)
        hess = l2 * np.eye(d)
        for q in used:
            x = q.features.astype(np.float64)
            s = x @ w
            s -= s.max()
            p = np.exp(s)
            p /= p.sum()
            y = np.zeros(len(p))
            y[list(q.positives)] = 1.0
            mass = float(p[list(q.positives)].sum())
            loss -= float(np.log(max(mass, 1e-300)))
            # the right candidates' own distribution (several right ones share the mass)
            r = y * p / max(mass, 1e-300)
            grad += x.T @ (p - r)
            hess += x.T @ (np.diag(p) - np.outer(p, p)) @ x
        return loss, grad, hess

    before, _, _ = loss_grad_hess(w)
    loss = before
    for _ in range(iterations):
        loss, grad, hess = loss_grad_hess(w)
        step = np.linalg.solve(hess + 1e-6 * np.eye(len(w)), grad)
        t = 1.0
        while t > 1e-4:  # backtracking: a Newton step on a nearly flat direction may overshoot
            trial = w - t * step
            if loss_grad_hess(trial)[0] <= loss:
                break
            t /= 2
        else:
            break
        w = trial
        if float(np.abs(t * step).max()) < 1e-6:
            break
    after = loss_grad_hess(w)[0]
    scale = _spread(used, (scale_to or FusionModel()).vector()) / max(_spread(used, w), 1e-9) if used else 1.0
    scale = scale if 0.0 < scale < 1e3 else 1.0
    return FusionModel(
        weights={f: round(float(v) * scale, 5) for f, v in zip(FEATURES, w, strict=True)},
        source="fitted",
        meta={
            "queries": len(used),
            "l2": l2,
            "loss_before": round(before, 4),
            "loss_after": round(after, 4),
            "scale": round(scale, 4),
        },
    )


def _spread(queries: Sequence[LabelledQuery], weights: Any) -> float:
    """The mean standard deviation of the scores over each query's candidates."""
    w = np.asarray(weights, dtype=np.float64)
    return float(np.mean([np.std(q.features.astype(np.float64) @ w) for q in queries]))


def load_model(session: Session, workspace: Workspace) -> FusionModel | None:
    """The workspace's fitted model, or None (use the defaults)."""
    row = session.get(RetrievalModel, workspace.id)
    if row is None:
        return None
    return FusionModel(weights=dict(row.weights), source="fitted", meta=dict(row.meta or {}))


def save_model(session: Session, workspace: Workspace, model: FusionModel) -> None:
    """Store ``model`` as the workspace's fusion model (replacing an earlier one)."""
    row = session.get(RetrievalModel, workspace.id)
    if row is None:
        row = RetrievalModel(workspace_id=workspace.id)
        session.add(row)
    row.weights = dict(model.weights)
    row.meta = dict(model.meta)
    from knowledge.db.models import utcnow

    row.fitted_at = utcnow()


def delete_model(session: Session, workspace: Workspace) -> bool:
    """Remove the workspace's fitted model (back to the defaults); whether there was one."""
    row = session.scalar(select(RetrievalModel).where(RetrievalModel.workspace_id == workspace.id))
    if row is None:
        return False
    session.delete(row)
    return True
