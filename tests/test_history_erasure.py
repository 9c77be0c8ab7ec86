"""Erasing a customer: rows, vectors and cache entries go, down to the bytes on disk; twice is harmless."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from sqlalchemy import select

from knowledge.db.history_models import Conversation, Customer, Fact, Identity, Message, Order
from knowledge.embedders import CachedEmbedder, HashEmbedder
from knowledge.errors import InputError
from knowledge.history import erase_customer, search_history
from knowledge.history.vectors import stored_history_index
from knowledge.vectorstore import open_chroma
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, event, files_containing, open_stores, say

SECRET = "Zorblaxian"  # appears only in what we store about the erased customer
KEPT = "Frobnitzel"  # appears only in what we store about the other customer


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    cache = CachedEmbedder(HashEmbedder(), tmp_path / "home" / "cache" / "embeddings.sqlite3")
    with open_stores(request.param, tmp_path, embedder=cache) as stores:
        yield stores
    cache.close()


@pytest.fixture
def two_customers(st: Stores) -> Stores:
    lines = [
        event(
            {"id": "gone-1", "name": f"Ola {SECRET}", "email": f"ola.{SECRET.lower()}@example.com"},
            order={
                "id": "o-1",
                "status": "shipped",
                "items": [f"{SECRET} lamp"],
                "note": f"gift for {SECRET}",
            },
        ),
        say(
            {"id": "gone-1"},
            "mail-1",
            "email",
            f"My {SECRET} lamp from order 48213977 arrived broken. I already tried a new bulb.",
            "2026-02-01T10:00:00Z",
            subject=f"Broken {SECRET} lamp",
        ),
        say(
            {
                "id": "ig:gone",
                "handles": {"instagram": f"{SECRET.lower()}_ola"},
                "email": f"ola.{SECRET.lower()}@example.com",
            },
            "ig-1",
            "instagram",
            f"Any news about the {SECRET} lamp?",
            "2026-02-02T10:00:00Z",
        ),
        say(
            "gone-1",
            "mail-1",
            "email",
            f"We will send a new {SECRET} lamp tomorrow.",
            "2026-02-01T11:00:00Z",
            role="agent",
        ),
    ]
    lines += [
        say("kept-1", f"chat-{i}", "chat", f"{KEPT} router message {i}", "2026-02-03T10:00:00Z")
        for i in range(3)
    ]
    st.ingest(lines)
    return st


def history_vectors(st: Stores) -> dict[str, int]:
    with st.sessions() as session:
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
        assert index is not None
        got = index._col.get(include=["metadatas"])
    counts: dict[str, int] = {}
    for meta in got["metadatas"]:
        counts[meta["customer_id"]] = counts.get(meta["customer_id"], 0) + 1
    return counts


def test_erasure_removes_rows_vectors_and_cache_and_is_idempotent(two_customers: Stores) -> None:
    st = two_customers
    with st.sessions() as session:
        gone = str(session.scalars(select(Customer.id).where(Customer.external_id == "gone-1")).one())
        kept = str(session.scalars(select(Customer.id).where(Customer.external_id == "kept-1")).one())
    assert history_vectors(st) == {gone: 3, kept: 3}

    report = erase_customer(
        st.sessions,
        st.chroma,
        st.workspace,
        f"ola.{SECRET.lower()}@example.com",
        embedding_cache=st.home / "cache" / "embeddings.sqlite3",
    )
    assert report.found and report.customer_id == gone
    assert report.external_ids == ["gone-1", "ig:gone"]
    assert report.rows["messages"] == 3 and report.rows["orders"] == 1 and report.rows["customers"] == 1
    assert report.vectors == 3 and report.cache_entries == 3
    for model in (Identity, Conversation, Message, Order, Fact):
        assert st.count(model, model.customer_id == int(gone)) == 0, model.__tablename__
    assert st.count(Customer) == 1
    assert history_vectors(st) == {kept: 3}
    with pytest.raises(InputError, match="no customer"):
        search_history(st.sessions, st.chroma, st.embedder, st.workspace, gone, "lamp", 5)
    assert len(search_history(st.sessions, st.chroma, st.embedder, st.workspace, kept, "router", 5)) == 3

    again = erase_customer(st.sessions, st.chroma, st.workspace, "gone-1")
    assert again.nothing_to_erase and again.rows == {}


def test_erased_text_is_gone_from_the_bytes_on_disk(two_customers: Stores) -> None:
    st = two_customers
    assert files_containing(st.chroma_dir, SECRET), "the scan must see stored text before erasure"
    erase_customer(
        st.sessions,
        st.chroma,
        st.workspace,
        "gone-1",
        embedding_cache=st.home / "cache" / "embeddings.sqlite3",
    )
    st.engine.dispose()  # nothing held open: what is on disk is all there is

    assert files_containing(st.chroma_dir, SECRET) == []
    assert files_containing(st.chroma_dir, KEPT)  # the other customer is still there, so the scan reads text
    if st.backend == "sqlite":
        assert files_containing(st.home, SECRET) == []  # the SQLite file, its WAL, the cache, Chroma
        assert files_containing(st.sqlite_file, KEPT)


def test_chroma_works_after_the_erasure_and_a_restart(two_customers: Stores) -> None:
    st = two_customers
    erase_customer(st.sessions, st.chroma, st.workspace, "gone-1")
    SharedSystemClient.clear_system_cache()  # as if the process restarted: Chroma reloads from disk
    st.chroma = open_chroma(path=st.chroma_dir)
    st.ingest([say("kept-1", "chat-9", "chat", f"{KEPT} one more", "2026-02-04T10:00:00Z")])
    with st.sessions() as session:
        kept = str(session.scalars(select(Customer.id)).one())
    assert history_vectors(st) == {kept: 4}
    hits = search_history(st.sessions, st.chroma, st.embedder, st.workspace, kept, "one more", 2)
    assert hits[0].text == f"{KEPT} one more"
