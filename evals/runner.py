"""The eval runner: a suite → a fresh, isolated workspace → every case through the service's code path →
metrics → ``results.json``; thresholds decide the exit code.

The workspace (database and vector index) is a new temporary data directory per run; only the embedding
cache of the configured data directory is shared, so a second run does not embed the same texts again.

The assistant is built by :func:`assistant.service.build_assistant` from the settings, exactly as the CLI
and the API build it (its description is written under ``config.assistant``). A case with a given ``draft``
goes through :meth:`Assistant.check_draft`: the same guard pipeline, with the same request (facts, decided
language, passages) that ``suggest`` builds. The suite's ``fields.yaml`` is imported into the suite's
workspace first, as ``svar fields import`` would, and a suite of one language (``language: nb``, not
``multi``) sets it as the workspace's language, as ``svar workspace set --language`` would.

``per_case`` keeps what re-scoring needs without the code: the extracted facts (kind and value), the asks
found and flagged, the decided language, the retrieved ids, and the suggestions' texts and citations, with
each score's reason (``docs/evals-metrics.md``). Groundedness is judged by an :class:`evals.judge.LLMJudge`
when one is passed in :class:`RunOptions` (the CLI builds it from the configured chat model), else estimated
offline; tokens come from LangChain's usage callback around each ``suggest`` call and are priced with
``RunOptions.prices``. ``write_results`` writes the HTML report (:mod:`evals.report`) beside the JSON.
"""

from __future__ import annotations

import json
import math
import platform
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import AssistantConfig
from assistant.guards import RepeatAskReport
from assistant.guards.language import language_matches
from assistant.retrieval import retrieve
from assistant.runtime import Runtime, build_runtime
from assistant.service import Assistant, build_assistant, facts_of
from assistant.settings import Settings
from assistant.types import CHANNELS, KnownFact, Passage, Suggestion, Turn
from evals.metrics import (
    Prices,
    abstain_correct,
    channel_fit,
    citation_validity,
    cited_expected,
    known_value_found,
    latency_summary,
    mean,
    precision_recall_f1,
    reference_recall,
    reference_similarity,
    retrieval_scores,
    situation_scores,
    usage_cost,
)
from evals.suite import EvalCase, Half, Suite, Threshold, split_cases
from knowledge.embedders import Embedder, build_embedder
from knowledge.history import HistoryImporter
from knowledge.language import SUPPORTED, detect_language
from knowledge.locale import set_workspace_locale
from knowledge.progress import NoProgress, Progress
from knowledge.workspace_fields import import_fields
from knowledge.workspaces import get_workspace

if TYPE_CHECKING:
    from evals.judge import LLMJudge

EVAL_WORKSPACE = "eval"
RETRIEVAL_ONLY_METRICS = ("retrieval.", "latency_ms.")  # what a --retrieval-only run measures
OFFLINE_GROUNDEDNESS = "offline lexical estimate (assistant.guards.grounding)"


@dataclass
class RunOptions:
    """How cases are scored beyond the defaults.

    Attributes:
        judge: the LLM judge of groundedness; None for the offline estimate.
        prices: the drafting model's prices, for the cost per suggestion (0 for the offline drafter).
        semantic: embed the reply and the gold reply to score ``reference_similarity.cosine``.
    """

    judge: LLMJudge | None = None
    prices: Prices = field(default_factory=Prices)
    semantic: bool = True


@dataclass
class _Case:
    """What every case of a run shares."""

    runtime: Runtime
    assistant: Assistant | None
    config: AssistantConfig
    options: RunOptions
    embedder: Embedder
    suite_language: str | None = None


