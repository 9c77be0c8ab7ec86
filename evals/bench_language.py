"""How often does Svar pick the right reply language for real messages of known language?

For every case of the suites under ``--data`` (default ``../shared/data/suites`` relative to the repository,
or ``$SVAR_SUITES``) whose language is known (``expected.language``, else the suite's own ``language``), the
latest message goes through :func:`assistant.language.decide_language` with the customer's earlier messages,
as the service does; the bare detector (:func:`knowledge.language.detect_language`) is scored too.

With the suite's language as the workspace default (a Norwegian help desk has "nb"), a near tie between
close languages goes to the default; with a wrong default (Danish for the Norwegian suite, ...), the figure
shows that a default only breaks ties and never overrides what the message says.

A second part scores short messages written for this benchmark in ``evals/language/<lang>.txt`` (one a
line, ``#`` comments): Danish, nynorsk and bokmål questions written before the bokmål/Danish rules changed,
so that a rule that helps one close language at the cost of another shows.

A third part checks the honest outcome for languages Svar does not serve: a few sentences per language,
written for this benchmark (``FOREIGN`` below), must be detected as unsupported and answered in the
workspace default, never in a language picked at random.

``--split tune`` or ``--split check`` scores one half of each suite, split by expected document as
``svar eval run --split`` does (:func:`evals.suite.split_cases`): read misses on ``tune``, report ``check``.

A fourth part, ``--holdout``, scores the held-out texts of ``evals/language/holdout/`` (see its README):
short chat messages per language and short messages in unsupported languages, written before the method
changed and measured only before and after. It prints the figures only, never the misses (``--json``
has them).

Run: ``uv run python -m evals.bench_language [--data DIR] [--split tune|check] [--show N] [--json]`` or
``uv run python -m evals.bench_language --holdout [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from assistant.language import decide_language
from evals.suite import Half, load_suite, split_cases
from knowledge.language import SUPPORTED, detect_language

# Written for this benchmark: customer-service sentences in languages Svar does not serve.
FOREIGN: dict[str, list[str]] = {
    "fi": [
        "Hei, tilaukseni ei ole vieläkään saapunut. Voitteko tarkistaa missä se on?",
        "Kiitos nopeasta vastauksesta, mutta reititin ei edelleenkään toimi.",
        "Haluaisin palauttaa kuulokkeet, koska ne eivät sovi minulle.",
        "Milloin saan rahani takaisin?",
        "Soittakaa minulle huomenna, kiitos.",
    ],
    "de": [
        "Hallo, meine Bestellung ist immer noch nicht angekommen. Können Sie bitte nachsehen?",
        "Der Router funktioniert seit gestern nicht mehr, obwohl ich ihn neu gestartet habe.",
        "Ich möchte die Kopfhörer zurückschicken, weil sie mir nicht gefallen.",
        "Wann bekomme ich mein Geld zurück?",
        "Können Sie mich morgen anrufen?",
    ],
    "fr": [
        "Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous vérifier ?",
        "Je voudrais retourner le casque, il ne fonctionne pas correctement.",
        "Quand est-ce que je serai remboursé ?",
    ],
    "es": [
        "Hola, mi pedido todavía no ha llegado. ¿Pueden comprobarlo, por favor?",
        "Quiero devolver los auriculares porque no funcionan bien.",
        "¿Cuándo recibiré mi reembolso?",
    ],
    "pl": [
        "Dzień dobry, moje zamówienie jeszcze nie dotarło. Czy mogą Państwo sprawdzić?",
        "Chciałbym zwrócić słuchawki, bo nie działają.",
        "Kiedy dostanę zwrot pieniędzy?",
    ],
    "nl": [
        "Hallo, mijn bestelling is nog steeds niet aangekomen. Kunt u dat nakijken?",
        "Ik wil de koptelefoon terugsturen, want hij doet het niet.",
    ],
}
WORKSPACE_DEFAULT = "nb"
# A workspace default that is wrong for the suite, to show a default only breaks ties, never decides.
CROSS_DEFAULT = {"nb": "da", "nn": "nb", "da": "nb", "sv": "nb", "en": "nb"}


WRITTEN = Path(__file__).resolve().parent / "language"
HOLDOUT = WRITTEN / "holdout"
HOLDOUT_2 = WRITTEN / "holdout-2"


def _lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _written(folder: Path = WRITTEN) -> dict[str, list[str]]:
    """The messages of ``<folder>/<lang>.txt`` per supported language."""
    return {p.stem: _lines(p) for p in sorted(folder.glob("*.txt")) if p.stem in SUPPORTED}


def _score_written(folder: Path = WRITTEN) -> dict[str, Any]:
    """Each written message decided with no earlier messages and no default, and by the bare detector."""
    out: dict[str, Any] = {}
    for code, texts in _written(folder).items():
        misses = []
        bare_ok = 0
        for text in texts:
            decision = decide_language(text)
            bare_ok += detect_language(text) == code
            if decision.code != code:
                misses.append({"id": "", "decided": decision.code, "reason": decision.reason, "text": text})
        out[f"written-{code}"] = {
            "cases": len(texts),
            "decided_correct": round(1 - len(misses) / len(texts), 4),
            "detector_correct": round(bare_ok / len(texts), 4),
            "misses": misses,
        }
    return out


def _suites_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    if os.environ.get("SVAR_SUITES"):
        return Path(os.environ["SVAR_SUITES"])
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "suites"


def _cases(folder: Path) -> tuple[str | None, list[dict[str, Any]]]:
    spec = yaml.safe_load((folder / "suite.yaml").read_text(encoding="utf-8")) or {}
    lines = (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    return spec.get("language"), [json.loads(line) for line in lines if line.strip()]


def _half_ids(folder: Path, half: Half) -> set[str]:
    """The ids of the cases in one half of the suite in ``folder``, split by expected document."""
    return {case.id for case in split_cases(load_suite(folder).cases, half)}


def run(data: Path, split: Half | None = None) -> dict[str, Any]:
    """Score every suite under ``data`` and the foreign sentences; returns the figures and the misses.

    Args:
        data: a folder of suites (each with ``suite.yaml`` and ``cases.jsonl``).
        split: score only this half of each suite (``tune`` or ``check``); ``None`` scores all cases.

    Returns:
        Per suite the share decided right (with no default, its own, a wrong one) and the misses, and the
        outcome for the unsupported-language sentences.
    """
    suites: dict[str, Any] = {}
    for folder in sorted(p for p in data.iterdir() if (p / "cases.jsonl").is_file()):
        suite_language, cases = _cases(folder)
        if split:
            keep = _half_ids(folder, split)
            cases = [case for case in cases if case["id"] in keep]
        decided: Counter[str] = Counter()
        bare_ok = n = own_ok = cross_ok = 0
        misses: list[dict[str, str]] = []
        for case in cases:
            expected = (case.get("expected") or {}).get("language") or suite_language
            if expected not in SUPPORTED:
                continue
            message = case["message"]["text"]
            earlier = " ".join(t["text"] for t in case.get("history", []) if t.get("role") == "customer")
            decision = decide_language(message, earlier)
            own_ok += decide_language(message, earlier, None, expected).code == expected
            cross_ok += decide_language(message, earlier, None, CROSS_DEFAULT[expected]).code == expected
            n += 1
            decided[decision.code] += 1
            bare_ok += detect_language(message) == expected
            if decision.code != expected:
                misses.append(
                    {"id": case["id"], "decided": decision.code, "reason": decision.reason, "text": message}
                )
        if n:
            suites[folder.name] = {
                "cases": n,
                "decided_correct": round(1 - len(misses) / n, 4),
                "detector_correct": round(bare_ok / n, 4),
                "own_default_correct": round(own_ok / n, 4),
                "cross_default_correct": round(cross_ok / n, 4),
                "decided": dict(decided),
                "misses": misses,
            }
    foreign = []
    for code, sentences in FOREIGN.items():
        for text in sentences:
            foreign.append(_foreign_item(code, text))
    honest = sum(1 for f in foreign if not f["supported"] and f["code"] == WORKSPACE_DEFAULT)
    return {
        "suites": suites,
        "written": _score_written(),
        "foreign": {
            "sentences": len(foreign),
            "honest": honest,
            "rate": round(honest / len(foreign), 4),
            "items": foreign,
        },
    }


def _foreign_item(code: str, text: str) -> dict[str, Any]:
    """How a message in an unsupported language ``code`` is decided with only the workspace default."""
    d = decide_language(text, "", None, WORKSPACE_DEFAULT)
    return {"language": code, "text": text, "supported": d.supported, "code": d.code, "reason": d.reason}


def run_holdout(folder: Path = HOLDOUT) -> dict[str, Any]:
    """Score the held-out texts: each language's messages and the unsupported-language messages.

    Args:
        folder: the held-out folder (``<lang>.txt`` per supported language, ``unsupported.txt``).

    Returns:
        Per language the share decided right with no earlier messages, profile or default, and the share of
        unsupported messages recognised as such and answered wholly in the workspace default.
    """
    written = _score_written(folder)
    items = []
    foreign = folder / "unsupported.txt"
    for line in _lines(foreign) if foreign.is_file() else []:
        code, text = line.split(maxsplit=1)
        items.append(_foreign_item(code, text))
    honest = sum(1 for f in items if not f["supported"] and f["code"] == WORKSPACE_DEFAULT)
    return {
        "languages": written,
        "unsupported": {}
        if not items
        else {
            "messages": len(items),
            "honest": honest,
            "rate": round(honest / len(items), 4),
            "items": items,
        },
    }


def _print_holdout(result: dict[str, Any]) -> None:
    for name, s in result["languages"].items():
        line = f"holdout-{name:8} cases={s['cases']:4}  decided={s['decided_correct']:.4f}"
        print(f"{line}  detector={s['detector_correct']:.4f}")  # noqa: T201
    u = result["unsupported"]
    if not u:
        return
    line = f"holdout unsupported: {u['honest']}/{u['messages']} recognised and answered in the default"
    print(f"{line} ({u['rate']:.4f})")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder of suites (default ../shared/data/suites or $SVAR_SUITES)")
    parser.add_argument("--split", choices=["tune", "check"], help="score one half of each suite")
    parser.add_argument("--show", type=int, default=5, help="misses to print per suite")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--holdout", action="store_true", help="score the held-out texts only (figures, no misses)"
    )
    parser.add_argument("--holdout-2", action="store_true", help="score the second held-out set only")
    args = parser.parse_args(argv)
    if args.holdout or args.holdout_2:
        held = run_holdout(HOLDOUT_2 if args.holdout_2 else HOLDOUT)
        if args.json:
            print(json.dumps(held, ensure_ascii=False, indent=1))  # noqa: T201
        else:
            _print_holdout(held)
        return 0
    data = _suites_dir(args.data)
    if not data.is_dir():
        print(f"no suites folder at {data}; pass --data DIR", file=sys.stderr)  # noqa: T201
        return 2
    result = run(data, args.split)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))  # noqa: T201
        return 0
    for name, s in result["suites"].items():
        print(  # noqa: T201
            f"{name:16} cases={s['cases']:4}  decided={s['decided_correct']:.4f}  "
            f"own-default={s['own_default_correct']:.4f}  wrong-default={s['cross_default_correct']:.4f}  "
            f"detector={s['detector_correct']:.4f}  {s['decided']}"
        )
        for miss in s["misses"][: args.show]:
            print(f"    {miss['decided']} ({miss['reason']}): {miss['text'][:100]!r}")  # noqa: T201
    for name, s in result["written"].items():
        print(  # noqa: T201
            f"{name:16} cases={s['cases']:4}  decided={s['decided_correct']:.4f}  "
            f"detector={s['detector_correct']:.4f}"
        )
        for miss in s["misses"][: args.show]:
            print(f"    {miss['decided']} ({miss['reason']}): {miss['text'][:100]!r}")  # noqa: T201
    f = result["foreign"]
    print(f"unsupported languages: {f['honest']}/{f['sentences']} detected and answered in the default")  # noqa: T201
    for item in f["items"]:
        if item["supported"] or item["code"] != WORKSPACE_DEFAULT:
            print(f"    {item['language']} -> {item['code']} ({item['reason']}): {item['text'][:80]!r}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
