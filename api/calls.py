"""The one way routes call the service: budget check, customer scope, the call, logging, metrics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from api.errors import ApiError
from api.metrics import Metrics
from assistant.feedback import NotFound, log_suggestions
from assistant.keys import Principal
from assistant.knowledge_ops import customer_exists
from assistant.runtime import Runtime
from assistant.service import Assistant, Mode, SuggestResult
from assistant.tenancy import add_tokens, budget_left
from assistant.types import Turn
from knowledge.tokens import count_tokens


def seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


def precheck(rt: Runtime, principal: Principal, customer: str | None) -> None:
    """Refuse before any work: the token budget is used up (429), or the customer is not in scope (404)."""
    with rt.sessions() as session:
        if budget_left(session, principal.workspace_id) == 0:
            raise ApiError(
                429,
                "the workspace's daily token budget is used up; an admin raises it with "
                "PUT /v1/workspace/settings, or wait until midnight UTC",
                kind="budget_exceeded",
                headers={"Retry-After": str(seconds_to_midnight())},
            )
        if customer is not None and not customer_exists(session, principal.workspace, customer):
            raise NotFound(f"no customer {customer!r}")


def run(
    rt: Runtime,
    assistant: Assistant,
    metrics: Metrics,
    principal: Principal,
    *,
    mode: Mode,
    message: str,
    channel: str,
    customer: str | None = None,
    history: Sequence[Turn] | None = None,
    max_suggestions: int = 3,
    checked: bool = False,
    now: datetime | None = None,
) -> tuple[SuggestResult, list[str]]:
    """Run the service for the caller's workspace; returns the result and the logged suggestion ids."""
    if not checked:
        precheck(rt, principal, customer)
    if mode == "answer":
        result = assistant.answer(
            workspace=principal.workspace,
            message=message,
            channel=channel,
            customer=customer,
            history=history,
            now=now,
        )
    else:
        result = assistant.suggest(
            workspace=principal.workspace,
            message=message,
            channel=channel,
            customer=customer,
            history=history,
            max_suggestions=max_suggestions,
            now=now,
        )
    tokens = count_tokens(message) + sum(count_tokens(s.text) for s in result.suggestions)
    with rt.sessions.begin() as session:
        ids = log_suggestions(
            session,
            principal.workspace_id,
            result.suggestions,
            mode=mode,
            customer=customer,
            session_id=principal.session_id,
        )
        add_tokens(session, principal.workspace_id, tokens)
    metrics.service.labels(mode).observe(result.latency_ms / 1000)
    metrics.suggestions.labels(mode).inc(len(result.suggestions))
    metrics.abstains.labels(mode).inc(sum(s.abstain for s in result.suggestions))
    metrics.tokens.labels(mode).inc(tokens)
    return result, ids
