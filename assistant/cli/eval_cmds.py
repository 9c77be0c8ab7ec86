"""`svar eval run`, `report`, `compare`, `export-feedback` and `calibrate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli._common import (
    RichProgress,
    WorkspaceOpt,
    err,
    esc,
    group,
    handle_errors,
    out,
    runtime,
    settings_for,
)

if TYPE_CHECKING:
    from assistant.settings import Settings
    from evals.compare import Comparison
    from evals.judge import LLMJudge

app = group("Run eval suites, read and compare their reports, grow them from feedback, calibrate.")


@app.command("run")
@handle_errors
def run(
    suite_dir: Annotated[
        Path, typer.Argument(metavar="SUITE_DIR", help="Suite folder with suite.yaml (docs/eval-suites.md).")
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Folder for results.json and report.html (default: results/SUITE_NAME).",
        ),
    ] = None,
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Measure retrieval only.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="Run only the first N cases.")
    ] = None,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge/--no-judge",
            help="Judge groundedness with the configured chat model (SVAR_LLM_MODEL); without one, or with "
            "--no-judge, it is the offline estimate.",
        ),
    ] = True,
    price_input: Annotated[
        float,
        typer.Option(
            "--price-input",
            metavar="PRICE",
            min=0.0,
            envvar="SVAR_LLM_PRICE_INPUT",
            help="The drafting model's price per 1M input tokens, for the cost per suggestion.",
        ),
    ] = 0.0,
    price_output: Annotated[
        float,
        typer.Option(
            "--price-output",
            metavar="PRICE",
            min=0.0,
            envvar="SVAR_LLM_PRICE_OUTPUT",
            help="The drafting model's price per 1M output tokens.",
        ),
    ] = 0.0,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            min=1,
            max=32,
            help="Run N cases at once (threads; cases with history events still run one by one). Default 1.",
        ),
    ] = 1,
    currency: Annotated[
        str, typer.Option("--currency", envvar="SVAR_LLM_PRICE_CURRENCY", help="The prices' currency.")
    ] = "USD",
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            metavar="tune|check",
            help="Run one half of the cases, split by expected document (tune on one, report the other).",
        ),
    ] = None,
) -> None:
    """Run a suite; write results.json and report.html; exit 1 if a threshold fails.

    The suite's knowledge goes into a fresh temporary workspace (only the embedding cache is shared).
    """
    from evals.metrics import Prices
    from evals.runner import RunOptions, run_suite, write_results
    from evals.suite import HALVES, load_suite
    from knowledge.errors import InputError

    if split is not None and split not in HALVES:
        raise InputError(f"--split must be 'tune' or 'check', not {split!r}")
    suite = load_suite(suite_dir)
    settings = settings_for()
    options = RunOptions(
        judge=_judge(settings) if judge and not retrieval_only else None,
        prices=Prices(price_input, price_output, currency),
    )
    results = run_suite(
        suite,
        settings,
        retrieval_only=retrieval_only,
        progress=RichProgress(),
        limit=limit,
        options=options,
        jobs=jobs,
        split=split,  # type: ignore[arg-type]
    )
    path = write_results(results, out_dir or Path("results") / suite.name)
    _print_metrics(suite.name, results["metrics"])
    out().print(f"Wrote {esc(path)} and {esc(path.with_name('report.html'))}")
    failures = results["threshold_failures"]
    for failure in failures:
        err().print(f"[red]threshold failed:[/] {esc(failure)}")
    if failures:
        raise typer.Exit(1)


def _judge(settings: Settings) -> LLMJudge | None:
    """The groundedness judge on the configured chat model, or None when no model is configured."""
    if not settings.llm_model:
        return None
    from assistant.llm import build_chat_model
    from evals.judge import LLMJudge

    return LLMJudge(build_chat_model(settings))


@app.command("report")
@handle_errors
def report(
    results_json: Annotated[
        Path, typer.Argument(metavar="RESULTS_JSON", help="results.json (or its folder) of a run.")
    ],
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="HTML", help="Where to write the page (default: report.html beside it)."
        ),
    ] = None,
) -> None:
    """Write the HTML report of a run again (from its results.json alone)."""
    from evals.report import write_report

    data = _load(results_json)
    file = results_json / "results.json" if results_json.is_dir() else results_json
    path = write_report(data, out_file or file.with_name("report.html"))
    out().print(f"Wrote {esc(path)}")


@app.command("compare")
@handle_errors
def compare(
    a: Annotated[Path, typer.Argument(metavar="RESULTS_A", help="results.json (or its folder) of run A.")],
    b: Annotated[Path, typer.Argument(metavar="RESULTS_B", help="results.json (or its folder) of run B.")],
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance",
            metavar="X",
            min=0.0,
            max=1.0,
            help="How far a metric or a case's measure may drop before it is a regression (default 0).",
        ),
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    cases: Annotated[
        int, typer.Option("--cases", metavar="N", min=0, help="Show at most N changed cases each way.")
    ] = 20,
) -> None:
    """Compare two runs per metric and case by case; exit 1 when B regressed beyond the tolerance."""
    from evals.compare import compare_runs

    ra, rb = _load(a), _load(b)
    result = compare_runs(ra, rb, tolerance)
    if as_json:
        out().print_json(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print_comparison(result, cases)
    if result.regressions:
        raise typer.Exit(1)


def _print_comparison(result: Comparison, n_cases: int) -> None:
    from rich.table import Table

    table = Table(title=esc(f"{result.suite_a} → {result.suite_b} (tolerance {result.tolerance})"))
    for col in ("metric", "A", "B", "B − A", ""):
        table.add_column(col)
    for m in result.metrics:
        delta = "" if m.delta is None else f"{m.delta:+.4f}"
        mark = "[red]regression[/]" if m.regression else "[green]better[/]" if m.improvement else ""
        if not m.gated and not mark:
            mark = "[dim]not gated[/]"
        table.add_row(esc(m.name), esc(_fmt(m.a)), esc(_fmt(m.b)), delta, mark)
    out().print(table)
    for title, items in (("worse", result.worse_cases), ("better", result.better_cases)):
        if not items:
            continue
        out().print(f"[bold]{len(items)} case(s) {title}[/] (first {min(n_cases, len(items))}):")
        for c in items[:n_cases]:
            moved = c.worse if title == "worse" else c.better
            what = ", ".join(f"{k} {va:.2f}→{vb:.2f}" for k, (va, vb) in sorted(moved.items()))
            out().print(f"  {esc(c.id)}: {esc(what)}")
    if result.only_a or result.only_b:
        out().print(f"cases only in A: {len(result.only_a)}, only in B: {len(result.only_b)}")
    verdict = (
        f"[red]{len(result.regressions)} metric(s) regressed[/]"
        if result.regressions
        else "[green]no metric regressed[/]"
    )
    out().print(
        f"{verdict}; {len(result.worse_cases)} case(s) worse, {len(result.better_cases)} better "
        f"(tolerance {result.tolerance})."
    )


def _load(path: Path) -> dict[str, Any]:
    from knowledge.errors import InputError

    file = path / "results.json" if path.is_dir() else path
    if not file.is_file():
        raise InputError("no results.json here", source=str(path))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=str(file), line=exc.lineno) from exc
    if not isinstance(data, dict) or "metrics" not in data:
        raise InputError("not a results.json (no 'metrics')", source=str(file))
    return data


def _fmt(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else ("" if value is None else str(value))


def _print_metrics(name: str, metrics: dict[str, float]) -> None:
    from rich.table import Table

    table = Table(title=f"Suite {esc(name)}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(esc(key), _fmt(value))
    out().print(table)


@app.command("export-feedback")
@handle_errors
def export_feedback(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", metavar="SUITE_DIR", help="Suite folder to append the cases to (created if new)."
        ),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Turn agents' edited and sent suggestions into eval cases (the text they sent is the gold reply).

    Appends to the suite's cases.jsonl without duplicates; see docs/eval-suites.md.
    """
    from evals.feedback_export import export_feedback as export

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        report = export(rt.sessions, settings.workspace, out_dir, RichProgress())
    out().print(f"{esc(report.summary())} → {esc(report.cases_path)}")
    if report.created_suite:
        out().print(
            f"Created {esc(out_dir / 'suite.yaml')}: add your knowledge files under 'knowledge:' to run it."
        )


@app.command("calibrate")
@handle_errors
def calibrate(
    suite_dirs: Annotated[
        list[Path], typer.Argument(metavar="SUITE_DIR...", help="Suite folders with retrieval cases.")
    ],
    target: Annotated[
        float, typer.Option("--target", metavar="P", min=0.5, max=1.0, help="Precision when answering.")
    ] = 0.9,
) -> None:
    """Calibrate the offline drafter's abstain threshold.

    Measured on real retrieval; prints the threshold to set.
    """
    from evals.calibrate import collect, summarize
    from evals.suite import load_suite
    from knowledge.errors import InputError

    suites = [load_suite(d) for d in suite_dirs]
    rows = collect(suites, settings_for(), RichProgress())
    if not rows:
        raise InputError("no cases with expected kb_ids in these suites")
    summary = summarize(rows, target)
    out().print_json(json.dumps(summary))
    out().print(f"Set SVAR_ABSTAIN_THRESHOLD={summary['threshold']} to use it.")
