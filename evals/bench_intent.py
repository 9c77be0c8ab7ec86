"""Which request-type classifier generalises: patterns, labelled examples, or both?

Every case of the situation suites with ``expected.request_type`` is classified from its message and the
customer's earlier messages in its ``events`` (follow-ups), by :class:`assistant.intent.PatternClassifier`,
:class:`assistant.intent.EmbeddingClassifier` (nearest labelled example) and
:class:`assistant.intent.IntentClassifier` (the service's: patterns, then the nearest example), with the
local embedder. Splits: ``tuned`` (the suites the rules were written on), ``check`` (read, not tuned on) and
``held-out`` (never read); accuracies only, no case is printed for the held-out split.

``--set holdout`` measures the labelled messages of ``evals/intent/holdout/<lang>.jsonl`` instead (150
messages of many businesses, written before the method; read once, tuned since round six; see its README):
accuracy overall and per language, never the misses. ``--set holdout-2``: 165 messages of other businesses,
written in round six before that round's changes (``evals/intent/holdout-2``), the held-out figure since.

Every line gives accuracy, the precision of the typed (non-``other``) answers and their coverage (typed /
all). ``--set precision``: 60 faults, damage, product questions and chit-chat (``evals/intent/precision``).
``--candidates`` adds the example decisions measured against the service (margins, floors, agreement).

Run: ``uv run python -m evals.bench_intent [--show] [--candidates] [--set suites|holdout-2|...]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.intent import EmbeddingClassifier, Intent, IntentClassifier, PatternClassifier
from assistant.settings import Settings
from knowledge.embedders import build_embedder

SPLITS: dict[str, tuple[str, ...]] = {
    "tuned": ("nordic-situation", "situation-holdout", "situation-holdout-2"),
    "check": ("lead-situation", "lead-situation-2", "lead-situation-3", "situation-holdout-3"),
}
_SUITES = Path(__file__).resolve().parent / "suites"
_SETS = Path(__file__).resolve().parent / "intent"
Row = tuple[str, str, str, list[str], str]


def _labelled(name: str) -> list[Row]:
    """The rows of ``evals/intent/<name>/*.jsonl`` (``id``, ``text``, ``language``, ``earlier``,
    ``request_type``)."""
    folder = _SETS / name
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise SystemExit(f"no labelled set {name!r}: {folder} holds no .jsonl files")
    out: list[Row] = []
    for path in files:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(
                    (
                        row["id"],
                        row["text"],
                        row["language"],
                        list(row.get("earlier") or []),
                        row["request_type"],
                    )
                )
    return out


def _cases(suite: str) -> list[Row]:
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


def _precision(answers: Sequence[tuple[str, str]]) -> str:
    """Precision of the typed (non-``other``) answers and their coverage (typed answers / messages), from
    ``(got, want)`` pairs."""
    typed = [(got, want) for got, want in answers if got != "other"]
    right = sum(got == want for got, want in typed)
    precision = right / len(typed) if typed else 1.0
    return (
        f"precision {right}/{len(typed)} = {precision:.3f}  coverage {len(typed) / max(len(answers), 1):.3f}"
    )


def _candidates(embedder: Any) -> dict[str, object]:
    """The example decisions measured against the service (``--candidates``)."""
    out: dict[str, object] = {}
    for sim in (0.87, 0.89):
        out[f"nearest, floor {sim}"] = IntentClassifier(embedder, min_similarity=sim)
    for margin in (0.005, 0.01, 0.015, 0.02, 0.03):
        out[f"nearest, margin {margin}"] = IntentClassifier(embedder, margin=margin)
    for floor in (0.5, 0.7, 0.85):
        out[f"logistic, p >= {floor}"] = IntentClassifier(embedder, learner="logistic", floor=floor)
    for floor in (0.0, 0.3, 0.5):
        out[f"nearest and logistic agree, p>={floor}"] = IntentClassifier(
            embedder, learner="agree", floor=floor
        )
    for lead, veto in ((0.01, 0.05), (0.005, 0.05), (0.01, 0.0), (0.0, 0.05), (0.02, 0.1)):
        out[f"checked, split {lead} veto {veto}"] = IntentClassifier(
            embedder, learner="checked", split=lead, veto=veto
        )
    for trust in (0.6, 0.7, 0.8, 0.9, 0.95):
        out[f"checked, model trusted at {trust}"] = IntentClassifier(embedder, trust=trust)
    out["5-nearest, margin 0.01"] = IntentClassifier(embedder, k=5, margin=0.01)
    return out


def _run_labelled(name_: str, classifiers: dict[str, object], *, show: bool) -> None:
    """Each classifier's accuracy on the labelled set ``name_`` (its misses with ``show``)."""
    rows = _labelled(name_)
    for name, clf in classifiers.items():
        right_by: dict[str, list[int]] = {}
        answers: list[tuple[str, str]] = []
        for _, text, language, earlier, want in rows:
            got = _classify(clf, text, language, earlier).type
            answers.append((got, want))
            ok = got == want
            right_by.setdefault(language, [0, 0])
            right_by[language][0] += ok
            right_by[language][1] += 1
        right = sum(r for r, _ in right_by.values())
        per = "  ".join(f"{lang} {r / n:.2f}" for lang, (r, n) in right_by.items())
        score = f"{right}/{len(rows)} = {right / len(rows):.3f}"
        print(f"{name_:9} {name:32} {score}  {_precision(answers)}  ({per})")  # noqa: T201
        if show:
            for (rid, text, _, _, _), (got, want) in zip(rows, answers, strict=True):
                if got != want:
                    print("    ", (rid, got, want, text[:100]))  # noqa: T201


def main(argv: Sequence[str] | None = None) -> None:
    """Print each classifier's accuracy per split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="also measure the candidate example decisions (margins, floors)",
    )
    parser.add_argument(
        "--show", action="store_true", help="list the misses (of a labelled set too: not of a held-out one)"
    )
    parser.add_argument(
        "--set",
        default="suites",
        help="'suites' (the situation suites' splits) or a labelled set under evals/intent/ (e.g. holdout: "
        "accuracies per language only, never its misses)",
    )
    args = parser.parse_args(argv)
    embedder = build_embedder(Settings())  # the data directory's embedding cache (SVAR_HOME)
    classifiers: dict[str, object] = {
        "patterns": PatternClassifier(),
        "examples (k=1)": EmbeddingClassifier(embedder, k=1),
        "patterns, then logistic model": IntentClassifier(embedder, learner="logistic"),
        "patterns, then nearest": IntentClassifier(embedder, learner="nearest"),
        "checked, model never trusted": IntentClassifier(embedder, trust=1.1),  # the service until intent6
        "patterns, then checked (service)": IntentClassifier(embedder),
    }
    if args.candidates:
        classifiers.update(_candidates(embedder))
    if args.set != "suites":
        _run_labelled(args.set, classifiers, show=args.show)
        return
    for split, suites in SPLITS.items():
        rows = [row for suite in suites for row in _cases(suite)]
        for name, clf in classifiers.items():
            got_all = [
                (cid, _classify(clf, text, language, earlier).type, want, text)
                for cid, text, language, earlier, want in rows
            ]
            misses = [row for row in got_all if row[1] != row[2]]
            right = len(rows) - len(misses)
            pairs = [(got, want) for _, got, want, _ in got_all]
            score = f"{right}/{len(rows)} = {right / max(len(rows), 1):.3f}"
            print(f"{split:9} {name:32} {score}  {_precision(pairs)}")  # noqa: T201
            if args.show and split != "held-out":
                for miss in misses:
                    print("    ", miss)  # noqa: T201


if __name__ == "__main__":
    main()
