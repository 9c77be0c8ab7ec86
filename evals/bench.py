"""Speed benchmark: ``uv run python -m evals.bench`` prints a markdown table of measured figures.

What it measures (each part can be skipped; ``--help`` lists the options):

- ``help``: ``svar --help`` against a bare ``python -c pass`` in the same environment (median of runs).
- ``suggest``: warm ``Assistant.suggest`` (offline drafter) on the demo company, and for a customer with a
  long stored history (``--long-messages``, 200 by default): p50 and p95 over every request after the
  first. Each request brings a message the embedder has not seen, so it is embedded for real.
- ``eval``: ``--retrieval-only`` eval runs of the public suites, ms per case (the mean retrieval latency,
  and the wall time of the whole run divided by the cases, start-up and ingest included).
- ``ingest``: ``svar ingest knowledge`` of the demo help center into an empty data directory (nothing
  cached), then the same command again on the unchanged files: the ratio, and chunks/s of the first.

Figures depend on the machine and on its load: compare them as ratios on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from assistant.settings import Settings
from evals.metrics import percentile

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "assistant" / "demo_data"
DEMO_CASES = ROOT / "evals" / "suites" / "nordic-demo" / "cases.jsonl"
PUBLIC_SUITES = ("swefaq-sv", "norquad-nb", "doc2dial-en", "mixed-public")
PARTS = ("help", "suggest", "eval", "ingest")


def _run(
    cmd: Sequence[str], env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    return time.perf_counter() - started, done


def bench_help(repeats: int) -> list[tuple[str, str]]:
    """``svar --help`` against ``python -c pass``, medians of ``repeats`` runs."""
    svar = str(Path(sys.executable).with_name("svar"))
    bare = statistics.median(_run([sys.executable, "-c", "pass"])[0] for _ in range(repeats))
    helps = statistics.median(_run([svar, "--help"])[0] for _ in range(repeats))
    return [
        ("`python -c pass`", f"{bare * 1000:.0f} ms"),
        ("`svar --help`", f"{helps * 1000:.0f} ms ({helps / bare:.1f}× python)"),
    ]


def _messages() -> list[str]:
    """Customer messages the demo has no stored copy of: the nordic-demo suite's."""
    out = []
    for line in DEMO_CASES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            if not case.get("draft"):
                out.append(case["message"]["text"])
    return out


def _long_history(path: Path, customer: str, n: int) -> None:
    """A customer with ``n`` stored messages over several conversations, texts taken from the demo history."""
    texts = []
    for line in (DEMO / "history.jsonl").read_text(encoding="utf-8").splitlines():
        message = json.loads(line).get("message") if line.strip() else None
        if message and message.get("text"):
            texts.append((message["role"], message["text"]))
    lines = []
    for i in range(n):
        role, text = texts[i % len(texts)]
        lines.append(
            {
                "customer": {"id": customer, "name": "Bench Kunde", "language": "nb"},
                "conversation": {"id": f"{customer}-conv{i // 20}", "channel": "chat"},
                "message": {
                    "id": f"{customer}-m{i}",
                    "role": role,
                    "text": f"{text} ({i})",  # distinct texts: each is embedded once, at import
                    "at": f"2026-01-{1 + i // 20:02d}T{8 + (i % 20) // 2:02d}:{(i % 2) * 30:02d}:00+01:00",
                },
            }
        )
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def bench_suggest(settings: Settings, requests: int, long_messages: int) -> list[tuple[str, str]]:
    """Warm suggestion latency on the demo and for a customer with a long stored history."""
    from assistant.runtime import build_runtime
    from assistant.service import build_drafter
    from knowledge.embedders import build_embedder
    from knowledge.history import HistoryImporter

    rows = []
    embedder = build_embedder(settings)  # the data directory's cache: the knowledge is embedded once
    with tempfile.TemporaryDirectory(prefix="svar-bench-") as tmp:
        run_settings = settings.model_copy(
            update={"home": Path(tmp), "database_url": None, "chroma_url": None}
        )
        rt = build_runtime(run_settings, embedder=embedder)
        try:
            rt.indexer.ingest(DEMO / "knowledge", "demo")
            importer = HistoryImporter(rt.sessions, rt.chroma, rt.embedder)
            importer.ingest(DEMO / "history.jsonl", "demo")
            events = Path(tmp) / "long.jsonl"
            _long_history(events, "bench_long", long_messages)
            importer.ingest(events, "demo")
            assistant = Assistant(rt, build_drafter(run_settings))
            messages = _messages()
            customers = ["cus_nb_01", "cus_sv_02", None]
            for label, who in (
                ("demo customers", lambda i: customers[i % len(customers)]),
                (f"customer with {long_messages} messages", lambda _i: "bench_long"),
            ):
                times = _suggest_times(assistant, messages, requests, who, tag=label[:4])
                rows.append(
                    (
                        f"warm suggest, {label}",
                        f"p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms "
                        f"({len(times)} requests)",
                    )
                )
        finally:
            rt.close()
            embedder.close()
    return rows


