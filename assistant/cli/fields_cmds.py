"""`svar fields import` and `svar fields list`: the details a workspace tracks beside the built-in kinds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    esc,
    group,
    handle_errors,
    out,
    read_yaml_file,
    runtime,
    settings_for,
)

app = group("The fields a workspace tracks (its own vocabulary; docs/fields.md).")


@app.command("import")
@handle_errors
def import_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="YAML file with a 'fields:' list (docs/fields.md).")
    ],
    workspace: WorkspaceOpt = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Remove the workspace's fields the file does not name.")
    ] = False,
) -> None:
    """Import a workspace's fields from YAML; a field of the same name is updated."""
    from knowledge.fields import parse_fields
    from knowledge.workspace_fields import import_fields

    # a bad file exits 2 before anything is opened or written
    data = read_yaml_file(file, "fields", "a 'fields:' list (docs/fields.md)")
    fields = parse_fields(data, source=str(file))
    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions.begin() as session:
        report = import_fields(session, settings.workspace, fields, replace=replace)
    out().print(f"Fields of workspace {esc(settings.workspace)!r}: {esc(report.summary())}")


@app.command("list")
@handle_errors
def list_cmd(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the workspace's fields."""
    from rich.table import Table

    from knowledge.workspace_fields import workspace_fields

    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions() as session:
        fields = workspace_fields(session, settings.workspace)
    if as_json:
        out().print_json(json.dumps(fields.model_dump()))
        return
    if not len(fields):
        out().print(
            f"Workspace {esc(settings.workspace)!r} has no fields; add some with `svar fields import FILE`."
        )
        return
    table = Table(title=f"Fields of {esc(settings.workspace)}")
    for col in ("name", "description", "values", "ask"):
        table.add_column(col)
    for f in fields:
        values = ", ".join(f.values[:8]) + (f" … (+{len(f.values) - 8})" if len(f.values) > 8 else "")
        ask = "; ".join(f"{lang}: {', '.join(words)}" for lang, words in f.ask.items())
        table.add_row(esc(f.name), esc(f.description), esc(values), esc(ask))
    out().print(table)
