"""A workspace's API settings (widget secret, browser origins, daily token budget, opening hours) and its
token usage."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.opening_hours import OpeningHours, parse_opening_hours
from knowledge.db.api_models import TokenUsage, WorkspaceSettings


@dataclass
class TenantSettings:
    """What a workspace configured for the API."""

    widget_secret: str | None = None
    cors_origins: list[str] = field(default_factory=list)
    token_budget_daily: int | None = None
    opening_hours: OpeningHours | None = None  # None: people are always there


def _row(session: Session, workspace_id: int) -> WorkspaceSettings:
    row = session.get(WorkspaceSettings, workspace_id)
    if row is None:
        row = WorkspaceSettings(workspace_id=workspace_id, cors_origins=[], widget_secret=None)
        session.add(row)
        session.flush()
    return row


def tenant_settings(session: Session, workspace_id: int) -> TenantSettings:
    """The workspace's settings (defaults when it set none)."""
    row = session.get(WorkspaceSettings, workspace_id)
    if row is None:
        return TenantSettings()
    hours = parse_opening_hours(row.opening_hours) if row.opening_hours else None
    return TenantSettings(row.widget_secret, list(row.cors_origins or []), row.token_budget_daily, hours)


def update_tenant_settings(
    session: Session,
    workspace_id: int,
    *,
    cors_origins: list[str] | None = None,
    token_budget_daily: int | None = None,
    clear_budget: bool = False,
    opening_hours: dict[str, Any] | None = None,
    clear_opening_hours: bool = False,
) -> TenantSettings:
    """Change the allowed origins, the daily token budget and/or the opening hours; returns the new settings.

    Raises:
        InputError: opening hours that do not parse (:func:`assistant.opening_hours.parse_opening_hours`).
    """
    row = _row(session, workspace_id)
    if opening_hours is not None:
        row.opening_hours = parse_opening_hours(opening_hours).as_dict()
    elif clear_opening_hours:
        row.opening_hours = None
    if cors_origins is not None:
        row.cors_origins = sorted(set(cors_origins))
    if token_budget_daily is not None or clear_budget:
        row.token_budget_daily = token_budget_daily
    return tenant_settings(session, workspace_id)


def rotate_widget_secret(session: Session, workspace_id: int) -> str:
    """A new widget signing secret for the workspace (the old one stops verifying customers)."""
    row = _row(session, workspace_id)
    row.widget_secret = secrets.token_urlsafe(32)
    return row.widget_secret


def origin_allowed_anywhere(session: Session, origin: str) -> bool:
    """Whether any workspace allows ``origin`` (answers a CORS preflight, which carries no key)."""
    for origins in session.scalars(select(WorkspaceSettings.cors_origins)):
        if origin in (origins or []):
            return True
    return False


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def tokens_used_today(session: Session, workspace_id: int) -> int:
    row = session.get(TokenUsage, (workspace_id, _today()))
    return row.tokens if row is not None else 0


def budget_left(session: Session, workspace_id: int) -> int | None:
    """Tokens the workspace may still use today; ``None`` when it has no budget."""
    budget = tenant_settings(session, workspace_id).token_budget_daily
    if budget is None:
        return None
    return max(0, budget - tokens_used_today(session, workspace_id))


def add_tokens(session: Session, workspace_id: int, tokens: int) -> None:
    """Count ``tokens`` against the workspace's day."""
    row = session.get(TokenUsage, (workspace_id, _today()))
    if row is None:
        session.add(TokenUsage(workspace_id=workspace_id, day=_today(), tokens=tokens))
    else:
        row.tokens += tokens
