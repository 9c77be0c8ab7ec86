"""`svar keys create`: an API key for a workspace and role, printed once on stdout."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli._common import err, esc, handle_errors, runtime, settings_for

ROLES = ("admin", "agent", "widget")  # checked against assistant.keys.ROLES by the tests


@handle_errors
def create(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Workspace the key belongs to.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    label: Annotated[str, typer.Option("--label", help="A note: where the key is used.")] = "",
) -> None:
    """Create an API key; the key alone is printed on stdout (keep it: it is stored hashed)."""
    from assistant.keys import create_key

    settings = settings_for(workspace)
    with runtime(settings) as rt:
        new = create_key(rt.sessions, settings.workspace, role, label)
    typer.echo(new.key)
    err().print(f"created {esc(new.role)} key {esc(new.key_id)} for workspace {esc(new.workspace)!r}")
