"""A real HTTP server on loopback that speaks the OpenAI protocol, scripted per test.

It lets tests run the real ``openai`` client and LangChain's ``ChatOpenAI`` -- their retries, timeouts,
streaming and parsing -- with no key and no network::

    def test_something(openai_server):
        openai_server.enqueue(structured({"suggestions": [...]}), error(500))
        ...  # point the client at openai_server.url with api key "test"
        assert openai_server.chat_requests[0].model == "svar-test-model"

Endpoints: ``POST /v1/chat/completions`` (JSON, or SSE when ``"stream": true``, ending with
``data: [DONE]``), ``POST /v1/embeddings`` (deterministic vectors, float or base64) and ``GET /v1/models``.
Each chat request takes the next scripted :class:`Reply` from the queue: a completion text, a structured
reply (JSON content for ``response_format``, a tool call when the request offers tools), an error status
(with ``Retry-After``), a delay before answering, a stall or a cut in the middle of a stream, or a raw
body. Every request is recorded (:class:`RecordedRequest`). A request with nothing scripted gets a 500
that says so, and the fixture fails the test at teardown.

Import the fixtures into a test module (the lead owns ``tests/conftest.py``)::

    from tests.openai_server import openai_server_fixture  # noqa: F401

(``tests/conftest.py`` already refuses every connection that is not to loopback.)
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = [
    "OpenAIServer",
    "RecordedRequest",
    "Reply",
    "completion",
    "delay",
    "error",
    "openai_server_fixture",
    "raw",
    "structured",
    "tool_call",
]

DEFAULT_MODELS = ("svar-test-model", "svar-test-embedding")


# ------------------------------------------------------------------------------------------------ script


@dataclass
class Reply:
    """One scripted answer to a chat completion request.

    Attributes:
        content: the assistant's text (for a structured reply: the JSON text).
        structured: a JSON-able value; sent as a tool call when the request offers tools, else as content.
        tool: an explicit tool call ``(name, arguments_json)``; ``name=None`` takes the requested tool.
        status: HTTP status; not 200 sends an OpenAI-style error body.
        headers: extra response headers (``Retry-After`` ...).
        delay: seconds to wait before answering (to trigger client timeouts).
        body: a raw body to send as it is (malformed responses).
        chunk_chars: characters per streamed delta.
        stall_after: in a stream, wait ``delay`` seconds after this many deltas instead of before answering.
        cut_after: in a stream, drop the connection after this many deltas, without ``[DONE]``.
        finish_reason: of the completion.
    """

    content: str | None = None
    structured: Any = None
    tool: tuple[str | None, str] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str | None = None
    chunk_chars: int = 6
    stall_after: int | None = None
    cut_after: int | None = None
    finish_reason: str | None = None


def completion(text: str, **kwargs: Any) -> Reply:
    """A plain assistant message (streamed in pieces when the request asks for a stream)."""
    return Reply(content=text, **kwargs)


def structured(value: Any, **kwargs: Any) -> Reply:
    """A structured reply: JSON content for ``response_format`` requests, a tool call for tool requests."""
    return Reply(structured=value, **kwargs)


def tool_call(arguments: Any, name: str | None = None, **kwargs: Any) -> Reply:
    """A tool call; ``arguments`` is JSON-encoded unless it is already a string (to send malformed JSON)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Reply(tool=(name, args), **kwargs)


def error(
    status: int, message: str | None = None, *, retry_after: float | None = None, **kwargs: Any
) -> Reply:
    """An error status with an OpenAI-style body; ``retry_after`` sets the ``Retry-After`` header."""
    headers = dict(kwargs.pop("headers", {}))
    if retry_after is not None:
        headers["Retry-After"] = f"{retry_after:g}"
    return Reply(status=status, content=message or f"scripted error {status}", headers=headers, **kwargs)


def delay(seconds: float, then: Reply | None = None) -> Reply:
    """Answer only after ``seconds`` (ended early when the server stops); then send ``then``."""
    reply = then or completion("(too late)")
    reply.delay = seconds
    return reply


def raw(body: str, *, status: int = 200, content_type: str = "application/json") -> Reply:
    """Send ``body`` as it is."""
    return Reply(body=body, status=status, headers={"Content-Type": content_type})


# ------------------------------------------------------------------------------------------------ record


