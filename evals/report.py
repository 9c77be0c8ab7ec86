"""The HTML report of an eval run: one self-contained page (inline CSS and SVG, no script, no network).

It leads with the measures of answering (did the reply cite the expected source, how much of the gold reply
it holds, does it state the customer's situation, does it abstain when it should) and says which figures a
model judged and which a rule computed offline; then the thresholds, every metric, the breakdowns per
language and per channel, latency, tokens and cost, and the worst cases with their context.

Every string from the run (case text, drafts, ids, configuration) is escaped: case text is hostile.
:func:`render_report` is pure (results in, HTML out); :func:`write_report` writes ``report.html``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["case_score", "render_report", "worst_cases", "write_report"]

#: The measures of answering, in the order the report leads with them: (metric, title, what it means).
ANSWERING: tuple[tuple[str, str, str], ...] = (
    (
        "answer.cited_expected_rate",
        "Cites the expected source",
        "replies that cite a document the case names",
    ),
    ("answer.reference_recall", "Holds the gold answer", "share of the gold answer's words in the reply"),
    ("reference_similarity", "Like the gold reply", "token F1 of stemmed content words"),
    ("reference_similarity.cosine", "Means the gold reply", "embedding cosine to the gold reply"),
    ("situation.recall", "States the situation", "history details the reply must mention"),
    ("abstain_accuracy", "Abstains when it should", "abstained exactly when the case expects it"),
)
#: Metrics where lower is better; every other 0-1 metric is better higher.
LOWER_IS_BETTER = ("situation.violation_rate", "latency_ms.", "cost.", "tokens.")
NEUTRAL = ("abstain_rate",)
BREAKDOWN_SHOWN = (
    "retrieval.hit_at_1",
    "retrieval.hit_at_5",
    "answer.cited_expected_rate",
    "answer.reference_recall",
    "situation.recall",
    "known_facts.recall",
    "language_match_rate",
    "channel_fit",
)
WORST = 15
ACCENT, GOOD, BAD, MUTED, TRACK = "#3b5bdb", "#2b8a3e", "#c92a2a", "#868e96", "#e9ecef"


def e(value: object) -> str:
    """Escape anything for HTML text and attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: object, key: str = "") -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return e(value)
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if key.startswith("latency_ms"):
        return f"{value:,.0f} ms"
    if key.startswith("cost."):
        return f"{value:.4f}"
    if key.startswith("tokens."):
        return f"{value:,.0f}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _is_ratio(key: str, value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not key.startswith(("latency_ms", "cost.", "tokens."))
        and 0.0 <= float(value) <= 1.0
    )


def _good(key: str, value: float) -> str:
    if key.startswith(NEUTRAL):
        return ACCENT
    if key.startswith(LOWER_IS_BETTER):
        return GOOD if value <= 0.05 else BAD if value >= 0.2 else "#e67700"
    return GOOD if value >= 0.85 else BAD if value < 0.6 else "#e67700"


# ------------------------------------------------------------------------------------------------ charts


