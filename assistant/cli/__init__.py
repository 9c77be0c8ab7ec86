"""The `svar` command line. Each command builds its resources, runs, and closes them."""

from __future__ import annotations

import typer

from assistant.cli import eval_cmds, history_cmds, knowledge_cmds, suggest_cmds

app = typer.Typer(
    name="svar",
    help="Svar: reply suggestions for customer service, grounded in knowledge and customer history.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(help="Bring knowledge and customer history in.", no_args_is_help=True)
ingest_app.command("knowledge")(knowledge_cmds.ingest_knowledge)
ingest_app.command("history")(history_cmds.ingest_history)
app.add_typer(ingest_app, name="ingest")
customer_app = typer.Typer(help="Look up or erase a customer.", no_args_is_help=True)
customer_app.command("show")(history_cmds.customer_show)
customer_app.command("erase")(history_cmds.customer_erase)
app.add_typer(customer_app, name="customer")
app.command("suggest")(suggest_cmds.suggest)
app.command("demo")(suggest_cmds.demo)
app.command("search")(knowledge_cmds.search)
app.command("reindex")(knowledge_cmds.reindex)
app.add_typer(eval_cmds.app, name="eval")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8080, "--port", help="Port to listen on.", min=1, max=65535),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (agents, the widget, OpenAI-compatible clients)."""
    from assistant.cli import serve_cmds  # lazy: FastAPI and uvicorn load only for `svar serve`

    serve_cmds.serve(host=host, port=port, log_level=log_level)


keys_app = typer.Typer(help="API keys (stored hashed; a new key is shown once).", no_args_is_help=True)


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
