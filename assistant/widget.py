"""The widget's end customers: sessions bound to a workspace, anonymous or verified, and the handoff.

A customer is verified by the company's server, which signs the customer's id with the workspace's widget
secret: either ``hex(HMAC-SHA256(secret, customer_id))`` or a JWT (HS256) whose ``sub`` is the id and which
carries an ``exp``. Both are checked in constant time. The session token the widget then uses is random,
stored hashed, expires, and names its workspace and customer: nothing in a request body can change them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.types import Turn
from knowledge.db.api_models import WidgetSession
from knowledge.db.history_models import Conversation, Message
from knowledge.db.models import utcnow
from knowledge.errors import InputError

SESSION_TTL = timedelta(hours=12)
SUMMARY_CHARS = 200


class VerificationError(InputError):
    """A customer signature or token that does not verify (the message says why, never the secret)."""


def sign_customer(secret: str, customer_id: str) -> str:
    """The HMAC a company's server computes for ``customer_id`` (hex SHA-256)."""
    return hmac.new(secret.encode("utf-8"), customer_id.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_customer(
    secret: str | None,
    *,
    customer_id: str | None = None,
    signature: str | None = None,
    token: str | None = None,
) -> str | None:
    """The verified customer id, or ``None`` for an anonymous visitor.

    Raises:
        VerificationError: a signature or token was given but does not verify, or the workspace has no
            widget secret.
    """
    if token is None and signature is None:
        if customer_id is not None:
            raise VerificationError("a customer_id needs its signature (HMAC-SHA256 with the widget secret)")
        return None
    if not secret:
        raise VerificationError(
            "this workspace has no widget secret; an admin creates one with POST /v1/workspace/widget-secret"
        )
    if token is not None:
        try:
            claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        except jwt.ExpiredSignatureError:
            raise VerificationError("the customer token has expired; sign a new one") from None
        except jwt.PyJWTError as exc:
            raise VerificationError(f"the customer token does not verify: {exc}") from None
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.strip():
            raise VerificationError("the customer token's 'sub' must be the customer id")
        return sub
    if not customer_id:
        raise VerificationError("a signature needs the customer_id it signs")
    if not hmac.compare_digest(sign_customer(secret, customer_id), (signature or "").lower()):
        raise VerificationError(
            "the signature does not match customer_id (HMAC-SHA256 with the widget secret)"
        )
    return customer_id


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, workspace_id: int, customer: str | None) -> tuple[WidgetSession, str]:
    """A new widget session; returns the row and its token (shown once)."""
    token = "wst_" + secrets.token_urlsafe(32)
    row = WidgetSession(
        id="ws_" + secrets.token_hex(10),
        workspace_id=workspace_id,
        token_hash=_digest(token),
        customer_ref=customer,
        transcript=[],
        expires_at=utcnow() + SESSION_TTL,
    )
    session.add(row)
    session.flush()
    return row, token


def session_for_token(session: Session, token: str) -> WidgetSession | None:
    """The live session a token names, or ``None`` (unknown or expired)."""
    if not token.startswith("wst_"):
        return None
    row = session.scalar(select(WidgetSession).where(WidgetSession.token_hash == _digest(token)))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return row if expires > datetime.now(UTC) else None


def transcript_turns(row: WidgetSession) -> list[Turn]:
    """The session's transcript as turns, oldest first."""
    return [Turn(role=t["role"], text=t["text"], channel="widget", at=t.get("at")) for t in row.transcript]


def append_turns(row: WidgetSession, *turns: tuple[str, str]) -> None:
    """Add (role, text) turns to the transcript."""
    now = utcnow().isoformat()
    row.transcript = [*row.transcript, *({"role": r, "text": t, "at": now} for r, t in turns)]


