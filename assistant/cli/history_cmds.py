"""`svar ingest history`, `svar customer list|show|erase|link`."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli._common import (
    EXIT_PARTIAL,
    JsonOpt,
    RichProgress,
    WorkspaceOpt,
    err,
    esc,
    handle_errors,
    out,
    require_workspace,
    runtime,
    settings_for,
)

SITUATION_MESSAGES = 500  # the situation reads at most this many of the customer's latest messages

if TYPE_CHECKING:
    from rich.table import Table
    from sqlalchemy.orm import Session, sessionmaker

    from knowledge.history import CustomerCard, FactOut
    from knowledge.history.situation import Situation

CustomerArg = Annotated[
    str,
    typer.Argument(
        metavar="CUSTOMER",
        help="External id, e-mail, phone number, handle (@name, facebook:name) or #id.",
        show_default=False,
    ),
]

#: What the compact card shows of each list; `--all` shows everything.
_CARD_ROWS = 5
_WIDE = {"subject": 1, "last message": 3, "items": 1}  # compact card: how text columns share the width


@handle_errors
def ingest_history(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="JSONL file of history events, one event a line.")
    ],
    workspace: WorkspaceOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if any line is invalid.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import customer history events from a JSONL file.

    Creates the workspace if needed; re-importing the same file changes nothing.
    Format: docs/history-events.md.

    Exit status: 0 all lines imported, 2 nothing imported (bad file, or --strict with a bad line),
    3 partly imported (valid events imported, some lines rejected and listed).
    """
    from knowledge.errors import InputError
    from knowledge.history import HistoryImporter

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        importer = HistoryImporter(rt.sessions, rt.chroma, rt.embedder, limits=rt.settings.limits())
        report = importer.ingest(file, settings.workspace, RichProgress(), strict=strict)
    partial = bool(report.rejected) and report.events > 0
    if as_json:
        out().print_json(
            json.dumps(
                {
                    **report.summary(),
                    "partial": partial,
                    "merged": report.merged,
                    "rejections": [str(r) for r in report.rejected],
                    "warnings": [str(w) for w in report.warnings],
                },
                ensure_ascii=False,
            )
        )
    else:
        counts = ", ".join(
            f"{n} {key.replace('_', ' ')}" for key, n in report.summary().items() if n or key == "events"
        )
        out().print(f"History from {esc(file)} into workspace {esc(settings.workspace)}: {counts}.")
    for merged in report.merged:
        err().print(f"[cyan]merged[/] {esc(merged)}")
    for warning in report.warnings:
        err().print(f"[yellow]warning[/] {esc(warning)}")
    for rejection in report.rejected:
        err().print(f"[yellow]rejected[/] {esc(rejection)}")
    if report.rejected and report.events == 0:
        raise InputError(f"no valid events in {file}; first problem: {report.rejected[0]}")
    if partial:
        err().print(
            f"[yellow]partial import:[/] {report.events} events imported, {len(report.rejected)} lines "
            f"rejected (listed above); fix them and import the file again (exit status {EXIT_PARTIAL})"
        )
        raise typer.Exit(EXIT_PARTIAL)


