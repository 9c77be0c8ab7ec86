"""Speed benchmark behind ``svar bench``: measures the figures of the README's "Speed" section.

Parts (each can be chosen with ``--only``):

- ``help``: ``svar --help`` against a bare ``python -c pass`` in the same environment (medians, ratio).
- ``suggest``: the demo company in a temporary data directory, plus a synthetic customer with a long stored
  history; a cold ``svar suggest`` as a whole command, then warm ``Assistant.suggest`` (offline drafter)
  p50/p95 for demo customers and for the long-history customer. Every request brings a message nothing has
  seen, so it is embedded for real.
- ``retrieval``: ``--retrieval-only`` eval runs of the public suites (or the bundled demo suite), ms per case,
  with the data directory's embedding cache.
- ``ingest``: ``svar ingest knowledge`` of the demo help center into an empty data directory (nothing
  cached), then the same command again on the unchanged files, as whole commands: the ratio, and chunks/s.

Figures depend on the machine and its load (the result records both): compare them as ratios on one machine.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.progress import NoProgress, Progress

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "assistant" / "demo_data"
DEMO_CASES = ROOT / "evals" / "suites" / "nordic-demo" / "cases.jsonl"
PUBLIC_SUITES = ("swefaq-sv", "norquad-nb", "doc2dial-en", "sgd-repeat-en")
SUITE_DIRS = (ROOT / "evals" / "suites", ROOT.parent / "shared" / "data" / "suites")
PARTS = ("help", "suggest", "retrieval", "ingest")
WORKSPACE = "demo"
LONG_CUSTOMER = "bench_long"
START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone(timedelta(hours=1)))  # the long history's first message
COLD_QUESTION = ("cus_nb_01", "chat", "Hei igjen, ruteren blinker fortsatt oransje. Hva gjør jeg nå?")


@dataclass
class BenchConfig:
    """How much to measure: :meth:`full` for the README's figures, :meth:`quick` to check it runs."""

    parts: tuple[str, ...] = PARTS
    repeats: int = 5  # runs of each whole command (help, cold suggest) whose median is reported
    requests: int = 40  # warm requests per scenario
    long_messages: int = 200  # stored messages of the long-history customer
    suites: tuple[str, ...] = PUBLIC_SUITES
    limit: int | None = None  # cases per suite
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def full(cls) -> BenchConfig:
        return cls()

    @classmethod
    def quick(cls) -> BenchConfig:
        return cls(repeats=1, requests=2, long_messages=10, suites=("nordic-demo",), limit=2)


def run_bench(config: BenchConfig, settings: Settings, progress: Progress | None = None) -> dict[str, Any]:
    """Run the chosen parts and return the results document (see ``docs/cli.md``, ``svar bench``).

    Args:
        config: what to measure and how often.
        settings: the configuration; its data directory lends the embedding cache (nothing else is touched:
            every part works in a temporary data directory).
        progress: reports each part's steps.

    Returns:
        ``{"machine": ..., "config": ..., "help": ..., "suggest": ..., "retrieval": ..., "ingest": ...}``
        with the parts that ran; times in ms (``*_ms``) or seconds (``*_s``).
    """
    progress = progress or NoProgress()
    results: dict[str, Any] = {"machine": _machine(), "config": _describe(config)}
    if "help" in config.parts:
        results["help"] = bench_help(config.repeats, progress)
    if "suggest" in config.parts:
        results["suggest"] = bench_suggest(settings, config, progress)
    if "retrieval" in config.parts:
        results["retrieval"] = bench_retrieval(settings, config.suites, config.limit, progress)
    if "ingest" in config.parts:
        results["ingest"] = bench_ingest(progress)
    results["machine"]["load_average_after"] = _load()
    return results


def _describe(config: BenchConfig) -> dict[str, Any]:
    return {
        "parts": list(config.parts),
        "repeats": config.repeats,
        "requests": config.requests,
        "long_messages": config.long_messages,
        "suites": list(config.suites),
        "limit": config.limit,
    }


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on every platform
        return None


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average_before": _load(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        # set, every command compiles every module it imports again: start-up figures are then inflated
        "bytecode_cache": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }


