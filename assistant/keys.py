"""API keys: created once (printed once), stored as the SHA-256 of a high-entropy secret, checked in
constant time. A key belongs to one workspace and carries one role: admin, agent or widget."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.db.api_models import ApiKey
from knowledge.db.models import Workspace, utcnow
from knowledge.errors import InputError
from knowledge.workspaces import get_workspace

Role = Literal["admin", "agent", "widget"]
ROLES: tuple[str, ...] = ("admin", "agent", "widget")
PREFIX = "svar"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the workspace and role a verified key (or widget session) grants."""

    workspace: str
    workspace_id: int
    role: str
    key_id: str
    customer: str | None = None  # a verified widget customer
    session_id: str | None = None  # a widget session


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once
    key_id: str
    workspace: str
    role: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(sessions: sessionmaker[Session], workspace: str, role: str, label: str = "") -> NewKey:
    """Create a key for ``workspace`` (created when missing) with ``role``.

    Args:
        sessions: session factory of the relational store.
        workspace: workspace name.
        role: admin, agent or widget.
        label: a note for people (where the key is used).

    Returns:
        The key; its secret is not stored and cannot be shown again.

    Raises:
        InputError: an unknown role or an invalid workspace name.
    """
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with sessions.begin() as session:
        ws = get_workspace(session, workspace)
        assert ws is not None
        session.add(
            ApiKey(workspace_id=ws.id, key_id=key_id, secret_hash=_digest(secret), role=role, label=label)
        )
    return NewKey(key=f"{PREFIX}_{key_id}_{secret}", key_id=key_id, workspace=workspace, role=role)


def authenticate(session: Session, raw: str) -> Principal | None:
    """The principal of a presented key, or ``None`` when it is malformed, unknown, revoked or wrong."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    row = session.execute(
        select(ApiKey, Workspace.name)
        .join(Workspace, Workspace.id == ApiKey.workspace_id)
        .where(ApiKey.key_id == parts[1])
    ).first()
    expected = row[0].secret_hash if row is not None else _digest("unknown key")
    ok = hmac.compare_digest(_digest(parts[2]), expected)
    if row is None or not ok or row[0].revoked_at is not None:
        return None
    key, ws_name = row
    return Principal(workspace=ws_name, workspace_id=key.workspace_id, role=key.role, key_id=key.key_id)


def list_keys(session: Session, workspace_id: int) -> list[ApiKey]:
    """The workspace's keys (without secrets), oldest first."""
    return list(
        session.scalars(select(ApiKey).where(ApiKey.workspace_id == workspace_id).order_by(ApiKey.id))
    )


def revoke_key(session: Session, workspace_id: int, key_id: str) -> bool:
    """Revoke one of the workspace's keys; ``False`` when it has no such key."""
    key = session.scalar(select(ApiKey).where(ApiKey.workspace_id == workspace_id, ApiKey.key_id == key_id))
    if key is None:
        return False
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return True
