"""Rate limits (a sliding window per key and per client IP, in this process) and the body-size guard."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds per name."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, now: float | None = None) -> int | None:
        """Count a hit; ``None`` when allowed, else the seconds to wait (for Retry-After)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(name, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle names so memory stays bounded
                for key in [k for k, v in self._hits.items() if not v]:
                    del self._hits[key]
            return None


class BodySizeLimit:
    """Refuses bodies over the limit: at once by Content-Length, or while reading a streamed body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, upload_bytes: int, upload_prefix: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_prefix = upload_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"].startswith(self.upload_prefix) else self.max_bytes
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit():
            if int(length) > limit:
                await _send_413(send, limit)
                return
            await self.app(scope, receive, send)  # the server delivers no more than Content-Length
            return
        # no Content-Length (chunked): read the body up to the limit first, then hand it on
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await _send_413(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], first: Message | None, receive: Receive) -> Receive:
    """A receive that gives the buffered body once, then defers to the server's receive."""
    pending: list[Message] = (
        [first]
        if first is not None
        else [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    )

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _send_413(send: Send, limit: int) -> None:
    import json

    body = json.dumps(
        error_body("too_large", f"the request body is larger than {limit} bytes; send less per request")
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
