"""Storage of a workspace's own reply macros and policy in the relational store.

The data is one mapping ``{"policy": {...}, "<lang>": {...}}`` (validated by the assistant layer,
:func:`assistant.drafting.situated.parse_macros`), merged over the shipped macros when a draft is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.db.models import WorkspaceMacros
from knowledge.workspaces import bump_kb_version, get_workspace


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        out[key] = _merge(old, value) if isinstance(value, Mapping) and isinstance(old, Mapping) else value
    return out


def import_macros(
    session: Session, workspace: str, data: Mapping[str, Any], *, replace: bool = False
) -> dict[str, Any]:
    """Store ``data`` as ``workspace``'s macros: merged key by key over what it has, or instead of it.

    Args:
        session: an open session; the caller commits.
        workspace: the workspace's name (created when missing).
        data: validated macros (``{"policy": {...}, "<lang>": {...}}``).
        replace: drop the workspace's earlier macros first.

    Returns:
        The workspace's macros after the import.
    """
    ws = get_workspace(session, workspace)
    assert ws is not None  # created when missing
    row = session.scalars(select(WorkspaceMacros).where(WorkspaceMacros.workspace_id == ws.id)).first()
    if row is None:
        row = WorkspaceMacros(workspace_id=ws.id, data={})
        session.add(row)
    merged = dict(data) if replace else _merge(row.data or {}, data)
    if merged != (row.data or {}):
        bump_kb_version(session, ws)  # what a process keeps of the configuration is read again
    row.data = merged
    session.flush()
    return merged


def workspace_macros(session: Session, workspace: str) -> dict[str, Any]:
    """The macros ``workspace`` imported; empty when it has none."""
    ws = get_workspace(session, workspace, create=False)
    if ws is None:
        return {}
    row = session.scalars(select(WorkspaceMacros).where(WorkspaceMacros.workspace_id == ws.id)).first()
    return dict(row.data) if row is not None and row.data else {}
