"""One answer-time goal per channel: the widget's "a person answers within N minutes", its handoff's due time
and the desk's time left all read ``SVAR_DESK_*``; a bad value is a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import ApiLimits, create_app
from api.config import DeskSettings, load_desk_settings
from assistant.cli import app as cli
from knowledge.errors import ConfigError
from tests.api_support import api_settings, key, load_demo

WS = "goals"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SVAR_DESK_CHAT_MINUTES", "12")
        app = create_app(api_settings(tmp_path_factory.mktemp("goals")), limits=ApiLimits())
    with TestClient(app, raise_server_exceptions=False) as c:
        load_demo(c, WS)
        yield c


def test_the_widget_and_the_desk_read_the_same_chat_goal(client: TestClient) -> None:
    started = client.post("/v1/widget/sessions", json={}, headers=key(client, WS, "widget"))
    assert started.json()["answer_minutes"] == 12, "the widget tells the page the desk's goal"
    visitor = {"Authorization": f"Bearer {started.json()['token']}"}
    client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
    before = datetime.now(UTC)
    out = client.post("/v1/widget/handoff", json={}, headers=visitor).json()
    due = datetime.fromisoformat(out["due_at"])
    assert out["answer_minutes"] == 12
    assert before + timedelta(minutes=12) - timedelta(seconds=5) <= due <= before + timedelta(minutes=13)
    inbox = client.get("/v1/desk/inbox", headers=key(client, WS, "agent")).json()
    (waiting,) = [w for w in inbox["waiting"] if w["conversation"] == out["conversation_id"]]
    assert datetime.fromisoformat(waiting["due_at"]) == due, "the desk counts down to the same time"
    assert 0 < waiting["seconds_left"] <= 12 * 60
    assert {"channel": "chat, widget", "goal": "12 min"} in inbox["goals"]


def test_goals_per_channel_as_durations() -> None:
    goals = DeskSettings(chat_minutes=7, email_minutes=None)
    assert goals.goal("widget") == goals.goal("chat") == timedelta(minutes=7)
    assert goals.minutes("instagram") == 60 and goals.goal("email") is None
    assert goals.minutes("carrier-pigeon") is None, "an unknown channel gets the e-mail goal"


@pytest.mark.parametrize("value", ["0", "soon"])
def test_a_bad_goal_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("SVAR_DESK_CHAT_MINUTES", value)
    with pytest.raises(ConfigError, match="invalid setting SVAR_DESK_CHAT_MINUTES"):
        load_desk_settings()
    with pytest.raises(ConfigError, match="SVAR_DESK_CHAT_MINUTES"):
        create_app(api_settings(tmp_path))
    monkeypatch.setenv("SVAR_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "SVAR_DESK_CHAT_MINUTES" in result.output, result.output
