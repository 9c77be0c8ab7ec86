"""The eval runner: a suite → a fresh, isolated workspace → every case through the service's code path →
metrics → ``results.json``; thresholds decide the exit code.

The workspace (database and vector index) is a new temporary data directory per run; only the embedding
cache of the configured data directory is shared, so a second run does not embed the same texts again.

The assistant is built by :func:`assistant.service.build_assistant` from the settings, exactly as the CLI
and the API build it (its description is written under ``config.assistant``). A case with a given ``draft``
goes through :meth:`Assistant.check_draft`: the same guard pipeline, with the same request (facts, decided
language, passages) that ``suggest`` builds. The suite's ``fields.yaml`` is imported into the suite's
workspace first, as ``svar fields import`` would.

``per_case`` keeps what re-scoring needs without the code: the extracted facts (kind and value), the asks
found and flagged, the decided language, the retrieved ids, and the suggestions' texts and citations.
"""

from __future__ import annotations

import json
import math
import platform
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import AssistantConfig
from assistant.guards import RepeatAskReport
from assistant.retrieval import retrieve
from assistant.runtime import Runtime, build_runtime
from assistant.service import Assistant, build_assistant, facts_of
from assistant.settings import Settings
from assistant.types import CHANNELS, KnownFact, Passage, Suggestion, Turn
from evals.metrics import (
    known_value_found,
    mean,
    percentile,
    precision_recall_f1,
    reference_recall,
    retrieval_scores,
    situation_scores,
    token_f1,
)
from evals.suite import EvalCase, Half, Suite, Threshold, split_cases
from knowledge.embedders import build_embedder
from knowledge.history import HistoryImporter
from knowledge.language import detect_language
from knowledge.progress import NoProgress, Progress
from knowledge.workspace_fields import import_fields

EVAL_WORKSPACE = "eval"


def run_suite(
    suite: Suite,
    settings: Settings,
    *,
    retrieval_only: bool = False,
    progress: Progress | None = None,
    limit: int | None = None,
    split: Half | None = None,
) -> dict[str, Any]:
    """Run every case of ``suite`` (or of one half of it, see :func:`evals.suite.split_cases`) and return
    the ``results.json`` document; ``config.split`` records the half and how many cases it kept."""
    progress = progress or NoProgress()
    cases = split_cases(suite.cases, split) if split else suite.cases
    cases = cases[:limit] if limit else cases
    embedder = build_embedder(settings)
    with tempfile.TemporaryDirectory(prefix="svar-eval-") as tmp:
        run_settings = settings.model_copy(
            update={"home": Path(tmp), "database_url": None, "chroma_url": None}
        )
        runtime = build_runtime(run_settings, embedder=embedder)
        assistant = None if retrieval_only else build_assistant(runtime)
        config = AssistantConfig.from_settings(run_settings)
        try:
            started = time.perf_counter()
            if suite.fields is not None:
                with runtime.sessions.begin() as session:
                    import_fields(session, EVAL_WORKSPACE, suite.fields)
            for path in suite.knowledge:
                runtime.indexer.ingest(path, EVAL_WORKSPACE, progress)
            ingest_s = time.perf_counter() - started
            per_case = []
            progress.start(f"Running {suite.name}", len(cases))
            for case in cases:
                if case.events:
                    import_case_events(runtime, case, Path(tmp))
                per_case.append(_run_case(runtime, assistant, config, case))
                progress.advance()
            progress.finish()
        finally:
            runtime.close()
            embedder.close()
    run_config = _config(settings, retrieval_only, ingest_s)
    run_config["assistant"] = assistant.describe() if assistant is not None else config.as_dict()
    run_config["fields"] = len(suite.fields) if suite.fields is not None else 0
    run_config["split"] = (
        {"half": split, "by": "expected document", "cases": len(per_case), "of": len(suite.cases)}
        if split
        else None
    )
    return {
        "suite": suite.name,
        "cases": len(per_case),
        "warnings": suite.warnings,
        "config": run_config,
        "metrics": aggregate(per_case),
        "per_case": per_case,
    }


