"""The agent desk's queue: open conversations that wait for a person's answer, most urgent first.

A conversation waits when it is open and, after the last message of an agent, the customer wrote (or, on the
widget, asked for a person: the handoff leaves a note with the summary). It has waited since the first such
message; its answer is due at the conversation's own ``sla_due_at`` when the history gives one, else at the
channel's answer-time goal (a ``due(channel, since)`` function passed in; the API's ``DeskSettings.due``).
The desk answers the latest customer message; the suggestion is made as of when it arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.feedback import NotFound
from knowledge.db.history_models import Conversation, Customer, Message
from knowledge.workspaces import get_workspace

DueFn = Callable[[str, datetime], datetime]
PREVIEW_CHARS = 160


@dataclass
class Waiting:
    """An open conversation waiting for an answer."""

    conversation: str  # the conversation's id (as in the history events)
    channel: str
    subject: str | None
    customer: str  # the customer's id (as in the history events)
    customer_name: str | None
    waiting_since: datetime
    due_at: datetime
    preview: str  # the latest customer message (or the handoff summary), shortened
    handoff: bool  # the widget handed the customer over to a person
    summary: str | None  # the handoff's summary
    answer_to: str | None  # the text of the latest customer message: what the reply answers
    answer_to_at: datetime | None
    waiting_messages: int

    def seconds_left(self, now: datetime) -> int:
        """Seconds until the answer is due (negative: overdue)."""
        return int((self.due_at - now).total_seconds())


@dataclass
class DeskConversation:
    """One conversation of the workspace, with whether (and since when) it waits."""

    conversation: str
    channel: str
    subject: str | None
    status: str
    customer: str
    customer_name: str | None
    customer_verified: bool
    waiting: Waiting | None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _waiting(
    conv: Conversation, customer: Customer, messages: Sequence[Message], due: DueFn
) -> Waiting | None:
    last_agent = max((i for i, m in enumerate(messages) if m.role == "agent"), default=-1)
    after = messages[last_agent + 1 :]
    asked = [m for m in after if m.role == "customer"]
    notes = [m for m in after if m.role == "note"] if conv.channel == "widget" else []
    if not asked and not notes:
        return None
    handoff = bool(notes)
    since = notes[-1].at if handoff else asked[0].at
    latest = asked[-1] if asked else None
    summary = notes[-1].text if notes else None
    return Waiting(
        conversation=conv.external_id,
        channel=conv.channel,
        subject=conv.subject,
        customer=customer.external_id,
        customer_name=customer.name,
        waiting_since=since,
        due_at=conv.sla_due_at or due(conv.channel, since),
        preview=_shorten(latest.text if latest else summary or ""),
        handoff=handoff,
        summary=summary,
        answer_to=latest.text if latest else None,
        answer_to_at=latest.at if latest else None,
        waiting_messages=len(asked),
    )


def _messages(session: Session, conversation_ids: Sequence[int]) -> dict[int, list[Message]]:
    by_conv: dict[int, list[Message]] = {i: [] for i in conversation_ids}
    if conversation_ids:
        query = (
            select(Message)
            .where(Message.conversation_id.in_(conversation_ids))
            .order_by(Message.at, Message.id)
        )
        for m in session.scalars(query):
            by_conv[m.conversation_id].append(m)
    return by_conv


def waiting_queue(
    sessions: sessionmaker[Session], workspace: str, due: DueFn, *, limit: int = 200
) -> list[Waiting]:
    """The open conversations of ``workspace`` that wait for an answer, most urgent (earliest due) first.

    Args:
        sessions: session factory of the relational store.
        workspace: workspace name (a missing workspace has an empty queue).
        due: when an answer is due, from the channel and the time the customer started waiting.
        limit: look at most at this many open conversations (the most recently active ones).

    Returns:
        The waiting conversations, earliest due first.
    """
    with sessions() as session:
        ws = get_workspace(session, workspace, create=False)
        if ws is None:
            return []
        rows = session.execute(
            select(Conversation, Customer)
            .join(Customer, Conversation.customer_id == Customer.id)
            .where(Conversation.workspace_id == ws.id, Conversation.status == "open")
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
            .limit(limit)
        ).all()
        messages = _messages(session, [conv.id for conv, _ in rows])
        queue = [_waiting(conv, customer, messages[conv.id], due) for conv, customer in rows]
    return sorted((w for w in queue if w is not None), key=lambda w: (w.due_at, w.conversation))


def desk_conversation(
    sessions: sessionmaker[Session], workspace: str, conversation: str, due: DueFn
) -> DeskConversation:
    """One conversation of ``workspace`` by its id, with whether it waits for an answer.

    Raises:
        NotFound: no such conversation in this workspace.
    """
    with sessions() as session:
        ws = get_workspace(session, workspace, create=False)
        row = None
        if ws is not None:
            row = session.execute(
                select(Conversation, Customer)
                .join(Customer, Conversation.customer_id == Customer.id)
                .where(Conversation.workspace_id == ws.id, Conversation.external_id == conversation)
            ).first()
        if row is None:
            raise NotFound(f"no conversation {conversation!r}")
        conv, customer = row
        waiting = _waiting(conv, customer, _messages(session, [conv.id])[conv.id], due)
        return DeskConversation(
            conversation=conv.external_id,
            channel=conv.channel,
            subject=conv.subject,
            status=conv.status,
            customer=customer.external_id,
            customer_name=customer.name,
            customer_verified=customer.verified,
            waiting=waiting if conv.status == "open" else None,
        )


def suggestion_time(waiting: Waiting | None, now: datetime) -> datetime:
    """The time a suggestion is made "as of": just before the customer's latest message arrived, so the
    history the service reads does not hold that message twice (it is the message being answered)."""
    if waiting is None or waiting.answer_to_at is None:
        return now
    return waiting.answer_to_at - timedelta(microseconds=1)
