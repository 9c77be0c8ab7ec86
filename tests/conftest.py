"""Shared fixtures. No test may reach the network: sockets to anything but loopback are refused."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.runtime import Runtime, build_runtime
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED_SUITES = REPO.parent / "shared" / "data" / "suites"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise OSError(f"tests may not reach the network ({host})")
        except ValueError:
            if host not in {"localhost"}:
                raise OSError(f"tests may not reach the network ({host})") from None
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SVAR_LLM_MODEL",
        "SVAR_DATABASE_URL",
        "SVAR_CHROMA_URL",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", embedder="hash", chunk_tokens=128, chunk_overlap=16)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings)
    yield runtime
    runtime.close()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
