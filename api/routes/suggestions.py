"""Suggestions for agents (JSON and SSE) and the feedback on them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api import calls
from api.deps import AgentDep, AssistantDep, LimitsDep, MetricsDep, RuntimeDep
from api.errors import ApiError, status_for
from api.metrics import Metrics
from api.schemas import (
    FeedbackIn,
    FeedbackOut,
    SuggestionIn,
    SuggestionsOut,
    errors,
    suggestion_out,
    suggestions_out,
)
from api.sse import SSE_HEADERS, SSE_RESPONSE, frame, pieces
from assistant.feedback import record_feedback
from assistant.keys import Principal
from assistant.runtime import Runtime
from assistant.service import Assistant, SuggestResult
from assistant.types import Turn
from knowledge.errors import SvarError

router = APIRouter(
    prefix="/v1/suggestions", tags=["suggestions"], responses=errors(400, 401, 403, 413, 422, 503)
)


def _check(body: SuggestionIn, limits: LimitsDep) -> list[Turn] | None:
    if len(body.message) > limits.max_message_chars:
        raise ApiError(400, f"the message is longer than {limits.max_message_chars} characters; shorten it")
    if body.history is not None and len(body.history) > limits.max_history_turns:
        raise ApiError(
            400, f"at most {limits.max_history_turns} history turns; send only the most recent ones"
        )
    if body.history is None:
        return None
    return [
        Turn(role=t.role, text=t.text, channel=t.channel, at=t.at.isoformat() if t.at else None)
        for t in body.history
    ]


def _suggest(
    body: SuggestionIn,
    history: list[Turn] | None,
    rt: Runtime,
    assistant: Assistant,
    metrics: Metrics,
    principal: Principal,
    *,
    checked: bool = False,
) -> tuple[SuggestResult, list[str]]:
    """The agent's suggestions for ``body`` through the service (one call for JSON and SSE alike)."""
    return calls.run(
        rt,
        assistant,
        metrics,
        principal,
        mode="suggest",
        message=body.message,
        channel=body.channel,
        customer=body.customer,
        history=history,
        max_suggestions=body.max_suggestions,
        checked=checked,
    )


@router.post("", response_model=SuggestionsOut, responses=errors(400, 404, 429))
def create(
    body: SuggestionIn,
    principal: AgentDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
    limits: LimitsDep,
) -> SuggestionsOut:
    """1-3 suggested replies to the customer's message, with citations and the facts used."""
    history = _check(body, limits)
    result, ids = _suggest(body, history, rt, assistant, metrics, principal)
    return suggestions_out(result, ids)


@router.post("/stream", response_class=StreamingResponse, responses={**SSE_RESPONSE, **errors(400, 404, 429)})
async def stream(
    body: SuggestionIn,
    principal: AgentDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
    limits: LimitsDep,
) -> StreamingResponse:
    """The same suggestions as server-sent events: `start` at once, then `delta` text pieces and one
    `suggestion` per suggestion, then `done` (or `error`)."""
    history = _check(body, limits)
    await run_in_threadpool(calls.precheck, rt, principal, body.customer)

    async def events() -> AsyncIterator[str]:
        yield frame("start", {"channel": body.channel})
        try:
            result, ids = await run_in_threadpool(
                _suggest, body, history, rt, assistant, metrics, principal, checked=True
            )
        except SvarError as exc:
            code, kind = status_for(exc)
            yield frame("error", {"status": code, "type": kind, "message": str(exc)})
            return
        for index, (s, sid) in enumerate(zip(result.suggestions, ids, strict=True)):
            for piece in pieces(s.text):
                yield frame("delta", {"index": index, "id": sid, "text": piece})
            yield frame("suggestion", {"index": index, **suggestion_out(s, sid).model_dump()})
        out = suggestions_out(result, ids)
        yield frame("done", out.model_dump(exclude={"suggestions"}))

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post(
    "/{suggestion_id}/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(400, 404),
)
def feedback(
    suggestion_id: str, body: FeedbackIn, principal: AgentDep, rt: RuntimeDep, metrics: MetricsDep
) -> FeedbackOut:
    """Record what the agent did with a suggestion: shown, inserted, edited (with the final text), sent,
    dismissed (with an optional reason)."""
    with rt.sessions.begin() as session:
        row = record_feedback(
            session,
            principal.workspace_id,
            suggestion_id,
            body.action,
            final_text=body.final_text,
            reason=body.reason,
        )
        out = FeedbackOut(
            id=row.id, suggestion_id=row.suggestion_id, action=row.action, created_at=row.created_at
        )
    metrics.feedback.labels(body.action).inc()
    return out
