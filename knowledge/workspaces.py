"""Workspaces (tenants) and their vector collections, addressed by stored id."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from knowledge.db.models import VectorCollection, Workspace, utcnow
from knowledge.errors import InputError
from knowledge.vectorstore import (
    VectorIndex,
    create_collection,
    get_or_create_collection,
    open_collection,
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


def validate_workspace_name(name: str) -> str:
    """Return ``name`` if it is a valid workspace name, else raise :class:`InputError`."""
    if not _NAME.match(name):
        raise InputError(
            f"invalid workspace name {name!r}: use 1-50 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


def get_workspace(session: Session, name: str, *, create: bool = True) -> Workspace | None:
    """The workspace row called ``name``; created when missing and ``create`` is true."""
    validate_workspace_name(name)
    ws = session.scalar(select(Workspace).where(Workspace.name == name))
    if ws is None and create:
        ws = create_workspace(session, name)
    return ws


def workspace_names(session: Session) -> list[str]:
    """The names of every workspace, sorted."""
    return sorted(session.scalars(select(Workspace.name)))


def require_workspace(session: Session, name: str) -> Workspace:
    """The workspace row called ``name``; a reading command never creates one.

    Raises:
        InputError: the name is invalid, or no such workspace exists (the message lists the existing ones,
            so a mistyped name is caught instead of silently creating an empty workspace).
    """
    ws = get_workspace(session, name, create=False)
    if ws is not None:
        return ws
    names = workspace_names(session)
    if not names:
        raise InputError(
            f"no workspace {name!r}: nothing has been ingested yet. Run `svar demo`, or "
            "`svar ingest knowledge PATH` to create it"
        )
    hint = f"pass -w {names[0]}" if len(names) == 1 else "pass -w NAME"
    raise InputError(
        f"no workspace {name!r}; existing workspaces: {', '.join(names)} ({hint}, "
        f"or create {name!r} with `svar ingest knowledge PATH -w {name}`)"
    )


def create_workspace(session: Session, name: str) -> Workspace:
    """The workspace ``name``, inserted unless another process got there first (``ON CONFLICT``)."""
    values = {"name": name, "kb_version": 0, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    if dialect in {"sqlite", "postgresql"}:
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        session.execute(insert(Workspace).values(**values).on_conflict_do_nothing(index_elements=["name"]))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        session.add(Workspace(**values))
    session.flush()
    ws = session.scalar(select(Workspace).where(Workspace.name == name))
    assert ws is not None
    return ws


def bump_kb_version(session: Session, ws: Workspace | int) -> None:
    """Add one to the workspace's knowledge version in the database itself (no lost update).

    The version changes with the knowledge and with the workspace's own configuration (fields, macros,
    language): what a process keeps per workspace (the search index, the link allowlist, the service's
    configuration and sections) is read again when it changes, whichever process changed it.
    """
    session.execute(
        update(Workspace)
        .where(Workspace.id == (ws if isinstance(ws, int) else ws.id))
        .values(kb_version=Workspace.kb_version + 1)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(ws, int):
        session.expire(ws, ["kb_version"])


def vector_index(session: Session, client: Any, ws: Workspace, kind: str, embedder: str) -> VectorIndex:
    """Open the workspace's ``kind`` collection by its stored id, creating it on first use."""
    rec = session.scalar(
        select(VectorCollection).where(VectorCollection.workspace_id == ws.id, VectorCollection.kind == kind)
    )
    if rec is None:
        index = get_or_create_collection(client, workspace=ws.name, kind=kind, embedder=embedder)
        session.add(
            VectorCollection(
                workspace_id=ws.id, kind=kind, name=index.name, chroma_id=index.id, embedder=embedder
            )
        )
        session.flush()
        return index
    return open_collection(client, workspace=ws.name, kind=kind, expected_id=rec.chroma_id, embedder=embedder)


def recreate_vector_index(
    session: Session, client: Any, ws: Workspace, kind: str, embedder: str
) -> VectorIndex:
    """Drop and create the workspace's ``kind`` collection (for ``svar reindex``)."""
    index = create_collection(client, workspace=ws.name, kind=kind, embedder=embedder)
    rec = session.scalar(
        select(VectorCollection).where(VectorCollection.workspace_id == ws.id, VectorCollection.kind == kind)
    )
    if rec is None:
        session.add(
            VectorCollection(
                workspace_id=ws.id, kind=kind, name=index.name, chroma_id=index.id, embedder=embedder
            )
        )
    else:
        rec.name, rec.chroma_id, rec.embedder = index.name, index.id, embedder
    session.flush()
    return index