def import_case_events(runtime: Runtime, case: EvalCase, folder: Path) -> None:
    """Import a case's history events into the suite's workspace, as ``svar ingest history`` would.

    Raises:
        InputError: an event line of the case is not valid (its reason names the case).
    """
    from knowledge.errors import InputError

    path = folder / "case-events.jsonl"
    path.write_text(
        "\n".join(json.dumps(e, ensure_ascii=False) for e in case.events) + "\n", encoding="utf-8"
    )
    importer = HistoryImporter(runtime.sessions, runtime.chroma, runtime.embedder)
    report = importer.ingest(path, EVAL_WORKSPACE)
    if report.rejected:
        reasons = "; ".join(f"line {r.location.rsplit(':', 1)[-1]}: {r.reason}" for r in report.rejected[:3])
        raise InputError(f"case {case.id}: invalid events ({reasons})")


def _run_case(
    runtime: Runtime, assistant: Assistant | None, config: AssistantConfig, case: EvalCase
) -> dict[str, Any]:
    result: dict[str, Any] = {"id": case.id}
    wants_reply = case.draft is None and (
        bool(case.expected.kb_ids)
        or bool(case.expected.reference)
        or case.expected.abstain is not None
        or case.expected.situation is not None
    )
    passages = None
    if assistant is not None and wants_reply:
        result["suggest"], passages = suggest_case(assistant, case)
        result["latency_ms"] = result["suggest"]["latency_ms"]
    if case.expected.kb_ids:
        if passages is None:
            started = time.perf_counter()
            passages = retrieve(
                runtime.searcher,
                EVAL_WORKSPACE,
                case.message.text,
                case.history,
                k=config.retrieval_k,
                turns=config.history_turns,
            )
            result["latency_ms"] = (time.perf_counter() - started) * 1000
        ranked = [p.doc_id for p in passages]
        result["retrieved"] = ranked
        result["expected_kb_ids"] = case.expected.kb_ids
        result["retrieval"] = retrieval_scores(case.expected.kb_ids, ranked)
    if assistant is not None and (case.expected.known or case.draft is not None):
        facts: Sequence[KnownFact]
        if case.draft is not None:
            result["guard"], facts = guard_case(assistant, case)
        else:
            facts = facts_of([*case.history, _latest(case)])
        if case.expected.known:
            result["known_facts"] = known_facts_case(case, facts)
    return result


def _latest(case: EvalCase) -> Turn:
    return Turn(role="customer", text=case.message.text, channel=case.message.channel)


def _channel(case: EvalCase) -> str:
    return case.message.channel if case.message.channel in CHANNELS else "chat"


def guard_case(assistant: Assistant, case: EvalCase) -> tuple[dict[str, Any], list[KnownFact]]:
    """The guard pipeline on the case's given draft, through the service's ``check_draft``.

    Returns:
        The per-case record (does the draft ask again for something the conversation holds, which asks,
        the language the service decided, the guards that reported) and the facts the request held.
    """
    checked = assistant.check_draft(
        workspace=EVAL_WORKSPACE,
        draft=case.draft or "",
        message=case.message.text,
        channel=_channel(case),
        history=case.history,
    )
    report = checked.reports.get("repeat_ask")
    asks = report.asks if isinstance(report, RepeatAskReport) else ()
    repeated = report.repeated if isinstance(report, RepeatAskReport) else ()
    record = {
        "repeat_ask": bool(repeated),
        "expected_repeat_ask": case.expected.repeat_ask,
        "language": checked.request.language,
        "repeated": [{"ask": a.text, "slots": list(a.slots), "answered_by": a.answered_by} for a in repeated],
        "asks": [{"ask": a.text, "slots": list(a.slots)} for a in asks],
        "guards": sorted({f.guard for f in checked.suggestion.guard_findings}),
        "text": checked.suggestion.text,
    }
    return record, checked.request.facts


def _suggestion_record(s: Suggestion) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "text": s.text,
        "abstain": s.abstain,
        "citations": [c.id for c in s.citations],
        "guards": sorted({f.guard for f in s.guard_findings}),
    }


