"""The API through a real HTTP client (TestClient): suggestions, feedback, customers, knowledge, workspace,
health, errors. The app is built by create_app on a fresh data directory (hash embedder, offline drafter)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api.sse import pieces
from assistant.cli import app as cli
from assistant.service import build_assistant
from knowledge.db.api_models import ApiKey, Feedback
from tests.api_support import api_client, key, load_demo, runtime_of

WS = "acme"
QUESTION = "Hvor lenge har jeg angrerett på varer jeg har kjøpt på nett?"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with api_client(tmp_path_factory.mktemp("api"), max_body_bytes=200_000) as c:
        load_demo(c, WS)
        yield c


@pytest.fixture(scope="module")
def agent(client: TestClient) -> dict[str, str]:
    return key(client, WS, "agent")


@pytest.fixture(scope="module")
def admin(client: TestClient) -> dict[str, str]:
    return key(client, WS, "admin")


def sse(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        event = next(line[7:] for line in lines if line.startswith("event: "))
        data = "\n".join(line[6:] for line in lines if line.startswith("data: "))
        out.append((event, json.loads(data)))
    return out


def test_a_suggestion_through_http_is_the_one_the_cli_builder_gives(client: TestClient, agent: dict) -> None:
    body = {"message": QUESTION, "channel": "chat", "customer": "cus_nb_01"}
    r = client.post("/v1/suggestions", json=body, headers=agent)
    assert r.status_code == 200, r.text
    out = r.json()
    direct = build_assistant(runtime_of(client)).suggest(
        workspace=WS, message=QUESTION, channel="chat", customer="cus_nb_01"
    )
    assert [s["text"] for s in out["suggestions"]] == [s.text for s in direct.suggestions]
    assert out["drafter"] == direct.drafter and out["language"] == "nb"
    assert out["customer_id"] == "cus_nb_01"
    assert all(s["id"].startswith("sug_") for s in out["suggestions"])
    assert out["known_facts"], "the customer's stored facts are part of the answer"


def test_the_stream_gives_the_same_suggestions_as_events(client: TestClient, agent: dict) -> None:
    body = {"message": QUESTION, "customer": "cus_nb_01", "max_suggestions": 2}
    with client.stream("POST", "/v1/suggestions/stream", json=body, headers=agent) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse(r.read().decode())
    kinds = [e for e, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    finals = [d for e, d in events if e == "suggestion"]
    assert 1 <= len(finals) <= 2
    for s in finals:
        deltas = "".join(d["text"] for e, d in events if e == "delta" and d["id"] == s["id"])
        assert deltas == s["text"]
    plain = client.post("/v1/suggestions", json=body, headers=agent).json()
    assert [s["text"] for s in finals] == [s["text"] for s in plain["suggestions"]]


def test_sse_pieces_join_back_to_the_text() -> None:
    text = "Hei Kari!\n\nVi  sender en ny ruter i dag. "
    assert "".join(pieces(text)) == text
    assert len(list(pieces(text, words=2))) > 2


def test_feedback_is_stored_and_checked(client: TestClient, agent: dict) -> None:
    sid = client.post("/v1/suggestions", json={"message": QUESTION}, headers=agent).json()["suggestions"][0][
        "id"
    ]
    for body in (
        {"action": "shown"},
        {"action": "inserted"},
        {"action": "edited", "final_text": "Hei! Angreretten er 14 dager."},
        {"action": "sent"},
        {"action": "dismissed", "reason": "wrong topic"},
    ):
        r = client.post(f"/v1/suggestions/{sid}/feedback", json=body, headers=agent)
        assert r.status_code == 201, r.text
        assert r.json()["action"] == body["action"]
    with runtime_of(client).sessions() as session:
        rows = session.scalars(select(Feedback).where(Feedback.suggestion_id == sid)).all()
    assert [f.action for f in rows] == ["shown", "inserted", "edited", "sent", "dismissed"]
    assert rows[2].final_text == "Hei! Angreretten er 14 dager." and rows[4].reason == "wrong topic"
    r = client.post(f"/v1/suggestions/{sid}/feedback", json={"action": "edited"}, headers=agent)
    assert r.status_code == 422 and "final_text" in r.json()["error"]["message"]
    r = client.post("/v1/suggestions/sug_nope/feedback", json={"action": "sent"}, headers=agent)
    assert r.status_code == 404
    r = client.post(f"/v1/suggestions/{sid}/feedback", json={"action": "liked"}, headers=agent)
    assert r.status_code == 422 and "action" in r.json()["error"]["message"]


def test_an_appended_event_is_used_by_the_next_suggestion(client: TestClient, agent: dict) -> None:
    event = {
        "customer": {"id": "cus_new_1", "name": "Ola Nordmann", "email": "ola@example.com", "language": "nb"},
        "conversation": {"id": "conv_new_1", "channel": "chat"},
        "message": {
            "id": "m-new-1",
            "role": "customer",
            "text": "Hei, ordrenummeret mitt er 55512345 og ruteren blinker oransje.",
            "at": "2026-03-01T10:00:00Z",
        },
    }
    conflict = {  # a conversation of another customer: refused by the importer, the rest imported
        "customer": {"id": "cus_new_1"},
        "conversation": {"id": "conv_nb01_email1", "channel": "email"},
        "message": {"role": "customer", "text": "hei", "at": "2026-03-01T10:05:00Z"},
    }
    r = client.post("/v1/customers/events", json={"events": [event, conflict]}, headers=agent)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["summary"]["events"] == 1 and out["summary"]["customers_added"] == 1
    assert out["rejected"][0]["location"] == "events[1]"
    r = client.post(
        "/v1/suggestions",
        json={"message": "Når kommer den nye?", "customer": "ola@example.com"},
        headers=agent,
    )
    assert r.status_code == 200, r.text
    assert "55512345" in {f["value"] for f in r.json()["known_facts"]}
    card = client.get("/v1/customers/cus_new_1/card", headers=agent).json()
    assert card["external_id"] == "cus_new_1" and card["name"] == "Ola Nordmann"
    r = client.post("/v1/customers/events", json={"events": [{"customer": {}}]}, headers=agent)
    assert r.status_code == 422 and "events.0.customer.id" in r.json()["error"]["message"]
    r = client.post("/v1/customers/events", json={"events": [conflict]}, headers=agent)
    assert r.status_code == 400 and "events[0]" in r.json()["error"]["message"]
    assert "another customer" in r.json()["error"]["message"]


def test_erase_removes_the_customer_and_their_suggestions(client: TestClient, agent: dict) -> None:
    event = {
        "customer": {"id": "cus_gone"},
        "conversation": {"id": "conv_gone", "channel": "sms"},
        "message": {"role": "customer", "text": "Hei, hvor er pakken min?", "at": "2026-03-02T10:00:00Z"},
    }
    assert client.post("/v1/customers/events", json={"events": [event]}, headers=agent).status_code == 200
    sug = client.post("/v1/suggestions", json={"message": "Pakken?", "customer": "cus_gone"}, headers=agent)
    assert sug.status_code == 200
    r = client.delete("/v1/customers/cus_gone", headers=agent)
    assert r.status_code == 200, r.text
    assert r.json()["rows"]["messages"] == 1
    assert client.get("/v1/customers/cus_gone/card", headers=agent).status_code == 404
    assert client.delete("/v1/customers/cus_gone", headers=agent).status_code == 404
    sid = sug.json()["suggestions"][0]["id"]
    assert (
        client.post(f"/v1/suggestions/{sid}/feedback", json={"action": "sent"}, headers=agent).status_code
        == 404
    )


def test_knowledge_upsert_list_delete(client: TestClient, admin: dict, agent: dict) -> None:
    doc = {
        "id": "api/gift-cards",
        "title": "Gift cards",
        "text": "Gift cards are valid for three years.",
        "language": "en",
    }
    r = client.post("/v1/knowledge/documents", json={"documents": [doc]}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["added"] == ["api/gift-cards"]
    again = client.post("/v1/knowledge/documents", json={"documents": [doc]}, headers=admin).json()
    assert again["unchanged"] == ["api/gift-cards"] and again["added"] == []
    changed = client.post(
        "/v1/knowledge/documents",
        json={"documents": [{**doc, "text": "Gift cards are valid for five years."}]},
        headers=admin,
    ).json()
    assert changed["updated"] == ["api/gift-cards"]
    r = client.post("/v1/suggestions", json={"message": "How long are gift cards valid?"}, headers=agent)
    assert "api/gift-cards" in {c["id"] for s in r.json()["suggestions"] for c in s["citations"]}
    listed = client.get("/v1/knowledge/documents?limit=500", headers=admin).json()
    assert "api/gift-cards" in {d["id"] for d in listed["documents"]} and listed["total"] >= len(
        listed["documents"]
    )
    assert client.delete("/v1/knowledge/documents/api/gift-cards", headers=admin).status_code == 204
    assert client.delete("/v1/knowledge/documents/api/gift-cards", headers=admin).status_code == 404
    listed = client.get("/v1/knowledge/documents?limit=500", headers=admin).json()
    assert "api/gift-cards" not in {d["id"] for d in listed["documents"]}
    dup = client.post("/v1/knowledge/documents", json={"documents": [doc, doc]}, headers=admin)
    assert dup.status_code == 400 and "duplicate" in dup.json()["error"]["message"]
    cli_doc = listed["documents"][0]["id"]
    assert client.delete(f"/v1/knowledge/documents/{cli_doc}", headers=admin).status_code == 204
    assert cli_doc not in {
        d["id"] for d in client.get("/v1/knowledge/documents?limit=500", headers=admin).json()["documents"]
    }


def _wait_job(client: TestClient, job_id: str, headers: dict) -> dict:
    client.app.state.jobs.wait(job_id, timeout=120)  # type: ignore[attr-defined]
    return client.get(f"/v1/jobs/{job_id}", headers=headers).json()


def test_upload_and_reindex_run_as_jobs_with_progress(client: TestClient, admin: dict, agent: dict) -> None:
    files = [
        (
            "files",
            ("warranty.md", b"---\ntitle: Warranty\n---\nThe warranty lasts two years.\n", "text/markdown"),
        )
    ]
    r = client.post("/v1/knowledge/files", files=files, headers=admin)
    assert r.status_code == 202, r.text
    job = _wait_job(client, r.json()["id"], admin)
    assert job["status"] == "done" and job["result"]["added"] == 1 and job["progress"] == 1.0
    assert job["phase"]  # the last phase it reported
    r = client.post(
        "/v1/knowledge/files",
        files=[("files", ("evil.exe", b"MZ", "application/octet-stream"))],
        headers=admin,
    )
    assert r.status_code == 400 and ".md" in r.json()["error"]["message"]
    r = client.post("/v1/knowledge/reindex", headers=admin)
    assert r.status_code == 202
    job = _wait_job(client, r.json()["id"], admin)
    assert job["status"] == "done" and job["result"]["chunks"] > 0
    assert client.get("/v1/jobs/job_unknown", headers=admin).status_code == 404
    assert client.post("/v1/knowledge/reindex", headers=agent).status_code == 403


def test_workspace_settings_fields_and_keys(client: TestClient, admin: dict, agent: dict) -> None:
    r = client.put(
        "/v1/workspace/settings",
        json={"cors_origins": ["https://shop.example"], "token_budget_daily": 10**9},
        headers=admin,
    )
    assert r.status_code == 200 and r.json()["cors_origins"] == ["https://shop.example"]
    fields = {"fields": [{"name": "router_model", "description": "Router model", "values": ["AX3000"]}]}
    assert client.put("/v1/workspace/fields", json=fields, headers=admin).status_code == 200
    assert client.get("/v1/workspace/fields", headers=agent).json()["fields"][0]["name"] == "router_model"
    bad = client.put("/v1/workspace/fields", json={"fields": [{"name": "Bad Name"}]}, headers=admin)
    assert bad.status_code == 422 and "name" in bad.json()["error"]["message"]
    twice = {"fields": [{"name": "a"}, {"name": "a"}]}
    dup = client.put("/v1/workspace/fields", json=twice, headers=admin)
    assert dup.status_code == 400 and "'a' is declared twice" in dup.json()["error"]["message"]
    new = client.post("/v1/keys", json={"role": "widget", "label": "shop"}, headers=admin)
    assert new.status_code == 201
    listed = client.get("/v1/keys", headers=admin).json()
    assert new.json()["key_id"] in {k["key_id"] for k in listed}
    assert all("key" not in k for k in listed)
    widget = {"Authorization": f"Bearer {new.json()['key']}"}
    assert client.get("/v1/models", headers=widget).status_code == 200
    assert client.delete(f"/v1/keys/{new.json()['key_id']}", headers=admin).status_code == 204
    assert client.get("/v1/models", headers=widget).status_code == 401
    assert (
        client.put("/v1/workspace/settings", json={"clear_budget": True}, headers=admin).json()[
            "token_budget_daily"
        ]
        is None
    )


def test_roles(client: TestClient, agent: dict) -> None:
    widget = key(client, WS, "widget")
    assert client.post("/v1/suggestions", json={"message": QUESTION}, headers=widget).status_code == 403
    assert client.get("/v1/customers/cus_nb_01/card", headers=widget).status_code == 403
    assert client.get("/v1/knowledge/documents", headers=agent).status_code == 403
    assert client.get("/v1/keys", headers=agent).status_code == 403
    r = client.post("/v1/suggestions", json={"message": QUESTION})
    assert r.status_code == 401 and "Authorization" in r.json()["error"]["message"]
    bad = {"Authorization": "Bearer svar_0000_wrong"}
    assert client.post("/v1/suggestions", json={"message": QUESTION}, headers=bad).status_code == 401


def test_bad_inputs_get_a_message_that_says_what_to_fix(client: TestClient, agent: dict) -> None:
    r = client.post("/v1/suggestions", json={"channel": "pigeon"}, headers=agent)
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "message" in message and "channel" in message
    r = client.post(
        "/v1/suggestions", content=b"{not json", headers={**agent, "content-type": "application/json"}
    )
    assert r.status_code == 422
    r = client.post("/v1/suggestions", json={"message": "x" * 300_000}, headers=agent)
    assert r.status_code == 413 and "bytes" in r.json()["error"]["message"]
    r = client.post("/v1/suggestions", json={"message": "x" * 9000}, headers=agent)
    assert r.status_code == 400 and "8000" in r.json()["error"]["message"]
    turns = [{"role": "customer", "text": "hei"}] * 51
    r = client.post("/v1/suggestions", json={"message": "hei", "history": turns}, headers=agent)
    assert r.status_code == 400 and "50" in r.json()["error"]["message"]
    r = client.get("/v1/nowhere", headers=agent)
    assert r.status_code == 404 and r.json()["error"]["message"]


def test_streamed_body_over_the_limit_is_refused(client: TestClient, agent: dict) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    r = client.post(
        "/v1/suggestions", content=chunks(), headers={**agent, "content-type": "application/json"}
    )
    assert r.status_code == 413


def test_health_ready_and_metrics(client: TestClient, agent: dict) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {
        "database": "ok",
        "vector_store": "ok",
        "embedder": "ok",
        "drafter": "offline",
    }
    client.post("/v1/suggestions", json={"message": QUESTION}, headers=agent)
    text = client.get("/metrics").text
    assert 'svar_http_request_seconds_count{method="POST",route="/v1/suggestions",status="200"}' in text
    assert 'svar_suggestions_total{mode="suggest"}' in text
    assert "svar_tokens_total" in text and "svar_feedback_total" in text


def test_readyz_names_a_backend_that_is_down(tmp_path: Path) -> None:
    with api_client(tmp_path) as c:
        rt = runtime_of(c)

        def broken(_text: str) -> None:
            raise ConnectionError("embedding server gone")

        rt.embedder.embed_query = broken  # type: ignore[method-assign]
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json() == {
            "status": "degraded",
            "checks": {
                "database": "ok",
                "vector_store": "ok",
                "embedder": "down: ConnectionError",
                "drafter": "offline",
            },
        }


def test_keys_create_prints_the_key_alone_and_stores_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVAR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SVAR_EMBEDDER", "hash")
    result = CliRunner().invoke(cli, ["keys", "create", "--workspace", "shop", "--role", "agent"])
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip()
    assert printed.startswith("svar_") and "\n" not in printed
    bad = CliRunner().invoke(cli, ["keys", "create", "--workspace", "shop", "--role", "boss"])
    assert bad.exit_code == 2 and "admin, agent, widget" in bad.output
    with api_client(tmp_path / "home") as c:
        with runtime_of(c).sessions() as session:
            (row,) = session.scalars(select(ApiKey)).all()
        assert printed.split("_", 2)[2] not in row.secret_hash and len(row.secret_hash) == 64
        r = c.post("/v1/suggestions", json={"message": "hei"}, headers={"Authorization": f"Bearer {printed}"})
        assert r.status_code == 200, r.text
