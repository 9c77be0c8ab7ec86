"""The `svar` command line. Each command builds its resources, runs, and closes them.

Importing this package (and so `svar --help`) loads only typer and the command modules, which import their
heavy libraries (the stores, the embedder, the service, rich) inside the commands that use them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli import (
    bench_cmds,
    eval_cmds,
    fields_cmds,
    history_cmds,
    knowledge_cmds,
    macros_cmds,
    suggest_cmds,
    workspace_cmds,
)
from assistant.cli._common import HelpOpt, group

app = typer.Typer(
    name="svar",
    epilog="Docs: docs/cli.md. Data lives in $SVAR_HOME (default: the platform's user data directory).",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    add_help_option=False,
    context_settings={"help_option_names": ["--help", "-h"]},
)


def _version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import version

    from assistant.cli._common import settings_for

    settings = settings_for()
    typer.echo(f"svar {version('svar')}")
    typer.echo(f"data directory: {settings.home.resolve()}  (SVAR_HOME overrides it)")
    raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    _show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and the data directory."
        ),
    ] = False,
    _show_help: HelpOpt = False,
) -> None:
    """Svar: reply suggestions for customer service, grounded in knowledge and customer history.

    Start with `svar demo`, then try the commands it prints (they act on the workspace 'demo').
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


ingest_app = group("Bring knowledge and customer history in.")
ingest_app.command("knowledge")(knowledge_cmds.ingest_knowledge)
ingest_app.command("history")(history_cmds.ingest_history)
app.add_typer(ingest_app, name="ingest")
customer_app = group("List, look up, link or erase customers.")
customer_app.command("list")(history_cmds.customer_list)
customer_app.command("show")(history_cmds.customer_show)
customer_app.command("erase")(history_cmds.customer_erase)
customer_app.command("link")(history_cmds.customer_link)
app.add_typer(customer_app, name="customer")
app.command("demo")(suggest_cmds.demo)
app.command("suggest")(suggest_cmds.suggest)
app.command("search")(knowledge_cmds.search)
app.command("reindex")(knowledge_cmds.reindex)
knowledge_app = group("Tune how the workspace's knowledge is searched.")
knowledge_app.command("tune-retrieval")(knowledge_cmds.tune_retrieval)
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(eval_cmds.app, name="eval")
app.add_typer(fields_cmds.app, name="fields")
app.command("bench")(bench_cmds.bench)
app.add_typer(macros_cmds.app, name="macros")
app.add_typer(workspace_cmds.app, name="workspace")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8080, "--port", help="Port to listen on.", min=1, max=65535),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (agents, the widget, OpenAI-compatible clients)."""
    from assistant.cli import serve_cmds  # lazy: FastAPI and uvicorn load only for `svar serve`

    serve_cmds.serve(host=host, port=port, log_level=log_level)


keys_app = group("API keys (stored hashed; a new key is shown once).")


@keys_app.command("create")
def keys_create(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace the key belongs to."),
    role: str = typer.Option(..., "--role", help="admin, agent or widget."),
    label: str = typer.Option("", "--label", help="A note: where the key is used."),
) -> None:
    """Create an API key; the key alone is printed on stdout (it is stored hashed)."""
    from assistant.cli import keys_cmds

    keys_cmds.create(workspace=workspace, role=role, label=label)


app.add_typer(keys_app, name="keys")


def main() -> None:
    """Entry point of the `svar` console script."""
    app()
