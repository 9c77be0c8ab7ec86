"""`svar ingest knowledge`, `svar search`, `svar reindex`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli._common import RichProgress, console, err, handle_errors, runtime, settings_for
from assistant.retrieval import retrieve

WorkspaceOpt = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace (default: 'default').")
]


@handle_errors
def ingest_knowledge(
    path: Annotated[Path, typer.Argument(help="A file or folder: Markdown, HTML, CSV, JSONL or text.")],
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest knowledge articles; re-ingesting updates changed and removes deleted documents."""
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        report = rt.indexer.ingest(path, settings.workspace, RichProgress())
    if as_json:
        console.print_json(
            json.dumps(
                {
                    **report.summary(),
                    "rejections": [str(r) for r in report.rejected],
                    "suspicious": [str(r) for r in report.suspicious],
                    "chunks_embedded": report.chunks_embedded,
                    "seconds": round(report.seconds, 2),
                }
            )
        )
        return
    table = Table(title=f"Knowledge from {path}", show_header=False)
    for key, value in report.summary().items():
        table.add_row(key, str(value))
    table.add_row("chunks embedded", str(report.chunks_embedded))
    table.add_row("seconds", f"{report.seconds:.1f}")
    console.print(table)
    for rejection in report.rejected:
        err.print(f"[yellow]rejected[/] {rejection}")
    for doc_id, flags in report.flagged.items():
        err.print(f"[yellow]cleaned[/] {doc_id}: removed {', '.join(flags)}")
    for entry in report.suspicious:
        err.print("[red]suspicious[/] " + escape(str(entry)))


@handle_errors
def search(
    query: Annotated[str, typer.Argument(help="The question.")],
    workspace: WorkspaceOpt = None,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many documents.")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show the ranked knowledge documents for a question."""
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        passages = retrieve(rt.searcher, settings.workspace, query, k=k)
    if as_json:
        console.print_json(json.dumps([p.model_dump() for p in passages], ensure_ascii=False))
        return
    if not passages:
        console.print("No documents. Ingest some with `svar ingest knowledge PATH`.")
        return
    table = Table(title=f"Knowledge for: {query}")
    for col in ("#", "id", "title", "score", "passage"):
        table.add_column(col, overflow="fold")
    for p in passages:
        table.add_row(str(p.rank), p.doc_id, p.title, f"{p.score:.4f}", p.text[:160].replace("\n", " "))
    console.print(table)


@handle_errors
def reindex(workspace: WorkspaceOpt = None) -> None:
    """Rebuild the workspace's vector indexes (knowledge and history) from the relational store."""
    from knowledge.history import reindex_history

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        n = rt.indexer.reindex(settings.workspace, RichProgress())
        m = reindex_history(rt.sessions, rt.chroma, rt.embedder, settings.workspace, RichProgress())
    console.print(
        f"Re-indexed {n} knowledge chunks and {m} history messages in workspace {settings.workspace!r}."
    )