@dataclass
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: Any  # parsed JSON, or None

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None

    @property
    def stream(self) -> bool:
        return bool(isinstance(self.body, dict) and self.body.get("stream"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    def message_text(self, role: str | None = None) -> str:
        """All message contents (of one role, when given) joined by blank lines."""
        parts: list[str] = []
        for m in self.messages:
            if role is not None and m.get("role") != role:
                continue
            content = m.get("content")
            if isinstance(content, list):
                parts.extend(str(c.get("text", "")) for c in content if isinstance(c, dict))
            elif content is not None:
                parts.append(str(content))
        return "\n\n".join(parts)


# ------------------------------------------------------------------------------------------------ server


def _vector(text: str, dim: int) -> list[float]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    values = [(digest[i % len(digest)] - 127.5) / 127.5 for i in range(dim)]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return [v / norm for v in values]


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the access log
        return

    # -- dispatch

    def do_GET(self) -> None:  # noqa: N802
        self._record(None)
        if self.path.rstrip("/") == "/v1/models":
            owner = self.server.owner
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "svar-tests"} for m in owner.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_error(404, f"no route GET {self.path}", "not_found")

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw_body) if raw_body else None
        except json.JSONDecodeError:
            body = None
        self._record(body)
        try:
            if self.path == "/v1/chat/completions":
                self._chat(body or {})
            elif self.path == "/v1/embeddings":
                self._embeddings(body or {})
            else:
                self._send_error(404, f"no route POST {self.path}", "not_found")
        except OSError:  # the client went away (e.g. it timed out): nothing to answer
            self.close_connection = True

    def _record(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.owner.requests.append(RecordedRequest(self.command, self.path, headers, body))

    # -- endpoints

    def _chat(self, request: dict[str, Any]) -> None:
        owner = self.server.owner
        reply = owner.next_reply("chat")
        if reply is None:
            owner.unscripted.append(self.path)
            self._send_error(
                500,
                "openai_server: no scripted reply left for this request",
                headers={"x-should-retry": "false"},
            )
            return
        if reply.delay and reply.stall_after is None and owner.wait(reply.delay):
            return  # the server is stopping
        if reply.body is not None:
            self._send(reply.status, reply.body.encode(), reply.headers)
            return
        if reply.status != 200:
            self._send_error(reply.status, reply.content or "error", headers=reply.headers)
            return
        content, calls = self._resolve(reply, request)
        finish = reply.finish_reason or ("tool_calls" if calls else "stop")
        model = str(request.get("model") or "svar-test-model")
        if request.get("stream"):
            self._stream(reply, request, model, content, calls, finish)
            return
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
        if calls:
            message["tool_calls"] = calls
        payload = {
            "id": f"chatcmpl-{owner.next_id()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": _usage(request, content or json.dumps(calls)),
        }
        self._send_json(200, payload, reply.headers)

    def _resolve(self, reply: Reply, request: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
        """The content and tool calls to send for this reply and request."""
        tool = reply.tool
        if reply.structured is not None:
            if request.get("tools"):
                tool = (None, json.dumps(reply.structured))
            else:
                return json.dumps(reply.structured), []
        if tool is None:
            return reply.content or "", []
        name = tool[0] or _requested_tool(request)
        call = {
            "id": f"call_{self.server.owner.next_id()}",
            "type": "function",
            "function": {"name": name, "arguments": tool[1]},
        }
        return None, [call]

    def _stream(
        self,
        reply: Reply,
        request: dict[str, Any],
        model: str,
        content: str | None,
        calls: list[dict[str, Any]],
        finish: str,
    ) -> None:
        owner = self.server.owner
        cid, created = f"chatcmpl-{owner.next_id()}", int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            return {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
            }

        n = max(reply.chunk_chars, 1)
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        if calls:
            call, args = calls[0], calls[0]["function"]["arguments"]
            head = {
                "index": 0,
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
            deltas.append({"tool_calls": [head]})
            deltas += [
                {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + n]}}]}
                for i in range(0, len(args), n)
            ]
        else:
            text = content or ""
            deltas += [{"content": text[i : i + n]} for i in range(0, len(text), n)]

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.close_connection = True
        for i, delta in enumerate(deltas):
            if reply.cut_after is not None and i > reply.cut_after:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)  # no terminating chunk: a broken stream
                return
            if reply.stall_after is not None and i == reply.stall_after + 1 and owner.wait(reply.delay):
                return
            self._event(json.dumps(chunk(delta)))
        self._event(json.dumps(chunk({}, finish)))
        if (request.get("stream_options") or {}).get("include_usage"):
            usage_chunk = chunk({})
            usage_chunk["choices"] = []
            usage_chunk["usage"] = _usage(request, content or "")
            self._event(json.dumps(usage_chunk))
        self._event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _event(self, data: str) -> None:
        payload = f"data: {data}\n\n".encode()
        self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.wfile.flush()

    def _embeddings(self, request: dict[str, Any]) -> None:
        owner = self.server.owner
        reply = owner.next_reply("embeddings")
        if reply is not None:
            if reply.delay and owner.wait(reply.delay):
                return
            if reply.body is not None:
                self._send(reply.status, reply.body.encode(), reply.headers)
                return
            if reply.status != 200:
                self._send_error(reply.status, reply.content or "error", headers=reply.headers)
                return
        inputs = request.get("input")
        texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
        dim = int(request.get("dimensions") or owner.embedding_dim)
        data = []
        for i, text in enumerate(texts):
            vector = _vector(json.dumps(text) if not isinstance(text, str) else text, dim)
            embedding: Any = vector
            if request.get("encoding_format") == "base64":
                embedding = base64.b64encode(struct.pack(f"<{dim}f", *vector)).decode()
            data.append({"object": "embedding", "index": i, "embedding": embedding})
        tokens = sum(len(str(t).split()) for t in texts)
        payload = {
            "object": "list",
            "data": data,
            "model": request.get("model"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        self._send_json(200, payload)

    # -- plumbing

    def _send_error(
        self, status: int, message: str, kind: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        kinds = {
            400: "invalid_request_error",
            401: "authentication_error",
            404: "not_found",
            429: "rate_limit_exceeded",
        }
        body = {
            "error": {
                "message": message,
                "type": kind or kinds.get(status, "server_error"),
                "param": None,
                "code": None,
            }
        }
        self._send_json(status, body, headers)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(
            status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
        )

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(body)
        self.wfile.flush()


def _requested_tool(request: dict[str, Any]) -> str:
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name", "tool"))
    tools = request.get("tools") or [{}]
    return str(tools[0].get("function", {}).get("name", "tool"))


def _usage(request: dict[str, Any], completion_text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
    done = len(completion_text.split())
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: OpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that hung up mid-answer is expected in timeout tests


class OpenAIServer:
    """The scripted server. Use it as a context manager, or through the ``openai_server`` fixture.

    Attributes:
        url: the base URL to give clients, ``http://127.0.0.1:<port>/v1``.
        requests: every request received, in order.
        unscripted: paths of chat/embedding requests that found the script empty.
        models: the ids ``GET /v1/models`` lists.
        embedding_dim: the default embedding size.
    """

    def __init__(self, *, models: tuple[str, ...] = DEFAULT_MODELS, embedding_dim: int = 8) -> None:
        self.models = models
        self.embedding_dim = embedding_dim
        self.requests: list[RecordedRequest] = []
        self.unscripted: list[str] = []
        self._queues: dict[str, deque[Reply]] = {"chat": deque(), "embeddings": deque()}
        self._lock = threading.Lock()
        self._ids = 0
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting

    def enqueue(self, *replies: Reply) -> OpenAIServer:
        """Answer the next chat completion requests with ``replies``, in order."""
        with self._lock:
            self._queues["chat"].extend(replies)
        return self

    def enqueue_embeddings(self, *replies: Reply) -> OpenAIServer:
        """Answer the next embeddings requests with ``replies`` (errors, delays); then vectors again."""
        with self._lock:
            self._queues["embeddings"].extend(replies)
        return self

    def next_reply(self, endpoint: str) -> Reply | None:
        with self._lock:
            queue = self._queues[endpoint]
            return queue.popleft() if queue else None

    def next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when the server is stopping (the caller should give up)."""
        return self._stopping.wait(seconds)

    @property
    def pending(self) -> int:
        """Scripted chat replies not yet used."""
        with self._lock:
            return len(self._queues["chat"])

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    # -- lifecycle

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> OpenAIServer:
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="openai-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(name="openai_server")
def openai_server_fixture() -> Iterator[OpenAIServer]:
    """A running :class:`OpenAIServer`; fails the test if a request found nothing scripted."""
    with OpenAIServer() as server:
        yield server
        assert not server.unscripted, f"requests with no scripted reply: {server.unscripted}"