def hbar_chart(
    rows: Sequence[tuple[str, float, Mapping[str, float] | None]], *, width: int = 560, label_width: int = 230
) -> str:
    """Horizontal bars for values in [0, 1], with a tick at each row's threshold (``{"min"|"max": x}``)."""
    row_h, top = 24, 6
    height = top + row_h * len(rows) + 18
    plot = width - label_width - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
    ]
    for i, (label, value, threshold) in enumerate(rows):
        y = top + i * row_h
        v = min(max(value, 0.0), 1.0) if not math.isnan(value) else 0.0
        colour = _good(label, value)
        if threshold and not math.isnan(value):  # a gated metric is green when it passes, red when not
            low, high = threshold.get("min"), threshold.get("max")
            passed = (low is None or value >= low) and (high is None or value <= high)
            colour = GOOD if passed else BAD
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" class="lbl">{e(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{plot}" height="14" rx="3" fill="{TRACK}"/>'
            f'<rect x="{label_width}" y="{y + 4}" width="{plot * v:.1f}" height="14" rx="3" fill="{colour}"/>'
            f'<text x="{label_width + plot + 6}" y="{y + 15}" class="val">{_fmt(value)}</text>'
        )
        for bound in ("min", "max"):
            if threshold and threshold.get(bound) is not None:
                x = label_width + plot * min(max(float(threshold[bound]), 0.0), 1.0)
                parts.append(
                    f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + 21}" stroke="#212529" '
                    f'stroke-width="2"><title>{e(bound)} {e(threshold[bound])}</title></line>'
                )
    for tick in (0, 0.5, 1):
        x = label_width + plot * tick
        parts.append(f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle" class="tick">{tick:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(values: Sequence[tuple[str, float]], *, width: int = 420, unit: str = "ms") -> str:
    """Vertical columns for a few quantities (latency percentiles), labelled with their values."""
    height, bottom, top = 170, 22, 18
    vmax = max((v for _, v in values if not math.isnan(v)), default=1.0) or 1.0
    step = width / max(len(values), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
    ]
    for i, (label, value) in enumerate(values):
        h = (height - bottom - top) * (value / vmax if not math.isnan(value) else 0)
        x = i * step + step * 0.2
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" rx="3" '
            f'fill="{ACCENT}"/>'
            f'<text x="{x + step * 0.3:.1f}" y="{y - 4:.1f}" text-anchor="middle" class="val">'
            f"{value:,.0f} {e(unit)}</text>"
            f'<text x="{x + step * 0.3:.1f}" y="{height - 6}" text-anchor="middle" class="lbl">'
            f"{e(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(values: Sequence[float], *, bins: int = 24, width: int = 520) -> str:
    """A histogram of latencies (ms); the tail beyond the 95th percentile goes into the last bin."""
    if not values:
        return ""
    ordered = sorted(values)
    cap = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] or ordered[-1] or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / cap * bins)) if cap else 0] += 1
    height, bottom = 130, 20
    top_count = max(counts) or 1
    bw = width / bins
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
    ]
    for i, c in enumerate(counts):
        h = (height - bottom - 6) * c / top_count
        parts.append(
            f'<rect x="{i * bw + 1:.1f}" y="{height - bottom - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
            f'fill="{ACCENT}" opacity="0.75"><title>{c} cases</title></rect>'
        )
    parts.append(
        f'<text x="0" y="{height - 4}" class="tick">0 ms</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end" class="tick">≥ {cap:,.0f} ms</text></svg>'
    )
    return "".join(parts)


# ------------------------------------------------------------------------------------------------ cases


def case_score(case: Mapping[str, Any]) -> float | None:
    """How well one case went, in [0, 1]: the mean of its measures (:func:`evals.compare.case_measures`:
    retrieval MRR@10, cited the expected source, reference recall, situation recall and no forbidden
    mention, abstain and language correct, channel fit, known-facts recall, the repeat-ask verdict); None
    when it has none."""
    from evals.compare import case_measures

    measures = case_measures(case)
    for key in ("retrieval.hit_at_1", "retrieval.hit_at_5"):  # MRR@10 speaks for retrieval
        measures.pop(key, None)
    return sum(measures.values()) / len(measures) if measures else None


def worst_cases(
    per_case: Sequence[Mapping[str, Any]], n: int = WORST
) -> list[tuple[float, Mapping[str, Any]]]:
    """The ``n`` cases that went worst (lowest :func:`case_score` below 1), worst first."""
    scored = [(score, c) for c in per_case if (score := case_score(c)) is not None and score < 1.0]
    return sorted(scored, key=lambda sc: (sc[0], str(sc[1].get("id"))))[:n]


