"""Calibrate the offline drafter's abstain threshold on real retrieval (``svar eval calibrate``).

For every case with expected documents, the case's message is retrieved in its conversation exactly as
``suggest`` does, the drafter's confidence is computed, and the case is labelled correct when the top
passage is an expected document. The threshold is the lowest confidence at which answering is right at
least ``target_precision`` of the time. Signals' separating power is reported as ROC AUC.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from assistant.config import AssistantConfig
from assistant.drafting.offline import OfflineDrafter, calibrate_threshold
from assistant.retrieval import retrieve
from assistant.runtime import build_runtime
from assistant.settings import Settings
from assistant.types import DraftRequest, Turn
from evals.suite import Suite
from knowledge.embedders import build_embedder
from knowledge.language import detect_language
from knowledge.progress import NoProgress, Progress


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random correct case scores above a random wrong one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def collect(
    suites: list[Suite], settings: Settings, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Per case: the confidence, its signals, and whether the top passage was right."""
    progress = progress or NoProgress()
    drafter = OfflineDrafter.from_settings(settings)
    config = AssistantConfig.from_settings(settings)
    embedder = build_embedder(settings)
    rows: list[dict[str, Any]] = []
    for suite in suites:
        with tempfile.TemporaryDirectory(prefix="svar-cal-") as tmp:
            rt = build_runtime(settings.model_copy(update={"home": Path(tmp)}), embedder=embedder)
            try:
                for path in suite.knowledge:
                    rt.indexer.ingest(path, "cal", progress)
                cases = [c for c in suite.cases if c.expected.kb_ids]
                progress.start(f"Calibrating on {suite.name}", len(cases))
                for case in cases:
                    language = detect_language(case.message.text, default="en") or "en"
                    passages = retrieve(
                        rt.searcher,
                        "cal",
                        case.message.text,
                        case.history,
                        language=language,
                        k=config.retrieval_k,
                        turns=config.history_turns,
                    )
                    request = DraftRequest(
                        message=Turn(role="customer", text=case.message.text, channel=case.message.channel),
                        history=case.history,
                        language=language,
                        channel="chat",
                        passages=passages,
                    )
                    conf = drafter.confidence(request)
                    rows.append(
                        {
                            "suite": suite.name,
                            "id": case.id,
                            "correct": bool(passages) and passages[0].doc_id in (case.expected.kb_ids or []),
                            "confidence": conf.value,
                            "overlap": conf.overlap,
                            "dense": passages[0].dense_score if passages else None,
                            "fused": passages[0].score if passages else None,
                            "margin": (passages[0].score - passages[1].score) if len(passages) > 1 else None,
                        }
                    )
                    progress.advance()
                progress.finish()
            finally:
                rt.close()
    return rows


def summarize(rows: list[dict[str, Any]], target_precision: float) -> dict[str, Any]:
    """The calibrated threshold, what it gives, and each signal's AUC."""
    right = [r for r in rows if r["correct"]]
    wrong = [r for r in rows if not r["correct"]]
    threshold = calibrate_threshold(
        [r["confidence"] for r in right], [r["confidence"] for r in wrong], target_precision
    )
    answered = [r for r in rows if r["confidence"] >= threshold]
    aucs = {
        key: round(
            auc([r[key] for r in right if r[key] is not None], [r[key] for r in wrong if r[key] is not None]),
            3,
        )
        for key in ("confidence", "overlap", "dense", "fused", "margin")
    }
    return {
        "cases": len(rows),
        "top_passage_correct": round(len(right) / len(rows), 4) if rows else None,
        "threshold": round(threshold, 4),
        "target_precision": target_precision,
        "answered_share": round(len(answered) / len(rows), 4) if rows else None,
        "precision_when_answering": round(sum(r["correct"] for r in answered) / len(answered), 4)
        if answered
        else None,
        "auc": aucs,
    }
