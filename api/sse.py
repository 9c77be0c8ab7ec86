"""Server-sent events: one ``event:``/``data:`` frame per item, JSON data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One server-sent event: its name and its data (JSON text).",
    "properties": {"event": {"type": "string"}, "data": {"type": "string"}, "id": {"type": "string"}},
    "required": ["data"],
}
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A stream of server-sent events.",
        "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
    }
}


def frame(event: str | None, data: Any) -> str:
    """One SSE frame."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    head = f"event: {event}\n" if event else ""
    return head + "".join(f"data: {line}\n" for line in payload.split("\n")) + "\n"


def pieces(text: str, words: int = 4) -> Iterator[str]:
    """``text`` in pieces of a few words, whitespace kept, so joining them gives ``text`` back."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    for i in range(0, len(tokens), words):
        yield "".join(tokens[i : i + words])