def _flags(case: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(severity, text) flags that say what went wrong in a case."""
    out: list[tuple[str, str]] = []
    r = case.get("retrieval")
    if r and r["hit_at_5"] == 0.0:
        out.append(("bad", "expected document not in the top 5"))
    elif r and r["hit_at_1"] == 0.0:
        out.append(("warn", "expected document not first"))
    s = case.get("suggest") or {}
    out.extend(_reply_flags(s))
    kf = case.get("known_facts")
    if kf and kf.get("missed"):
        out.append(("bad", "facts missed: " + ", ".join(map(str, kf["missed"]))))
    g = case.get("guard") or {}
    if g.get("expected_repeat_ask") is not None and g["repeat_ask"] != g["expected_repeat_ask"]:
        what = "flagged a repeat ask that is not one" if g["repeat_ask"] else "missed a repeat ask"
        out.append(("bad", what))
    elif g.get("expected_repeat_ask") is not None:
        out.append(("info", f"repeat ask {'flagged' if g['repeat_ask'] else 'not flagged'}, as expected"))
    for rep in g.get("repeated", []):
        out.append(("info", f"asks again: {rep.get('ask')} (answered by: {rep.get('answered_by')})"))
    for guard in s.get("guards", []) or g.get("guards", []):
        out.append(("info", f"guard: {guard}"))
    return out


def _reply_flags(s: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flags of the drafted reply."""
    out: list[tuple[str, str]] = []
    if s.get("abstain"):
        out.append(("warn", "abstained"))
    if "cited_reason" in s and not s.get("cited_expected"):
        out.append(("bad", s["cited_reason"]))
    if s.get("abstain_reason") and not s.get("abstain_correct"):
        out.append(("bad", s["abstain_reason"]))
    if s.get("language_match") is False:
        out.append(("bad", f"reply not in {s.get('expected_language')}"))
    fit = s.get("channel_fit")
    if fit and fit["value"] < 1.0:
        out.append(("warn", f"channel: {fit['reason']}"))
    cv = s.get("citation_validity")
    if cv and cv["value"] < 1.0:
        out.append(("bad", cv["reason"]))
    sit = s.get("situation")
    if sit and sit.get("missed"):
        out.append(("bad", "situation missed: " + ", ".join(map(str, sit["missed"]))))
    if sit and sit.get("violations"):
        out.append(("bad", "must not mention: " + ", ".join(map(str, sit["violations"]))))
    if s.get("groundedness") is not None and s["groundedness"] < 1.0 and s.get("groundedness_reason"):
        out.append(("warn", f"groundedness {s['groundedness']:.2f}: {s['groundedness_reason']}"))
    return out


def _case_card(score: float, case: Mapping[str, Any]) -> str:
    s = case.get("suggest") or {}
    g = case.get("guard") or {}
    expected = set(case.get("expected_kb_ids") or [])
    retrieved = case.get("retrieved") or s.get("retrieved") or []
    chips = "".join(
        f'<span class="chip{" hit" if doc in expected else ""}">{i}. {e(doc)}</span>'
        for i, doc in enumerate(dict.fromkeys(retrieved), start=1)
        if i <= 8
    )
    rows = []
    if case.get("message"):
        rows.append(("message", f'<div class="quote">{e(case["message"])}</div>'))
    if case.get("history_turns"):
        rows.append(("history", f"{int(case['history_turns'])} earlier turns"))
    if expected:
        rows.append(("expected", " ".join(f'<span class="chip hit">{e(d)}</span>' for d in sorted(expected))))
    if retrieved:
        rows.append(("retrieved", chips))
    if case.get("expected_reference"):
        rows.append(("gold reply", f'<div class="quote gold">{e(case["expected_reference"])}</div>'))
    draft = s.get("text") or g.get("text")
    if draft:
        cites = ", ".join(map(str, s.get("citations", [])))
        rows.append(
            ("draft" if s else "given draft", f'<div class="quote draft">{e(draft)}</div>')
            if not cites
            else (
                "draft",
                f'<div class="quote draft">{e(draft)}</div><div class="small">cites {e(cites)}</div>',
            )
        )
    flags = "".join(f'<span class="flag {sev}">{e(text)}</span>' for sev, text in _flags(case))
    if flags:
        rows.append(("flags", flags))
    body = "".join(f'<div class="k">{e(k)}</div><div class="v">{v}</div>' for k, v in rows)
    meta = " · ".join(e(x) for x in (case.get("language"), case.get("channel")) if x)
    return (
        f'<article class="case"><header><span class="score" style="background:{_good("", score)}">'
        f'{score:.2f}</span><b>{e(case.get("id"))}</b><span class="small">{meta}</span></header>'
        f'<div class="grid">{body}</div></article>'
    )


# ------------------------------------------------------------------------------------------------ page


def _answering(results: Mapping[str, Any]) -> str:
    metrics = results.get("metrics", {})
    config = results.get("config", {})
    judged_by = str(config.get("groundedness_by", "offline"))
    judged = judged_by.startswith("llm-judge")
    cards = []
    for key, title, what in ANSWERING:
        if key not in metrics:
            continue
        value = float(metrics[key])
        how = "embedder (offline)" if key.endswith("cosine") else "rule (offline, deterministic)"
        cards.append(_card(title, key, value, what, how))
    if "retrieval.hit_at_5" in metrics:
        what = f"hit@1 {metrics.get('retrieval.hit_at_1', math.nan):.2f}, MRR@10 "
        what += (
            f"{metrics.get('retrieval.mrr_at_10', math.nan):.2f}: an expected document among the first five"
        )
        cards.append(
            _card(
                "Finds the source", "retrieval.hit_at_5", float(metrics["retrieval.hit_at_5"]), what, "rule"
            )
        )
    if "groundedness" in metrics:
        value = float(metrics["groundedness"])
        how = f"judged by a model: {judged_by}" if judged else "offline lexical estimate"
        what = "claims supported by the passages or facts"
        cards.append(_card("Grounded", "groundedness", value, what, how, estimate=not judged))
    if not any(key in metrics for key, _, _ in ANSWERING) and "groundedness" not in metrics:
        return (
            f'<div class="cards">{"".join(cards)}</div><p class="note">This run drafted no replies '
            "(retrieval only, or no case expects one): there is no measure of answering yet, only whether "
            "the expected document was found.</p>"
        )
    note = (
        f"Groundedness was judged by a model ({e(judged_by)}); every other figure here is computed by a rule."
        if judged
        else "None of these was judged by a model: all are computed offline by rules. Groundedness is a "
        "lexical estimate: an extract that answers another question still scores 1.0, so read it after the "
        "measures of answering, not instead of them."
    )
    return f'<div class="cards">{"".join(cards)}</div><p class="note">{note}</p>'


def _card(title: str, key: str, value: float, what: str, how: str, *, estimate: bool = False) -> str:
    pct = min(max(value, 0.0), 1.0) * 100
    return (
        f'<div class="card{" est" if estimate else ""}"><div class="t">{e(title)}</div>'
        f'<div class="big" style="color:{_good(key, value)}">{value:.0%}</div>'
        f'<div class="bar"><i style="width:{pct:.1f}%;background:{_good(key, value)}"></i></div>'
        f'<div class="small">{e(what)}</div><div class="small"><code>{e(key)}</code> · {e(how)}</div></div>'
    )


def _thresholds(results: Mapping[str, Any]) -> str:
    thresholds: Mapping[str, Mapping[str, float]] = results.get("thresholds") or {}
    if not thresholds:
        return (
            '<p class="note">The suite sets no thresholds: this run cannot fail. Add <code>thresholds</code> '
            "to suite.yaml to gate CI on it.</p>"
        )
    metrics = results.get("metrics", {})
    rows = []
    skipped = set(results.get("thresholds_skipped") or [])
    for key, t in thresholds.items():
        if key in skipped:
            continue
        value = metrics.get(key)
        failed = value is None or (isinstance(value, float) and math.isnan(value))
        failed = failed or (t.get("min") is not None and value < t["min"])
        failed = failed or (t.get("max") is not None and value > t["max"])
        bound = " ".join(f"{b} {t[b]}" for b in ("min", "max") if t.get(b) is not None)
        status = '<span class="pill bad">fail</span>' if failed else '<span class="pill good">pass</span>'
        shown = "not measured" if value is None else _fmt(value, key)
        rows.append(
            f"<tr><td><code>{e(key)}</code></td><td class='num'>{shown}</td><td>{e(bound)}</td>"
            f"<td>{status}</td></tr>"
        )
    for key in results.get("thresholds_skipped") or []:
        rows.append(
            f"<tr><td><code>{e(key)}</code></td><td class='num'>–</td><td></td>"
            "<td><span class='pill skip'>not run (retrieval only)</span></td></tr>"
        )
    return f"<table><tr><th>metric</th><th>value</th><th>threshold</th><th></th></tr>{''.join(rows)}</table>"


def _overview(results: Mapping[str, Any]) -> str:
    metrics = results.get("metrics", {})
    thresholds = results.get("thresholds") or {}
    ratios = [
        (k, float(v), thresholds.get(k))
        for k, v in metrics.items()
        if _is_ratio(k, v) and k.count(".") <= 1 or (k.startswith("retrieval.") and k.count(".") == 1)
    ]
    ratios = [r for r in ratios if _is_ratio(r[0], r[1])]
    others = [(k, v) for k, v in metrics.items() if not _is_ratio(k, v)]
    chart = hbar_chart(ratios) if ratios else ""
    table = "".join(
        f"<tr><td><code>{e(k)}</code></td><td class='num'>{_fmt(v, k)}</td></tr>" for k, v in others
    )
    return chart + (f"<table class='narrow'>{table}</table>" if table else "")


def _breakdown(results: Mapping[str, Any], dimension: str) -> str:
    table: Mapping[str, Mapping[str, float]] = (results.get("breakdowns") or {}).get(dimension) or {}
    if len(table) < 2:
        only = next(iter(table), None)
        return f'<p class="note">All cases share one {e(dimension)}{f": {e(only)}" if only else ""}.</p>'
    keys = [k for k in BREAKDOWN_SHOWN if any(k in row for row in table.values())]
    charts = []
    for key in keys[:4]:
        rows = [
            (f"{name} (n={int(row['n'])})", float(row[key]), None)
            for name, row in table.items()
            if key in row
        ]
        charts.append(
            f"<figure><figcaption><code>{e(key)}</code></figcaption>"
            f"{hbar_chart(rows, width=440, label_width=130)}</figure>"
        )
    head = "".join(f"<th>{e(k)}</th>" for k in keys)
    body = "".join(
        f"<tr><td>{e(name)}</td><td class='num'>{int(row['n'])}</td>"
        + "".join(f"<td class='num'>{_fmt(row[k]) if k in row else ''}</td>" for k in keys)
        + "</tr>"
        for name, row in table.items()
    )
    return (
        f'<div class="figs">{"".join(charts)}</div>'
        f"<div class='scroll'><table><tr><th>{e(dimension)}</th><th>cases</th>{head}</tr>{body}</table></div>"
    )


def _latency_and_cost(results: Mapping[str, Any]) -> str:
    from evals.metrics import latency_summary

    per_case = results.get("per_case", [])
    latencies = [float(c["latency_ms"]) for c in per_case if "latency_ms" in c]
    summary = latency_summary(latencies)
    parts = []
    if summary:
        parts.append(
            '<div class="figs"><figure><figcaption>percentiles per case</figcaption>'
            + column_chart([(k, v) for k, v in summary.items()])
            + "</figure><figure><figcaption>distribution</figcaption>"
            + histogram(latencies)
            + "</figure></div>"
        )
    metrics = results.get("metrics", {})
    config = results.get("config", {})
    if config.get("retrieval_only"):
        parts.append('<p class="note">Retrieval only: no reply was drafted, so no tokens and no cost.</p>')
        return "".join(parts)
    prices = config.get("prices") or {}
    drafter = (config.get("assistant") or {}).get("drafter", "")
    rows = [
        ("drafter", drafter),
        ("input tokens per suggestion", _fmt(metrics.get("tokens.input_per_suggestion", "–"), "tokens.")),
        ("output tokens per suggestion", _fmt(metrics.get("tokens.output_per_suggestion", "–"), "tokens.")),
        (
            "cost per suggestion",
            f"{_fmt(metrics.get('cost.per_suggestion', 0.0), 'cost.')} {e(prices.get('currency', ''))}",
        ),
        (
            "cost of the run",
            f"{_fmt(metrics.get('cost.total', 0.0), 'cost.')} {e(prices.get('currency', ''))}",
        ),
        (
            "prices per 1M tokens (in / out)",
            f"{e(prices.get('input_per_million', 0))} / {e(prices.get('output_per_million', 0))}",
        ),
    ]
    parts.append(
        "<table class='narrow'>"
        + "".join(f"<tr><td>{e(k)}</td><td class='num'>{v}</td></tr>" for k, v in rows)
        + "</table>"
    )
    if drafter == "offline" or not metrics.get("tokens.input_per_suggestion"):
        parts.append('<p class="note">The offline drafter calls no model: 0 tokens, no cost.</p>')
    return "".join(parts)


def _config(results: Mapping[str, Any]) -> str:
    config = dict(results.get("config", {}))
    assistant = config.pop("assistant", {}) or {}
    rows = [*config.items(), *((f"assistant.{k}", v) for k, v in assistant.items())]
    body = "".join(f"<tr><td><code>{e(k)}</code></td><td>{e(v)}</td></tr>" for k, v in rows)
    warnings = results.get("warnings") or []
    warn = "".join(f"<li>{e(w)}</li>" for w in warnings[:50])
    return (
        f"<details><summary>Configuration of this run</summary><table class='narrow'>{body}</table></details>"
        + (
            f"<details><summary>{len(warnings)} warnings</summary><ul>{warn}</ul></details>"
            if warnings
            else ""
        )
    )


def render_report(results: Mapping[str, Any]) -> str:
    """The report page of a ``results.json`` document (thresholds read from its ``thresholds``).

    Args:
        results: the document ``svar eval run`` writes.

    Returns:
        A complete HTML page; every value from the run is escaped.
    """
    metrics = results.get("metrics", {})
    config = results.get("config", {})
    failures = results.get("threshold_failures")
    if failures is None or not results.get("thresholds"):
        verdict = '<span class="pill skip big-pill">no thresholds</span>' if failures is not None else ""
    elif failures:
        verdict = f'<span class="pill bad big-pill">{len(failures)} threshold(s) failed</span>'
    else:
        verdict = '<span class="pill good big-pill">all thresholds pass</span>'
    per_case = results.get("per_case", [])
    worst = worst_cases(per_case)
    worst_html = "".join(_case_card(score, case) for score, case in worst) or (
        '<p class="note">Every case scored 1.0 on its measures.</p>'
    )
    subtitle = " · ".join(
        e(x)
        for x in (
            f"{results.get('cases', len(per_case))} cases",
            config.get("started_at"),
            f"embedder {config.get('embedder')}",
            f"drafter {(config.get('assistant') or {}).get('drafter', '–')}",
            "retrieval only" if config.get("retrieval_only") else None,
        )
        if x
    )
    sections = [
        ("Answering", _answering(results)),
        ("Thresholds", _thresholds(results)),
        ("All metrics", _overview(results)),
        ("By language", _breakdown(results, "language")),
        ("By channel", _breakdown(results, "channel")),
        ("Latency, tokens and cost", _latency_and_cost(results)),
        (f"The {len(worst)} worst cases", worst_html),
        ("Run", _config(results)),
    ]
    body = "".join(f"<section><h2>{e(title)}</h2>{content}</section>" for title, content in sections)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Svar eval · {e(results.get('suite'))}</title><style>{CSS}</style></head><body><main>"
        f"<header class='top'><div><h1>{e(results.get('suite'))}</h1>"
        f"<div class='small'>{subtitle}</div></div>"
        f"{verdict}</header>{body}"
        f"<footer class='small'>Written by <code>svar eval run</code>; regenerate with "
        f"<code>svar eval report results.json</code>. {len(metrics)} metrics.</footer></main></body></html>"
    )


