"""The agent desk: its page (``/desk``, static files under ``/desk/static``) and the JSON it reads
(``/v1/desk``): the queue of waiting conversations, one conversation with the customer's timeline, card
and situation, suggestions for it, and sending the reply.

The page carries no key: its script reads the agent key from the URL fragment (``/desk#key=...``) into
sessionStorage and sends it as ``Authorization: Bearer``. It is served with a strict Content-Security-Policy
(only this origin's scripts and styles, nothing inline).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from api import calls
from api.config import DeskSettings
from api.deps import AgentDep, AssistantDep, DeskDep, IngestLockDep, LimitsDep, MetricsDep, RuntimeDep
from api.errors import ApiError
from api.schemas import ROUTE_ERRORS, SuggestionOut, errors, suggestion_out
from assistant.desk import DeskConversation, Waiting, desk_conversation, suggestion_time, waiting_queue
from assistant.feedback import NotFound, record_feedback
from assistant.knowledge_ops import append_events
from assistant.types import Suggestion
from knowledge.db.api_models import SuggestionLog
from knowledge.db.models import utcnow
from knowledge.history import CustomerCard, customer_card, customer_timeline
from knowledge.history.card import MessageOut
from knowledge.history.situation import Situation, build_situation, describe_situation

WEB = Path(__file__).resolve().parents[1] / "web" / "desk"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
TIMELINE_MESSAGES = 200

router = APIRouter(prefix="/v1/desk", tags=["desk"], responses=ROUTE_ERRORS)
page = APIRouter(include_in_schema=False)


def static_files() -> StaticFiles:
    """The desk's script, style sheet and icons (mounted at ``/desk/static``)."""
    return StaticFiles(directory=WEB)


