"""Failures behind the API: a model that times out or a store that is down is a 503 with the reason and
nothing half-written; an unexpected error is a 500 without a traceback."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import ApiLimits, create_app
from assistant.drafting.fake import FakeDrafter
from assistant.service import Assistant
from knowledge.db.api_models import SuggestionLog, TokenUsage
from knowledge.errors import BackendError
from tests.api_support import api_settings, key, runtime_of


def test_a_model_timeout_is_503_with_the_reason_and_nothing_is_written(tmp_path: Path) -> None:
    drafter = FakeDrafter(error=BackendError("the chat model did not answer within 30 s"))
    app = create_app(
        api_settings(tmp_path), limits=ApiLimits(), assistant_factory=lambda rt: Assistant(rt, drafter)
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        agent = key(c, "acme", "agent")
        r = c.post("/v1/suggestions", json={"message": "Where is my parcel?"}, headers=agent)
        assert r.status_code == 503
        assert r.json() == {
            "error": {"type": "backend_unavailable", "message": "the chat model did not answer within 30 s"}
        }
        with c.stream(
            "POST", "/v1/suggestions/stream", json={"message": "Where is my parcel?"}, headers=agent
        ) as s:
            body = s.read().decode()
        assert "event: error" in body and "did not answer" in body and "event: done" not in body
        chat = c.post(
            "/v1/chat/completions",
            json={"model": "svar-answer", "messages": [{"role": "user", "content": "Where is my parcel?"}]},
            headers=agent,
        )
        assert chat.status_code == 503 and "did not answer" in chat.json()["error"]["message"]
        with runtime_of(c).sessions() as session:
            assert session.scalar(select(func.count()).select_from(SuggestionLog)) == 0
            assert session.scalar(select(func.count()).select_from(TokenUsage)) == 0


def test_a_vector_store_that_is_down_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(api_settings(tmp_path)), raise_server_exceptions=False) as c:
        agent = key(c, "acme", "agent")
        rt = runtime_of(c)

        def down(*_args: object, **_kwargs: object) -> None:
            raise BackendError("the Chroma server at http://chroma:8000 is not reachable")

        rt.searcher.search = down  # type: ignore[method-assign]
        r = c.post("/v1/suggestions", json={"message": "Where is my parcel?"}, headers=agent)
        assert r.status_code == 503 and "Chroma" in r.json()["error"]["message"]


def test_an_unexpected_error_is_500_without_a_traceback(tmp_path: Path) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/app.py line 3")

    drafter = FakeDrafter()
    drafter.draft = boom  # type: ignore[method-assign]
    app = create_app(api_settings(tmp_path), assistant_factory=lambda rt: Assistant(rt, drafter))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/suggestions", json={"message": "hei"}, headers=key(c, "acme", "agent"))
        assert r.status_code == 500
        assert r.json() == {
            "error": {"type": "internal", "message": "internal error; the server log has the details"}
        }
        assert "Traceback" not in r.text and "secret internals" not in r.text


def test_readyz_checks_the_chat_model_endpoint(tmp_path: Path) -> None:
    from tests.openai_server import OpenAIServer  # the loopback OpenAI-protocol server of the LLM tests

    with OpenAIServer() as server:
        settings = api_settings(tmp_path).model_copy(
            update={"llm_model": "gpt-test", "llm_base_url": server.url, "llm_api_key": "sk-test"}
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as c:
            r = c.get("/readyz")
            assert r.status_code == 200 and r.json()["checks"]["drafter"] == "ok"
    settings = api_settings(tmp_path / "b").model_copy(
        update={"llm_model": "gpt-test", "llm_base_url": "http://127.0.0.1:9/v1", "llm_api_key": "sk-test"}
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["drafter"].startswith("down")