def _svar() -> list[str]:
    """The ``svar`` console script of this environment."""
    beside = Path(sys.executable).with_name("svar")
    found = str(beside) if beside.exists() else shutil.which("svar")
    if found is None:  # pragma: no cover - the package is installed with its script
        raise RuntimeError("the 'svar' command is not installed in this environment")
    return [found]


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes (0 where not measurable)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timing:
    """A whole command's wall and CPU seconds (CPU time hardly depends on other load; wall time does)."""

    wall: float
    cpu: float


def _timed(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[Timing, str]:
    """Wall and CPU seconds of a whole command and its stdout; a failure raises with its stderr."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(list(cmd), capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    timing = Timing(time.perf_counter() - started, _children_cpu() - cpu)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd[1:4])} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return timing, done.stdout


def _median_runs(
    cmd: Sequence[str], repeats: int, progress: Progress, env: dict[str, str] | None = None
) -> Timing:
    runs = []
    for _ in range(repeats):
        runs.append(_timed(cmd, env)[0])
        progress.advance()
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def bench_help(repeats: int, progress: Progress) -> dict[str, Any]:
    """``svar --help`` against ``python -c pass``: medians of ``repeats`` runs and their ratio."""
    progress.start("bench: svar --help", 2 * repeats)
    bare = _median_runs([sys.executable, "-c", "pass"], repeats, progress)
    helps = _median_runs([*_svar(), "--help"], repeats, progress)
    progress.finish()
    return {
        "python_ms": _ms(bare.wall),
        "svar_help_ms": _ms(helps.wall),
        "ratio": round(helps.wall / bare.wall, 2),
        "python_cpu_ms": _ms(bare.cpu),
        "svar_help_cpu_ms": _ms(helps.cpu),
        "cpu_ratio": round(helps.cpu / bare.cpu, 2) if bare.cpu else None,
        "runs": repeats,
    }


def _messages() -> list[str]:
    """Customer messages the demo has no stored copy of: the nordic-demo suite's."""
    out = []
    for line in DEMO_CASES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            if not case.get("draft"):
                out.append(case["message"]["text"])
    return out


def long_history(path: Path, customer: str, n: int) -> None:
    """Write ``n`` history events of one customer over several conversations, texts from the demo history."""
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
                    "at": (START + timedelta(minutes=30 * i)).isoformat(),
                },
            }
        )
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def bench_suggest(settings: Settings, config: BenchConfig, progress: Progress) -> dict[str, Any]:
    """Cold ``svar suggest`` as a command, and warm suggestion latency for demo and long-history customers."""
    from assistant.runtime import build_runtime
    from assistant.service import build_assistant
    from knowledge.embedders import build_embedder
    from knowledge.history import HistoryImporter

    embedder = build_embedder(settings)  # the data directory's cache: what was embedded once is reused
    with tempfile.TemporaryDirectory(prefix="svar-bench-") as tmp:
        home = Path(tmp)
        run_settings = settings.model_copy(update={"home": home, "database_url": None, "chroma_url": None})
        rt = build_runtime(run_settings, embedder=embedder)
        try:
            progress.start("bench: loading the demo and a long history", 3)
            rt.indexer.ingest(DEMO / "knowledge", WORKSPACE)
            progress.advance()
            importer = HistoryImporter(rt.sessions, rt.chroma, rt.embedder, limits=run_settings.limits())
            importer.ingest(DEMO / "history.jsonl", WORKSPACE)
            progress.advance()
            events = home / "long.jsonl"
            long_history(events, LONG_CUSTOMER, config.long_messages)
            importer.ingest(events, WORKSPACE)
            progress.finish()
            cold = _cold_suggest(home, config.repeats, progress)
            assistant = build_assistant(rt)
            warm_up = assistant.warm_up([WORKSPACE])  # as `svar serve` does before its first request
            messages = _messages()
            customers = ["cus_nb_01", "cus_sv_02", "cus_da_01", None]
            demo = _warm(
                assistant, messages, config.requests, lambda i: customers[i % len(customers)], progress
            )
            long = _warm(assistant, messages, config.requests, lambda _i: LONG_CUSTOMER, progress)
        finally:
            rt.close()
            embedder.close()
    return {
        "cold_command_ms": _ms(cold.wall),
        "cold_command_cpu_ms": _ms(cold.cpu),
        "warm_up_s": warm_up.seconds,
        "warm_demo": demo,
        "warm_long_history": {**long, "stored_messages": config.long_messages},
    }


