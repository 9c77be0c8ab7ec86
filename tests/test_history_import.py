"""Importing history events: idempotent re-import, bad lines, strict mode, metadata, order updates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, Message, Order
from knowledge.errors import InputError
from knowledge.history.vectors import stored_history_index
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, event, open_stores, say

DEMO = Path(__file__).resolve().parents[1] / "assistant" / "demo_data" / "history.jsonl"
TABLES = (Customer, Identity, Conversation, Message, Order, Fact)


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


def small_history() -> list[dict[str, Any]]:
    return [
        event(
            {"id": "c1", "name": "Kari Nordmann", "email": "kari@example.com", "language": "nb"},
            order={"id": "SO-1001", "status": "shipped", "items": [{"name": "Ruter AX3000", "qty": 1}]},
        ),
        say(
            "c1",
            "conv-1",
            "email",
            "Hei, ruteren virker ikke. Ordre SO-1001.",
            "2026-02-01T10:00:00+01:00",
            id="m1",
        ),
        say(
            "c1",
            "conv-1",
            "email",
            "Vi sender en ny ruter i morgen.",
            "2026-02-01T11:00:00+01:00",
            role="agent",
        ),
        say("c2", "conv-2", "chat", "Where is my parcel?", "2026-02-02T09:00:00Z", id="m3"),
    ]


def snapshot(st: Stores) -> dict[str, int]:
    counts = {model.__tablename__: st.count(model) for model in TABLES}
    with st.sessions() as session:
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
        counts["vectors"] = index.count() if index is not None else 0
        counts["customer_updates"] = hash(
            tuple(session.scalars(select(Customer.updated_at).order_by(Customer.id)))
        )
    return counts


def test_import_then_reimport_changes_nothing(st: Stores) -> None:
    path = st.write(small_history())
    first = st.ingest(path)
    assert first.rejected == []
    assert (first.customers_added, first.messages_added, first.orders_added) == (2, 3, 1)
    assert first.vectors_written == 3
    assert first.facts_added > 0
    before = snapshot(st)

    second = st.ingest(path)
    assert second.rejected == []
    assert second.messages_unchanged == 3
    assert second.summary() | {"messages_unchanged": 0, "lines": 0, "events": 0} == {
        key: 0 for key in second.summary()
    }
    assert snapshot(st) == before


@pytest.mark.skipif(not DEMO.is_file(), reason="demo history not written yet")
def test_demo_history_imports_cleanly_and_idempotently(st: Stores) -> None:
    first = st.ingest(DEMO)
    assert first.rejected == []
    assert first.messages_added == first.vectors_written > 50
    before = snapshot(st)
    second = st.ingest(DEMO)
    assert (second.messages_added, second.facts_added, second.vectors_written) == (0, 0, 0)
    assert snapshot(st) == before


def test_bad_lines_are_reported_with_numbers_and_the_rest_is_imported(st: Stores) -> None:
    lines: list[str | dict[str, Any]] = [
        say("c1", "conv-1", "email", "First message", "2026-02-01T10:00:00Z", id="ok-1"),  # 1
        '{"customer": {"id": "c1"}, "message": ',  # 2: not JSON
        say("c1", "conv-2", "telegram", "Hi", "2026-02-01T10:00:00Z"),  # 3: unknown channel
        "",  # blank lines are skipped
        say("c1", "conv-1", "email", "No time", "2026-02-01T10:00:00Z")
        | {"message": {"role": "customer", "text": "x"}},
        '["not", "an", "object"]',  # 6
        say("c1", "conv-1", "email", "Who?", "2026-02-01T10:00:00Z", role="robot"),  # 7: bad role
        {"conversation": {"id": "conv-9", "channel": "chat"}},  # 8: no customer
        say("c1", "conv-1", "email", "Second message", "2026-02-01T11:00:00Z", id="ok-2"),  # 9
    ]
    path = st.write(lines)
    report = st.ingest(path)
    where = {r.location: r.reason for r in report.rejected}
    assert sorted(where) == [f"{path}:{n}" for n in (2, 3, 5, 6, 7, 8)]
    assert "not valid JSON" in where[f"{path}:2"]
    assert "unknown channel 'telegram'" in where[f"{path}:3"]
    assert "message.at" in where[f"{path}:5"]
    assert "JSON object" in where[f"{path}:6"]
    assert "message.role" in where[f"{path}:7"]
    assert "customer" in where[f"{path}:8"]
    assert report.messages_added == 2
    assert st.count(Message) == 2


def test_strict_mode_imports_nothing_when_a_line_is_bad(st: Stores) -> None:
    path = st.write(
        [
            say("c1", "conv-1", "email", "Fine", "2026-02-01T10:00:00Z"),
            say("c1", "conv-1", "fax", "Bad channel", "2026-02-01T10:00:00Z"),
        ]
    )
    with pytest.raises(InputError) as info:
        st.ingest(path, strict=True)
    assert f"{path}:2: " in str(info.value)
    assert "nothing was imported" in str(info.value)
    assert all(st.count(model) == 0 for model in TABLES)


def test_strict_mode_rolls_back_on_a_conflicting_event(st: Stores) -> None:
    st.ingest([say("c1", "conv-1", "email", "Mine", "2026-02-01T10:00:00Z")])
    before = snapshot(st)
    path = st.write(
        [
            say("c3", "conv-3", "chat", "New person", "2026-02-02T10:00:00Z"),
            say("c2", "conv-1", "email", "Not mine", "2026-02-02T11:00:00Z"),
        ]
    )
    with pytest.raises(InputError, match=r":2: conversation 'conv-1' belongs to another customer"):
        st.ingest(path, strict=True)
    assert snapshot(st) == before
    report = st.ingest(path)  # without --strict the good line goes in
    assert [r.location for r in report.rejected] == [f"{path}:2"]
    assert report.customers_added == 1


def test_unknown_fields_are_kept_as_metadata(st: Stores) -> None:
    st.ingest(
        [
            event({"id": "c1", "crm_tier": "gold"}, source_system="zendesk"),
            say("c1", "conv-1", "chat", "Hello", "2026-02-01T10:00:00Z", id="m1", queue="returns")
            | {
                "message": {
                    "id": "m1",
                    "role": "customer",
                    "text": "Hello",
                    "at": "2026-02-01T10:00:00Z",
                    "lang": "en",
                }
            }
            | {"ticket": 4711},
            event("c1", order={"id": "o1", "total": 1490, "currency": "NOK"}),
        ]
    )
    with st.sessions() as session:
        customer = session.scalars(select(Customer)).one()
        assert customer.meta == {"crm_tier": "gold", "event": {"source_system": "zendesk"}}
        conv = session.scalars(select(Conversation)).one()
        assert conv.meta == {"queue": "returns"}
        msg = session.scalars(select(Message)).one()
        assert msg.meta == {"lang": "en", "event": {"ticket": 4711}}
        order = session.scalars(select(Order)).one()
        assert order.meta == {"total": 1490, "currency": "NOK"}


def test_messages_without_id_are_keyed_by_content(st: Stores) -> None:
    lines = [
        say("c1", "conv-1", "sms", "Same words", "2026-02-01T10:00:00Z"),
        say("c1", "conv-1", "sms", "Same words", "2026-02-01T10:05:00Z"),  # another time: another message
    ]
    assert st.ingest(lines).messages_added == 2
    assert st.ingest(lines).messages_added == 0
    with st.sessions() as session:
        ids = list(session.scalars(select(Message.external_id)))
    assert all(i.startswith("h:") for i in ids) and len(set(ids)) == 2


def test_changed_message_is_updated_and_re_embedded(st: Stores) -> None:
    st.ingest([say("c1", "conv-1", "chat", "Order 11111111 please", "2026-02-01T10:00:00Z", id="m1")])
    report = st.ingest(
        [say("c1", "conv-1", "chat", "Order 22222222 please", "2026-02-01T10:00:00Z", id="m1")]
    )
    assert (report.messages_updated, report.vectors_written) == (1, 1)
    with st.sessions() as session:
        assert session.scalars(select(Message.text)).one() == "Order 22222222 please"
        numbers = set(session.scalars(select(Fact.value).where(Fact.kind == "order_number")))
    assert "11111111" not in numbers


def test_order_updates_keep_the_latest_status(st: Stores) -> None:
    st.ingest(
        [
            event("c1", order={"id": "o1", "status": "processing", "placed_at": "2026-02-01T10:00:00Z"}),
            event("c1", order={"id": "o1", "status": "delivered", "updated_at": "2026-02-05T10:00:00Z"}),
            event(
                "c1", order={"id": "o1", "status": "shipped", "updated_at": "2026-02-03T10:00:00Z"}
            ),  # stale
        ]
    )
    with st.sessions() as session:
        order = session.scalars(select(Order)).one()
        assert order.status == "delivered"
        statuses = list(session.scalars(select(Fact.value).where(Fact.kind == "order_status")))
    assert statuses == ["o1: delivered"]


def test_missing_file_is_an_input_error(st: Stores, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        st.ingest(tmp_path / "nope.jsonl")
