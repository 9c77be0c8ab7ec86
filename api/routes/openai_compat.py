"""OpenAI-compatible chat completions and models, so the official clients and chat front ends can use
Svar's self-service answers. The key decides the workspace (a widget session token also its customer);
the last user message is the question, earlier user/assistant messages are the conversation, and system
messages are ignored: instructions come from the workspace's configuration, never from the request."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api import calls
from api.deps import AssistantDep, LimitedChatDep, LimitsDep, MetricsDep, RuntimeDep
from api.errors import ApiError, error_body, status_for
from api.schemas import (
    ChatCompletionIn,
    ChatCompletionOut,
    ChatMessageIn,
    ChatMessageOut,
    ChoiceOut,
    ModelListOut,
    ModelOut,
    UsageOut,
    errors,
)
from api.sse import SSE_EVENT_SCHEMA, SSE_HEADERS, pieces
from assistant.keys import Principal
from assistant.knowledge_ops import customer_exists
from assistant.runtime import Runtime
from assistant.service import Assistant
from assistant.types import Turn
from knowledge.errors import SvarError
from knowledge.tokens import count_tokens

router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], responses=errors(400, 401, 403, 413, 422, 429, 503)
)
MODELS = {"svar-answer": "Self-service answers grounded in the workspace's knowledge (abstains honestly)."}
CREATED = 1767225600  # 2026-01-01, the models' fixed creation time


def _text(m: ChatMessageIn) -> str:
    if isinstance(m.content, str):
        return m.content
    if isinstance(m.content, list):
        return " ".join(
            str(p.get("text", "")) for p in m.content if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def _conversation(body: ChatCompletionIn, limits: LimitsDep) -> tuple[str, list[Turn]]:
    if body.model not in MODELS:
        raise ApiError(
            404,
            f"unknown model {body.model!r}; use one of {', '.join(MODELS)} (GET /v1/models)",
            kind="model_not_found",
        )
    turns = [
        Turn(role="customer" if m.role == "user" else "bot", text=_text(m), channel="widget")
        for m in body.messages
        if m.role in {"user", "assistant"} and _text(m).strip()
    ]
    last = max((i for i, t in enumerate(turns) if t.role == "customer"), default=None)
    if last is None:
        raise ApiError(400, "no user message with text: the last user message is the question")
    question = turns[last].text
    if len(question) > limits.max_message_chars:
        raise ApiError(400, f"the last user message is longer than {limits.max_message_chars} characters")
    history = turns[:last][-limits.max_history_turns :]
    return question, history


@router.get("/models", response_model=ModelListOut)
def models(_principal: LimitedChatDep) -> ModelListOut:
    """The models this API serves."""
    return ModelListOut(data=[ModelOut(id=name, created=CREATED) for name in MODELS])


def _call(
    rt: Runtime,
    assistant: Assistant,
    metrics: MetricsDep,
    principal: Principal,
    question: str,
    history: list[Turn],
) -> tuple[str, int, int]:
    customer = principal.customer
    if customer is not None:
        with rt.sessions() as session:
            customer = customer if customer_exists(session, principal.workspace, customer) else None
    result, _ = calls.run(
        rt,
        assistant,
        metrics,
        principal,
        mode="answer",
        message=question,
        channel="widget",
        customer=customer,
        history=history,
        checked=True,
    )
    text = result.suggestions[0].text
    prompt = count_tokens(question) + sum(count_tokens(t.text) for t in history)
    return text, prompt, count_tokens(text)


@router.post(
    "/chat/completions",
    response_model=ChatCompletionOut,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
            "description": "A completion, or a stream of chunks when stream is true.",
        },
        **errors(400, 404),
    },
)
async def chat_completions(
    body: ChatCompletionIn,
    principal: LimitedChatDep,
    rt: RuntimeDep,
    assistant: AssistantDep,
    metrics: MetricsDep,
    limits: LimitsDep,
) -> Any:
    """A chat completion (or a stream of chunks) answering the last user message from the knowledge."""
    question, history = _conversation(body, limits)
    await run_in_threadpool(calls.precheck, rt, principal, None)
    cid = "chatcmpl-" + secrets.token_hex(12)
    created = int(time.time())
    if not body.stream:
        text, prompt, completion = await run_in_threadpool(
            _call, rt, assistant, metrics, principal, question, history
        )
        out = ChatCompletionOut(
            id=cid,
            created=created,
            model=body.model,
            choices=[ChoiceOut(message=ChatMessageOut(content=text))],
            usage=UsageOut(
                prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
            ),
        )
        return JSONResponse(out.model_dump())

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        data = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": body.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    async def events() -> AsyncIterator[str]:
        yield chunk({"role": "assistant", "content": ""})
        try:
            text, _, _ = await run_in_threadpool(_call, rt, assistant, metrics, principal, question, history)
        except SvarError as exc:
            code, kind = status_for(exc)
            yield f"data: {json.dumps(error_body(kind, str(exc)) | {'status': code})}\n\n"
            return
        for piece in pieces(text):
            yield chunk({"content": piece})
        yield chunk({}, "stop")
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)
