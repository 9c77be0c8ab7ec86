"""`svar eval run` and `svar eval compare`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli._common import RichProgress, err, esc, group, handle_errors, out, settings_for

app = group("Run, compare and calibrate eval suites.")


@app.command("run")
@handle_errors
def run(
    suite_dir: Annotated[
        Path, typer.Argument(metavar="SUITE_DIR", help="Suite folder with suite.yaml (docs/eval-suites.md).")
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Folder for results.json (default: results/SUITE_NAME)."),
    ] = None,
    retrieval_only: Annotated[bool, typer.Option("--retrieval-only", help="Measure retrieval only.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="Run only the first N cases.")
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            metavar="tune|check",
            help="Run one half of the cases, split by expected document (tune on one, report the other).",
        ),
    ] = None,
) -> None:
    """Run a suite; exit 1 if a threshold fails.

    The suite's knowledge goes into a fresh temporary workspace (only the embedding cache is shared).
    """
    from evals.runner import check_thresholds, run_suite, write_results
    from evals.suite import HALVES, load_suite
    from knowledge.errors import InputError

    if split is not None and split not in HALVES:
        raise InputError(f"--split must be 'tune' or 'check', not {split!r}")
    suite = load_suite(suite_dir)
    settings = settings_for()
    results = run_suite(
        suite,
        settings,
        retrieval_only=retrieval_only,
        progress=RichProgress(),
        limit=limit,
        split=split,  # type: ignore[arg-type]
    )
    path = write_results(results, out_dir or Path("results") / suite.name)
    _print_metrics(suite.name, results["metrics"])
    out().print(f"Wrote {esc(path)}")
    failures = check_thresholds(results["metrics"], suite.thresholds)
    for failure in failures:
        err().print(f"[red]threshold failed:[/] {esc(failure)}")
    if failures:
        raise typer.Exit(1)


@app.command("compare")
@handle_errors
def compare(
    a: Annotated[Path, typer.Argument(metavar="RESULTS_A", help="results.json (or its folder) of run A.")],
    b: Annotated[Path, typer.Argument(metavar="RESULTS_B", help="results.json (or its folder) of run B.")],
) -> None:
    """Compare the metrics of two runs."""
    from rich.table import Table

    ra, rb = _load(a), _load(b)
    table = Table(title=esc(f"{ra.get('suite')} → {rb.get('suite')}"))
    for col in ("metric", "A", "B", "B − A"):
        table.add_column(col)
    ma, mb = ra.get("metrics", {}), rb.get("metrics", {})
    for key in sorted(set(ma) | set(mb)):
        va, vb = ma.get(key), mb.get(key)
        delta = f"{vb - va:+.4f}" if isinstance(va, int | float) and isinstance(vb, int | float) else ""
        table.add_row(esc(key), esc(_fmt(va)), esc(_fmt(vb)), delta)
    out().print(table)


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
