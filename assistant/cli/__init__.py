"""The `svar` command line. Each command builds its resources, runs, and closes them."""

from __future__ import annotations

import typer

from assistant.cli import eval_cmds, fields_cmds, history_cmds, knowledge_cmds, suggest_cmds

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
app.add_typer(fields_cmds.app, name="fields")


def main() -> None:
    """Entry point of the `svar` console script."""
    app()
