"""`svar workspace show` and `svar workspace set`: a workspace's language and country (docs/text-layer.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli._common import JsonOpt, WorkspaceOpt, esc, group, handle_errors, out, runtime, settings_for

if TYPE_CHECKING:
    from knowledge.locale import WorkspaceLocale

app = group("A workspace's own settings: its language and country.")


@app.command("set")
@handle_errors
def set_cmd(
    workspace: WorkspaceOpt = None,
    language: Annotated[
        str | None,
        typer.Option("--language", help="nb, nn, sv, da or en: the reply language when nothing decides."),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="ISO 3166 code (NO, SE, DK, ...) for national phone numbers."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Unset both before setting what is given.")] = False,
) -> None:
    """Set the workspace's language and/or country."""
    from knowledge.errors import InputError
    from knowledge.locale import set_workspace_locale
    from knowledge.workspaces import get_workspace

    if language is None and country is None and not clear:
        raise InputError("give --language, --country or --clear")
    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions.begin() as session:
        ws = get_workspace(session, settings.workspace)
        assert ws is not None
        locale = set_workspace_locale(session, ws.id, language=language, country=country, clear=clear)
    out().print(_describe(settings.workspace, locale))


@app.command("show")
@handle_errors
def show_cmd(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show the workspace's language and country."""
    from knowledge.locale import workspace_locale
    from knowledge.workspaces import require_workspace

    settings = settings_for(workspace)
    with runtime(settings) as rt, rt.sessions() as session:
        locale = workspace_locale(session, require_workspace(session, settings.workspace).id)
    if as_json:
        out().print_json(json.dumps({"language": locale.language, "country": locale.country}))
        return
    out().print(_describe(settings.workspace, locale))


def _describe(workspace: str, locale: WorkspaceLocale) -> str:
    return f"Workspace {esc(workspace)!r}: language {locale.language or '-'}, country {locale.country or '-'}"
