"""`svar ingest history`, `svar customer show`, `svar customer erase`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from assistant.cli._common import RichProgress, console, err, handle_errors, runtime, settings_for
from knowledge.errors import InputError
from knowledge.history import (
    CustomerCard,
    FactOut,
    HistoryImporter,
    customer_card,
    customer_timeline,
    erase_customer,
    lookup_customer,
)
from knowledge.history.situation import Situation, build_situation, describe_situation

SITUATION_MESSAGES = 500

WorkspaceOpt = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace (default: 'default').")
]
CustomerArg = Annotated[
    str, typer.Argument(help="External id, e-mail, phone number, handle (@name, facebook:name) or #id.")
]


@handle_errors
def ingest_history(
    file: Annotated[Path, typer.Argument(help="JSONL file of history events, one event a line.")],
    workspace: WorkspaceOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if any line is invalid.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import customer history (messages on any channel, orders, profiles); re-importing changes nothing."""
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        importer = HistoryImporter(rt.sessions, rt.chroma, rt.embedder)
        report = importer.ingest(file, settings.workspace, RichProgress(), strict=strict)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    **report.summary(),
                    "merged": report.merged,
                    "rejections": [str(r) for r in report.rejected],
                    "warnings": [str(w) for w in report.warnings],
                },
                ensure_ascii=False,
            )
        )
    else:
        table = Table(show_header=False)
        for key, value in report.summary().items():
            table.add_row(key.replace("_", " "), str(value))
        console.print(f"[bold]History from[/] {escape(str(file))} (workspace {settings.workspace!r})")
        console.print(table)
    for merged in report.merged:
        err.print(f"[cyan]merged[/] {escape(merged)}")
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {escape(str(warning))}")
    for rejection in report.rejected:
        err.print(f"[yellow]rejected[/] {escape(str(rejection))}")
    if report.rejected and report.events == 0:
        raise InputError(f"no valid events in {file}; first problem: {report.rejected[0]}")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _fact_table(title: str, facts: list[FactOut], *, excerpts: bool) -> Table:
    table = Table(title=title, title_justify="left", expand=True)
    for col in ("kind", "value", "source", "channel", "at") + (("excerpt",) if excerpts else ()):
        table.add_column(col, overflow="fold")
    for f in facts:
        row = [f.kind, f.value, f.source or "", f.channel or "", _when(f.at)]
        if excerpts:
            row.append(f.excerpt or "")
        table.add_row(*(escape(cell) for cell in row))
    return table


def print_card(card: CustomerCard, situation: Situation | None = None) -> None:
    """Render a context card (and the customer's situation, when given) with rich."""
    who = [f"[bold]{escape(card.name or card.external_id)}[/]  ({escape(card.external_id)}, #{card.id})"]
    if card.language:
        who.append(f"language: {card.language}")
    for ident in card.identities:
        who.append(f"{ident.kind}: {escape(ident.display)}")
    console.print(Panel("\n".join(who), title="Customer", title_align="left"))
    conversations = Table(title="Conversations (open first)", title_justify="left", expand=True)
    for col in ("channel", "subject", "status", "last message", "at", "SLA due"):
        conversations.add_column(col, overflow="fold")
    for conv in card.open_conversations + card.recent_conversations:
        last = conv.last_message
        text = f"{last.role}: {' '.join(last.text.split())[:120]}" if last is not None else ""
        conversations.add_row(
            conv.channel,
            escape(conv.subject or ""),
            conv.status,
            escape(text),
            _when(conv.last_message_at),
            _when(conv.sla_due_at),
        )
    console.print(conversations)
    if card.orders:
        orders = Table(title="Orders", title_justify="left", expand=True)
        for col in ("order", "status", "items", "placed"):
            orders.add_column(col, overflow="fold")
        for order in card.orders:
            items = ", ".join(
                str(i.get("name") or i.get("sku") or i) if isinstance(i, dict) else str(i)
                for i in order.items
            )
            orders.add_row(
                escape(order.id), escape(order.status or ""), escape(items), _when(order.placed_at)
            )
        console.print(orders)
    console.print(_fact_table("Known facts", card.facts, excerpts=True))
    console.print(_fact_table("Already tried", card.tried, excerpts=False))
    console.print(_fact_table("Promised", card.promised, excerpts=False))
    if situation is not None:
        lines = describe_situation(situation)
        body = "\n".join(escape(line) for line in lines) or "nothing open"
        console.print(Panel(body, title=f"Situation at {_when(situation.now)} UTC", title_align="left"))


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--now {value!r} is not an ISO 8601 time (e.g. 2026-03-10T10:00:00+01:00)"
        ) from None


@handle_errors
def customer_show(
    customer: CustomerArg,
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the card as JSON.")] = False,
    now: Annotated[
        str | None, typer.Option("--now", help="The situation at this ISO 8601 time (default: now).")
    ] = None,
) -> None:
    """Show a customer's context card: identities, conversations on every channel, orders, known facts,
    and the situation (orders, refunds, appointments, promises kept or overdue, what was tried)."""
    at = parse_now(now)
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        card = customer_card(rt.sessions, settings.workspace, customer)
        timeline = customer_timeline(rt.sessions, settings.workspace, customer, limit=SITUATION_MESSAGES)
    situation = build_situation(card, timeline, at)
    if as_json:
        data = card.model_dump(mode="json")
        data["situation"] = situation.model_dump(mode="json")
        console.print_json(json.dumps(data, ensure_ascii=False))
    else:
        print_card(card, situation)


@handle_errors
def customer_erase(
    customer: CustomerArg,
    workspace: WorkspaceOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a customer: their rows, history vectors and cached embeddings, and the bytes left on disk."""
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        if not yes:
            try:
                with rt.sessions() as session:
                    found = lookup_customer(session, settings.workspace, customer)
                    label = f"{found.name or found.external_id} ({found.external_id}, #{found.id})"
            except InputError:
                label = ""
            if label:
                typer.confirm(f"Erase {label} and everything stored about them?", abort=True, err=True)
        report = erase_customer(
            rt.sessions,
            rt.chroma,
            settings.workspace,
            customer,
            embedding_cache=settings.cache_dir / "embeddings.sqlite3",
        )
    if report.nothing_to_erase:
        console.print(
            f"Nothing to erase: no customer {escape(customer)!r} in workspace {settings.workspace!r}."
        )
        return
    rows = ", ".join(f"{n} {table}" for table, n in report.rows.items())
    console.print(
        f"Erased customer #{report.customer_id} ({escape(', '.join(report.external_ids))}): {rows}."
    )
    console.print(f"Deleted {report.vectors} history vectors and {report.cache_entries} cached embeddings.")
    if report.compacted:
        console.print(f"Rewrote on disk: {', '.join(report.compacted)}.")
    for note in report.notes:
        err.print(f"[yellow]note[/] {escape(note)}")
