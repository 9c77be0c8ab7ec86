"""The FastAPI application: :func:`create_app` builds it; its lifespan builds the long-lived objects once
(the runtime: database engine, Chroma client, embedder; the assistant, through the same builder the CLI
uses; the job runner) and closes them at shutdown.

Routes that do blocking work (the embedder, the stores, the drafter) are plain ``def`` routes or call it
with ``run_in_threadpool``, so the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import ApiLimits, DeskSettings, load_desk_settings
from api.deps import reject_unknown_query
from api.errors import install_error_handlers
from api.limits import BodySizeLimit, RateLimiter
from api.metrics import Metrics, MetricsMiddleware
from api.routes import (
    customers,
    desk,
    health,
    knowledge,
    openai_compat,
    suggestions,
    widget,
    widget_pages,
    workspace,
)
from assistant.jobs import JobRunner
from assistant.runtime import Runtime, build_runtime
from assistant.service import Assistant, build_assistant
from assistant.settings import Settings
from assistant.tenancy import origin_allowed_anywhere

DESCRIPTION = """Reply suggestions for agents, self-service answers for the widget, and an OpenAI-compatible
chat endpoint, all from one pipeline with one set of guards.

**Auth.** Send `Authorization: Bearer <key>`. Keys are made with `svar keys create --workspace NAME --role
admin|agent|widget` (or `POST /v1/keys` by an admin). The key decides the workspace; a widget session token
(`wst_...`, from `POST /v1/widget/sessions`) also decides the customer. Nothing in a request body does.

**Errors** are `{"error": {"type", "message"}}`; the message says what to fix.
"""


class CorsPerWorkspace:
    """CORS by workspace: a preflight passes for an origin some workspace allows; a real request gets the
    CORS headers only when its own workspace allows the origin (checked with its credentials, in deps)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin", b"").decode("latin-1")
        if scope["method"] == "OPTIONS" and origin and b"access-control-request-method" in headers:
            await self._preflight(scope, send, origin)
            return
        state = scope.setdefault("state", {})

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get("cors_origin"):
                message["headers"] = [
                    *message.get("headers", []),
                    (b"access-control-allow-origin", state["cors_origin"].encode("latin-1")),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, with_cors)

    async def _preflight(self, scope: Scope, send: Send, origin: str) -> None:
        from starlette.concurrency import run_in_threadpool

        runtime: Runtime = scope["app"].state.runtime

        def allowed() -> bool:
            with runtime.sessions() as session:
                return origin_allowed_anywhere(session, origin)

        ok = await run_in_threadpool(allowed)
        head: list[tuple[bytes, bytes]] = [(b"vary", b"Origin"), (b"content-length", b"0")]
        if ok:
            head += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-methods", b"GET, POST, PUT, DELETE"),
                (b"access-control-allow-headers", b"authorization, content-type"),
                (b"access-control-max-age", b"600"),
            ]
        await send({"type": "http.response.start", "status": 204 if ok else 403, "headers": head})
        await send({"type": "http.response.body", "body": b""})


def create_app(
    settings: Settings,
    *,
    limits: ApiLimits | None = None,
    answer_times: DeskSettings | None = None,
    assistant_factory: Callable[[Runtime], Assistant] = build_assistant,
    warm_up: bool = False,
) -> FastAPI:
    """Build the API for ``settings``.

    Args:
        settings: Svar's settings (data directory, stores, models).
        limits: request sizes and rate limits (default: from ``SVAR_API_*``).
        answer_times: the answer-time goals per channel, read by the desk and the widget (default: from
            ``SVAR_DESK_*``).
        assistant_factory: builds the assistant on the runtime; the CLI's builder unless a test swaps it.
        warm_up: load at start what the first requests would load (:meth:`Assistant.warm_up`: every
            workspace's knowledge, intent data, lexicons, one suggestion per language), before the first
            request is accepted; ``svar serve`` does.

    Returns:
        The app; its lifespan opens the stores and closes them at shutdown.

    Raises:
        ConfigError: a ``SVAR_DESK_*`` answer-time goal is invalid.
    """
    limits = limits or ApiLimits()
    answer_times = answer_times or load_desk_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        jobs = JobRunner(runtime.sessions)
        try:
            app.state.runtime = runtime
            app.state.assistant = assistant_factory(runtime)
            if warm_up:
                done = app.state.assistant.warm_up()
                logging.getLogger("uvicorn.error").info(  # uvicorn's own log shows it
                    "warmed up in %.1f s: %d workspaces, %d suggestions",
                    done.seconds,
                    len(done.workspaces),
                    done.suggestions,
                )
            app.state.jobs = jobs
            app.state.ingest_lock = threading.Lock()
            yield
        finally:
            jobs.shutdown()
            runtime.close()

    app = FastAPI(
        dependencies=[Depends(reject_unknown_query)],
        title="Svar",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "suggestions", "description": "Suggested replies for agents, and feedback."},
            {"name": "customers", "description": "History events, context cards, erasure."},
            {"name": "knowledge", "description": "The help center: documents, files, re-index, jobs."},
            {"name": "widget", "description": "Self-service for end customers."},
            {"name": "openai-compatible", "description": "For OpenAI clients and chat front ends."},
            {"name": "workspace", "description": "Settings, widget secret, fields, keys."},
            {"name": "desk", "description": "The agent desk's queue, conversations and replies."},
            {"name": "health", "description": "Liveness, readiness, metrics."},
        ],
    )
    app.state.limits = limits
    app.state.desk_settings = answer_times
    app.state.metrics = metrics
    app.state.rate_limiters = {
        "key": RateLimiter(limits.widget_per_key_per_minute),
        "ip": RateLimiter(limits.widget_per_ip_per_minute),
    }
    install_error_handlers(app)
    for module in (suggestions, customers, knowledge, widget, widget_pages, openai_compat, workspace, desk):
        app.include_router(module.router)
    app.include_router(health.router)
    app.include_router(desk.page)
    app.mount("/desk/static", desk.static_files(), name="desk-static")
    app.add_middleware(
        BodySizeLimit,
        max_bytes=limits.max_body_bytes,
        upload_bytes=limits.max_upload_bytes,
        upload_prefix="/v1/knowledge/files",
    )
    app.add_middleware(CorsPerWorkspace)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("svar")
    except PackageNotFoundError:
        return "0"
