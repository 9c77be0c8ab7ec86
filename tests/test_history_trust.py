"""Identity trust: what an unverified session (a widget without a signed id) claims is only a candidate."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.db.history_models import Customer, IdentityClaim, Message
from knowledge.errors import InputError
from knowledge.history import customer_card, customer_timeline
from knowledge.history.identity import candidates, confirm_claims, find_customer, reject_claims
from knowledge.workspaces import get_workspace
from tests.history_support import Stores, open_stores, say

SARAH = {
    "id": "cus_sarah",
    "name": "Sarah Mitchell",
    "email": "sarah.mitchell@post.example",
    "phone": "+45 28 91 04 55",
    "language": "en",
}
SECRETS = ["Nørrebrogade 140", "48270318", "28 91 04 55", "+4528910455", "JD014600006281234567"]
HER_EMAIL = (
    "Hi, please deliver order 48270318 to Nørrebrogade 140, 2200 København N. "
    "Tracking JD014600006281234567, call me on 28 91 04 55."
)
AT = "2026-03-04T07:40:00+01:00"


@pytest.fixture
def st(tmp_path: Path) -> Iterator[Stores]:
    with open_stores("sqlite", tmp_path) as stores:
        stores.ingest([say(SARAH, "mail-1", "email", HER_EMAIL, "2026-03-01T10:00:00+01:00")])
        yield stores


def _claimant(email: str = SARAH["email"], **customer: object) -> dict[str, object]:
    return {"id": "wgt:visitor-1", "email": email, **customer}


def _customer(st: Stores, ref: str) -> Customer:
    with st.sessions() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        found = find_customer(s, ws.id, ref)
        assert found is not None, ref
        return found


def test_widget_claiming_her_email_does_not_merge(st: Stores) -> None:
    st.ingest([say(_claimant(), "wgt-1", "widget", "hi, what is my delivery address?", AT)])
    assert st.count(Customer) == 2
    sarah = _customer(st, "cus_sarah")
    visitor = _customer(st, "wgt:visitor-1")
    assert sarah.id != visitor.id and sarah.verified and not visitor.verified
    # the e-mail still leads to Sarah alone, and the visitor's message is not in her timeline
    assert _customer(st, SARAH["email"]).id == sarah.id
    with st.sessions() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        assert [m.text for m in customer_timeline(st.sessions, st.workspace, "cus_sarah")] == [HER_EMAIL]
        card = json.dumps(customer_card(st.sessions, st.workspace, "wgt:visitor-1").model_dump(mode="json"))
        assert not any(secret in card for secret in SECRETS)
        pending = candidates(s, ws.id, visitor)
        assert [
            (c.claim.kind, c.claim.value, c.customer.external_id if c.customer else None) for c in pending
        ] == [("email", SARAH["email"], "cus_sarah")]


def test_a_signed_widget_session_merges_by_email(st: Stores) -> None:
    st.ingest([say(_claimant(verified=True), "wgt-1", "widget", "hi again", AT)])
    assert st.count(Customer) == 1
    assert _customer(st, "wgt:visitor-1").external_id == "cus_sarah"


def test_any_channel_can_be_marked_unverified(st: Stores) -> None:
    st.ingest([say(_claimant(verified=False), "chat-1", "chat", "hi", AT)])
    assert st.count(Customer) == 2


def test_claiming_her_customer_id_is_kept_apart(st: Stores) -> None:
    report = st.ingest([say({"id": "cus_sarah"}, "wgt-2", "widget", "show me my orders", AT)])
    assert not report.rejected
    assert st.count(Customer) == 2
    visitor = _customer(st, "unverified:cus_sarah")
    assert not visitor.verified
    with st.sessions() as s:
        assert [m.text for m in customer_timeline(st.sessions, st.workspace, "cus_sarah")] == [HER_EMAIL]
        kinds = [
            c.kind for c in s.scalars(select(IdentityClaim).where(IdentityClaim.customer_id == visitor.id))
        ]
    assert kinds == ["external_id"]


def test_an_unverified_session_cannot_write_into_her_conversation(st: Stores) -> None:
    bad = st.ingest([say(_claimant(id="wgt:evil", verified=False), "mail-1", "email", "evil", AT)])
    assert bad.rejected and "belongs to another customer" in bad.rejected[0].reason
    assert st.count(Message, Message.text == "evil") == 0


def test_an_agent_confirms_the_candidate_and_the_session_merges(st: Stores) -> None:
    st.ingest([say(_claimant(), "wgt-1", "widget", "I need to cancel my TV order", AT)])
    with st.sessions.begin() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        visitor = find_customer(s, ws.id, "wgt:visitor-1")
        assert visitor is not None
        target, moved = confirm_claims(s, ws.id, visitor)
        assert len(moved) == 1
        assert target.external_id == "cus_sarah"
    assert st.count(Customer) == 1
    assert _customer(st, "wgt:visitor-1").external_id == "cus_sarah"
    with st.sessions() as s:
        texts = [m.text for m in customer_timeline(st.sessions, st.workspace, "cus_sarah")]
        statuses = [c.status for c in s.scalars(select(IdentityClaim))]
    assert "I need to cancel my TV order" in texts
    assert statuses == ["confirmed"]


def test_confirm_and_reject_say_what_is_wrong(st: Stores) -> None:
    st.ingest([say(_claimant(), "wgt-1", "widget", "hello", AT)])
    with st.sessions.begin() as s:
        ws = get_workspace(s, st.workspace)
        assert ws is not None
        sarah = find_customer(s, ws.id, "cus_sarah")
        visitor = find_customer(s, ws.id, "wgt:visitor-1")
        assert sarah is not None and visitor is not None
        with pytest.raises(InputError, match="verified"):
            confirm_claims(s, ws.id, sarah)
        assert reject_claims(s, ws.id, visitor) == 1
        with pytest.raises(InputError, match="no pending"):
            confirm_claims(s, ws.id, visitor)
    assert st.count(Customer) == 2


def test_demo_holds_twelve_customers_and_one_unverified_widget_session(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[1] / "assistant" / "demo_data" / "history.jsonl"
    with open_stores("sqlite", tmp_path) as stores:
        stores.ingest(demo)
        assert stores.count(Customer, Customer.verified.is_(True)) == 12
        assert stores.count(Customer, Customer.verified.is_(False)) == 1
        with stores.sessions() as s:
            ws = get_workspace(s, stores.workspace)
            assert ws is not None
            session = find_customer(s, ws.id, "wgt:anon-9c41e2")
            assert session is not None and not session.verified
            pending = candidates(s, ws.id, session)
            assert [c.customer.external_id for c in pending if c.customer] == ["cus_en_02"]


def test_suggest_answer_for_the_claiming_session_returns_none_of_her_data(tmp_path: Path) -> None:
    from assistant.runtime import build_runtime
    from assistant.service import build_assistant
    from assistant.settings import Settings
    from knowledge.history import HistoryImporter

    rt = build_runtime(Settings(home=tmp_path / "home", embedder="hash"))
    try:
        rt.indexer.ingest(
            Path(__file__).resolve().parents[1] / "assistant" / "demo_data" / "knowledge", "demo"
        )
        events = tmp_path / "events.jsonl"
        events.write_text(
            "\n".join(
                json.dumps(e)
                for e in [
                    say(SARAH, "mail-1", "email", HER_EMAIL, "2026-03-01T10:00:00+01:00"),
                    say(_claimant(), "wgt-1", "widget", "hi, I ordered a TV", AT),
                ]
            ),
            encoding="utf-8",
        )
        HistoryImporter(rt.sessions, rt.chroma, rt.embedder).ingest(events, "demo")
        assistant = build_assistant(rt)
        for mode in (assistant.answer, assistant.suggest):
            result = mode(
                workspace="demo",
                message="Where is my order going, and which phone number do you have for me?",
                channel="widget",
                customer="wgt:visitor-1",
            )
            dumped = result.model_dump_json()
            assert not [secret for secret in SECRETS if secret in dumped], mode
            assert result.customer_id == "wgt:visitor-1"
        # the same question for Sarah herself does see her data (the test can fail)
        hers = assistant.suggest(
            workspace="demo", message="Where is my order going?", channel="email", customer="cus_sarah"
        )
        assert "48270318" in hers.model_dump_json()
    finally:
        rt.close()


def test_cli_customer_link_lists_confirms_and_rewrites_vectors(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from assistant.cli.history_cmds import customer_link, customer_show, ingest_history

    app = typer.Typer()
    app.command("ingest")(ingest_history)
    app.command("link")(customer_link)
    app.command("show")(customer_show)
    env = {"SVAR_HOME": str(tmp_path / "home"), "SVAR_EMBEDDER": "hash"}
    events = tmp_path / "events.jsonl"
    events.write_text(
        "\n".join(
            json.dumps(e)
            for e in [
                say(SARAH, "mail-1", "email", HER_EMAIL, "2026-03-01T10:00:00+01:00"),
                say(_claimant(), "wgt-1", "widget", "I need to cancel my TV order", AT),
            ]
        ),
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(events)], env=env).exit_code == 0
    declined = runner.invoke(app, ["link", "wgt:visitor-1"], env=env, input="n\n")
    assert declined.exit_code == 1 and "cus_sarah" in declined.output
    assert (
        runner.invoke(app, ["link", "cus_sarah", "--yes"], env=env).exit_code == 2
    )  # verified: nothing to do
    done = runner.invoke(app, ["link", "wgt:visitor-1", "--yes"], env=env)
    assert done.exit_code == 0, done.output
    assert "moved 1 messages, rewrote 1 history vectors" in done.output
    shown = runner.invoke(app, ["show", "cus_sarah", "--json"], env=env)
    assert "I need to cancel my TV order" in shown.output


def test_migration_0005_keeps_existing_customers_verified(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from knowledge.db import create_db_engine
    from knowledge.db.engine import _MIGRATIONS

    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(
            text("INSERT INTO workspaces (name, created_at, kb_version) VALUES ('w', '2026-01-01', 0)")
        )
        conn.execute(
            text(
                "INSERT INTO customers (workspace_id, external_id, meta, created_at, updated_at) "
                "VALUES (1, 'old', '{}', '2026-01-01', '2026-01-01')"
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        assert conn.execute(text("SELECT verified FROM customers")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM customer_claims")).scalar_one() == 0
        command.downgrade(cfg, "0002")
    engine.dispose()
