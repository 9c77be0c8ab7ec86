"""Compare two eval runs: per metric and case by case, and decide whether B regressed from A.

A metric regresses when it moves the wrong way by more than the tolerance (higher is better for every
metric but the ones in :data:`LOWER_IS_BETTER`), or when A measured it and B did not. Latency, tokens, cost
and ``abstain_rate`` are shown but never gate: the first three depend on the machine and the model's price,
and abstaining more or less is neither good nor bad by itself (``abstain_accuracy`` is).

A case regresses when one of its own measures (:func:`case_measures`) drops by more than the tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CaseChange", "Comparison", "MetricChange", "case_measures", "compare_runs"]

LOWER_IS_BETTER = ("situation.violation_rate",)
NOT_GATED = ("latency_ms.", "tokens.", "cost.", "abstain_rate")


def case_measures(case: Mapping[str, Any]) -> dict[str, float]:
    """The measures of one ``per_case`` record, each in [0, 1], higher better (only those it has)."""
    out: dict[str, float] = {}
    if "retrieval" in case:
        for key in ("hit_at_1", "hit_at_5", "mrr_at_10"):
            out[f"retrieval.{key}"] = float(case["retrieval"][key])
    s = case.get("suggest") or {}
    for key in ("cited_expected", "abstain_correct", "language_match"):
        if key in s:
            out[key] = 1.0 if s[key] else 0.0
    if "reference_recall" in s:
        out["reference_recall"] = float(s["reference_recall"])
    if "situation" in s:
        out["situation.recall"] = float(s["situation"]["recall"])
        out["situation.no_violation"] = 0.0 if s["situation"].get("violation") else 1.0
    if "channel_fit" in s:
        out["channel_fit"] = float(s["channel_fit"]["value"])
    if "known_facts" in case:
        out["known_facts.recall"] = float(case["known_facts"]["recall"])
    g = case.get("guard") or {}
    if g.get("expected_repeat_ask") is not None:
        out["repeat_ask.correct"] = 1.0 if g["repeat_ask"] == g["expected_repeat_ask"] else 0.0
    return out


@dataclass(frozen=True)
class MetricChange:
    """One metric in both runs."""

    name: str
    a: float | None
    b: float | None
    gated: bool
    regression: bool
    improvement: bool

    @property
    def delta(self) -> float | None:
        if self.a is None or self.b is None or math.isnan(self.a) or math.isnan(self.b):
            return None
        return self.b - self.a


@dataclass(frozen=True)
class CaseChange:
    """What changed in one case: the measures that dropped or rose, and the two drafts."""

    id: str
    worse: dict[str, tuple[float, float]]
    better: dict[str, tuple[float, float]]
    text_a: str = ""
    text_b: str = ""


@dataclass
class Comparison:
    """The comparison of run B against run A."""

    suite_a: str
    suite_b: str
    tolerance: float
    metrics: list[MetricChange] = field(default_factory=list)
    cases: list[CaseChange] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[MetricChange]:
        return [m for m in self.metrics if m.regression]

    @property
    def worse_cases(self) -> list[CaseChange]:
        return [c for c in self.cases if c.worse]

    @property
    def better_cases(self) -> list[CaseChange]:
        return [c for c in self.cases if c.better and not c.worse]

    def as_dict(self) -> dict[str, Any]:
        return {
            "suite_a": self.suite_a,
            "suite_b": self.suite_b,
            "tolerance": self.tolerance,
            "regression": bool(self.regressions),
            "metrics": [
                {
                    "name": m.name,
                    "a": m.a,
                    "b": m.b,
                    "delta": m.delta,
                    "gated": m.gated,
                    "regression": m.regression,
                }
                for m in self.metrics
            ],
            "cases_worse": [{"id": c.id, "worse": c.worse, "better": c.better} for c in self.worse_cases],
            "cases_better": [{"id": c.id, "better": c.better} for c in self.better_cases],
            "only_a": self.only_a,
            "only_b": self.only_b,
        }


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def compare_runs(a: Mapping[str, Any], b: Mapping[str, Any], tolerance: float = 0.0) -> Comparison:
    """Compare run B against run A.

    Args:
        a: the ``results.json`` document of the reference run.
        b: the ``results.json`` document of the new run.
        tolerance: how far a metric (or a case's measure) may move the wrong way before it counts as a
            regression (absolute, on the 0-1 scale).

    Returns:
        The per-metric changes (sorted by name), the cases that changed, and the case ids only one run has.
    """
    result = Comparison(str(a.get("suite")), str(b.get("suite")), tolerance)
    ma, mb = a.get("metrics", {}), b.get("metrics", {})
    for name in sorted(set(ma) | set(mb)):
        va, vb = _number(ma.get(name)), _number(mb.get(name))
        gated = not name.startswith(NOT_GATED)
        lower = name.startswith(LOWER_IS_BETTER)
        regression = improvement = False
        if gated and va is not None and not math.isnan(va):
            if vb is None or math.isnan(vb):
                regression = True  # A measured it, B no longer does
            else:
                change = (va - vb) if lower else (vb - va)
                regression = change < -tolerance - 1e-9
                improvement = change > tolerance + 1e-9
        result.metrics.append(MetricChange(name, va, vb, gated, regression, improvement))
    cases_a = {str(c.get("id")): c for c in a.get("per_case", [])}
    cases_b = {str(c.get("id")): c for c in b.get("per_case", [])}
    result.only_a = sorted(set(cases_a) - set(cases_b))
    result.only_b = sorted(set(cases_b) - set(cases_a))
    for case_id in (i for i in cases_a if i in cases_b):
        ca, cb = case_measures(cases_a[case_id]), case_measures(cases_b[case_id])
        worse, better = {}, {}
        for key in ca.keys() & cb.keys():
            if cb[key] < ca[key] - tolerance - 1e-9:
                worse[key] = (ca[key], cb[key])
            elif cb[key] > ca[key] + tolerance + 1e-9:
                better[key] = (ca[key], cb[key])
        if worse or better:
            result.cases.append(
                CaseChange(
                    case_id,
                    worse,
                    better,
                    (cases_a[case_id].get("suggest") or {}).get("text", ""),
                    (cases_b[case_id].get("suggest") or {}).get("text", ""),
                )
            )
    return result
