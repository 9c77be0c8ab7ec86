"""Helpers for the API tests: an app on a fresh data directory (hash embedder, offline drafter), keys,
and the demo company's knowledge and history loaded into a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api import ApiLimits, create_app
from assistant.keys import create_key
from assistant.runtime import Runtime
from assistant.settings import Settings
from knowledge.history import HistoryImporter

DEMO = Path(__file__).resolve().parents[1] / "assistant" / "demo_data"


def api_settings(home: Path) -> Settings:
    return Settings(home=home, embedder="hash", chunk_tokens=128, chunk_overlap=16)


@contextmanager
def api_client(home: Path, **limits: Any) -> Iterator[TestClient]:
    app = create_app(api_settings(home), limits=ApiLimits(**limits))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def runtime_of(client: TestClient) -> Runtime:
    return client.app.state.runtime  # type: ignore[attr-defined,no-any-return]


def key(client: TestClient, workspace: str, role: str) -> dict[str, str]:
    """Authorization headers with a new key."""
    new = create_key(runtime_of(client).sessions, workspace, role)
    return {"Authorization": f"Bearer {new.key}"}


def load_demo(client: TestClient, workspace: str) -> None:
    rt = runtime_of(client)
    rt.indexer.ingest(DEMO / "knowledge", workspace)
    HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(DEMO / "history.jsonl", workspace)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Run ``app`` with a real uvicorn on a free loopback port; yields its base URL."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):  # bounded: at most about a minute on a busy machine
        if server.started or not thread.is_alive():
            break
        time.sleep(0.1)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
