"""`svar fields import` and `svar fields list`: the details a workspace tracks beside the built-in kinds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli._common import console, handle_errors, runtime, settings_for
from knowledge.fields import load_fields
from knowledge.workspace_fields import import_fields, workspace_fields

app = typer.Typer(help="The fields a workspace tracks (its own vocabulary).", no_args_is_help=True)

WorkspaceOpt = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace (default: 'default').")
]


@app.command("import")
@handle_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="YAML file with a 'fields:' list (see docs).")],
    workspace: WorkspaceOpt = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Remove the workspace's fields the file does not name.")
    ] = False,
) -> None:
    """Import a workspace's fields from YAML; a field of the same name is updated."""
    fields = load_fields(file)  # a bad file exits 2 before anything is opened or written
    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions.begin() as session:
        report = import_fields(session, settings.workspace, fields, replace=replace)
    console.print(f"Fields of workspace {settings.workspace!r}: {report.summary()}")


@app.command("list")
@handle_errors
def list_cmd(
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the fields as JSON.")] = False,
) -> None:
    """List the workspace's fields."""
    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions() as session:
        fields = workspace_fields(session, settings.workspace)
    if as_json:
        console.print_json(json.dumps(fields.model_dump()))
        return
    if not len(fields):
        console.print(
            f"Workspace {settings.workspace!r} has no fields; add some with `svar fields import FILE`."
        )
        return
    table = Table(title=f"Fields of {settings.workspace}")
    for col in ("name", "description", "values", "ask"):
        table.add_column(col)
    for f in fields:
        values = ", ".join(f.values[:8]) + (f" … (+{len(f.values) - 8})" if len(f.values) > 8 else "")
        ask = "; ".join(f"{lang}: {', '.join(words)}" for lang, words in f.ask.items())
        table.add_row(escape(f.name), escape(f.description), escape(values), escape(ask))
    console.print(table)