def run_suite(
    suite: Suite,
    settings: Settings,
    *,
    retrieval_only: bool = False,
    progress: Progress | None = None,
    limit: int | None = None,
    options: RunOptions | None = None,
    jobs: int = 1,
    split: Half | None = None,
) -> dict[str, Any]:
    """Run every case of ``suite`` and return the ``results.json`` document.

    Args:
        suite: the loaded suite.
        settings: the settings; the run uses a fresh temporary data directory and shares only the embedding
            cache of ``settings.home``.
        retrieval_only: measure retrieval only (no drafting, no guards).
        progress: where progress goes (one step a case).
        limit: run only the first ``limit`` cases.
        options: the judge, the prices and the semantic similarity (defaults: offline, free, on).
        split: run one half of the cases (``tune`` or ``check``, :func:`evals.suite.split_cases`).
        jobs: cases run at once (threads, as the API serves concurrent requests). Cases with history
            ``events`` always run one at a time in their order, since they write to the workspace.

    Returns:
        ``{"suite", "cases", "warnings", "config", "metrics", "thresholds", "threshold_failures",
        "thresholds_skipped", "breakdowns", "per_case"}``.
    """
    progress = progress or NoProgress()
    options = options or RunOptions()
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
        shared = _Case(
            runtime,
            assistant,
            config,
            options,
            embedder,
            suite.language if suite.language and suite.language != "multi" else None,
        )
        try:
            started = time.perf_counter()
            if suite.fields is not None:
                with runtime.sessions.begin() as session:
                    import_fields(session, EVAL_WORKSPACE, suite.fields)
            if shared.suite_language in SUPPORTED:
                # A one-language suite is that language's help desk: its workspace language is set, as
                # `svar workspace set --language` would (it decides only where a message says too little).
                with runtime.sessions.begin() as session:
                    ws = get_workspace(session, EVAL_WORKSPACE)
                    assert ws is not None  # created when missing
                    set_workspace_locale(session, ws.id, language=shared.suite_language)
            for path in suite.knowledge:
                runtime.indexer.ingest(path, EVAL_WORKSPACE, progress)
            ingest_s = time.perf_counter() - started
            progress.start(f"Running {suite.name}", len(cases))
            run_started = time.perf_counter()
            per_case = _run_cases(shared, cases, Path(tmp), progress, jobs)
            run_s = time.perf_counter() - run_started
            progress.finish()
        finally:
            runtime.close()
            embedder.close()
    run_config = _config(settings, retrieval_only, ingest_s)
    run_config["run_seconds"] = round(run_s, 2)
    run_config["assistant"] = assistant.describe() if assistant is not None else config.as_dict()
    run_config["fields"] = len(suite.fields) if suite.fields is not None else 0
    run_config["split"] = (
        {"half": split, "by": "expected document", "cases": len(per_case), "of": len(suite.cases)}
        if split
        else None
    )
    run_config["groundedness_by"] = options.judge.name if options.judge else OFFLINE_GROUNDEDNESS
    if options.judge is not None:
        run_config["judge_prompt_version"] = options.judge.prompt_version
    run_config["prices"] = {
        "input_per_million": options.prices.input_per_million,
        "output_per_million": options.prices.output_per_million,
        "currency": options.prices.currency,
    }
    metrics = aggregate(per_case)
    thresholds = suite.thresholds
    skipped = []
    if retrieval_only:  # a suite may gate both modes; a retrieval-only run checks what it can measure
        skipped = sorted(k for k in thresholds if not k.startswith(RETRIEVAL_ONLY_METRICS))
        thresholds = {k: t for k, t in thresholds.items() if k not in skipped}
    return {
        "suite": suite.name,
        "cases": len(per_case),
        "warnings": suite.warnings,
        "config": run_config,
        "metrics": metrics,
        "thresholds": {k: t.model_dump(exclude_none=True) for k, t in suite.thresholds.items()},
        "threshold_failures": check_thresholds(metrics, thresholds),
        "thresholds_skipped": skipped,
        "breakdowns": breakdowns(per_case),
        "per_case": per_case,
    }


def _run_cases(
    shared: _Case, cases: Sequence[EvalCase], folder: Path, progress: Progress, jobs: int
) -> list[dict[str, Any]]:
    """Every case's record, in the suite's order; cases without events on ``jobs`` threads."""
    results: list[dict[str, Any] | None] = [None] * len(cases)
    parallel = [i for i, c in enumerate(cases) if not c.events] if jobs > 1 else []
    in_parallel = set(parallel)
    for i, case in enumerate(cases):
        if i in in_parallel:
            continue
        if case.events:
            import_case_events(shared.runtime, case, folder)
        results[i] = _run_case(shared, case)
        progress.advance()
    if parallel:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="svar-eval") as pool:
            futures = {pool.submit(_run_case, shared, cases[i]): i for i in parallel}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                progress.advance()
    return [r for r in results if r is not None]


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