def suggest_case(assistant: Assistant, case: EvalCase) -> tuple[dict[str, Any], list[Passage]]:
    """The case through the same ``suggest`` path the API and CLI use, and the passages it retrieved."""
    customer = case.customer.id if case.events and case.customer else None
    res = assistant.suggest(
        workspace=EVAL_WORKSPACE,
        message=case.message.text,
        channel=_channel(case),
        customer=customer,
        history=None if customer else case.history,
        now=case.now,
    )
    first = res.suggestions[0] if res.suggestions else None
    expected_language = case.expected.language or (case.customer.language if case.customer else None)
    out: dict[str, Any] = {
        "latency_ms": res.latency_ms,
        "language": res.language,
        "text": first.text if first else "",
        "abstain": bool(first and first.abstain),
        "citations": [c.id for c in first.citations] if first else [],
        "groundedness": res.groundedness,
        "guards": sorted({f.guard for s in res.suggestions for f in s.guard_findings}),
        "retrieved": [p.doc_id for p in res.passages],
        "suggestions": [_suggestion_record(s) for s in res.suggestions],
        "facts": [_fact_record(f) for f in res.known_facts],
    }
    if expected_language and first:
        detected = detect_language(first.text, default=res.language)
        out["expected_language"] = expected_language
        out["language_match"] = detected == expected_language
    if case.expected.abstain is not None:
        out["abstain_correct"] = out["abstain"] == case.expected.abstain
    if case.expected.reference and first and not first.abstain:
        out["reference_similarity"] = token_f1(first.text, case.expected.reference, expected_language)
    if case.expected.reference and first:
        out["reference_recall"] = reference_recall(
            "" if first.abstain else first.text, case.expected.reference
        )
    if case.expected.kb_ids and first and not first.abstain:
        out["cited_expected"] = any(c.id in case.expected.kb_ids for c in first.citations)
    out["request_type"] = res.request_type
    if case.expected.request_type:
        out["expected_request_type"] = case.expected.request_type
    if first is not None:
        out["used_situation"] = first.used_situation
    if case.expected.situation is not None:
        sit = case.expected.situation
        out["situation"] = situation_scores(
            first.text if first else "", sit.must_mention, sit.must_not_mention
        )
        out["situation"]["language"] = expected_language
    return out, res.passages


def _fact_record(f: KnownFact) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": f.kind, "value": f.value}
    if f.normalized and f.normalized != f.value:
        out["normalized"] = f.normalized
    return out


def known_facts_case(case: EvalCase, facts: Sequence[KnownFact]) -> dict[str, Any]:
    """Which expected known values are among the facts extracted (offline) from the case's conversation.

    ``facts`` come from every turn on every channel, as at import time: the extractor applies each role's
    rules (what the customer said, agent notes, and what agents promised). A value counts as found by the
    strict rule of :func:`evals.metrics.known_value_found` (see ``docs/evals-metrics.md``).
    """
    pairs = [(f.kind, v) for f in facts for v in dict.fromkeys((f.value, f.normalized)) if v]
    expected = case.expected.known or []
    found = [k for k in expected if known_value_found(k.value, k.slot, pairs)]
    return {
        "expected": [{"slot": k.slot, "value": k.value} for k in expected],
        "found": [k.value for k in found],
        "missed": [k.value for k in expected if k not in found],
        "extracted": [_fact_record(f) for f in facts],
        "recall": len(found) / len(expected) if expected else 1.0,
        "n_expected": len(expected),
        "n_found": len(found),
    }


