"""`svar bench`: the speed figures of the README, measured on this machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli._common import RichProgress, err, esc, handle_errors, out, settings_for

PART_NAMES = ("help", "suggest", "retrieval", "ingest")


@handle_errors
def bench(
    out_file: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="Also write the results as JSON to FILE.")
    ] = None,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="A few requests and cases only: checks that it runs, not a figure."),
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="PART",
            help="Measure only this part (repeatable): help, suggest, retrieval, ingest.",
        ),
    ] = None,
    requests: Annotated[
        int | None, typer.Option("--requests", metavar="N", min=1, help="Warm requests per scenario (40).")
    ] = None,
    repeats: Annotated[
        int | None, typer.Option("--repeats", metavar="N", min=1, help="Runs of each timed command (5).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", min=1, help="At most N cases per suite.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Measure Svar's speed on this machine (takes minutes; --quick to try it).

    Start-up against bare Python, cold and warm suggestions (also for a customer with a long history),
    retrieval per eval case, and a first ingest against an unchanged re-ingest. Everything runs in
    temporary data directories; only the embedding cache of the data directory is shared. The figures
    depend on the machine and its load, which the results record: compare ratios.
    """
    from evals.bench import BenchConfig, run_bench, summary_rows
    from knowledge.errors import InputError

    config = BenchConfig.quick() if quick else BenchConfig.full()
    if only:
        unknown = sorted(set(only) - set(PART_NAMES))
        if unknown:
            raise InputError(f"unknown part {', '.join(unknown)}; use {', '.join(PART_NAMES)}")
        config.parts = tuple(p for p in PART_NAMES if p in only)
    if requests is not None:
        config.requests = requests
    if limit is not None:
        config.limit = limit
    if repeats is not None:
        config.repeats = repeats
    settings = settings_for()
    try:
        results = run_bench(config, settings, RichProgress())
    except RuntimeError as exc:
        err().print(f"[red]error:[/] {esc(exc)}")
        raise typer.Exit(1) from exc
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("measure", "result", title="svar bench" + (" --quick (not a figure)" if quick else ""))
    for name, value in summary_rows(results):
        table.add_row(esc(name), esc(value))
    out().print(table)
    if out_file is not None:
        out().print(f"Wrote {esc(out_file)}")