def case_language(case: EvalCase, suite_language: str | None = None) -> str | None:
    """The language a case is in: expected, else the customer's, else the suite's, else detected."""
    return (
        case.expected.language
        or (case.customer.language if case.customer else None)
        or suite_language
        or detect_language(case.message.text, min_words=2)
    )


def _run_case(shared: _Case, case: EvalCase) -> dict[str, Any]:
    runtime, assistant, config = shared.runtime, shared.assistant, shared.config
    result: dict[str, Any] = {
        "id": case.id,
        "language": case_language(case, shared.suite_language),
        "channel": _channel(case),
        "message": case.message.text,
    }
    if case.history:
        result["history_turns"] = len(case.history)
    if case.expected.reference:
        result["expected_reference"] = case.expected.reference
    wants_reply = case.draft is None and (
        bool(case.expected.kb_ids)
        or bool(case.expected.reference)
        or case.expected.abstain is not None
        or case.expected.situation is not None
    )
    passages = None
    if assistant is not None and wants_reply:
        result["suggest"], passages = suggest_case(assistant, case, shared)
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


def reply_in_language(text: str, expected: str, decided: str) -> bool:
    """Whether a reply is in the customer's language: what it reads as first, with or without its frame.

    A reply is judged whole and, when it has six words or more without them, without its greeting,
    sign-off, URLs and numbers (:func:`assistant.guards.language.language_matches`, with no margin: unlike
    the guard, which lets a close call between neighbours pass, the metric wants ``expected`` first). It
    matches when either reading is ``expected``: the frame decides some short replies ("Hei!" against
    "Hej!"), and misleads others (a Danish quote whose link says "hjelp"). A reply of one word or none is
    judged by the language the service decided.

    Args:
        text: the reply.
        expected: the customer's language.
        decided: the language the service decided for the reply.

    Returns:
        True when the reply is in ``expected``.
    """
    if detect_language(text, default=decided, min_words=2) == expected:
        return True
    return language_matches(text, expected, margin=0.0) is True


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


@contextmanager
def _usage() -> Iterator[dict[str, int]]:
    """Tokens the chat models used inside the block (LangChain's usage callback; zeros offline)."""
    from langchain_core.callbacks import get_usage_metadata_callback

    totals = {"input": 0, "output": 0}
    with get_usage_metadata_callback() as cb:
        yield totals
        for usage in cb.usage_metadata.values():
            totals["input"] += int(usage.get("input_tokens", 0))
            totals["output"] += int(usage.get("output_tokens", 0))


def suggest_case(
    assistant: Assistant, case: EvalCase, shared: _Case | None = None
) -> tuple[dict[str, Any], list[Passage]]:
    """The case through the same ``suggest`` path the API and CLI use (``answer``, the widget's, for a case on
    the widget channel), scored; and the passages it retrieved.

    Returns:
        The per-case record: the first suggestion's text, citations and flags, and every measure the case's
        ``expected`` allows (each with its reason where one helps a reader), tokens and cost.
    """
    options = shared.options if shared else RunOptions(semantic=False)
    customer = case.customer.id if case.events and case.customer else None
    channel = _channel(case)
    # a widget case is answered as the widget answers it: self-service mode (one answer or an abstention)
    run = assistant.answer if channel == "widget" else assistant.suggest
    with _usage() as tokens:
        res = run(
            workspace=EVAL_WORKSPACE,
            message=case.message.text,
            channel=channel,
            customer=customer,
            history=None if customer else case.history,
            now=case.now,
        )
    first = res.suggestions[0] if res.suggestions else None
    expected_language = case.expected.language or (case.customer.language if case.customer else None)
    retrieved = [p.doc_id for p in res.passages]
    out: dict[str, Any] = {
        "latency_ms": res.latency_ms,
        "language": res.language,
        "text": first.text if first else "",
        "abstain": bool(first and first.abstain),
        "citations": [c.id for c in first.citations] if first else [],
        "groundedness": res.groundedness,
        "guards": sorted({f.guard for s in res.suggestions for f in s.guard_findings}),
        "retrieved": retrieved,
        "suggestions": [_suggestion_record(s) for s in res.suggestions],
        "facts": [_fact_record(f) for f in res.known_facts],
        "tokens": {"input": tokens["input"], "output": tokens["output"]},
        "cost": round(usage_cost(tokens["input"], tokens["output"], options.prices), 6),
        "drafter": res.drafter,
    }
    if expected_language and first:
        out["expected_language"] = expected_language
        out["language_match"] = reply_in_language(first.text, expected_language, res.language)
    if case.expected.abstain is not None:
        verdict = abstain_correct(out["abstain"], case.expected.abstain)
        out["abstain_correct"] = verdict.value == 1.0
        out["abstain_reason"] = verdict.reason
    if first is not None and not first.abstain:
        cited = [p for p in res.passages if p.doc_id in out["citations"]]
        out["channel_fit"] = channel_fit(first.text, _channel(case), cited).as_dict()
        validity = citation_validity(out["citations"], retrieved)
        if validity is not None:
            out["citation_validity"] = validity.as_dict()
        _score_groundedness(out, first.text, res.passages, res.known_facts, res.language, options)
    if case.expected.reference and first and not first.abstain:
        vectors = None
        if options.semantic and shared is not None:
            vectors = (
                shared.embedder.embed_query(first.text).tolist(),
                shared.embedder.embed_query(case.expected.reference).tolist(),
            )
        sim = reference_similarity(first.text, case.expected.reference, expected_language, vectors)
        out["reference_similarity"] = sim["token_f1"].value
        if "cosine" in sim:
            out["reference_cosine"] = round(sim["cosine"].value, 4)
    if case.expected.reference and first:
        out["reference_recall"] = reference_recall(
            "" if first.abstain else first.text, case.expected.reference
        )
    if case.expected.kb_ids and first and not first.abstain:
        verdict = cited_expected(out["citations"], case.expected.kb_ids)
        out["cited_expected"] = verdict.value == 1.0
        out["cited_reason"] = verdict.reason
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


