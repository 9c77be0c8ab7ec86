"""Metrics as pure functions: each takes what one case produced and returns numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence


def retrieval_scores(expected: Sequence[str], ranked: Sequence[str]) -> dict[str, float]:
    """hit@1, hit@5 and reciprocal rank within 10, over distinct documents (first occurrence counts)."""
    distinct: list[str] = []
    for doc in ranked:
        if doc not in distinct:
            distinct.append(doc)
    wanted = set(expected)
    first = next((i for i, d in enumerate(distinct, start=1) if d in wanted), None)
    return {
        "hit_at_1": 1.0 if first == 1 else 0.0,
        "hit_at_5": 1.0 if first is not None and first <= 5 else 0.0,
        "mrr_at_10": 1.0 / first if first is not None and first <= 10 else 0.0,
    }


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


_FOLD = re.compile(r"[\W_]+", re.UNICODE)


def fold(value: str) -> str:
    """Case-folded, without spaces and punctuation."""
    return _FOLD.sub("", value.casefold())


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def value_found(expected: str, candidates: Sequence[str], *, phone: bool = False) -> bool:
    """True when ``expected`` equals or contains a candidate, or is contained in one, after folding.

    Phone numbers compare by their digits (a leading country code may be present on one side only).
    """
    e = fold(expected)
    if not e:
        return False
    for c in candidates:
        f = fold(c)
        if f and (e == f or e in f or f in e):
            return True
        if phone:
            de, dc = _digits(expected), _digits(c)
            if len(de) >= 6 and len(dc) >= 6 and (de.endswith(dc[-8:]) or dc.endswith(de[-8:])):
                return True
    return False


def precision_recall_f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def token_f1(prediction: str, reference: str, language: str | None = None) -> float:
    """F1 of stemmed content words (SQuAD-style), a language-aware reference similarity in [0, 1]."""
    from knowledge.lexical import content_terms

    pred, ref = content_terms(prediction, language), content_terms(reference, language)
    if not pred or not ref:
        return 0.0
    common = 0
    remaining = dict.fromkeys(ref, 0)
    for term in ref:
        remaining[term] += 1
    for term in pred:
        if remaining.get(term, 0) > 0:
            common += 1
            remaining[term] -= 1
    if common == 0:
        return 0.0
    p, r = common / len(pred), common / len(ref)
    return 2 * p * r / (p + r)