def write_report(results: Mapping[str, Any], path: Path) -> Path:
    """Write the report page to ``path`` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(results), encoding="utf-8")
    return path


CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#f8f9fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0;font-size:26px}
h2{font-size:18px;margin:0 0 12px;border-bottom:1px solid #dee2e6;padding-bottom:6px}
section{background:#fff;border:1px solid #e9ecef;border-radius:10px;padding:18px 20px;margin:16px 0}
.top{display:flex;justify-content:space-between;align-items:center;gap:16px}
.small{color:#6c757d;font-size:12.5px}.note{color:#495057;font-size:13.5px;max-width:900px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
.card{border:1px solid #e9ecef;border-radius:8px;padding:12px 14px}
.card.est{border-style:dashed}.card .t{font-weight:600}
.card .big{font-size:34px;font-weight:700;margin:4px 0}
.bar{height:6px;background:#e9ecef;border-radius:3px;margin-bottom:8px}
.bar i{display:block;height:6px;border-radius:3px}
table{border-collapse:collapse;font-size:13.5px;margin:8px 0}
td,th{padding:5px 10px;border-bottom:1px solid #f1f3f5;text-align:left}
th{font-weight:600;color:#495057}.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}.figs{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}
figcaption{font-size:12.5px;color:#495057;margin-bottom:2px}
svg.chart{max-width:100%;height:auto}.lbl{font-size:12px;fill:#343a40}.val{font-size:11.5px;fill:#343a40}
.tick{font-size:10.5px;fill:#868e96}
.pill{display:inline-block;padding:2px 9px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.pill.good{background:#2b8a3e}.pill.skip{background:#adb5bd}.pill.bad{background:#c92a2a}
.big-pill{font-size:15px;padding:6px 14px}
.case{border:1px solid #e9ecef;border-radius:8px;padding:10px 14px;margin:10px 0}
.case header{display:flex;gap:10px;align-items:center;margin-bottom:8px}
.score{color:#fff;border-radius:6px;padding:2px 7px;font-weight:700;font-size:12.5px}
.grid{display:grid;grid-template-columns:110px 1fr;gap:6px 12px;font-size:13.5px}
.k{color:#6c757d}.v{min-width:0}
.quote{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fa;border-left:3px solid #adb5bd;
padding:6px 10px;border-radius:4px;max-height:220px;overflow:auto}
.quote.gold{border-color:#2b8a3e}.quote.draft{border-color:#3b5bdb}
.chip{display:inline-block;border:1px solid #dee2e6;border-radius:10px;padding:1px 8px;margin:2px;
font-size:12px;font-family:ui-monospace,monospace;overflow-wrap:anywhere}
.chip.hit{background:#d3f9d8;border-color:#8ce99a}
.flag{display:inline-block;border-radius:4px;padding:2px 7px;margin:2px;font-size:12px;
overflow-wrap:anywhere}
.flag.bad{background:#ffe3e3;color:#a61e1e}.flag.warn{background:#fff3bf;color:#7a5a00}
.flag.info{background:#e7f5ff;color:#1c5d99}
details{margin:6px 0}summary{cursor:pointer;color:#495057}code{font-size:12.5px}
footer{margin:20px 0;text-align:center}
"""
