"""The widget through HTTP: sessions (anonymous, HMAC, JWT), answers (JSON and SSE), ratings, handoff,
rate limits, the token budget and CORS per workspace."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import jwt
import pytest
from fastapi.testclient import TestClient

from assistant.widget import sign_customer
from knowledge.db.api_models import SuggestionLog
from tests.api_support import api_client, key, load_demo, runtime_of

WS = "acme"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tmp_path_factory.mktemp("widget"), widget_per_ip_per_minute=10_000) as c:
        load_demo(c, WS)
        yield c


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    return key(client, WS, "admin")


@pytest.fixture(scope="module")
def widget_key(client: TestClient) -> dict[str, str]:
    return key(client, WS, "widget")


@pytest.fixture(scope="module")
def secret(client: TestClient, admin: dict) -> str:
    r = client.post("/v1/workspace/widget-secret", headers=admin)
    assert r.status_code == 201
    return str(r.json()["secret"])


def session(client: TestClient, widget_key: dict, body: dict | None = None) -> dict[str, str]:
    r = client.post("/v1/widget/sessions", json=body or {}, headers=widget_key)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_an_anonymous_visitor_gets_answers_rates_them_and_asks_for_a_person(
    client: TestClient, widget_key: dict
) -> None:
    visitor = session(client, widget_key)
    r = client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["language"] == "nb" and answer["text"]
    assert answer["handoff_suggested"] == answer["abstain"]
    rating = client.post(f"/v1/widget/answers/{answer['id']}/rating", json={"rating": 5}, headers=visitor)
    assert rating.status_code == 201 and rating.json()["action"] == "rated"
    assert (
        client.post(
            f"/v1/widget/answers/{answer['id']}/rating", json={"rating": 9}, headers=visitor
        ).status_code
        == 422
    )
    other = session(client, widget_key)
    r = client.post(f"/v1/widget/answers/{answer['id']}/rating", json={"rating": 1}, headers=other)
    assert r.status_code == 404, "a session rates only its own answers"
    with client.stream(
        "POST", "/v1/widget/messages/stream", json={"text": "Og hva med returfrakt?"}, headers=visitor
    ) as s:
        assert s.status_code == 200
        body = s.read().decode()
    events = [block.split("\n")[0][7:] for block in body.strip().split("\n\n")]
    assert events[0] == "start" and events[-1] == "done" and "answer" in events
    final = json.loads(
        next(b for b in body.split("\n\n") if b.startswith("event: answer")).split("data: ", 1)[1]
    )
    deltas = "".join(
        json.loads(b.split("data: ", 1)[1])["text"]
        for b in body.split("\n\n")
        if b.startswith("event: delta")
    )
    assert deltas == final["text"]
    r = client.post(
        "/v1/widget/handoff", json={"reason": "Jeg vil snakke med noen", "name": "Per"}, headers=visitor
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["customer_id"].startswith("widget-") and "Hvor lang er angreretten?" in out["summary"]
    agent = key(client, WS, "agent")
    card = client.get(f"/v1/customers/{out['customer_id']}/card", headers=agent).json()
    (conv,) = card["open_conversations"]
    assert conv["id"] == out["conversation_id"] and conv["channel"] == "widget"
    assert conv["messages"] == 5  # two questions, two answers, the summary note
    assert card["name"] == "Per"
    again = client.post("/v1/widget/handoff", json={}, headers=visitor)
    assert again.status_code == 200, "a second handoff updates the same conversation"


def test_a_customer_verified_by_hmac_is_the_customer_of_the_session(
    client: TestClient, widget_key: dict, secret: str
) -> None:
    signed = {"customer_id": "cus_nb_01", "signature": sign_customer(secret, "cus_nb_01")}
    r = client.post("/v1/widget/sessions", json=signed, headers=widget_key)
    assert r.status_code == 201 and r.json()["verified"] is True
    kari = {"Authorization": f"Bearer {r.json()['token']}"}
    answer = client.post(
        "/v1/widget/messages", json={"text": "Når kommer den nye ruteren?"}, headers=kari
    ).json()
    with runtime_of(client).sessions() as s:
        logged = s.get(SuggestionLog, answer["id"])
        assert logged is not None and logged.customer_ref == "cus_nb_01"
    r = client.post("/v1/widget/handoff", json={"reason": "vil snakke med noen"}, headers=kari)
    assert r.status_code == 200 and r.json()["customer_id"] == "cus_nb_01"
    agent = key(client, WS, "agent")
    card = client.get("/v1/customers/cus_nb_01/card", headers=agent).json()
    assert r.json()["conversation_id"] in {c["id"] for c in card["open_conversations"]}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"customer_id": "cus_nb_01", "signature": "00" * 32}, "does not match"),
        ({"customer_id": "cus_nb_01"}, "signature"),
        ({"signature": "abc"}, "customer_id"),
        ({"token": "not-a-jwt"}, "does not verify"),
    ],
)
def test_a_customer_who_does_not_verify_is_refused(
    client: TestClient, widget_key: dict, secret: str, body: dict, needle: str
) -> None:
    r = client.post("/v1/widget/sessions", json=body, headers=widget_key)
    assert r.status_code == 401 and needle in r.json()["error"]["message"]


def test_jwt_verification_needs_the_secret_a_subject_and_an_expiry(
    client: TestClient, widget_key: dict, secret: str
) -> None:
    now = int(time.time())
    good = jwt.encode({"sub": "cus_sv_01", "exp": now + 300}, secret, algorithm="HS256")
    r = client.post("/v1/widget/sessions", json={"token": good}, headers=widget_key)
    assert r.status_code == 201 and r.json()["verified"] is True
    for token, needle in (
        (jwt.encode({"sub": "cus_sv_01", "exp": now - 10}, secret, algorithm="HS256"), "expired"),
        (
            jwt.encode(
                {"sub": "cus_sv_01", "exp": now + 300},
                "another-secret-that-is-long-enough!!",
                algorithm="HS256",
            ),
            "does not verify",
        ),
        (jwt.encode({"sub": "cus_sv_01"}, secret, algorithm="HS256"), "does not verify"),
    ):
        r = client.post("/v1/widget/sessions", json={"token": token}, headers=widget_key)
        assert r.status_code == 401 and needle in r.json()["error"]["message"], r.text


def test_widget_credentials_reach_only_widget_and_chat_routes(client: TestClient, widget_key: dict) -> None:
    visitor = session(client, widget_key)
    for creds in (visitor, widget_key):
        assert client.post("/v1/suggestions", json={"message": "hei"}, headers=creds).status_code == 403
        assert client.get("/v1/customers/cus_nb_01/card", headers=creds).status_code == 403
        assert client.get("/v1/knowledge/documents", headers=creds).status_code == 403
    assert client.post("/v1/widget/messages", json={"text": "hei"}, headers=widget_key).status_code == 403
    r = client.post(
        "/v1/chat/completions",
        json={"model": "svar-answer", "messages": [{"role": "user", "content": "Hvor lang er angreretten?"}]},
        headers=visitor,
    )
    assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"]
    bad = client.post(
        "/v1/chat/completions",
        json={"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]},
        headers=visitor,
    )
    assert bad.status_code == 404 and "svar-answer" in bad.json()["error"]["message"]
    none = client.post(
        "/v1/chat/completions",
        json={"model": "svar-answer", "messages": [{"role": "system", "content": "x"}]},
        headers=visitor,
    )
    assert none.status_code == 400 and "user message" in none.json()["error"]["message"]


def test_rate_limits_answer_429_with_retry_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with api_client(tmp_path, widget_per_ip_per_minute=3) as c:
        wk = key(c, WS, "widget")
        codes = [c.post("/v1/widget/sessions", json={}, headers=wk).status_code for _ in range(4)]
        assert codes == [201, 201, 201, 429]
        r = c.post("/v1/widget/sessions", json={}, headers=wk)
        assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60
    with api_client(tmp_path / "b", widget_per_key_per_minute=2) as c:
        wk = key(c, WS, "widget")
        other = key(c, WS, "widget")
        assert [c.post("/v1/widget/sessions", json={}, headers=wk).status_code for _ in range(3)] == [
            201,
            201,
            429,
        ]
        assert c.post("/v1/widget/sessions", json={}, headers=other).status_code == 201, "limits are per key"


def test_the_token_budget_stops_a_workspace_with_429(
    client: TestClient, admin: dict, widget_key: dict
) -> None:
    visitor = session(client, widget_key)
    assert (
        client.put("/v1/workspace/settings", json={"token_budget_daily": 1}, headers=admin).status_code == 200
    )
    try:
        ok = client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
        assert ok.status_code in {200, 429}
        r = client.post("/v1/widget/messages", json={"text": "Hvor lang er angreretten?"}, headers=visitor)
        assert r.status_code == 429 and "budget" in r.json()["error"]["message"]
        assert int(r.headers["Retry-After"]) > 0
        agent = key(client, WS, "agent")
        assert client.post("/v1/suggestions", json={"message": "hei"}, headers=agent).status_code == 429
        used = client.get("/v1/workspace", headers=admin).json()["tokens_used_today"]
        assert used >= 1
    finally:
        client.put("/v1/workspace/settings", json={"clear_budget": True}, headers=admin)


def test_cors_origins_are_per_workspace(client: TestClient, admin: dict, widget_key: dict) -> None:
    client.put("/v1/workspace/settings", json={"cors_origins": ["https://shop.example"]}, headers=admin)
    pre = client.options(
        "/v1/widget/sessions",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert pre.status_code == 204 and pre.headers["access-control-allow-origin"] == "https://shop.example"
    denied = client.options(
        "/v1/widget/sessions",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert denied.status_code == 403 and "access-control-allow-origin" not in denied.headers
    r = client.post("/v1/widget/sessions", json={}, headers={**widget_key, "Origin": "https://shop.example"})
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "https://shop.example"
    r = client.post("/v1/widget/sessions", json={}, headers={**widget_key, "Origin": "https://evil.example"})
    assert r.status_code == 403 and "cors_origins" in r.json()["error"]["message"]
    other_ws_widget = key(client, "other", "widget")
    r = client.post(
        "/v1/widget/sessions", json={}, headers={**other_ws_widget, "Origin": "https://shop.example"}
    )
    assert r.status_code == 403, "an origin allowed by one workspace is not allowed for another"
