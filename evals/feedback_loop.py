"""What the feedback → fusion loop does on questions it never saw: agents' feedback simulated on a suite's
tune half, the workspace's fusion fitted on the labels the export would give, scored on the check half.

For every tune-half case the suggestion cites the document ranked first with the default weights. The
simulated agent keeps it when that document is the expected one (sent: a label that only confirms the
order), and otherwise edits the reply into the case's gold reply (``expected.reference``): the export
labels such an edit with the document the edited text draws on when it clearly replaces the cited one
(:func:`evals.feedback_export._replacement`, the rule ``svar eval export-feedback`` applies), else with the
cited (wrong) document. The labels are fitted as ``svar knowledge tune-retrieval`` fits them: with the
strength chosen by cross-validation (nothing stored unless a fit beats the defaults on held-out folds), and
with ``--l2 1`` forced. The check half is scored with each::

    SVAR_HOME=... uv run python -m evals.feedback_loop ../shared/data/suites/swefaq-sv \\
        ../shared/data/suites/norquad-nb ../shared/data/suites/doc2dial-en
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.settings import Settings
from evals.feedback_export import _replacement
from evals.suite import EvalCase, split_cases
from evals.tune import FUSED_ONLY, Labelled, collect, cross_validate, evaluate, suite_workspace
from knowledge.db.models import KBDocument
from knowledge.fusion import FusionModel, LabelledQuery, fit
from knowledge.workspaces import require_workspace


def simulate(
    labelled: Sequence[Labelled],
    cases: dict[str, EvalCase],
    documents: dict[str, tuple[str, str | None]],
) -> tuple[list[Labelled], dict[str, int]]:
    """The labels the export gives for the simulated agents' feedback on ``labelled`` (module docstring).

    Returns:
        The labelled queries with the export's labels as positives (a label outside the candidates: none),
        and counts: ``kept``, ``replaced`` (the edit traced to another document), ``right`` (labels that
        are the expected document).
    """
    out: list[Labelled] = []
    counts = {"kept": 0, "replaced": 0, "edited_untraced": 0, "right": 0}
    default = FusionModel()
    for item in labelled:
        scores = default.score(item.query.features)
        first = min(range(len(scores)), key=lambda i: (-scores[i], i))
        cited = item.doc_ids[first]
        case = cases[item.case_id]
        if first in item.query.positives:
            label, counts["kept"] = cited, counts["kept"] + 1
        else:
            reference = case.expected.reference or ""
            found = _replacement(reference, [cited], documents, case.expected.language) if reference else None
            if found:
                counts["replaced"] += 1
            else:
                counts["edited_untraced"] += 1
            label = found or cited
        counts["right"] += label in (case.expected.kb_ids or [])
        positives = tuple(i for i, d in enumerate(item.doc_ids) if d == label)
        out.append(Labelled(item.case_id, item.doc_ids, LabelledQuery(item.query.features, positives)))
    return out, counts


def measure(suite_dir: Path, settings: Settings) -> dict[str, Any]:
    """The loop on one suite: labels from the tune half's simulated feedback, figures on the check half."""
    with suite_workspace(suite_dir, settings, "loop") as (suite, runtime):
        labelled = collect(runtime.searcher, "loop", suite.cases, history_turns=settings.history_turns)
        with runtime.sessions() as session:
            ws = require_workspace(session, "loop")
            rows = session.execute(
                select(KBDocument.doc_id, KBDocument.title, KBDocument.text, KBDocument.language).where(
                    KBDocument.workspace_id == ws.id
                )
            ).all()
    documents = {r[0]: (f"{r[1]}\n{r[2]}", r[3]) for r in rows}
    tune_ids = {c.id for c in split_cases(suite.cases, "tune")}
    tune = [x for x in labelled if x.case_id in tune_ids]
    check = [x for x in labelled if x.case_id not in tune_ids]
    feedback, counts = simulate(tune, {c.id: c for c in suite.cases}, documents)
    cv = cross_validate(feedback)
    usable = [x.query for x in feedback if x.query.positives]
    gold = [x.query for x in tune if x.query.positives]
    models = {
        "fused order": FUSED_ONLY,
        "defaults": FusionModel(),
        "feedback, cross-validated": fit(usable, l2=cv["l2"]) if cv["l2"] is not None else FusionModel(),
        "feedback, l2=1": fit(usable, l2=1.0),
        "eval labels, l2=1": fit(gold, l2=1.0),
    }
    return {
        "tune": len(tune),
        "check": len(check),
        "labels": counts,
        "cv_l2": cv["l2"],
        "check_figures": {name: evaluate(check, m) for name, m in models.items()},
    }


def main(argv: Sequence[str]) -> int:  # pragma: no cover - a measuring script over real suites
    if not argv:
        print("usage: python -m evals.feedback_loop SUITE_DIR [SUITE_DIR ...]", file=sys.stderr)  # noqa: T201
        return 2
    settings = Settings()
    for arg in argv:
        res = measure(Path(arg), settings)
        print(  # noqa: T201
            f"{Path(arg).name}: tune {res['tune']} cases, check {res['check']}; labels {res['labels']}; "
            f"cross-validated l2 {res['cv_l2']}"
        )
        for name, f in res["check_figures"].items():
            print(f"  check {name:26s} hit@1 {f['hit_at_1']:.3f}  hit@5 {f['hit_at_5']:.3f}")  # noqa: T201
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