def _suggest_times(
    assistant: Assistant, messages: list[str], requests: int, who: Any, *, tag: str
) -> list[float]:
    """Latencies of ``requests`` warm requests; every message is new to the embedder and its cache."""
    times = []
    for i in range(requests + 1):
        message = f"{messages[i % len(messages)]} ({tag} {i} {time.time_ns()})"
        started = time.perf_counter()
        assistant.suggest(workspace="demo", message=message, channel="chat", customer=who(i))
        if i:  # the first request loads the models: not warm
            times.append((time.perf_counter() - started) * 1000)
    return times


def bench_eval(settings: Settings, suites: Sequence[str], limit: int | None) -> list[tuple[str, str]]:
    """Retrieval-only eval runs: ms per case."""
    from evals.runner import run_suite
    from evals.suite import load_suite

    rows = []
    for name in suites:
        folder = _suite_folder(name)
        suite = load_suite(folder)
        started = time.perf_counter()
        results = run_suite(suite, settings, retrieval_only=True, limit=limit)
        wall = time.perf_counter() - started
        latencies = [c["latency_ms"] for c in results["per_case"] if "latency_ms" in c]
        ingest = results["config"]["ingest_seconds"]
        rows.append(
            (
                f"eval --retrieval-only {name} ({results['cases']} cases)",
                f"{statistics.mean(latencies):.0f} ms/case retrieval (p95 {percentile(latencies, 95):.0f}); "
                f"{wall / results['cases'] * 1000:.0f} ms/case whole run, ingest {ingest:.1f} s",
            )
        )
    return rows


def _suite_folder(name: str) -> Path:
    for base in (
        ROOT / "evals" / "suites",
        ROOT.parent / "shared" / "data" / "suites",
    ):
        if (base / name / "suite.yaml").is_file():
            return base / name
    raise SystemExit(f"suite {name!r} not found")


def bench_ingest() -> list[tuple[str, str]]:
    """First ingest of the demo help center into an empty data directory, then the same again."""
    svar = str(Path(sys.executable).with_name("svar"))
    with tempfile.TemporaryDirectory(prefix="svar-bench-home-") as home:
        env = {**os.environ, "SVAR_HOME": home}
        cmd = [svar, "ingest", "knowledge", str(DEMO / "knowledge"), "--workspace", "bench", "--json"]
        first, done = _run(cmd, env)
        if done.returncode:
            raise SystemExit(f"ingest failed: {done.stderr}")
        report = json.loads(done.stdout)
        again, done = _run(cmd, env)
        if done.returncode:
            raise SystemExit(f"re-ingest failed: {done.stderr}")
    chunks = report.get("chunks_written") or report.get("chunks_embedded", 0)
    rate = report.get("chunks_per_second") or (chunks / report["seconds"] if report.get("seconds") else 0.0)
    return [
        (
            "first ingest (demo help center, nothing cached)",
            f"{first:.1f} s, {chunks} chunks, {rate:.1f} chunks/s",
        ),
        ("re-ingest, unchanged", f"{again:.1f} s ({again / first:.2f} of the first)"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    parser.add_argument("--suites", nargs="+", default=list(PUBLIC_SUITES), help="suites for the eval part")
    parser.add_argument("--limit", type=int, default=None, help="at most this many cases per suite")
    parser.add_argument("--requests", type=int, default=40, help="warm suggest requests per scenario")
    parser.add_argument("--long-messages", type=int, default=200, help="stored messages of the long customer")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each command in the help part")
    args = parser.parse_args(argv)
    parts = args.only or list(PARTS)
    settings = Settings()
    rows: list[tuple[str, str]] = []
    if "help" in parts:
        rows += bench_help(args.repeats)
    if "suggest" in parts:
        rows += bench_suggest(settings, args.requests, args.long_messages)
    if "eval" in parts:
        rows += bench_eval(settings, args.suites, args.limit)
    if "ingest" in parts:
        rows += bench_ingest()
    print("| measure | result |")  # noqa: T201
    print("| --- | --- |")  # noqa: T201
    for name, value in rows:
        print(f"| {name} | {value} |")  # noqa: T201
    print(f"\n{os.cpu_count()} CPUs; `uv run python -m evals.bench {' '.join(argv or sys.argv[1:])}`")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
