"""Suggestions that were returned are logged with an id; feedback (shown, inserted, edited with the final
text, sent, dismissed, a customer's rating) points at one of them, always within its workspace."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.types import Suggestion
from knowledge.db.api_models import Feedback, SuggestionLog
from knowledge.errors import InputError

Action = Literal["shown", "inserted", "edited", "sent", "dismissed", "rated"]
ACTIONS: tuple[str, ...] = ("shown", "inserted", "edited", "sent", "dismissed", "rated")


class NotFound(InputError):
    """Nothing with that id in the caller's scope (unknown and foreign ids are the same to the caller)."""


def log_suggestions(
    session: Session,
    workspace_id: int,
    suggestions: Sequence[Suggestion],
    *,
    mode: str,
    customer: str | None = None,
    session_id: str | None = None,
) -> list[str]:
    """Store the returned suggestions, each with the ids of the sources it cited; returns their ids."""
    ids = []
    for s in suggestions:
        sid = "sug_" + secrets.token_hex(12)
        session.add(
            SuggestionLog(
                id=sid,
                workspace_id=workspace_id,
                customer_ref=customer,
                session_id=session_id,
                mode=mode,
                channel=s.channel,
                language=s.language,
                kind=s.kind,
                text=s.text,
                abstain=s.abstain,
                cited=list(dict.fromkeys(c.id for c in s.citations)),
            )
        )
        ids.append(sid)
    session.flush()
    return ids


def record_feedback(
    session: Session,
    workspace_id: int,
    suggestion_id: str,
    action: str,
    *,
    final_text: str | None = None,
    reason: str | None = None,
    rating: int | None = None,
    session_scope: str | None = None,
) -> Feedback:
    """Store what happened to a suggestion.

    Args:
        session: an open session (the caller commits).
        workspace_id: the caller's workspace; a suggestion of another workspace is not found.
        suggestion_id: the id the suggestion was returned with.
        action: shown, inserted, edited, sent, dismissed or rated.
        final_text: the text that was sent after editing (required for ``edited``).
        reason: why (for ``dismissed``, optional).
        rating: 1-5 (required for ``rated``).
        session_scope: a widget session id; only that session's answers can be rated.

    Raises:
        NotFound: no such suggestion in this scope.
        InputError: the action misses what it needs.
    """
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if action == "edited" and not (final_text or "").strip():
        raise InputError("an 'edited' feedback needs final_text: the text that was sent")
    if action == "rated" and rating is None:
        raise InputError("a 'rated' feedback needs a rating from 1 to 5")
    query = select(SuggestionLog).where(
        SuggestionLog.id == suggestion_id, SuggestionLog.workspace_id == workspace_id
    )
    if session_scope is not None:
        query = query.where(SuggestionLog.session_id == session_scope)
    if session.scalar(query) is None:
        raise NotFound(f"no suggestion {suggestion_id!r}")
    row = Feedback(
        workspace_id=workspace_id,
        suggestion_id=suggestion_id,
        action=action,
        final_text=final_text,
        reason=reason,
        rating=rating,
    )
    session.add(row)
    session.flush()
    return row
