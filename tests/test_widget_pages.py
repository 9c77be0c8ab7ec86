"""The widget's files and the demo shop page over HTTP: the CSP of the pages, the embeddable assets, the
texts in five languages, and what the widget API tells the page (answer-time goal, link allowlist, the
handoff's due time on an open widget conversation)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from knowledge.db.history_models import Conversation, Message
from tests.api_support import api_client, key, load_demo, runtime_of

WS = "shop"
WEB = Path(__file__).resolve().parents[1] / "api" / "web" / "widget"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tmp_path_factory.mktemp("pages"), widget_per_ip_per_minute=10_000) as c:
        load_demo(c, WS)
        yield c


@pytest.fixture(scope="module")
def widget_key(client: TestClient) -> dict[str, str]:
    return key(client, WS, "widget")


def test_the_shop_page_exists_only_with_demo_state(client: TestClient, widget_key: dict) -> None:
    r = client.get("/demo/shop")
    assert r.status_code == 404 and "svar demo" in r.json()["error"]["message"]
    client.app.state.demo = {"widget_key": widget_key["Authorization"].split()[1]}  # type: ignore[attr-defined]
    try:
        r = client.get("/demo/shop")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        page = r.text
        assert '<html lang="nb">' in page
        assert f'data-key="{widget_key["Authorization"].split()[1]}"' in page
        assert "<style" not in page and " style=" not in page, "no inline style under the CSP"
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
        assert scripts == [""], "one script tag, external, no inline script"
        assert client.get("/demo/shop?lang=sv").text.startswith('<!doctype html>\n<html lang="sv">')
        bad = client.get("/demo/shop?lang=xx")
        assert bad.status_code == 400 and "nb, nn, sv, da, en" in bad.json()["error"]["message"]
    finally:
        del client.app.state.demo  # type: ignore[attr-defined]


def test_the_shop_page_escapes_the_key_it_shows(client: TestClient) -> None:
    client.app.state.demo = {"widget_key": '"><script>alert(1)</script>'}  # type: ignore[attr-defined]
    try:
        page = client.get("/demo/shop").text
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    finally:
        del client.app.state.demo  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/widget.js", "text/javascript"),
        ("/widget.css", "text/css"),
        ("/widget/texts.json", "application/json"),
        ("/demo/shop.css", "text/css"),
    ],
)
def test_the_embeddable_assets_are_served_to_any_site(client: TestClient, path: str, media: str) -> None:
    r = client.get(path, headers={"Origin": "https://shop.example"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"(svar|wst)_[\w-]{16,}", r.text), "no key or session token in a static file"


def test_the_script_never_writes_html_from_strings() -> None:
    source = (WEB / "widget.js").read_text(encoding="utf-8")
    for sink in (".innerHTML", ".outerHTML", ".insertAdjacentHTML(", "document.write(", "eval(", "Function("):
        assert sink not in source, sink
    css = (WEB / "widget.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(http" not in css, "the style sheet loads nothing from elsewhere"


def test_the_texts_cover_five_languages_with_the_same_keys() -> None:
    texts = json.loads((WEB / "texts.json").read_text(encoding="utf-8"))
    assert set(texts) == {"nb", "nn", "sv", "da", "en"}
    keys = set(texts["en"])
    for lang, table in texts.items():
        assert set(table) == keys, lang
        assert all(isinstance(v, str) and v.strip() for v in table.values()), lang
        assert "{minutes}" in table["handed_over"] and "{time}" in table["handed_over"], lang
        assert "{when}" in table["handed_over_closed"], lang
    assert len({texts[lang]["human"] for lang in texts}) == 5, "each language has its own words"


def test_a_session_tells_the_widget_the_answer_time_and_the_link_allowlist(
    client: TestClient, widget_key: dict
) -> None:
    r = client.post("/v1/widget/sessions", json={}, headers=widget_key)
    assert r.status_code == 201
    body = r.json()
    assert body["answer_minutes"] == 5
    assert body["link_domains"] == ["hjelp.nordlys.example"], "learnt from the knowledge's own URLs"


def test_a_handoff_opens_a_widget_conversation_due_within_the_goal(
    client: TestClient, widget_key: dict
) -> None:
    token = client.post("/v1/widget/sessions", json={}, headers=widget_key).json()["token"]
    visitor = {"Authorization": f"Bearer {token}"}
    asked = client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
    assert asked.status_code == 200
    before = datetime.now().astimezone()
    r = client.post("/v1/widget/handoff", json={"reason": "vil snakke med noen"}, headers=visitor)
    assert r.status_code == 200, r.text
    out = r.json()
    due = datetime.fromisoformat(out["due_at"])
    assert out["answer_minutes"] == 5
    assert before + timedelta(minutes=5) - timedelta(seconds=5) <= due <= before + timedelta(minutes=6)
    with runtime_of(client).sessions() as s:
        conv = s.scalar(select(Conversation).where(Conversation.external_id == out["conversation_id"]))
        assert conv is not None and conv.channel == "widget" and conv.status == "open"
        assert conv.sla_due_at is not None and abs((conv.sla_due_at - due).total_seconds()) < 1
    again = client.post("/v1/widget/handoff", json={}, headers=visitor).json()
    assert again["due_at"] == out["due_at"], "a second handoff keeps the first due time"
    agent = key(client, WS, "agent")
    card = client.get(f"/v1/customers/{out['customer_id']}/card", headers=agent).json()
    (open_conv,) = card["open_conversations"]
    assert open_conv["sla_due_at"] is not None and open_conv["messages"] == 3


def test_what_a_customer_writes_after_the_handoff_reaches_the_agents(
    client: TestClient, widget_key: dict
) -> None:
    token = client.post("/v1/widget/sessions", json={}, headers=widget_key).json()["token"]
    visitor = {"Authorization": f"Bearer {token}"}
    client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
    out = client.post("/v1/widget/handoff", json={}, headers=visitor).json()
    later = "Ordrenummeret mitt er 48177420, hvis det hjelper."
    with client.stream("POST", "/v1/widget/messages/stream", json={"text": later}, headers=visitor) as s:
        assert s.status_code == 200 and "event: done" in s.read().decode()
    with runtime_of(client).sessions() as s:
        conv = s.scalar(select(Conversation).where(Conversation.external_id == out["conversation_id"]))
        assert conv is not None
        texts = [m.text for m in s.scalars(select(Message).where(Message.conversation_id == conv.id))]
    assert texts[0] == "Hvor lang er angreretten?" and later in texts
    assert len(texts) == 5, "two turns, the handoff note, then the later question and its answer"


def test_a_page_we_serve_ourselves_needs_no_cors_entry(client: TestClient, widget_key: dict) -> None:
    own = client.post("/v1/widget/sessions", json={}, headers={**widget_key, "Origin": "http://testserver"})
    assert own.status_code == 201 and "access-control-allow-origin" not in own.headers
    foreign = client.post(
        "/v1/widget/sessions", json={}, headers={**widget_key, "Origin": "https://elsewhere.example"}
    )
    assert foreign.status_code == 403 and "cors_origins" in foreign.json()["error"]["message"]


def test_what_an_agent_writes_after_the_handoff_reaches_that_session_only(
    client: TestClient, widget_key: dict
) -> None:
    from assistant.knowledge_ops import append_events

    token = client.post("/v1/widget/sessions", json={}, headers=widget_key).json()["token"]
    visitor = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/widget/replies", headers=visitor).json() == {"replies": []}, "nothing before"
    client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
    out = client.post("/v1/widget/handoff", json={}, headers=visitor).json()
    reply = {
        "customer": {"id": out["customer_id"]},
        "conversation": {"id": out["conversation_id"], "channel": "widget"},
        "message": {
            "id": "desk-reply-1",
            "role": "agent",
            "text": "Hei! Jeg ser på saken nå.",
            "at": "2026-11-30T10:00:00Z",
        },
    }
    report = append_events(runtime_of(client), WS, [reply])
    assert not report.rejected
    got = client.get("/v1/widget/replies", headers=visitor).json()["replies"]
    assert [r["text"] for r in got] == ["Hei! Jeg ser på saken nå."], "only the agent's words, not the note"
    later = client.get(f"/v1/widget/replies?after={got[0]['id']}", headers=visitor).json()
    assert later == {"replies": []}
    other = client.post("/v1/widget/sessions", json={}, headers=widget_key).json()["token"]
    theirs = client.get("/v1/widget/replies", headers={"Authorization": f"Bearer {other}"}).json()
    assert theirs == {"replies": []}, "another session never sees this conversation"
    assert client.get("/v1/widget/replies?after=-1", headers=visitor).status_code == 422
    assert client.get("/v1/widget/replies", headers=widget_key).status_code == 403, "a session's route"
