"""The widget: a session (anonymous or verified), messages answered in self-service mode (JSON or SSE),
ratings, and the handoff to a person."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api import calls
from api.config import DeskSettings
from api.deps import (
    AssistantDep,
    DeskDep,
    IngestLockDep,
    LimitedSessionDep,
    LimitedWidgetKeyDep,
    LimitsDep,
    MetricsDep,
    RuntimeDep,
)
from api.errors import ApiError, status_for
from api.schemas import (
    WIDGET_ERRORS,
    CitationOut,
    FeedbackOut,
    HandoffIn,
    HandoffOut,
    RatingIn,
    WidgetAnswerOut,
    WidgetMessageIn,
    WidgetRepliesOut,
    WidgetReplyOut,
    WidgetSessionIn,
    WidgetSessionOut,
    errors,
)
from api.sse import SSE_HEADERS, SSE_RESPONSE, frame, pieces
from assistant.feedback import record_feedback
from assistant.keys import Principal
from assistant.knowledge_ops import append_events, customer_exists
from assistant.links import workspace_link_domains
from assistant.runtime import Runtime
from assistant.service import Assistant, SuggestResult
from assistant.tenancy import tenant_settings
from assistant.types import Turn
from assistant.widget import (
    agent_replies,
    answer_due,
    append_turns,
    followup_events,
    handoff_events,
    start_session,
    transcript_turns,
    verify_customer,
)
from knowledge.db.api_models import WidgetSession
from knowledge.db.models import utcnow
from knowledge.errors import SvarError

router = APIRouter(prefix="/v1/widget", tags=["widget"], responses=WIDGET_ERRORS)


@router.post(
    "/sessions", response_model=WidgetSessionOut, status_code=status.HTTP_201_CREATED, responses=errors(400)
)
def create_session(
    body: WidgetSessionIn, principal: LimitedWidgetKeyDep, rt: RuntimeDep, goals: DeskDep
) -> WidgetSessionOut:
    """Start a widget session with the workspace's widget key: anonymous, or a verified customer."""
    links = workspace_link_domains(rt.sessions, principal.workspace, rt.settings.link_domains())
    with rt.sessions.begin() as session:
        secret = tenant_settings(session, principal.workspace_id).widget_secret
        customer = verify_customer(
            secret, customer_id=body.customer_id, signature=body.signature, token=body.token
        )
        row, token = start_session(session, principal.workspace_id, customer)
        return WidgetSessionOut(
            session_id=row.id,
            token=token,
            expires_at=row.expires_at,
            verified=customer is not None,
            answer_minutes=_minutes(_goal(goals)),
            link_domains=list(links),
        )


def _goal(goals: DeskSettings) -> timedelta:
    """The widget's answer-time goal: the one per channel the desk counts its time left by."""
    return goals.goal("widget") or timedelta(minutes=goals.chat_minutes)


