"""`svar eval run` and `svar eval compare`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli._common import RichProgress, console, err, handle_errors, settings_for
from evals.runner import check_thresholds, run_suite, write_results
from evals.suite import load_suite
from knowledge.errors import InputError

app = typer.Typer(help="Run eval suites and compare results.", no_args_is_help=True)


@app.command("run")
@handle_errors
def run(
    suite_dir: Annotated[Path, typer.Argument(help="Suite folder with suite.yaml.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for results.json.")] = None,
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Measure retrieval only.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Run only the first N cases.")] = None,
) -> None:
    """Run a suite in a fresh temporary workspace; exit 1 if a threshold fails."""
    suite = load_suite(suite_dir)
    settings = settings_for()
    results = run_suite(suite, settings, retrieval_only=retrieval_only, progress=RichProgress(), limit=limit)
    out_dir = out or Path("results") / suite.name
    path = write_results(results, out_dir)
    _print_metrics(suite.name, results["metrics"])
    console.print(f"Wrote {path}")
    failures = check_thresholds(results["metrics"], suite.thresholds)
    for failure in failures:
        err.print(f"[red]threshold failed:[/] {escape(str(failure))}")
    if failures:
        raise typer.Exit(1)


@app.command("compare")
@handle_errors
def compare(
    a: Annotated[Path, typer.Argument(help="results.json (or its folder) of run A.")],
    b: Annotated[Path, typer.Argument(help="results.json (or its folder) of run B.")],
) -> None:
    """Compare the metrics of two runs."""
    ra, rb = _load(a), _load(b)
    table = Table(title=escape(f"{ra.get('suite')} → {rb.get('suite')}"))
    for col in ("metric", "A", "B", "B − A"):
        table.add_column(col)
    ma, mb = ra.get("metrics", {}), rb.get("metrics", {})
    for key in sorted(set(ma) | set(mb)):
        va, vb = ma.get(key), mb.get(key)
        delta = f"{vb - va:+.4f}" if isinstance(va, int | float) and isinstance(vb, int | float) else ""
        table.add_row(key, _fmt(va), _fmt(vb), delta)
    console.print(table)


def _load(path: Path) -> dict[str, Any]:
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
    table = Table(title=escape(f"Suite {name}"))
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, _fmt(value))
    console.print(table)


@app.command("calibrate")
@handle_errors
def calibrate(
    suite_dirs: Annotated[list[Path], typer.Argument(help="Suite folders with retrieval cases.")],
    target: Annotated[
        float, typer.Option("--target", min=0.5, max=1.0, help="Precision when answering.")
    ] = 0.9,
) -> None:
    """Calibrate the offline drafter's abstain threshold on real retrieval; prints the threshold to set."""
    from evals.calibrate import collect, summarize

    suites = [load_suite(d) for d in suite_dirs]
    rows = collect(suites, settings_for(), RichProgress())
    if not rows:
        raise InputError("no cases with expected kb_ids in these suites")
    summary = summarize(rows, target)
    console.print_json(json.dumps(summary))
    console.print(f"Set SVAR_ABSTAIN_THRESHOLD={summary['threshold']} to use it.")
