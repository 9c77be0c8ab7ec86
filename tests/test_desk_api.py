"""The desk's JSON routes and answer-time goals through HTTP (hash embedder, offline drafter), the desk page's
headers, and `svar demo`'s serving edge (the port check). The page itself is tested in tests/browser."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from api.config import DeskSettings
from assistant.cli import app as cli
from assistant.demo import DEMO_MESSAGES, load_demo, open_demo_queue
from knowledge.db.api_models import Feedback
from knowledge.db.history_models import Conversation, Message
from tests.api_support import api_client, key, runtime_of

WS = "demo"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tmp_path_factory.mktemp("desk"), widget_per_ip_per_minute=10_000) as c:
        rt = runtime_of(c)
        load_demo(rt, WS)
        open_demo_queue(rt, datetime.now(UTC), WS)
        yield c


@pytest.fixture(scope="module")
def agent(client: TestClient) -> dict[str, str]:
    return key(client, WS, "agent")


def _add(client: TestClient, agent: dict[str, str], conversation: str, channel: str, ago: timedelta) -> None:
    event = {
        "customer": {"id": "cus_sv_02"},
        "conversation": {"id": conversation, "channel": channel},
        "message": {
            "role": "customer",
            "text": "Hej, var är mitt paket?",
            "at": (datetime.now(UTC) - ago).isoformat(),
        },
    }
    r = client.post("/v1/customers/events", json={"events": [event]}, headers=agent)
    assert r.status_code == 200, r.text


def test_answer_time_goals_per_channel() -> None:
    desk = DeskSettings(timezone="Europe/Oslo")
    since = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # 10:30 in Oslo
    assert desk.due("facebook", since) == since + timedelta(hours=1)
    assert desk.due("instagram", since) == desk.due("x", since) == since + timedelta(hours=1)
    assert desk.due("chat", since) == desk.due("widget", since) == since + timedelta(minutes=5)
    assert desk.due("email", since) == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # midnight in Oslo
    late = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)  # 23:30 in Oslo (summer time): still that day
    assert desk.due("email", late) == datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    assert DeskSettings(email_minutes=240).due("email", since) == since + timedelta(hours=4)
    assert DeskSettings(social_minutes=30).due("x", since) == since + timedelta(minutes=30)


def test_answer_time_goals_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_DESK_CHAT_MINUTES", "2")
    monkeypatch.setenv("SVAR_DESK_TIMEZONE", "Europe/Stockholm")
    desk = DeskSettings()
    assert desk.chat_minutes == 2 and desk.timezone == "Europe/Stockholm"
    monkeypatch.setenv("SVAR_DESK_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        DeskSettings()


def test_the_inbox_lists_waiting_conversations_most_urgent_first(client: TestClient, agent: dict) -> None:
    _add(client, agent, "desk-fb", "facebook", timedelta(minutes=50))  # due in 10 minutes
    _add(client, agent, "desk-chat-late", "chat", timedelta(minutes=20))  # overdue by 15 minutes
    r = client.get("/v1/desk/inbox", headers=agent)
    assert r.status_code == 200, r.text
    waiting = r.json()["waiting"]
    ids = [w["conversation"] for w in waiting]
    # most urgent first: sorted by due time, the overdue chat before the Facebook message due in 10 minutes
    # (not necessarily first of all: near midnight in the desk's time zone a demo e-mail of yesterday is
    # more overdue than the chat)
    assert [w["due_at"] for w in waiting] == sorted(w["due_at"] for w in waiting)
    late = waiting[ids.index("desk-chat-late")]
    assert ids.index("desk-chat-late") < ids.index("desk-fb") and late["seconds_left"] < 0
    fb = waiting[ids.index("desk-fb")]
    assert 0 < fb["seconds_left"] <= 600 and fb["channel"] == "facebook" and fb["customer"] == "cus_sv_02"
    # the demo's five customers wait; the sample history's conversations are closed
    assert {m.customer for m in DEMO_MESSAGES} <= {w["customer"] for w in waiting}
    assert all(w["conversation"].startswith(("live-", "desk-")) for w in waiting)
    assert {g["goal"] for g in r.json()["goals"]} >= {"60 min", "5 min", "same day"}


def test_a_sent_reply_becomes_an_agent_turn_with_its_feedback(client: TestClient, agent: dict) -> None:
    _add(client, agent, "desk-reply", "chat", timedelta(minutes=1))
    view = client.get("/v1/desk/conversations/desk-reply", headers=agent)
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["answer_to"] == "Hej, var är mitt paket?" and body["waiting"]["conversation"] == "desk-reply"
    assert body["card"]["external_id"] == "cus_sv_02" and body["situation"]["orders"]
    assert {m["channel"] for m in body["timeline"]} > {"chat"}  # every channel of the customer
    sug = client.post("/v1/desk/conversations/desk-reply/suggestions", headers=agent)
    assert sug.status_code == 200, sug.text
    first = sug.json()["suggestions"][0]
    assert first["text"] and "changes" in first
    since = datetime.fromisoformat(body["waiting"]["waiting_since"])
    as_of = datetime.fromisoformat(sug.json()["as_of"])
    assert as_of < since  # made as of the message's arrival, so the history does not hold it twice
    text = first["text"] + " Hälsningar, Eva"
    reply = {"text": text, "suggestion_id": first["id"]}
    sent = client.post("/v1/desk/conversations/desk-reply/reply", json=reply, headers=agent)
    assert sent.status_code == 201, sent.text
    assert sent.json()["waiting"] is False and sent.json()["feedback_id"] is not None
    rt = runtime_of(client)
    with rt.sessions() as session:
        messages = session.scalars(
            select(Message)
            .join(Conversation, Message.conversation_id == Conversation.id)
            .where(Conversation.external_id == "desk-reply")
            .order_by(Message.at)
        ).all()
        feedback = session.scalars(select(Feedback).where(Feedback.suggestion_id == first["id"])).all()
    assert [(m.role, m.text) for m in messages][-1] == ("agent", text)
    assert [(f.action, f.final_text) for f in feedback] == [("sent", text)]
    ids = [w["conversation"] for w in client.get("/v1/desk/inbox", headers=agent).json()["waiting"]]
    assert "desk-reply" not in ids
    again = client.post("/v1/desk/conversations/desk-reply/suggestions", headers=agent)
    assert again.status_code == 400 and "no customer message waiting" in again.json()["error"]["message"]


def test_bad_replies_are_refused_and_add_nothing(client: TestClient, agent: dict) -> None:
    _add(client, agent, "desk-bad", "sms", timedelta(minutes=1))
    url = "/v1/desk/conversations/desk-bad/reply"
    assert client.post(url, json={"text": "  "}, headers=agent).status_code == 422
    r = client.post(url, json={"text": "Hej!", "suggestion_id": "sug_nope"}, headers=agent)
    assert r.status_code == 404 and "sug_nope" in r.json()["error"]["message"]
    r = client.post(url, json={"text": "x" * 9000}, headers=agent)
    assert r.status_code == 400 and "shorten" in r.json()["error"]["message"]
    r = client.post("/v1/desk/conversations/nope/reply", json={"text": "Hej!"}, headers=agent)
    assert r.status_code == 404
    with runtime_of(client).sessions() as session:
        roles = session.scalars(
            select(Message.role)
            .join(Conversation, Message.conversation_id == Conversation.id)
            .where(Conversation.external_id == "desk-bad")
        ).all()
    assert roles == ["customer"]


def test_desk_routes_need_an_agent_of_the_same_workspace(client: TestClient, agent: dict) -> None:
    _add(client, agent, "desk-scope", "chat", timedelta(minutes=1))
    assert client.get("/v1/desk/inbox").status_code == 401
    assert client.get("/v1/desk/inbox", headers=key(client, WS, "widget")).status_code == 403
    other = key(client, "elsewhere", "agent")
    assert client.get("/v1/desk/inbox", headers=other).json()["waiting"] == []
    assert client.get("/v1/desk/conversations/desk-scope", headers=other).status_code == 404
    assert client.post("/v1/desk/conversations/desk-scope/suggestions", headers=other).status_code == 404
    r = client.post("/v1/desk/conversations/desk-scope/reply", json={"text": "Hej"}, headers=other)
    assert r.status_code == 404


def test_the_page_carries_no_key_and_a_strict_csp(client: TestClient, agent: dict) -> None:
    page = client.get("/desk")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in page.text and "style=" not in page.text and "svar_" not in page.text
    for asset in ("desk.js", "desk.css", "icon.svg"):
        assert client.get(f"/desk/static/{asset}").status_code == 200
    assert client.get("/desk/static/../routes/desk.py").status_code == 404
    js = client.get("/desk/static/desk.js").text
    assert "innerHTML" not in js  # text from the server goes in with textContent only


def test_a_same_origin_page_passes_the_origin_check(client: TestClient, agent: dict) -> None:
    own = client.get("/v1/desk/inbox", headers={**agent, "Origin": "http://testserver"})
    assert own.status_code == 200
    foreign = client.get("/v1/desk/inbox", headers={**agent, "Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_svar_demo_says_when_its_port_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = CliRunner().invoke(cli, ["demo", "--port", str(port)])
    assert res.exit_code == 2, res.output
    assert f"cannot listen on 127.0.0.1:{port}" in " ".join(res.stderr.split())
    assert f"--port {port + 1}" in res.stderr