def _minutes(goal: timedelta) -> int:
    return max(1, int(goal.total_seconds() // 60))


def _session(rt: Runtime, principal: Principal) -> WidgetSession:
    with rt.sessions() as session:
        row = session.get(WidgetSession, principal.session_id)
        if row is None or row.workspace_id != principal.workspace_id:
            raise ApiError(401, "the widget session has ended; start a new one", kind="unauthorized")
        return row


def _prepare(
    rt: Runtime, principal: Principal, body: WidgetMessageIn, limits: LimitsDep
) -> tuple[str | None, list[Turn]]:
    if len(body.text) > limits.max_message_chars:
        raise ApiError(400, f"the message is longer than {limits.max_message_chars} characters; shorten it")
    row = _session(rt, principal)
    turns = transcript_turns(row)
    if len(turns) >= 2 * limits.max_history_turns:
        raise ApiError(
            400,
            "this conversation is too long for the assistant; ask for a person (handoff) or start anew",
        )
    with rt.sessions() as session:
        known = principal.customer is not None and customer_exists(
            session, principal.workspace, principal.customer
        )
    calls.precheck(rt, principal, None)
    return (principal.customer if known else None), turns[-limits.max_history_turns :]


def _answer(
    rt: Runtime,
    assistant: Assistant,
    metrics: MetricsDep,
    principal: Principal,
    text: str,
    customer: str | None,
    history: list[Turn],
    lock: threading.Lock,
) -> tuple[SuggestResult, str]:
    result, ids = calls.run(
        rt,
        assistant,
        metrics,
        principal,
        mode="answer",
        message=text,
        channel="widget",
        customer=customer,
        history=history,
        checked=True,
    )
    followup: list[dict[str, Any]] = []
    with rt.sessions.begin() as session:
        row = session.get(WidgetSession, principal.session_id)
        if row is not None:
            since = len(row.transcript)
            append_turns(row, ("customer", text), ("bot", result.suggestions[0].text))
            if row.handed_off_at is not None:
                followup = followup_events(row, since)
    if followup:  # handed over: the agents' conversation gets the new turns too
        with lock:
            append_events(rt, principal.workspace, followup)
    return result, ids[0]


def _answer_out(result: SuggestResult, sid: str) -> WidgetAnswerOut:
    s = result.suggestions[0]
    return WidgetAnswerOut(
        id=sid,
        text=s.text,
        language=s.language,
        abstain=s.abstain,
        citations=[CitationOut(id=c.id, title=c.title, url=c.url) for c in s.citations],
        handoff_suggested=s.abstain,
    )


@router.post("/messages", response_model=WidgetAnswerOut, responses=errors(400))
def message(
    body: WidgetMessageIn,
    principal: LimitedSessionDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
    limits: LimitsDep,
    lock: IngestLockDep,
) -> WidgetAnswerOut:
    """Send the customer's message; answered from the knowledge, or honestly: a person will reply."""
    customer, history = _prepare(rt, principal, body, limits)
    result, sid = _answer(rt, assistant, metrics, principal, body.text, customer, history, lock)
    return _answer_out(result, sid)


@router.post("/messages/stream", response_class=StreamingResponse, responses={**SSE_RESPONSE, **errors(400)})
async def message_stream(
    body: WidgetMessageIn,
    principal: LimitedSessionDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
    limits: LimitsDep,
    lock: IngestLockDep,
) -> StreamingResponse:
    """The answer as server-sent events: `start`, `delta` pieces, `answer`, `done` (or `error`)."""
    customer, history = await run_in_threadpool(_prepare, rt, principal, body, limits)

    async def events() -> AsyncIterator[str]:
        yield frame("start", {})
        try:
            result, sid = await run_in_threadpool(
                _answer, rt, assistant, metrics, principal, body.text, customer, history, lock
            )
        except SvarError as exc:
            code, kind = status_for(exc)
            yield frame("error", {"status": code, "type": kind, "message": str(exc)})
            return
        out = _answer_out(result, sid)
        for piece in pieces(out.text):
            yield frame("delta", {"text": piece})
        yield frame("answer", out.model_dump())
        yield frame("done", {})

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.get("/replies", response_model=WidgetRepliesOut)
def replies(
    principal: LimitedSessionDep, rt: RuntimeDep, after: Annotated[int, Query(ge=0)] = 0
) -> WidgetRepliesOut:
    """What agents wrote to this session after its handoff (the widget polls it), after reply id `after`."""
    row = _session(rt, principal)
    with rt.sessions() as session:
        found = agent_replies(session, row, after)
        return WidgetRepliesOut(replies=[WidgetReplyOut(id=m.id, text=m.text, at=m.at) for m in found])


@router.post(
    "/answers/{answer_id}/rating",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404),
)
def rate(
    answer_id: str, body: RatingIn, principal: LimitedSessionDep, rt: RuntimeDep, metrics: MetricsDep
) -> FeedbackOut:
    """Rate an answer of this session from 1 to 5."""
    with rt.sessions.begin() as session:
        row = record_feedback(
            session,
            principal.workspace_id,
            answer_id,
            "rated",
            rating=body.rating,
            reason=body.comment,
            session_scope=principal.session_id,
        )
        out = FeedbackOut(
            id=row.id, suggestion_id=row.suggestion_id, action=row.action, created_at=row.created_at
        )
    metrics.feedback.labels("rated").inc()
    return out


@router.post("/handoff", response_model=HandoffOut, responses=errors(400))
def handoff(
    body: HandoffIn,
    principal: LimitedSessionDep,
    rt: RuntimeDep,
    goals: DeskDep,
    lock: IngestLockDep,
) -> HandoffOut:
    """Ask for a person: the agents get an open conversation with the transcript, a summary and a due time."""
    row = _session(rt, principal)
    goal = _goal(goals)
    started = row.handed_off_at or utcnow()
    with rt.sessions() as session:
        hours = tenant_settings(session, principal.workspace_id).opening_hours
    opens = hours.next_opening(started) if hours else None
    due = answer_due(opens or started, goal)
    customer, conversation, events = handoff_events(row, body.reason, body.name, due=due)
    with lock:
        report = append_events(rt, principal.workspace, events)
    if report.rejected:
        raise ApiError(400, f"the conversation could not be handed over: {report.rejected[0].reason}")
    with rt.sessions.begin() as session:
        stored = session.get(WidgetSession, row.id)
        if stored is not None and stored.handed_off_at is None:
            stored.handed_off_at = started
    note = events[-1]["message"]["text"]
    return HandoffOut(
        conversation_id=conversation,
        customer_id=customer,
        summary=note,
        due_at=due,
        answer_minutes=_minutes(goal),
        opens_at=opens,
    )