def aggregate(per_case: list[dict[str, Any]]) -> dict[str, float]:
    """Suite metrics from the per-case results (keys of DESIGN.md's results.json contract)."""
    metrics: dict[str, float] = {}
    known = [c["known_facts"] for c in per_case if "known_facts" in c]
    if known:
        total = sum(k["n_expected"] for k in known)
        found = sum(k["n_found"] for k in known)
        metrics["known_facts.recall"] = round(found / total, 4) if total else math.nan
    guards = [c["guard"] for c in per_case if "guard" in c and c["guard"]["expected_repeat_ask"] is not None]
    if guards:
        tp = sum(1 for g in guards if g["repeat_ask"] and g["expected_repeat_ask"])
        fp = sum(1 for g in guards if g["repeat_ask"] and not g["expected_repeat_ask"])
        fn = sum(1 for g in guards if not g["repeat_ask"] and g["expected_repeat_ask"])
        for key, value in precision_recall_f1(tp, fp, fn).items():
            metrics[f"repeat_ask.{key}"] = round(value, 4)
    suggests = [c["suggest"] for c in per_case if "suggest" in c]
    for key, name in (
        ("language_match", "language_match_rate"),
        ("abstain_correct", "abstain_accuracy"),
        ("reference_similarity", "reference_similarity"),
        ("groundedness", "groundedness"),
    ):
        values = [
            float(s[key])
            for s in suggests
            if s.get(key) is not None and not (key == "groundedness" and s["abstain"])
        ]
        if values:
            metrics[name] = round(mean(values), 4)
    if suggests:
        metrics["abstain_rate"] = round(mean([1.0 if s["abstain"] else 0.0 for s in suggests]), 4)
    cited = [s["cited_expected"] for s in suggests if "cited_expected" in s]
    if cited:
        metrics["answer.cited_expected_rate"] = round(mean([1.0 if c else 0.0 for c in cited]), 4)
    recalls = [s["reference_recall"] for s in suggests if "reference_recall" in s]
    if recalls:
        metrics["answer.reference_recall"] = round(mean(recalls), 4)
    metrics.update(situation_metrics(suggests))
    typed = [s for s in suggests if s.get("expected_request_type")]
    if typed:
        metrics["request_type.accuracy"] = round(
            mean([1.0 if s["request_type"] == s["expected_request_type"] else 0.0 for s in typed]), 4
        )
    retrieval = [c["retrieval"] for c in per_case if "retrieval" in c]
    if retrieval:
        for key in ("hit_at_1", "hit_at_5", "mrr_at_10"):
            metrics[f"retrieval.{key}"] = round(mean([r[key] for r in retrieval]), 4)
    latencies = [c["latency_ms"] for c in per_case if "latency_ms" in c]
    if latencies:
        metrics["latency_ms.p50"] = round(percentile(latencies, 50), 2)
        metrics["latency_ms.p95"] = round(percentile(latencies, 95), 2)
    return metrics


def situation_metrics(suggests: list[dict[str, Any]]) -> dict[str, float]:
    """``situation.recall`` (over all must-mention groups of the cases) and ``situation.violation_rate``
    (share of cases with a forbidden string), overall and per expected language (``situation.recall.nb``)."""
    scored = [s["situation"] for s in suggests if "situation" in s]
    out: dict[str, float] = {}
    groups: dict[str | None, list[dict[str, Any]]] = {None: scored}
    for s in scored:
        if s.get("language"):
            groups.setdefault(s["language"], []).append(s)
    for lang, items in groups.items():
        suffix = f".{lang}" if lang else ""
        total = sum(s["n_groups"] for s in items)
        if total:
            out[f"situation.recall{suffix}"] = round(sum(s["n_found"] for s in items) / total, 4)
        if items:
            out[f"situation.violation_rate{suffix}"] = round(
                mean([1.0 if s["violation"] else 0.0 for s in items]), 4
            )
    return out


def check_thresholds(metrics: dict[str, float], thresholds: dict[str, Threshold]) -> list[str]:
    """Descriptions of every threshold the metrics fail (a missing metric fails its threshold)."""
    failures = []
    for name, t in thresholds.items():
        value = metrics.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            failures.append(f"{name}: not measured by this run")
            continue
        if t.min is not None and value < t.min:
            failures.append(f"{name} = {value:.4f} < min {t.min}")
        if t.max is not None and value > t.max:
            failures.append(f"{name} = {value:.4f} > max {t.max}")
    return failures


def write_results(results: dict[str, Any], out_dir: Path) -> Path:
    """Write ``results.json`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _config(settings: Settings, retrieval_only: bool, ingest_s: float) -> dict[str, Any]:
    return {
        "retrieval_only": retrieval_only,
        "embedder": settings.embedder,
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "history_turns": settings.history_turns,
        "llm_model": settings.llm_model,
        "retrieval_mode": settings.retrieval_mode,
        "rerank": settings.rerank,
        "ingest_seconds": round(ingest_s, 2),
        "python": platform.python_version(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