@handle_errors
def customer_list(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Show at most N customers.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List the workspace's customers, most recently active first."""
    from rich.table import Table

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        rows, total = _customers(rt.sessions, settings.workspace, limit)
    if as_json:
        out().print_json(json.dumps({"total": total, "customers": rows}, ensure_ascii=False, default=str))
        return
    if not rows:
        out().print(
            f"No customers in workspace {esc(settings.workspace)}. Import history with "
            f"`svar ingest history FILE -w {esc(settings.workspace)}`."
        )
        return
    table = Table(title=f"Customers in {esc(settings.workspace)} ({total})", title_justify="left")
    for col in ("id", "name", "language", "channels", "last message"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(
            esc(row["id"]),
            esc(row["name"] or ""),
            esc(row["language"] or ""),
            esc(", ".join(row["channels"])),
            _when(row["last_message_at"]),
        )
    out().print(table)
    if total > len(rows):
        out().print(f"[dim]{total - len(rows)} more: --limit {total}[/]")


def _customers(
    sessions: sessionmaker[Session], workspace: str, limit: int
) -> tuple[list[dict[str, Any]], int]:
    from sqlalchemy import func, select

    from knowledge.db.history_models import Conversation, Customer
    from knowledge.workspaces import require_workspace as _require

    with sessions() as session:
        ws = _require(session, workspace)
        total = session.scalar(select(func.count()).where(Customer.workspace_id == ws.id)) or 0
        last = func.max(Conversation.last_message_at)
        query = (
            select(Customer, last)
            .outerjoin(Conversation, Conversation.customer_id == Customer.id)
            .where(Customer.workspace_id == ws.id)
            .group_by(Customer.id)
            .order_by(last.desc().nulls_last(), Customer.external_id)
            .limit(limit)
        )
        found = session.execute(query).all()
        channels: dict[int, set[str]] = {}
        ids = [c.id for c, _ in found]
        for customer_id, channel in session.execute(
            select(Conversation.customer_id, Conversation.channel).where(Conversation.customer_id.in_(ids))
        ):
            channels.setdefault(customer_id, set()).add(channel)
        rows = [
            {
                "id": c.external_id,
                "name": c.name,
                "language": c.language,
                "channels": sorted(channels.get(c.id, ())),
                "last_message_at": at,
            }
            for c, at in found
        ]
    return rows, total


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _table(title: str, columns: tuple[str, ...], full: bool) -> Table:
    """A table: boxed with folded cells in full view, borderless with one line a row when compact."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"[bold]{title}[/]", title_justify="left", expand=True, box=box.ROUNDED if full else None
    )
    for col in columns:
        if full:
            table.add_column(col, overflow="fold")
        else:  # text columns share what the short ones leave
            ratio = _WIDE.get(col)
            table.add_column(col, overflow="ellipsis", no_wrap=True, ratio=ratio, min_width=len(col))
    return table


def _fact_table(title: str, facts: list[FactOut], *, excerpts: bool) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", expand=True)
    # known facts are of many kinds (with excerpts); what was tried or promised is one kind, said by the title
    for col in (
        (("kind",) if excerpts else ())
        + ("value", "source", "channel", "at")
        + (("excerpt",) if excerpts else ())
    ):
        table.add_column(col, overflow="fold")
    for f in facts:
        row = ([f.kind] if excerpts else []) + [f.value, f.source or "", f.channel or "", _when(f.at)]
        if excerpts:
            row.append(f.excerpt or "")
        table.add_row(*(esc(cell) for cell in row))
    return table


def _items(items: list[Any]) -> str:
    return ", ".join(
        str(i.get("name") or i.get("sku") or i) if isinstance(i, dict) else str(i) for i in items
    )


def print_card(card: CustomerCard, situation: Situation | None = None, *, full: bool = False) -> None:
    """Render a context card: compact (one screen) by default, every row and excerpt with ``full``."""
    from rich.panel import Panel

    head = [f"[bold]{esc(card.name or card.external_id)}[/]  ({esc(card.external_id)}, #{esc(card.id)})"]
    if card.language:
        head[0] += f"  language {esc(card.language)}"
    if card.identities:
        head.append("  ".join(f"[dim]{esc(i.kind)}[/] {esc(i.display)}" for i in card.identities))
    out().print(Panel("\n".join(head), title="Customer", title_align="left", expand=False))
    if situation is not None:
        _print_situation(situation, full=full)
    more = [_print_conversations(card, full), _print_orders(card, full)]
    if full:
        for title, facts, excerpts in (
            ("Known facts", card.facts, True),
            ("Already tried", card.tried, False),
            ("Promised (by us)", card.promised, False),
            ("The customer said they would", card.customer_commitments, False),
        ):
            if facts:
                out().print(_fact_table(title, facts, excerpts=excerpts))
        return
    limit = 2 * _CARD_ROWS
    for title, facts, own in (
        ("Known", card.facts, ""),
        ("Tried", card.tried, "tried"),
        ("Promised", card.promised, "promise"),
        ("The customer said they would", card.customer_commitments, "commitment"),
    ):
        if not facts or (own in ("tried", "promise") and situation is not None):  # the situation lists them
            continue
        if own:  # sentences: one line each, cut to the width
            out().print(f"[bold]{title}[/]")
            for f in facts[:3]:
                out().print(
                    f"  {esc(_one_line(f.value, out().width - 4))}", no_wrap=True, overflow="ellipsis"
                )
            more.append(f"{len(facts) - 3} {title.lower()}" if len(facts) > 3 else "")
        else:
            values = "; ".join(f"{f.kind}: {f.value}" for f in facts[:limit])
            out().print(f"[bold]{title}[/] {esc(values)}")
            more.append(f"{len(facts) - limit} known facts" if len(facts) > limit else "")
    hidden = ", ".join(m for m in more if m)
    if hidden or card.facts:
        lead = f"{hidden} more; " if hidden else ""
        out().print(f"[dim]{lead}--all shows every row with sources and excerpts[/]")


def _print_situation(situation: Situation, *, full: bool) -> None:
    """Where the customer's matter stands: orders, refunds, appointments, promises, what was tried.

    Compact: one line per item, cut to the width; ``full``: every item whole.
    """
    from rich.panel import Panel

    from knowledge.history.situation import describe_situation

    lines = describe_situation(situation)
    if not full:
        lines = [_one_line(line, out().width - 4) for line in lines]
    body = "\n".join(esc(line) for line in lines) or "nothing open"
    title = f"Situation at {_when(situation.now)} UTC"
    out().print(Panel(body, title=title, title_align="left", expand=False))


def _print_conversations(card: CustomerCard, full: bool) -> str:
    """Print the conversations table; return what was left out ("" when nothing)."""

    conversations = card.open_conversations + card.recent_conversations
    shown = conversations if full else conversations[:_CARD_ROWS]
    if not shown:
        return ""
    columns = ("channel", "status", "subject", "last message", "at") + (("SLA due",) if full else ())
    table = _table("Conversations (open first)", columns, full)
    for conv in shown:
        last = conv.last_message
        text = f"{last.role}: {last.text}" if last is not None else ""
        row = [
            conv.channel,
            conv.status,
            conv.subject or "",
            " ".join(text.split()),
            _when(conv.last_message_at),
        ]
        table.add_row(*(esc(c) for c in row), *((_when(conv.sla_due_at),) if full else ()))
    out().print(table)
    left = len(conversations) - len(shown)
    return f"{left} conversations" if left else ""


def _print_orders(card: CustomerCard, full: bool) -> str:
    """Print the orders table; return what was left out ("" when nothing)."""

    orders = card.orders if full else card.orders[:_CARD_ROWS]
    if not orders:
        return ""
    table = _table("Orders", ("order", "status", "items", "placed"), full)
    for order in orders:
        items = _items(order.items)
        table.add_row(esc(order.id), esc(order.status or ""), esc(items), _when(order.placed_at))
    out().print(table)
    left = len(card.orders) - len(orders)
    return f"{left} orders" if left else ""


def parse_now(value: str | None) -> datetime | None:
    """An ``--now`` option as a time (None: now).

    Raises:
        InputError: not an ISO 8601 time.
    """
    if value is None:
        return None
    from knowledge.errors import InputError

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
    full: Annotated[
        bool, typer.Option("--all", help="Every conversation, order and fact, with sources and excerpts.")
    ] = False,
    as_json: JsonOpt = False,
    now: Annotated[
        str | None,
        typer.Option("--now", metavar="TIME", help="The situation at this ISO 8601 time (default: now)."),
    ] = None,
) -> None:
    """Show a customer's context card.

    Identities, conversations on every channel, orders, known facts and the situation (orders, refunds,
    appointments, promises kept or overdue, what was tried); compact unless --all.
    """
    from knowledge.history import customer_card, customer_timeline
    from knowledge.history.situation import build_situation

    at = parse_now(now)

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        card = customer_card(rt.sessions, settings.workspace, customer)
        timeline = customer_timeline(rt.sessions, settings.workspace, customer, limit=SITUATION_MESSAGES)
    situation = build_situation(card, timeline, at)
    if as_json:
        data = card.model_dump(mode="json")
        data["situation"] = situation.model_dump(mode="json")
        out().print_json(json.dumps(data, ensure_ascii=False))
    else:
        print_card(card, situation, full=full)


def interactive() -> bool:
    """Whether a person can answer a prompt (stdin and stderr are terminals)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


@handle_errors
def customer_erase(
    customer: CustomerArg,
    workspace: WorkspaceOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a customer and everything stored about them.

    Their rows, history vectors and cached embeddings, and the bytes left on disk.

    Without a terminal to ask on, pass --yes.
    """
    from knowledge.errors import InputError
    from knowledge.history import erase_customer, lookup_customer

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        require_workspace(rt.sessions, settings.workspace)
        if not yes:
            try:
                with rt.sessions() as session:
                    found = lookup_customer(session, settings.workspace, customer)
                    label = f"{found.name or found.external_id} ({found.external_id}, #{found.id})"
            except InputError:
                label = ""
            if label and not interactive():
                raise InputError(
                    f"erasing {label} cannot be undone and there is no terminal to confirm it on: "
                    "pass --yes to erase"
                )
            if label and not typer.confirm(f"Erase {label} and everything stored about them?", err=True):
                err().print("Nothing erased.")
                raise typer.Exit(1)
        report = erase_customer(
            rt.sessions,
            rt.chroma,
            settings.workspace,
            customer,
            embedding_cache=settings.cache_dir / "embeddings.sqlite3",
        )
    if report.nothing_to_erase:
        out().print(
            f"Nothing to erase: no customer {esc(repr(customer))} in workspace {esc(settings.workspace)}."
        )
        return
    rows = ", ".join(f"{n} {table}" for table, n in report.rows.items())
    out().print(f"Erased customer #{report.customer_id} ({esc(', '.join(report.external_ids))}): {rows}.")
    out().print(f"Deleted {report.vectors} history vectors and {report.cache_entries} cached embeddings.")
    if report.compacted:
        out().print(f"Rewrote on disk: {esc(', '.join(report.compacted))}.")
    for note in report.notes:
        err().print(f"[yellow]note[/] {esc(note)}")


@handle_errors
def customer_link(
    session_ref: Annotated[
        str, typer.Argument(help="The unverified session (e.g. wgt:…) whose claims to decide.")
    ],
    to: Annotated[
        str | None, typer.Option("--to", help="The customer to link to, when the claims point at several.")
    ] = None,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the claims instead of linking.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Link an unverified session (a widget visitor who named an e-mail) to the customer it claims to be."""
    from knowledge.history.linking import link_customer, pending_claims

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        pending = pending_claims(rt.sessions, settings.workspace, session_ref)
        for kind, value, owner in pending.claims:
            out().print(f"claims {esc(kind)} {esc(value)!r} -> {esc(owner or 'nobody yet')}")
        if not yes and pending.claims:
            verb = "Reject these claims" if reject else f"Link {pending.session} to {to or 'that customer'}"
            typer.confirm(f"{esc(verb)}?", abort=True, err=True)
        report = link_customer(
            rt.sessions, rt.chroma, rt.embedder, settings.workspace, session_ref, target_ref=to, reject=reject
        )
    if reject:
        out().print(f"Rejected {report.rejected} claims of {esc(report.session)}.")
    else:
        out().print(
            f"Linked {esc(report.session)} to {esc(report.merged_into or '')}: moved "
            f"{report.moved_messages} messages, rewrote {report.vectors_written} history vectors."
        )