def _cold_suggest(home: Path, repeats: int, progress: Progress) -> Timing:
    """Median wall time of a whole ``svar suggest`` command (start-up, model load, one suggestion)."""
    customer, channel, question = COLD_QUESTION
    env = {**os.environ, "SVAR_HOME": str(home)}
    cmd = [*_svar(), "suggest", "-w", WORKSPACE, "--customer", customer, "--channel", channel, question]
    progress.start("bench: cold svar suggest", repeats)
    timing = _median_runs(cmd, repeats, progress, env)
    progress.finish()
    return timing


def _warm(
    assistant: Assistant,
    messages: list[str],
    requests: int,
    who: Callable[[int], str | None],
    progress: Progress,
) -> dict[str, Any]:
    """p50/p95 of ``requests`` warm requests (one untimed request first loads what a process loads once)."""
    from evals.metrics import percentile

    times, cpu = [], []
    progress.start("bench: warm suggestions", requests + 1)
    for i in range(requests + 1):
        message = f"{messages[i % len(messages)]} ({i} {time.time_ns()})"  # new to the embedder and its cache
        started, started_cpu = time.perf_counter(), time.process_time()
        assistant.suggest(workspace=WORKSPACE, message=message, channel="chat", customer=who(i))
        if i:
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        progress.advance()
    progress.finish()
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "cpu_p50_ms": round(percentile(cpu, 50), 1),
        "cpu_p95_ms": round(percentile(cpu, 95), 1),
    }


def suite_folder(name: str) -> Path | None:
    """The folder of the suite called ``name`` (bundled, or beside the repository), if there is one."""
    for base in SUITE_DIRS:
        if (base / name / "suite.yaml").is_file():
            return base / name
    return None


def bench_retrieval(
    settings: Settings, suites: Sequence[str], limit: int | None, progress: Progress
) -> list[dict[str, Any]]:
    """``--retrieval-only`` eval runs: ms per case (retrieval alone, and the whole run per case)."""
    from evals.metrics import percentile
    from evals.runner import run_suite
    from evals.suite import load_suite

    rows: list[dict[str, Any]] = []
    for name in suites:
        folder = suite_folder(name)
        if folder is None:
            rows.append({"suite": name, "skipped": "suite not found"})
            continue
        suite = load_suite(folder)
        started = time.perf_counter()
        results = run_suite(suite, settings, retrieval_only=True, limit=limit, progress=progress)
        wall = time.perf_counter() - started
        latencies = [c["latency_ms"] for c in results["per_case"] if "latency_ms" in c]
        cases = int(results["cases"])
        rows.append(
            {
                "suite": name,
                "cases": cases,
                "mean_ms": round(statistics.mean(latencies), 1) if latencies else None,
                "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
                "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
                "whole_run_ms_per_case": round(wall / cases * 1000, 1) if cases else None,
                "ingest_s": round(float(results["config"]["ingest_seconds"]), 2),
            }
        )
    return rows


