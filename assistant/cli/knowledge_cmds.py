"""`svar ingest knowledge`, `svar search`, `svar reindex`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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


@handle_errors
def tune_retrieval(
    cases: Annotated[
        Path | None,
        typer.Option(
            "--cases",
            metavar="FILE",
            help="Labelled cases: a cases.jsonl or a suite folder; their kb_ids are the labels.",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split", metavar="tune|check", help="Fit on one half of the cases only (by document)."
        ),
    ] = None,
    l2: Annotated[
        float | None,
        typer.Option(
            "--l2",
            min=0.0,
            help="Pull towards the default weights (more: fewer labels). Without it the strength is chosen "
            "by cross-validation and a fit is stored only if it beats the defaults on held-out folds.",
        ),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Drop the fitted weights: back to the defaults.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Fit nothing, store nothing: the fused order against the workspace's reranked order on the "
            "cases, and the cases the reranker won and lost at rank 1.",
        ),
    ] = False,
    held: Annotated[
        bool,
        typer.Option(
            "--held-out",
            help="Store nothing: fit on the tune half of the cases and report the check half (fused order, "
            "defaults, fitted at l2 1, 10 and 100).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fit the workspace's retrieval fusion on labelled cases and store it with the workspace.

    Its searches use the fitted weights from then on (docs/retrieval.md).
    """
    from evals.suite import HALVES, load_cases, load_suite, split_cases
    from evals.tune import collect, fit_workspace, held_out, stages
    from knowledge.errors import InputError
    from knowledge.fusion import delete_model
    from knowledge.workspaces import require_workspace as require_ws

    settings = settings_for(workspace)
    if reset:
        with runtime(settings) as rt, rt.sessions.begin() as session:
            dropped = delete_model(session, require_ws(session, settings.workspace))
        out().print(
            "Dropped the fitted weights." if dropped else "No fitted weights: the defaults are in use."
        )
        return
    if cases is None:
        raise InputError("give --cases FILE (a cases.jsonl or a suite folder) or --reset")
    if split is not None and split not in HALVES:
        raise InputError(f"--split must be 'tune' or 'check', not {split!r}")
    if held and (split is not None or dry_run):
        raise InputError("--held-out splits the cases itself: give it without --split and --dry-run")
    if cases.is_dir():
        loaded = load_suite(cases).cases
    elif cases.is_file():
        loaded = load_cases(cases)[0]
    else:
        raise InputError("no such file or folder", source=str(cases))
    if split is not None:
        loaded = split_cases(loaded, split)  # type: ignore[arg-type]
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        if settings.rerank == "off" or settings.retrieval_mode != "hybrid":
            raise InputError("tune-retrieval needs reranking on (SVAR_RERANK and SVAR_RETRIEVAL_MODE unset)")
        if held or dry_run:
            labelled = collect(
                rt.searcher,
                settings.workspace,
                loaded,
                history_turns=settings.history_turns,
                progress=RichProgress(),
            )
            if held:
                report: dict[str, Any] = held_out(labelled, {c.id for c in split_cases(loaded, "tune")})
            else:
                report = stages(labelled, rt.searcher.model(settings.workspace))
            _print_tune_report(report, held=held, as_json=as_json)
            return
        model, figures = fit_workspace(
            rt.searcher,
            settings.workspace,
            loaded,
            l2=l2,
            history_turns=settings.history_turns,
            progress=RichProgress(),
        )
    _print_fit(model, figures, settings.workspace, as_json=as_json)


def _print_fit(model: Any, figures: dict[str, Any], workspace: str, *, as_json: bool) -> None:
    """Print what ``tune-retrieval`` fitted (or why it stored nothing)."""
    cv = figures.pop("cross_validation", None)
    if as_json:
        body = {"stored": model is not None, "figures": figures, "cross_validation": cv}
        if model is not None:
            body |= {"weights": model.weights, "meta": model.meta}
        out().print_json(json.dumps(body))
        return
    if cv is not None:
        fitted = ", ".join(f"{k} {v}" for k, v in cv["fitted"].items()) or "too few folds to fit"
        out().print(
            f"Cross-validation ({cv['folds']} folds, {cv['queries']} labelled queries), right at rank 1 on "
            f"held-out folds: defaults {cv['default']}; {fitted}."
        )
    if model is None:
        out().print(
            "No fit beat the default weights on held-out folds: nothing stored (give --l2 to store a fit "
            "anyway)."
        )
    else:
        out().print(
            f"Fitted on {model.meta['queries']} labelled queries (l2 {model.meta['l2']:g}); "
            f"stored with workspace {esc(workspace)}."
        )
    for name, f in figures.items():
        out().print(f"  {name:8s} hit@1 {f['hit_at_1']:.3f}  hit@5 {f['hit_at_5']:.3f}  (on these cases)")


def _print_tune_report(report: dict[str, Any], *, held: bool, as_json: bool) -> None:
    """Print what ``tune-retrieval --held-out`` or ``--dry-run`` measured."""
    if as_json:
        out().print_json(json.dumps(report))
        return
    if held:
        out().print("On the check half (fitted on the tune half; nothing stored):")
    for name, f in report.items():
        if isinstance(f, dict):
            out().print(
                f"  {name:15s} hit@1 {f['hit_at_1']:.3f}  hit@5 {f['hit_at_5']:.3f}  ({f['cases']} cases)"
            )
    for name in ("won", "lost", "not_found"):
        if name in report:
            ids = report[name]
            shown = ", ".join(esc(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
            out().print(f"  {name.replace('_', ' ')} at rank 1: {len(ids)}" + (f" ({shown})" if ids else ""))
