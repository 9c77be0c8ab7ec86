"""Storage of a workspace's own fields (the :mod:`knowledge.fields` contract) in the relational store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.db.models import WorkspaceField
from knowledge.fields import EMPTY_FIELDS, FieldSet, FieldSpec
from knowledge.workspaces import bump_kb_version, get_workspace


@dataclass(frozen=True)
class FieldsImport:
    """What an import changed."""

    added: int
    updated: int
    removed: int

    def summary(self) -> str:
        """One line for people."""
        return f"{self.added} added, {self.updated} updated, {self.removed} removed"


def import_fields(
    session: Session, workspace: str, fields: FieldSet, *, replace: bool = False
) -> FieldsImport:
    """Store ``fields`` for ``workspace``: a field of the same name is updated, others are added.

    Args:
        session: an open session; the caller commits.
        workspace: the workspace's name (created when missing).
        fields: the validated fields.
        replace: remove the workspace's fields that ``fields`` does not name.

    Returns:
        How many fields were added, updated and removed.
    """
    ws = get_workspace(session, workspace)
    assert ws is not None  # created when missing
    rows = {
        r.name: r for r in session.scalars(select(WorkspaceField).where(WorkspaceField.workspace_id == ws.id))
    }
    added = updated = 0
    for spec in fields:
        row = rows.get(spec.name)
        if row is None:
            session.add(
                WorkspaceField(
                    workspace_id=ws.id,
                    name=spec.name,
                    description=spec.description,
                    values=list(spec.values),
                    ask=dict(spec.ask),
                )
            )
            added += 1
        elif (row.description, row.values, row.ask) != (spec.description, spec.values, spec.ask):
            row.description, row.values, row.ask = spec.description, list(spec.values), dict(spec.ask)
            updated += 1
    removed = 0
    if replace:
        gone = [name for name in rows if fields.get(name) is None]
        if gone:
            session.execute(
                delete(WorkspaceField).where(
                    WorkspaceField.workspace_id == ws.id, WorkspaceField.name.in_(gone)
                )
            )
        removed = len(gone)
    if added or updated or removed:
        bump_kb_version(session, ws)  # what a process keeps of the configuration is read again
    session.flush()
    return FieldsImport(added=added, updated=updated, removed=removed)


def workspace_fields(session: Session, workspace: str) -> FieldSet:
    """The fields ``workspace`` declared, in import order; empty when it declared none."""
    ws = get_workspace(session, workspace, create=False)
    if ws is None:
        return EMPTY_FIELDS
    rows = session.scalars(
        select(WorkspaceField).where(WorkspaceField.workspace_id == ws.id).order_by(WorkspaceField.id)
    )
    return FieldSet(
        fields=[FieldSpec(name=r.name, description=r.description, values=r.values, ask=r.ask) for r in rows]
    )
