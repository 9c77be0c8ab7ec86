"""How ``knowledge.fusion.DEFAULT_WEIGHTS`` were chosen: one fusion fit on the tune halves of several suites.

Each suite's knowledge goes into its own temporary workspace (sharing only the embedding cache of the data
directory, like ``svar eval run``); every labelled case's candidates are collected
(:func:`evals.tune.collect`); :func:`knowledge.fusion.fit` is fitted on the **tune** halves of all suites
together, once per L2 strength; each fit is scored on every suite's tune and check half. The L2 is chosen
by the mean tune hit@1 over the suites; the check figures are what is reported::

    SVAR_HOME=... uv run python -m evals.fit_defaults ../shared/data/suites/swefaq-sv \\
        ../shared/data/suites/norquad-nb ../shared/data/suites/doc2dial-en
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from evals.suite import split_cases
from evals.tune import Labelled, collect, evaluate, suite_workspace
from knowledge.fusion import FusionModel, fit

L2S = (1.0, 3.0, 10.0, 30.0, 100.0)
# The prior the fit shrinks towards: the hand-set weights the defaults were fitted from (not the defaults
# themselves, so that running this again gives the same weights).
PRIOR = FusionModel(weights={"fused": 1.0, "documents": 0.2, "dense": 0.2, "cover": 0.2, "unique": 0.2})


def collect_suite(suite_dir: Path, settings: Settings) -> tuple[list[Labelled], set[str]]:
    """A suite's labelled queries (in a temporary workspace) and the ids of its tune cases."""
    with suite_workspace(suite_dir, settings, "fit") as (suite, runtime):
        labelled = collect(runtime.searcher, "fit", suite.cases, history_turns=settings.history_turns)
    return labelled, {c.id for c in split_cases(suite.cases, "tune")}


def fit_pooled(
    suites: dict[str, tuple[list[Labelled], set[str]]], l2s: Sequence[float] = L2S
) -> list[dict[str, Any]]:
    """One fit per L2 on the tune halves of all ``suites`` together, scored on each suite's halves.

    Args:
        suites: per suite name, its labelled queries and the ids of its tune cases (:func:`collect_suite`).
        l2s: the L2 strengths to try.

    Returns:
        Per L2: ``{"l2", "weights", "mean_tune_hit_at_1", "suites": {name: {"tune": metrics, "check":
        metrics}}}``, and one more entry with ``l2`` None for the current defaults.
    """
    pooled = [x.query for labelled, tune in suites.values() for x in labelled if x.case_id in tune]
    models: list[tuple[float | None, FusionModel]] = [(None, FusionModel())]
    models += [(l2, fit(pooled, l2=l2, prior=PRIOR)) for l2 in l2s]
    out = []
    for l2, model in models:
        per: dict[str, dict[str, dict[str, float]]] = {}
        for name, (labelled, tune) in suites.items():
            per[name] = {
                "tune": evaluate([x for x in labelled if x.case_id in tune], model),
                "check": evaluate([x for x in labelled if x.case_id not in tune], model),
            }
        mean = sum(p["tune"]["hit_at_1"] for p in per.values()) / max(len(per), 1)
        out.append({"l2": l2, "weights": model.weights, "mean_tune_hit_at_1": round(mean, 4), "suites": per})
    return out


def main(argv: Sequence[str]) -> int:  # pragma: no cover - a measuring script over real suites
    if not argv:
        print("usage: python -m evals.fit_defaults SUITE_DIR [SUITE_DIR ...]", file=sys.stderr)  # noqa: T201
        return 2
    settings = Settings()
    suites = {Path(a).name: collect_suite(Path(a), settings) for a in argv}
    for row in fit_pooled(suites):
        name = "defaults" if row["l2"] is None else f"l2={row['l2']:g}"
        print(f"{name}: mean tune hit@1 {row['mean_tune_hit_at_1']:.3f}")  # noqa: T201
        for suite, halves in row["suites"].items():
            t, c = halves["tune"], halves["check"]
            print(  # noqa: T201
                f"  {suite:14s} tune {t['hit_at_1']:.3f} / {t['hit_at_5']:.3f}"
                f"  check {c['hit_at_1']:.3f} / {c['hit_at_5']:.3f}"
            )
        print("  weights", {k: round(v, 2) for k, v in row["weights"].items() if round(v, 2)})  # noqa: T201
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
