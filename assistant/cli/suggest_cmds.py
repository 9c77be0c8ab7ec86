"""`svar suggest` and `svar demo`."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli._common import (
    RichProgress,
    WorkspaceOpt,
    err,
    esc,
    handle_errors,
    out,
    read_text_arg,
    runtime,
    settings_for,
)
from assistant.cli.history_cmds import parse_now
from assistant.demo import DEMO_MESSAGES, DEMO_WORKSPACE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from assistant.runtime import Runtime
    from assistant.service import SuggestResult
    from assistant.settings import Settings
    from assistant.types import KnownFact, Suggestion

DEMO_QUESTIONS = [(m.customer, m.channel, m.text) for m in DEMO_MESSAGES]
#: What to try after the demo (the README lists the same commands).
DEMO_NEXT = [
    'svar suggest -w demo --customer cus_sv_02 --channel chat "Hej, var är mitt paket?"',
    'svar suggest -w demo --answer --channel widget "Hvor lang er angreretten?"',
    'svar search -w demo "angrerett"',
    "svar customer list -w demo",
    "svar customer show -w demo cus_nb_01",
]
CHANNEL_NAMES = "email, chat, phone, sms, facebook, instagram, x, widget"  # assistant.types.CHANNELS


@handle_errors
def suggest(
    message: Annotated[
        str | None,
        typer.Argument(
            metavar="MESSAGE",
            help="The customer's latest message; '-' reads it from stdin.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", metavar="PATH", help="Read the message from a file.")
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option("--customer", "-c", metavar="ID", help="Customer id, e-mail, phone or handle."),
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", metavar="CHANNEL", help=f"One of: {CHANNEL_NAMES}.")
    ] = "chat",
    workspace: WorkspaceOpt = None,
    answer: Annotated[
        bool, typer.Option("--answer", help="Self-service mode: one reply or an honest holding reply.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the suggestions as JSON (see docs/json-output.md).")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            metavar="TIME",
            help="When the message arrived, ISO 8601 (default: now); promises are judged then.",
        ),
    ] = None,
) -> None:
    """Suggest replies to a customer's message.

    The suggestions are grounded in the workspace's knowledge and the customer's history on every channel.
    Give the message as an argument, '-' to read stdin, or --file.
    """
    from assistant.service import build_assistant
    from assistant.types import CHANNELS
    from knowledge.errors import InputError

    text = read_text_arg(message, file)
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    at = parse_now(now)
    settings = settings_for(workspace)
    settings.limits().check_message(text)  # bad input is refused before anything is opened
    with runtime(settings) as rt:
        check_ready(rt, settings.workspace, customer)
        assistant = build_assistant(rt)
        call = assistant.answer if answer else assistant.suggest
        result = call(workspace=settings.workspace, message=text, channel=channel, customer=customer, now=at)
    if as_json:
        out().print_json(result.model_dump_json(exclude={"passages"}))
        return
    print_result(result)


def check_ready(rt: Runtime, workspace: str, customer: str | None) -> None:
    """Refuse a missing workspace or customer with a message that says what to do; warn on no knowledge.

    Raises:
        InputError: no such workspace, or no such customer in it.
    """
    from sqlalchemy import func, select

    from knowledge.db.models import KBDocument
    from knowledge.errors import InputError
    from knowledge.history import lookup_customer
    from knowledge.workspaces import require_workspace as _require

    with rt.sessions() as session:
        ws = _require(session, workspace)
        documents = session.scalar(select(func.count()).where(KBDocument.workspace_id == ws.id)) or 0
        if customer:
            try:
                lookup_customer(session, workspace, customer)
            except InputError as exc:
                raise InputError(
                    f"{exc}. List the customers with `svar customer list -w {workspace}`, import history "
                    f"with `svar ingest history FILE -w {workspace}`, or drop --customer to suggest "
                    "from knowledge alone"
                ) from exc
    if not documents:
        err().print(
            f"[yellow]warning:[/] workspace {esc(workspace)} has no knowledge, so nothing can be cited: "
            f"ingest your help center with `svar ingest knowledge PATH -w {esc(workspace)}`"
        )


def _footer(s: Suggestion) -> str:
    parts = [f"sources: {', '.join(c.id for c in s.citations) or 'none'}", f"confidence {s.confidence:.2f}"]
    if s.used_situation:
        parts.append("situation: " + ", ".join(s.used_situation))
    if s.asks:
        parts.append(f"asks for: {', '.join(s.asks)}")
    if s.abstain:
        parts.append(f"abstains: {s.abstain_reason or 'no reason given'}")
    if s.guard_findings:
        parts.append("guards: " + ", ".join(sorted({f.guard for f in s.guard_findings})))
    return " · ".join(parts)


#: The kinds of fact an agent looks for first on the card, in this order; other kinds follow.
_CARD_ORDER = (
    "order_number",
    "order_status",
    "tracking_number",
    "case_number",
    "product",
    "name",
    "address",
    "email",
    "phone",
)
_LOW_VALUE = ("date", "count", "amount", "time", "duration")


def card_facts(facts: Sequence[KnownFact]) -> list[KnownFact]:
    """The known facts as the context card lists them: order, case, product and contact facts first; a date,
    count or amount read from free text last, and none without a digit ("i dag", "fredag": relative to a
    message the card does not show) or that is zero."""
    kept = [
        f
        for f in facts
        if not (
            f.kind in _LOW_VALUE and (not any(ch.isdigit() for ch in f.value) or not f.value.strip("0 ,.kr"))
        )
    ]
    rank = {kind: n for n, kind in enumerate(_CARD_ORDER)}
    return sorted(kept, key=lambda f: (f.kind in _LOW_VALUE, rank.get(f.kind, len(rank))))


def print_result(result: SuggestResult) -> None:
    """Suggestions as panels (markdown rendered where the channel renders it), each with its sources,
    confidence and any abstain reason on a line of its own, so nothing is cut."""
    from rich.markdown import Markdown
    from rich.panel import Panel

    from assistant.channels import get_style

    console = out()
    who = result.customer_name or result.customer_id or "anonymous"
    console.print(
        f"[dim]customer[/] {esc(who)}  [dim]language[/] {esc(result.language)}  "
        f"[dim]channel[/] {esc(result.channel)}  [dim]drafter[/] {esc(result.drafter)}  "
        f"[dim]{result.latency_ms:.0f} ms[/]"
    )
    facts = card_facts(result.known_facts)
    if facts:
        known = "; ".join(f"{f.kind}: {f.value}" for f in facts[:8])
        extra = f" (+{len(facts) - 8} more)" if len(facts) > 8 else ""
        console.print(f"[dim]already known:[/] {esc(known)}{extra}")
    if result.request_type:
        console.print(f"[dim]request type:[/] {esc(result.request_type)}")
    markdown = get_style(result.channel).markdown
    for i, s in enumerate(result.suggestions, start=1):
        body = Markdown(s.text) if markdown else esc(s.text)
        console.print(Panel(body, title=f"{i}. {esc(s.kind)}", title_align="left", expand=False))
        console.print(f"[dim]{esc(_footer(s))}[/]")


def _counts(summary: dict[str, int] | dict[str, int | float]) -> str:
    return ", ".join(
        f"{n:g} {key.replace('_', ' ')}" if isinstance(n, float) else f"{n} {key.replace('_', ' ')}"
        for key, n in summary.items()
        if n
    )


@handle_errors
def demo(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", metavar="DIR", help="Data directory (default: $SVAR_HOME or the user data dir)."
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.", min=1, max=65535)] = 8000,
    terminal: Annotated[
        bool, typer.Option("--terminal", help="Print drafts for five sample questions instead of serving.")
    ] = False,
) -> None:
    """Load the sample company and serve the agent desk and a demo shop with the widget, offline.

    The help center and twelve customers' histories go into the workspace 'demo' (use -w demo afterwards).
    Five customers write in again, and the desk shows them; Ctrl+C stops the server. With --terminal,
    drafts for the same five questions are printed instead.
    """
    from assistant.demo import load_demo

    settings = settings_for(DEMO_WORKSPACE, home)
    console = out()
    sock = None if terminal else _listen(host, port)  # a port in use is a clear error before any work
    with runtime(settings) as rt:
        console.rule("[bold]Svar demo: Nordlys Elektronikk")
        console.print(
            f"Data directory: {esc(settings.home.resolve())}  (set SVAR_HOME to change it)", soft_wrap=True
        )
        report, history = load_demo(rt, DEMO_WORKSPACE, RichProgress())
        console.print(f"Help center: {_counts(report.summary()) or 'nothing to do'}")
        console.print(f"Customer history: {_counts(history.summary())}")
        if sock is None:
            _terminal_drafts(rt)
        else:
            keys = _open_desk(rt)
    if sock is None:
        console.print()
        console.rule("Try it yourself (the demo lives in the workspace 'demo': keep -w demo)")
        prefix = f"SVAR_HOME={home} " if home else ""  # the data is where --home put it
        for command in DEMO_NEXT:
            console.print(f"  {esc(prefix + command)}", soft_wrap=True)
        return
    _serve_demo(settings, keys, sock, host)


def _terminal_drafts(rt: Runtime) -> None:
    from assistant.service import build_assistant
    from knowledge.history import customer_timeline

    console = out()
    assistant = build_assistant(rt)
    for customer, channel, question in DEMO_QUESTIONS:
        console.print()
        console.rule(f"{customer} on {channel}")
        console.print(f"[bold]Customer:[/] {esc(question)}")
        # the demo data is a snapshot: each question arrives an hour after the customer's last event
        timeline = customer_timeline(rt.sessions, DEMO_WORKSPACE, customer)
        now = timeline[-1].at + timedelta(hours=1) if timeline else None
        result = assistant.suggest(
            workspace=DEMO_WORKSPACE, message=question, channel=channel, customer=customer, now=now
        )
        print_result(result)


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise typer.Exit(_port_error(host, port, exc)) from None
    return sock


def _port_error(host: str, port: int, exc: OSError) -> int:
    err().print(
        f"[red]error:[/] cannot listen on {esc(host)}:{port} ({esc(exc.strerror or exc)}); "
        f"is another server using it? Pick another port: svar demo --port {port + 1}"
    )
    return 2


def _open_desk(rt: Runtime) -> dict[str, str]:
    from datetime import UTC, datetime

    from assistant.demo import open_demo_queue
    from assistant.keys import create_key

    open_demo_queue(rt, datetime.now(UTC), DEMO_WORKSPACE)
    return {
        "agent_key": create_key(rt.sessions, DEMO_WORKSPACE, "agent", "desk (svar demo)").key,
        "widget_key": create_key(rt.sessions, DEMO_WORKSPACE, "widget", "demo shop (svar demo)").key,
    }


def _serve_demo(settings: Settings, keys: dict[str, str], sock: socket.socket, host: str) -> None:
    import uvicorn

    from api import create_app

    port = sock.getsockname()[1]
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    app = create_app(settings)
    app.state.demo = keys
    console = out()
    console.print()
    console.rule("The desk and the shop (Ctrl+C stops)")
    console.print(f"Agent desk: {base}/desk#key={keys['agent_key']}", soft_wrap=True)
    console.print(f"Demo shop with the widget: {base}/demo/shop", soft_wrap=True)
    console.print("[dim]The link carries an agent key of the workspace 'demo'; keep it to yourself.[/]")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", workers=1))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