def summarize(turns: list[Turn], reason: str | None) -> str:
    """A short summary for the agent: what the customer asked first and last, and why they want a person."""
    asked = [t.text for t in turns if t.role == "customer"]
    parts = [f"Widget conversation: {len(asked)} customer message(s)."]
    if asked:
        parts.append(f"First: {_cut(asked[0])}")
    if len(asked) > 1:
        parts.append(f"Latest: {_cut(asked[-1])}")
    if reason:
        parts.append(f"Asked for a person: {_cut(reason)}")
    return " ".join(parts)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def answer_due(handed_off_at: datetime, goal: timedelta) -> datetime:
    """When a person should have answered a handed-over session: its first handover plus the channel's
    answer-time goal (a session handed over again keeps its first due time).

    Args:
        handed_off_at: the session's first handover (now, for one happening now).
        goal: the widget channel's answer-time goal (the API's ``DeskSettings.goal``).

    Returns:
        The due time (UTC).
    """
    start = handed_off_at if handed_off_at.tzinfo else handed_off_at.replace(tzinfo=UTC)
    return start + goal


def handoff_events(
    row: WidgetSession, reason: str | None, name: str | None = None, *, due: datetime | None = None
) -> tuple[str, str, list[dict[str, Any]]]:
    """History events that create or update the agents' conversation for this session.

    Args:
        row: the widget session with its transcript.
        reason: why the customer wants a person (their words), if given.
        name: an anonymous visitor's name, if given.
        due: when a person should have answered (the open conversation's ``sla_due_at``).

    Returns:
        The customer id, the conversation id, and the events (messages of the transcript, then a note with
        the summary).
    """
    customer, conversation, block = _who(row, name)
    turns = transcript_turns(row)
    summary = summarize(turns, reason)
    conv: dict[str, Any] = {
        "id": conversation,
        "channel": "widget",
        "subject": _cut(summary),
        "status": "open",
    }
    if due is not None:
        conv["sla_due_at"] = due.isoformat()
    events = _turn_events(turns, block, conv, 0)
    note = {
        "id": f"{conversation}-handoff-{len(turns)}",
        "role": "note",
        "text": summary,
        "at": utcnow().isoformat(),
    }
    events.append({"customer": block, "conversation": conv, "message": note})
    return customer, conversation, events


def followup_events(row: WidgetSession, since: int) -> list[dict[str, Any]]:
    """History events for the turns a handed-over session added from index ``since`` on, so the agents'
    conversation stays complete while the customer waits (its subject and due time are left as they are).
    """
    _, conversation, block = _who(row, None)
    conv = {"id": conversation, "channel": "widget", "status": "open"}
    return _turn_events(transcript_turns(row)[since:], block, conv, since)


def _who(row: WidgetSession, name: str | None) -> tuple[str, str, dict[str, Any]]:
    customer = row.customer_ref or f"widget-{row.id}"
    # Only a session whose customer the company's server signed speaks for that customer; an anonymous
    # session's events stay its own (an identity it names is a candidate for an agent to confirm).
    block: dict[str, Any] = {"id": customer, "verified": bool(row.customer_ref)}
    if name and not row.customer_ref:
        block["name"] = name
    return customer, f"widget-{row.id}", block


def _turn_events(
    turns: list[Turn], block: dict[str, Any], conv: dict[str, Any], first: int
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for i, t in enumerate(turns, start=first):
        message = {
            "id": f"{conv['id']}-{i}",
            "role": "bot" if t.role in {"bot", "agent"} else t.role,
            "text": t.text,
            "at": t.at or utcnow().isoformat(),
        }
        events.append({"customer": block, "conversation": conv, "message": message})
    return events


def agent_replies(session: Session, row: WidgetSession, after: int, limit: int = 50) -> list[Message]:
    """What agents wrote in this session's handed-over conversation, after message id ``after``.

    Args:
        session: a database session.
        row: the widget session (its workspace and id name the conversation).
        after: the id of the last reply the widget already shows (0 for none).
        limit: at most this many replies.

    Returns:
        The agents' messages, oldest first.
    """
    conv = session.scalar(
        select(Conversation).where(
            Conversation.workspace_id == row.workspace_id, Conversation.external_id == f"widget-{row.id}"
        )
    )
    if conv is None:
        return []
    return list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conv.id, Message.role == "agent", Message.id > after)
            .order_by(Message.id)
            .limit(limit)
        )
    )
