"""`svar macros import` and `svar macros show`: a workspace's own reply macros and policy."""

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

app = group("A workspace's own reply macros per request type and language (docs/situation.md).")


@app.command("import")
@handle_errors
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="YAML file: languages (nb, nn, sv, da, en) and 'policy'."),
    ],
    workspace: WorkspaceOpt = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Drop the workspace's earlier macros instead of merging.")
    ] = False,
) -> None:
    """Import a workspace's reply macros from YAML; keys are merged over what the workspace has."""
    from assistant.drafting.situated import parse_macros
    from knowledge.workspace_macros import import_macros

    # a bad file exits 2 before anything is opened or written
    raw = read_yaml_file(file, "macros", "languages (nb, nn, sv, da, en) and 'policy' (docs/situation.md)")
    data = parse_macros(raw, source=str(file))
    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions.begin() as session:
        merged = import_macros(session, settings.workspace, data, replace=replace)
    replies = sum(len(v.get("replies") or {}) for k, v in merged.items() if k != "policy")
    langs = sorted(k for k in merged if k != "policy")
    out().print(
        f"Macros of workspace {esc(settings.workspace)!r}: languages {', '.join(langs) or 'none'}, "
        f"{replies} reply template(s), policy {esc(json.dumps(merged.get('policy') or {}))}"
    )


@app.command("show")
@handle_errors
def show_cmd(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show the workspace's own macros (the shipped ones apply where it has none)."""
    import yaml

    from knowledge.workspace_macros import workspace_macros

    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions() as session:
        data = workspace_macros(session, settings.workspace)
    if as_json:
        out().print_json(json.dumps(data, ensure_ascii=False))
        return
    if not data:
        out().print(
            f"Workspace {esc(settings.workspace)!r} has no macros of its own; "
            "add some with `svar macros import FILE`."
        )
        return
    out().print(esc(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
