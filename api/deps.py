"""Dependencies: the runtime and assistant built in the lifespan, and the verified caller.

The caller is an API key (``svar_...``: workspace and role) or a widget session token (``wst_...``: its
workspace and, when verified, its customer). Routes take the workspace and customer from here only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.config import ApiLimits, DeskSettings
from api.errors import ApiError
from api.metrics import Metrics
from assistant.jobs import JobRunner
from assistant.keys import Principal, authenticate
from assistant.runtime import Runtime
from assistant.service import Assistant
from assistant.tenancy import tenant_settings
from assistant.widget import session_for_token

bearer = HTTPBearer(
    auto_error=False,
    description="An API key (`svar_...`, from `svar keys create`) or a widget session token (`wst_...`).",
)


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def get_assistant(request: Request) -> Assistant:
    return request.app.state.assistant  # type: ignore[no-any-return]


def get_limits(request: Request) -> ApiLimits:
    return request.app.state.limits  # type: ignore[no-any-return]


def get_desk_settings(request: Request) -> DeskSettings:
    return request.app.state.desk_settings  # type: ignore[no-any-return]


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics  # type: ignore[no-any-return]


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


def get_ingest_lock(request: Request) -> threading.Lock:
    return request.app.state.ingest_lock  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
LimitsDep = Annotated[ApiLimits, Depends(get_limits)]
DeskDep = Annotated[DeskSettings, Depends(get_desk_settings)]  # the answer-time goals per channel
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
IngestLockDep = Annotated[threading.Lock, Depends(get_ingest_lock)]


def get_principal(
    request: Request,
    rt: RuntimeDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The verified caller; 401 without a valid key or session token, 403 from an origin not allowed."""
    if creds is None or not creds.credentials:
        raise ApiError(
            401,
            "missing credentials: send 'Authorization: Bearer <key>' with a key from `svar keys create`",
            kind="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = creds.credentials
    with rt.sessions() as session:
        principal: Principal | None
        if token.startswith("wst_"):
            row = session_for_token(session, token)
            principal = (
                None
                if row is None
                else Principal(
                    workspace=_workspace_name(session, row.workspace_id),
                    workspace_id=row.workspace_id,
                    role="session",
                    key_id=row.id,
                    customer=row.customer_ref,
                    session_id=row.id,
                )
            )
        else:
            principal = authenticate(session, token)
        if principal is None:
            raise ApiError(
                401,
                "invalid, revoked or expired credentials: use a current key or start a new widget session",
                kind="unauthorized",
                headers={"WWW-Authenticate": "Bearer"},
            )
        origin = request.headers.get("origin")
        if origin and origin != _own_origin(request):  # the app's own pages (the desk) are same-origin
            allowed = tenant_settings(session, principal.workspace_id).cors_origins
            if origin not in allowed:
                raise ApiError(
                    403,
                    f"origin {origin!r} is not allowed for this workspace; an admin adds it with "
                    "PUT /v1/workspace/settings (cors_origins)",
                    kind="forbidden",
                )
            request.state.cors_origin = origin
    request.state.principal = principal
    return principal


def _own_origin(request: Request) -> str:
    """The origin this request was sent to (scheme and Host), which a browser's same-origin request names."""
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


def _workspace_name(session: Any, workspace_id: int) -> str:
    from knowledge.db.models import Workspace

    ws = session.get(Workspace, workspace_id)
    return ws.name if ws is not None else ""


def reject_unknown_query(request: Request) -> None:
    """A query parameter the route does not take is a mistake (a typo, say): 422 naming it."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    known = {p.alias for p in _all_query_params(dependant)}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ApiError(422, f"unknown query parameter {unknown[0]!r}; this route takes: {allowed}")


def _all_query_params(dependant: Any) -> list[Any]:
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params.extend(_all_query_params(sub))
    return params


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency that admits only ``roles``."""

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise ApiError(
                403,
                f"this route needs a key with role {' or '.join(roles)}; yours is {principal.role}",
                kind="forbidden",
            )
        return principal

    return check


AdminDep = Annotated[Principal, Depends(require("admin"))]
AgentDep = Annotated[Principal, Depends(require("agent", "admin"))]
WidgetKeyDep = Annotated[Principal, Depends(require("widget"))]
SessionDep = Annotated[Principal, Depends(require("session"))]
ChatDep = Annotated[Principal, Depends(require("widget", "session", "agent", "admin"))]


def rate_limit(request: Request, principal: Principal) -> None:
    """Count a widget-facing request against its key (or session) and its client IP; 429 when over."""
    limiters = request.app.state.rate_limiters
    ip = request.client.host if request.client else "unknown"
    for limiter, name in ((limiters["key"], f"key:{principal.key_id}"), (limiters["ip"], f"ip:{ip}")):
        wait = limiter.hit(name)
        if wait is not None:
            raise ApiError(
                429,
                f"too many requests; retry after {wait} s",
                kind="rate_limited",
                headers={"Retry-After": str(wait)},
            )


def limited(dep: Callable[..., Principal]) -> Callable[..., Principal]:
    """``dep`` plus the widget rate limits."""

    def check(request: Request, principal: Principal) -> Principal:
        rate_limit(request, principal)
        return principal

    # the dependency is a local, so the annotation is set as an object (this module's are strings)
    check.__annotations__ = {
        "request": Request,
        "principal": Annotated[Principal, Depends(dep)],
        "return": Principal,
    }
    return check


LimitedWidgetKeyDep = Annotated[Principal, Depends(limited(require("widget")))]
LimitedSessionDep = Annotated[Principal, Depends(limited(require("session")))]
LimitedChatDep = Annotated[Principal, Depends(limited(require("widget", "session", "agent", "admin")))]
