"""`svar ingest knowledge`, `svar search`, `svar reindex`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli._common import (
    JsonOpt,
    RichProgress,
    WorkspaceOpt,
    err,
    esc,
    handle_errors,
    out,
    read_text_arg,
    require_workspace,
    runtime,
    settings_for,
)

if TYPE_CHECKING:
    from knowledge.indexer import IngestReport


@handle_errors
def ingest_knowledge(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A file or folder: Markdown, HTML, CSV, JSONL or text.")
    ],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest knowledge articles from a file or a folder.

    Creates the workspace if needed. Re-ingesting updates changed documents, removes deleted ones and embeds
    nothing that is unchanged.
    """
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        report = rt.indexer.ingest(path, settings.workspace, RichProgress())
    if as_json:
        out().print_json(
            json.dumps(
                {
                    **report.summary(),
                    "rejections": [str(r) for r in report.rejected],
                    "warnings": [str(w) for w in report.warnings],
                    "suspicious": [str(r) for r in report.suspicious],
                    "chunks_embedded": report.chunks_embedded,
                    "seconds": round(report.seconds, 2),
                },
                ensure_ascii=False,
            )
        )
    else:
        out().print(
            f"Knowledge from {esc(path)} into workspace {esc(settings.workspace)}: {_documents(report)}; "
            f"{_chunks(report)}."
        )
    for rejection in report.rejected:
        err().print(f"[yellow]rejected[/] {esc(rejection)}")
    for warning in report.warnings:
        err().print(f"[yellow]warning[/] {esc(warning)}")
    for doc_id, flags in report.flagged.items():
        err().print(f"[yellow]cleaned[/] {esc(doc_id)}: removed {esc(', '.join(flags))}")
    for entry in report.suspicious:
        err().print("[red]suspicious[/] " + esc(entry))


def _documents(report: IngestReport) -> str:
    summary = report.summary()
    return ", ".join(f"{summary[k]} {k}" for k in ("added", "updated", "unchanged", "removed", "rejected"))


def _chunks(report: IngestReport) -> str:
    if not report.chunks_written:
        return f"nothing to write ({report.seconds:.1f} s)"
    cached = report.chunks_written - report.chunks_embedded
    return (
        f"{report.chunks_written} chunks written ({report.chunks_embedded} embedded, {cached} from the "
        f"cache) in {report.seconds:.1f} s, {report.chunks_per_second:g} chunks/s"
    )


@handle_errors
def search(
    query: Annotated[
        str | None,
        typer.Argument(metavar="QUERY", help="The question; '-' reads it from stdin.", show_default=False),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", metavar="PATH", help="Read the question from a file.")
    ] = None,
    workspace: WorkspaceOpt = None,
    k: Annotated[int, typer.Option("-k", metavar="N", min=1, max=50, help="How many documents.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Show the ranked knowledge documents for a question."""
    from rich.table import Table

    from assistant.guards.channel import strip_markdown
    from assistant.retrieval import retrieve

    text = read_text_arg(query, file, "question")
    settings = settings_for(workspace)
    settings.limits().check_message(text, what="the query")
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        passages = retrieve(rt.searcher, settings.workspace, text, k=k)
    if as_json:
        out().print_json(json.dumps([p.model_dump() for p in passages], ensure_ascii=False))
        return
    if not passages:
        out().print(
            f"No documents in workspace {esc(settings.workspace)}. "
            f"Ingest some with `svar ingest knowledge PATH -w {esc(settings.workspace)}`."
        )
        return
    table = Table(title=f"Knowledge for: {esc(text)}")
    for col in ("#", "id", "title", "score", "passage"):
        table.add_column(col, overflow="fold")
    for p in passages:
        passage = " ".join(strip_markdown(p.text).split())
        table.add_row(
            str(p.rank),
            esc(p.doc_id),
            esc(p.title),
            f"{p.score:.4f}",
            esc(passage[:160] + ("…" if len(passage) > 160 else "")),
        )
    out().print(table)


@handle_errors
def reindex(workspace: WorkspaceOpt = None) -> None:
    """Rebuild the vector indexes from the database.

    Re-embeds the workspace's knowledge and history, e.g. after changing SVAR_EMBEDDER.
    """
    from knowledge.history import reindex_history

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        n = rt.indexer.reindex(settings.workspace, RichProgress())
        m = reindex_history(rt.sessions, rt.chroma, rt.embedder, settings.workspace, RichProgress())
    out().print(
        f"Re-indexed {n} knowledge chunks and {m} history messages in workspace {esc(settings.workspace)}."
    )
