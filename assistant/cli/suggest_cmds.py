"""`svar suggest` and `svar demo`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from assistant.cli._common import RichProgress, console, handle_errors, runtime, settings_for
from assistant.cli.history_cmds import parse_now
from assistant.service import SuggestResult, build_assistant
from assistant.types import CHANNELS
from knowledge.errors import InputError
from knowledge.history import HistoryImporter, customer_timeline

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo_data"
DEMO_WORKSPACE = "demo"
DEMO_QUESTIONS = [
    ("cus_nb_01", "chat", "Hei igjen, ruteren blinker fortsatt oransje. Hva gjør jeg nå?"),
    ("cus_sv_01", "email", "Hej! Hur lång tid tar det innan jag får den nya tv:n?"),
    ("cus_da_02", "instagram", "Hej, hvornår får jeg min erstatningspakke?"),
    ("cus_nn_01", "sms", "Kor lang tid tek det å få pengane tilbake?"),
    ("cus_en_02", "chat", "Hi, how long does a refund take after cancelling an order?"),
]


@handle_errors
def suggest(
    message: Annotated[str, typer.Argument(help="The customer's latest message.")],
    customer: Annotated[
        str | None, typer.Option("--customer", help="Customer id, e-mail, phone or handle.")
    ] = None,
    channel: Annotated[str, typer.Option("--channel", help=f"One of: {', '.join(CHANNELS)}.")] = "chat",
    workspace: Annotated[str | None, typer.Option("--workspace", "-w")] = None,
    answer: Annotated[
        bool, typer.Option("--answer", help="Self-service mode: one reply or an abstain.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the suggestions as JSON.")] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now", help="When the message arrived, ISO 8601 (default: now); promises are judged then."
        ),
    ] = None,
) -> None:
    """Suggest replies to a customer's message, grounded in knowledge and their history."""
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    at = parse_now(now)
    settings = settings_for(workspace)
    with runtime(settings) as rt:
        assistant = build_assistant(rt)
        if answer:
            result = assistant.answer(
                workspace=settings.workspace, message=message, channel=channel, customer=customer, now=at
            )
        else:
            result = assistant.suggest(
                workspace=settings.workspace, message=message, channel=channel, customer=customer, now=at
            )
    if as_json:
        console.print_json(result.model_dump_json(exclude={"passages"}))
        return
    print_result(result)


def print_result(result: SuggestResult) -> None:
    """Suggestions as panels, with their sources and the facts they used."""
    who = result.customer_name or result.customer_id or "anonymous"
    console.print(
        f"[dim]customer[/] {escape(who)}  [dim]language[/] {result.language}  "
        f"[dim]channel[/] {result.channel}  [dim]drafter[/] {result.drafter}  "
        f"[dim]{result.latency_ms:.0f} ms[/]"
    )
    if result.known_facts:
        known = ", ".join(f"{f.kind}: {f.value}" for f in result.known_facts[:8])
        console.print(f"[dim]already known:[/] {escape(known)}")
    console.print(f"[dim]request type:[/] {result.request_type}")
    for i, s in enumerate(result.suggestions, start=1):
        sources = ", ".join(c.id for c in s.citations) or "none"
        footer = f"sources: {sources} · confidence {s.confidence:.2f}"
        if s.used_situation:
            footer += " · situation: " + ", ".join(s.used_situation)
        if s.abstain:
            footer += f" · abstains: {s.abstain_reason or ''}"
        if s.guard_findings:
            footer += " · guards: " + "; ".join(sorted({f.guard for f in s.guard_findings}))
        console.print(Panel(escape(s.text), title=f"{i}. {s.kind}", subtitle=escape(footer), expand=False))


@handle_errors
def demo(
    home: Annotated[Path | None, typer.Option("--home", help="Data directory (default: $SVAR_HOME).")] = None,
) -> None:
    """Load the sample company (help center and customer histories) and answer sample questions, offline."""
    settings = settings_for(DEMO_WORKSPACE, home)
    with runtime(settings) as rt:
        console.rule("[bold]Svar demo: Nordlys Elektronikk")
        report = rt.indexer.ingest(DEMO_DATA / "knowledge", DEMO_WORKSPACE, RichProgress())
        console.print(f"Help center: {report.summary()}")
        history = HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(
            DEMO_DATA / "history.jsonl", DEMO_WORKSPACE, RichProgress()
        )
        console.print(f"Customer history: {history.summary()}")
        assistant = build_assistant(rt)
        for customer, channel, question in DEMO_QUESTIONS:
            console.rule(f"{customer} on {channel}")
            console.print(f"[bold]Customer:[/] {escape(question)}")
            # the demo data is a snapshot: each question arrives an hour after the customer's last event
            timeline = customer_timeline(rt.sessions, DEMO_WORKSPACE, customer)
            now = timeline[-1].at + timedelta(hours=1) if timeline else None
            result = assistant.suggest(
                workspace=DEMO_WORKSPACE, message=question, channel=channel, customer=customer, now=now
            )
            print_result(result)
        table = Table(title="Try it yourself", show_header=False)
        table.add_row(f'svar suggest -w {DEMO_WORKSPACE} --customer cus_sv_02 --channel chat "..."')
        table.add_row(f"svar customer show -w {DEMO_WORKSPACE} cus_nb_01")
        table.add_row(f'svar search -w {DEMO_WORKSPACE} "angrerett"')
        console.print(table)