def bench_ingest(progress: Progress) -> dict[str, Any]:
    """``svar ingest knowledge`` of the demo help center into an empty data directory, then again."""
    progress.start("bench: svar ingest knowledge, first and again", 2)
    with tempfile.TemporaryDirectory(prefix="svar-bench-home-") as home:
        env = {**os.environ, "SVAR_HOME": home}
        cmd = [*_svar(), "ingest", "knowledge", str(DEMO / "knowledge"), "-w", "bench", "--json"]
        first, stdout = _timed(cmd, env)
        report = json.loads(stdout)
        progress.advance()
        again, stdout = _timed(cmd, env)
        report_again = json.loads(stdout)
        progress.advance()
    progress.finish()
    return {
        "first_s": round(first.wall, 2),
        "again_s": round(again.wall, 2),
        "ratio": round(again.wall / first.wall, 3),
        "first_cpu_s": round(first.cpu, 2),
        "again_cpu_s": round(again.cpu, 2),
        "cpu_ratio": round(again.cpu / first.cpu, 3) if first.cpu else None,
        "documents": report.get("added", 0),
        "chunks": report.get("chunks_written", 0),
        "chunks_per_second": report.get("chunks_per_second", 0.0),
        "in_process_first_s": report.get("seconds"),
        "unchanged_again": report_again.get("unchanged"),
    }


def summary_rows(results: dict[str, Any]) -> list[tuple[str, str]]:
    """The results as (measure, value) rows for a table."""
    rows: list[tuple[str, str]] = []
    if "help" in results:
        h = results["help"]
        rows.append(("python -c pass", f"{h['python_ms']:.0f} ms (CPU {h['python_cpu_ms']:.0f} ms)"))
        rows.append(
            (
                "svar --help",
                f"{h['svar_help_ms']:.0f} ms ({h['ratio']:.1f}× python; CPU {h['svar_help_cpu_ms']:.0f} ms, "
                f"{h['cpu_ratio']}×)",
            )
        )
    if "suggest" in results:
        s = results["suggest"]
        rows.append(
            (
                "svar suggest, cold (whole command)",
                f"{s['cold_command_ms'] / 1000:.1f} s (CPU {s['cold_command_cpu_ms'] / 1000:.1f} s)",
            )
        )
        for key, label in (("warm_demo", "demo customers"), ("warm_long_history", "long-history customer")):
            w = s[key]
            more = f", {w['stored_messages']} stored messages" if "stored_messages" in w else ""
            rows.append(
                (
                    f"warm suggestion, {label}",
                    f"p50 {w['p50_ms']:.0f} ms, p95 {w['p95_ms']:.0f} ms (CPU p50 {w['cpu_p50_ms']:.0f}, "
                    f"p95 {w['cpu_p95_ms']:.0f} ms; {w['requests']} requests{more})",
                )
            )
    for r in results.get("retrieval", []):
        if "skipped" in r:
            rows.append((f"eval --retrieval-only {r['suite']}", r["skipped"]))
        elif r["mean_ms"] is None:  # a suite of drafts only (repeat-ask): no case retrieves
            rows.append((f"eval --retrieval-only {r['suite']}", "no case retrieves (not a retrieval suite)"))
        else:
            rows.append(
                (
                    f"eval --retrieval-only {r['suite']} ({r['cases']} cases)",
                    f"{r['mean_ms']:.0f} ms/case (p95 {r['p95_ms']:.0f}); "
                    f"whole run {r['whole_run_ms_per_case']:.0f} ms/case",
                )
            )
    if "ingest" in results:
        i = results["ingest"]
        rows.append(
            (
                "ingest knowledge, first (nothing cached)",
                f"{i['first_s']:.1f} s (CPU {i['first_cpu_s']:.1f} s), {i['chunks']} chunks, "
                f"{i['chunks_per_second']} chunks/s",
            )
        )
        rows.append(
            (
                "ingest knowledge, again (unchanged)",
                f"{i['again_s']:.2f} s ({i['ratio']:.2f} of the first; CPU {i['again_cpu_s']:.2f} s, "
                f"{i['cpu_ratio']} of the first)",
            )
        )
    m = results["machine"]
    rows.append(
        (
            "machine",
            f"{m['cpus']} CPUs, load average {m['load_average_before']} → {m['load_average_after']}"
            + ("" if m["bytecode_cache"] else "; PYTHONDONTWRITEBYTECODE set: start-up compiles"),
        )
    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m evals.bench [--quick] [--out FILE]``: the same as ``svar bench``."""
    from assistant.cli import app

    app(["bench", *(sys.argv[1:] if argv is None else argv)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
