"""A customer's history version (``customers.history_version``): every write to what we know of them bumps
it in the write's own transaction, from any process, and what is kept per version (the card and timeline a
request reads) is read again after each such write and only then. Counted in versions and reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from knowledge.db import create_db_engine, session_factory
from knowledge.db.history_models import Conversation, Customer, Message
from knowledge.db.versions import bump_history_versions
from knowledge.errors import InputError
from knowledge.history import ContextCache, erase_customer
from knowledge.history.card import lookup_customer
from knowledge.history.identity import merge_customers
from tests.history_support import BACKENDS, Stores, open_stores, say

KARI = {"id": "kari", "name": "Kari Nordmann", "email": "kari@example.no", "language": "nb"}
OLA = {"id": "ola", "name": "Ola", "language": "nb"}


def _version(stores: Stores, ref: str) -> int:
    with stores.sessions() as session:
        return int(lookup_customer(session, stores.workspace, ref).history_version)


def _versions(stores: Stores) -> dict[str, int]:
    with stores.sessions() as session:
        return {e: int(v) for e, v in session.execute(select(Customer.external_id, Customer.history_version))}


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Stores:
    with open_stores(request.param, tmp_path) as s:
        s.ingest(
            [
                say(KARI, "c1", "chat", "Ruteren blinker oransje.", "2026-03-01T10:00:00+01:00", id="m1"),
                say(OLA, "c2", "email", "Hvor er pakken min?", "2026-03-01T11:00:00+01:00", id="m2"),
            ]
        )
        yield s


def test_every_kind_of_write_bumps_only_its_customers_version(stores: Stores) -> None:
    start = _versions(stores)
    # an unchanged re-import changes nothing, so it bumps nothing
    stores.ingest([say(KARI, "c1", "chat", "Ruteren blinker oransje.", "2026-03-01T10:00:00+01:00", id="m1")])
    assert _versions(stores) == start
    steps = [
        # a new message
        [say(KARI, "c1", "chat", "Den blinker fortsatt.", "2026-03-01T10:05:00+01:00", id="m3")],
        # a stored message edited (its text, so its facts too)
        [say(KARI, "c1", "chat", "Den blinker rødt nå.", "2026-03-01T10:05:00+01:00", id="m3")],
        # an order and then its status
        [
            {
                "customer": KARI,
                "order": {"id": "o-1", "status": "processing", "placed_at": "2026-03-01T09:00:00Z"},
            }
        ],
        [
            {
                "customer": KARI,
                "order": {"id": "o-1", "status": "shipped", "placed_at": "2026-03-01T09:00:00Z"},
            }
        ],
        # the profile
        [{"customer": {**KARI, "name": "Kari N. Nordmann"}}],
    ]
    for i, events in enumerate(steps, start=1):
        stores.ingest(events)
        now = _versions(stores)
        assert now["kari"] > start["kari"], f"step {i} did not bump"
        assert now["ola"] == start["ola"], f"step {i} bumped another customer"
        start = now


def test_bulk_statements_bump_the_customers_they_touch(stores: Stores) -> None:
    start = _versions(stores)
    with stores.sessions.begin() as session:  # as the demo closes open conversations
        session.execute(update(Conversation).where(Conversation.external_id == "c2").values(status="closed"))
    after = _versions(stores)
    assert after["ola"] == start["ola"] + 1 and after["kari"] == start["kari"]
    with stores.sessions.begin() as session:  # a statement that matches nothing bumps nobody
        session.execute(update(Message).where(Message.external_id == "nope").values(text="x"))
    assert _versions(stores) == after
    with stores.sessions.begin() as session:  # a write that bypasses the session says so itself
        kari = lookup_customer(session, stores.workspace, "kari")
        bump_history_versions(session, [kari.id])
    assert _versions(stores)["kari"] == after["kari"] + 1


def test_a_merge_bumps_the_survivor_and_a_rolled_back_write_bumps_nobody(stores: Stores) -> None:
    start = _versions(stores)
    with stores.sessions.begin() as session:
        kari = lookup_customer(session, stores.workspace, "kari")
        ola = lookup_customer(session, stores.workspace, "ola")
        merge_customers(session, kari, ola)
    after = _versions(stores)
    assert "ola" not in after and after["kari"] > start["kari"]
    with stores.sessions() as session:
        kari = lookup_customer(session, stores.workspace, "kari")
        session.add(
            Message(
                workspace_id=kari.workspace_id,
                customer_id=kari.id,
                conversation_id=1,
                external_id="m9",
                role="customer",
                channel="chat",
                text="x",
                at=kari.created_at,
                content_hash="x",
            )
        )
        session.flush()
        session.rollback()  # the bump was in the same transaction: gone with it
    assert _versions(stores) == after


def test_the_kept_card_is_read_again_after_a_write_from_another_process_and_only_then(
    stores: Stores,
) -> None:
    cache = ContextCache()
    first = cache.context(stores.sessions, stores.workspace, "kari")
    again = cache.context(stores.sessions, stores.workspace, "kari")
    assert again is first and cache.reads == 1
    assert [m.text for m in first.timeline] == ["Ruteren blinker oransje."]
    # another process: its own engine and sessions on the same database
    other = create_db_engine(stores.url)
    try:
        other_sessions = session_factory(other)
        with other_sessions.begin() as session:
            kari = lookup_customer(session, stores.workspace, "kari")
            session.add(
                Message(
                    workspace_id=kari.workspace_id,
                    customer_id=kari.id,
                    conversation_id=session.scalar(
                        select(Conversation.id).where(Conversation.external_id == "c1")
                    ),
                    external_id="m-other",
                    role="agent",
                    channel="chat",
                    text="Prøv å starte ruteren på nytt.",
                    at=first.timeline[-1].at.replace(minute=30),
                    content_hash="h",
                )
            )
    finally:
        other.dispose()
    fresh = cache.context(stores.sessions, stores.workspace, "kari")
    assert cache.reads == 2 and fresh.version > first.version
    assert [m.text for m in fresh.timeline][-1] == "Prøv å starte ruteren på nytt."
    cache.context(stores.sessions, stores.workspace, "ola")
    assert cache.reads == 3  # each customer is kept apart
    cache.context(stores.sessions, stores.workspace, "kari")
    assert cache.reads == 3
    small = ContextCache(size=1)  # keeps the most recently used customer only
    for ref in ("kari", "ola", "kari"):
        small.context(stores.sessions, stores.workspace, ref)
    assert small.reads == 3


def test_an_erased_customer_is_not_found_from_the_cache(stores: Stores) -> None:
    cache = ContextCache()
    cache.context(stores.sessions, stores.workspace, "kari")
    erase_customer(stores.sessions, stores.chroma, stores.workspace, "kari", compact=False)
    with pytest.raises(InputError):
        cache.context(stores.sessions, stores.workspace, "kari")