def _score_groundedness(
    out: dict[str, Any],
    text: str,
    passages: Sequence[Passage],
    facts: Sequence[KnownFact],
    language: str,
    options: RunOptions,
) -> None:
    """Groundedness by the judge when there is one (its tokens apart), else the service's offline estimate."""
    from evals.judge import offline_groundedness

    if options.judge is None:
        out["groundedness_reason"] = offline_groundedness(text, passages, facts, language).reason
        out["groundedness_by"] = "offline"
        return
    try:
        with _usage() as tokens:
            score = options.judge.judge(text, passages, facts, language)
    except Exception as exc:  # noqa: BLE001 - one failed judge call must not lose the run: fall back, say so
        offline = offline_groundedness(text, passages, facts, language)
        out["groundedness_reason"] = (
            f"the judge failed ({type(exc).__name__}: {str(exc)[:200]}); {offline.reason}"
        )
        out["groundedness_by"] = "offline"
        out["judge_error"] = True
        return
    out["groundedness_offline"] = out["groundedness"]
    out["groundedness"] = round(score.value, 4)
    out["groundedness_reason"] = score.reason
    out["groundedness_by"] = "judge"
    out["judge_tokens"] = {"input": tokens["input"], "output": tokens["output"]}


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
    metrics.update(answer_metrics(suggests))
    metrics.update(situation_metrics(suggests))
    typed = [s for s in suggests if s.get("expected_request_type")]
    if typed:
        metrics["request_type.accuracy"] = round(
            mean([1.0 if s["request_type"] == s["expected_request_type"] else 0.0 for s in typed]), 4
        )
    metrics.update(retrieval_metrics(per_case))
    latencies = [c["latency_ms"] for c in per_case if "latency_ms" in c]
    for key, value in latency_summary(latencies).items():
        if key in ("p50", "p95"):  # the two DESIGN.md names; the report shows the rest
            metrics[f"latency_ms.{key}"] = value
    metrics.update(usage_metrics(suggests))
    return metrics


def _rate(values: Sequence[object]) -> float:
    return round(mean([1.0 if v else 0.0 for v in values]), 4)


