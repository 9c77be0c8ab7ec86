"""One place that turns errors into HTTP: a JSON body ``{"error": {"type", "message"}}`` whose message says
what to fix. Svar's errors map by kind; anything unexpected is a 500 without a traceback (it is logged)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.feedback import NotFound
from assistant.widget import VerificationError
from knowledge.errors import (
    BackendError,
    ConfigError,
    EmbedderMismatchError,
    ScopeError,
    SvarError,
    UserError,
)

log = logging.getLogger("svar.api")


class ApiError(Exception):
    """An HTTP error with a message that says what to fix."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.headers = headers or {}


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def _json(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(kind, message), status_code=status, headers=headers)


def status_for(exc: SvarError) -> tuple[int, str]:
    """The HTTP status and error type of one of Svar's errors."""
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, VerificationError):
        return 401, "unauthorized"
    if isinstance(exc, EmbedderMismatchError):
        return 409, "reindex_needed"
    if isinstance(exc, ConfigError):
        return 503, "misconfigured"
    if isinstance(exc, UserError):
        return 400, "invalid_request"
    if isinstance(exc, ScopeError):
        return 404, "not_found"
    if isinstance(exc, BackendError):
        return 503, "backend_unavailable"
    return 500, "internal"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{loc}: {error.get('msg', 'invalid')}" if loc else str(error.get("msg", "invalid")))
    more = len(exc.errors()) - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.kind, exc.message, exc.headers)

    @app.exception_handler(SvarError)
    async def _svar_error(_request: Request, exc: SvarError) -> JSONResponse:
        status, kind = status_for(exc)
        if status >= 500:
            log.warning("%s: %s", type(exc).__name__, exc)
        message = (
            str(exc) if status != 503 or kind != "misconfigured" else f"the server is misconfigured: {exc}"
        )
        return _json(status, kind, message if status < 500 or kind != "internal" else "internal error")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such route; see /docs for the API"
        if exc.status_code == 405:
            message = "method not allowed on this route; see /docs for the API"
        return _json(exc.status_code, "http_error", message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _json(500, "internal", "internal error; the server log has the details")