@page.get("/desk", response_class=HTMLResponse)
def desk_page() -> HTMLResponse:
    """The agent desk (the page; its data comes from /v1/desk with the agent key)."""
    return HTMLResponse((WEB / "desk.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)


# ---- schemas -----------------------------------------------------------------------------------------


class WaitingOut(BaseModel):
    conversation: str
    channel: str
    subject: str | None
    customer: str
    customer_name: str | None
    waiting_since: datetime
    due_at: datetime
    seconds_left: int = Field(description="Until the answer is due; negative: overdue by that much.")
    preview: str
    handoff: bool = Field(description="The widget handed the customer over to a person.")
    waiting_messages: int


class GoalOut(BaseModel):
    channel: str
    goal: str = Field(examples=["60 min", "same day"])


class InboxOut(BaseModel):
    now: datetime
    waiting: list[WaitingOut] = Field(description="Most urgent (earliest due) first.")
    goals: list[GoalOut]


class ConversationOut(BaseModel):
    conversation: str
    channel: str
    subject: str | None
    status: str
    customer: str
    customer_name: str | None
    waiting: WaitingOut | None = Field(description="Null when nobody waits for an answer.")
    summary: str | None = Field(description="The widget's handoff summary.")
    answer_to: str | None = Field(description="The customer's latest message: what the reply answers.")
    timeline: list[MessageOut] = Field(description="Every channel, oldest first.")
    card: CustomerCard
    situation: Situation
    situation_lines: list[str]


class ChangeOut(BaseModel):
    guard: str
    message: str = Field(description="What the guard found, and why it changed the draft.")
    span: str | None = None
    fixed: bool


class DeskSuggestionOut(SuggestionOut):
    changes: list[ChangeOut] = Field(
        description="What the guards changed or flagged (a question for something known, removed)."
    )


class DeskSuggestionsOut(BaseModel):
    conversation: str
    suggestions: list[DeskSuggestionOut]
    language: str
    drafter: str
    as_of: datetime = Field(description="The time the suggestion was made as of: the message's arrival.")


class ReplyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Hei Kari! Den nye ruteren er på vei."}]},
    )

    text: str = Field(min_length=1, pattern=r"\S", description="The reply the agent sends.")
    suggestion_id: str | None = Field(
        default=None, max_length=40, description="The suggestion it started from; recorded as 'sent'."
    )


class ReplyOut(BaseModel):
    conversation: str
    message: MessageOut
    feedback_id: int | None
    waiting: bool = Field(description="Whether the conversation still waits for an answer.")


# ---- routes ------------------------------------------------------------------------------------------


def _waiting_out(w: Waiting, now: datetime) -> WaitingOut:
    return WaitingOut(
        conversation=w.conversation,
        channel=w.channel,
        subject=w.subject,
        customer=w.customer,
        customer_name=w.customer_name,
        waiting_since=w.waiting_since,
        due_at=w.due_at,
        seconds_left=w.seconds_left(now),
        preview=w.preview,
        handoff=w.handoff,
        waiting_messages=w.waiting_messages,
    )


def _goals(desk: DeskSettings) -> list[GoalOut]:
    def minutes(n: int | None) -> str:
        return "same day" if n is None else f"{n} min"

    return [
        GoalOut(channel="facebook, instagram, x", goal=minutes(desk.social_minutes)),
        GoalOut(channel="chat, widget", goal=minutes(desk.chat_minutes)),
        GoalOut(channel="sms", goal=minutes(desk.sms_minutes)),
        GoalOut(channel="phone", goal=minutes(desk.phone_minutes)),
        GoalOut(channel="email", goal=minutes(desk.email_minutes)),
    ]


@router.get("/inbox", response_model=InboxOut)
def inbox(desk: DeskDep, principal: AgentDep, rt: RuntimeDep) -> InboxOut:
    """The open conversations that wait for an answer, on every channel, most urgent first."""
    now = utcnow()
    queue = waiting_queue(rt.sessions, principal.workspace, desk.due)
    return InboxOut(now=now, waiting=[_waiting_out(w, now) for w in queue], goals=_goals(desk))


def _conversation(desk: DeskSettings, rt: RuntimeDep, workspace: str, conversation: str) -> DeskConversation:
    return desk_conversation(rt.sessions, workspace, conversation, desk.due)


@router.get("/conversations/{conversation}", response_model=ConversationOut, responses=errors(404))
def conversation(conversation: str, desk: DeskDep, principal: AgentDep, rt: RuntimeDep) -> ConversationOut:
    """One conversation: the customer's timeline on every channel, the context card and the situation."""
    conv = _conversation(desk, rt, principal.workspace, conversation)
    now = utcnow()
    card = customer_card(rt.sessions, principal.workspace, conv.customer)
    timeline = customer_timeline(rt.sessions, principal.workspace, conv.customer, limit=TIMELINE_MESSAGES)
    situation = build_situation(card, timeline, now)
    w = conv.waiting
    return ConversationOut(
        conversation=conv.conversation,
        channel=conv.channel,
        subject=conv.subject,
        status=conv.status,
        customer=conv.customer,
        customer_name=conv.customer_name,
        waiting=_waiting_out(w, now) if w else None,
        summary=w.summary if w else None,
        answer_to=w.answer_to if w else None,
        timeline=timeline,
        card=card,
        situation=situation,
        situation_lines=describe_situation(situation),
    )


def _desk_suggestion(s: Suggestion, sid: str) -> DeskSuggestionOut:
    return DeskSuggestionOut(
        **suggestion_out(s, sid).model_dump(),
        changes=[
            ChangeOut(guard=f.guard, message=f.message, span=f.span, fixed=f.fixed) for f in s.guard_findings
        ],
    )


@router.post(
    "/conversations/{conversation}/suggestions", response_model=DeskSuggestionsOut, responses=errors(404, 429)
)
async def suggestions(
    conversation: str,
    desk: DeskDep,
    principal: AgentDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
) -> DeskSuggestionsOut:
    """1-3 suggested replies to the customer's latest message, as of when it arrived."""
    conv = await run_in_threadpool(_conversation, desk, rt, principal.workspace, conversation)
    w = conv.waiting
    if w is None or w.answer_to is None:
        raise ApiError(
            400, "this conversation has no customer message waiting for an answer; write one yourself"
        )
    as_of = suggestion_time(w, utcnow())
    result, ids = await run_in_threadpool(
        lambda: calls.run(
            rt,
            assistant,
            metrics,
            principal,
            mode="suggest",
            message=w.answer_to or "",
            channel=conv.channel,
            customer=conv.customer,
            now=as_of,
        )
    )
    return DeskSuggestionsOut(
        conversation=conv.conversation,
        suggestions=[_desk_suggestion(s, i) for s, i in zip(result.suggestions, ids, strict=True)],
        language=result.language,
        drafter=result.drafter,
        as_of=as_of,
    )


@router.post(
    "/conversations/{conversation}/reply", response_model=ReplyOut, status_code=201, responses=errors(404)
)
def reply(
    conversation: str,
    body: ReplyIn,
    desk: DeskDep,
    principal: AgentDep,
    rt: RuntimeDep,
    limits: LimitsDep,
    lock: IngestLockDep,
    metrics: MetricsDep,
) -> ReplyOut:
    """Send the agent's reply: it joins the conversation's history as an agent turn ('sent' feedback when it
    started from a suggestion)."""
    if len(body.text) > limits.max_message_chars:
        raise ApiError(400, f"the reply is longer than {limits.max_message_chars} characters; shorten it")
    conv = _conversation(desk, rt, principal.workspace, conversation)
    if body.suggestion_id is not None:
        with rt.sessions() as session:
            known = session.scalar(
                select(SuggestionLog.id).where(
                    SuggestionLog.id == body.suggestion_id,
                    SuggestionLog.workspace_id == principal.workspace_id,
                )
            )
        if known is None:
            raise NotFound(f"no suggestion {body.suggestion_id!r}")
    now = utcnow()
    message_id = f"{conv.conversation}-agent-{secrets.token_hex(6)}"
    event = {
        "customer": {"id": conv.customer, "verified": conv.customer_verified},
        "conversation": {"id": conv.conversation, "channel": conv.channel},
        "message": {"id": message_id, "role": "agent", "text": body.text, "at": now.isoformat()},
    }
    with lock:
        append_events(rt, principal.workspace, [event], strict=True)
    feedback_id = None
    if body.suggestion_id is not None:
        with rt.sessions.begin() as session:
            row = record_feedback(
                session, principal.workspace_id, body.suggestion_id, "sent", final_text=body.text
            )
            session.flush()
            feedback_id = row.id
        metrics.feedback.labels("sent").inc()
    after = _conversation(desk, rt, principal.workspace, conversation)
    return ReplyOut(
        conversation=conv.conversation,
        message=MessageOut(
            id=message_id,
            conversation_id=conv.conversation,
            role="agent",
            channel=conv.channel,
            text=body.text,
            at=now,
        ),
        feedback_id=feedback_id,
        waiting=after.waiting is not None,
    )