def answer_metrics(suggests: list[dict[str, Any]]) -> dict[str, float]:
    """The measures of the drafted replies: answering (cited the expected source, reference recall and
    similarity, abstain accuracy), language, channel fit, citation validity and groundedness."""
    metrics: dict[str, float] = {}
    answered = [s for s in suggests if not s["abstain"]]
    for key, name in (
        ("language_match", "language_match_rate"),
        ("abstain_correct", "abstain_accuracy"),
        ("reference_similarity", "reference_similarity"),
        ("reference_cosine", "reference_similarity.cosine"),
    ):
        values = [float(s[key]) for s in suggests if s.get(key) is not None]
        if values:
            metrics[name] = round(mean(values), 4)
    grounded = [float(s["groundedness"]) for s in answered if s.get("groundedness") is not None]
    if grounded:
        metrics["groundedness"] = round(mean(grounded), 4)
    for key in ("channel_fit", "citation_validity"):
        values = [float(s[key]["value"]) for s in answered if key in s]
        if values:
            metrics[key] = round(mean(values), 4)
    if suggests:
        metrics["abstain_rate"] = _rate([s["abstain"] for s in suggests])
    cited = [s["cited_expected"] for s in suggests if "cited_expected" in s]
    if cited:
        metrics["answer.cited_expected_rate"] = _rate(cited)
    recalls = [s["reference_recall"] for s in suggests if "reference_recall" in s]
    if recalls:
        metrics["answer.reference_recall"] = round(mean(recalls), 4)
    return metrics


def retrieval_metrics(per_case: list[dict[str, Any]], by_language: bool = True) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 over the retrieval cases, and per case language when there are several."""
    metrics: dict[str, float] = {}
    scored = [c for c in per_case if "retrieval" in c]
    groups: dict[str | None, list[dict[str, Any]]] = {None: scored}
    if by_language:
        for c in scored:
            groups.setdefault(c.get("language") or "unknown", []).append(c)
        if len(groups) == 2:  # one language: the overall figure says it all
            groups = {None: scored}
    for lang, items in groups.items():
        if not items:
            continue
        suffix = f".{lang}" if lang else ""
        for key in ("hit_at_1", "hit_at_5", "mrr_at_10"):
            metrics[f"retrieval.{key}{suffix}"] = round(mean([c["retrieval"][key] for c in items]), 4)
    return metrics


def usage_metrics(suggests: list[dict[str, Any]]) -> dict[str, float]:
    """Tokens and cost per suggestion (drafting only; the judge's tokens are apart)."""
    if not suggests:
        return {}
    inputs = [s.get("tokens", {}).get("input", 0) for s in suggests]
    outputs = [s.get("tokens", {}).get("output", 0) for s in suggests]
    return {
        "tokens.input_per_suggestion": round(mean(inputs), 1),
        "tokens.output_per_suggestion": round(mean(outputs), 1),
        "cost.per_suggestion": round(mean([s.get("cost", 0.0) for s in suggests]), 6),
        "cost.total": round(sum(s.get("cost", 0.0) for s in suggests), 4),
    }


BREAKDOWN_KEYS = (
    "retrieval.hit_at_1",
    "retrieval.hit_at_5",
    "retrieval.mrr_at_10",
    "answer.cited_expected_rate",
    "answer.reference_recall",
    "reference_similarity",
    "situation.recall",
    "abstain_accuracy",
    "language_match_rate",
    "channel_fit",
    "groundedness",
    "known_facts.recall",
)


def breakdowns(per_case: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """The main metrics per case language and per channel: ``{"language": {"sv": {"n": 12, ...}}, ...}``."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for dimension in ("language", "channel"):
        groups: dict[str, list[dict[str, Any]]] = {}
        for c in per_case:
            groups.setdefault(str(c.get(dimension) or "unknown"), []).append(c)
        table: dict[str, dict[str, float]] = {}
        for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            suggests = [c["suggest"] for c in items if "suggest" in c]
            sub = {
                **retrieval_metrics(items, by_language=False),
                **answer_metrics(suggests),
                **{k: v for k, v in situation_metrics(suggests).items() if k.count(".") == 1},
            }
            known = [c["known_facts"] for c in items if "known_facts" in c]
            total = sum(k["n_expected"] for k in known)
            if total:
                sub["known_facts.recall"] = round(sum(k["n_found"] for k in known) / total, 4)
            table[name] = {"n": float(len(items)), **{k: sub[k] for k in BREAKDOWN_KEYS if k in sub}}
        out[dimension] = table
    return out


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
    """Write ``results.json`` and the HTML report beside it (``report.html``) into ``out_dir``.

    Returns:
        The path of ``results.json``.
    """
    from evals.report import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    write_report(results, out_dir / "report.html")
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
