"""Scoped history search: a customer scope is required and nothing of another customer comes back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from knowledge.db.history_models import Customer
from knowledge.errors import InputError, ScopeError
from knowledge.history import search_history
from knowledge.history import vectors as history_vectors
from knowledge.history.vectors import stored_history_index
from knowledge.vectorstore import Hit, Scope
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, open_stores, say


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


ROUTER = "The router blinks orange and there is no internet since yesterday"


@pytest.fixture
def two_customers(st: Stores) -> dict[str, str]:
    """Alice and Bob wrote nearly the same thing; Alice has one unrelated message too."""
    st.ingest(
        [
            say("alice", "a-1", "chat", ROUTER, "2026-02-01T10:00:00Z", id="a-m1"),
            say("alice", "a-2", "email", "Please send the invoice again", "2026-02-02T10:00:00Z", id="a-m2"),
            say("bob", "b-1", "chat", ROUTER + " at all", "2026-02-01T10:00:00Z", id="b-m1"),
            say("bob", "b-2", "sms", "router orange blinking no internet", "2026-02-01T11:00:00Z", id="b-m2"),
        ]
    )
    with st.sessions() as session:
        return {c.external_id: str(c.id) for c in session.scalars(select(Customer))}


def search(st: Stores, customer_id: str, query: str = ROUTER, k: int = 10) -> list[Hit]:
    return search_history(st.sessions, st.chroma, st.embedder, st.workspace, customer_id, query, k)


def test_search_refuses_a_missing_customer(st: Stores, two_customers: dict[str, str]) -> None:
    for missing in ("", "  ", None):
        with pytest.raises(ScopeError, match="customer scope"):
            search(st, missing)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no customer"):
        search(st, "999999")
    with pytest.raises(InputError, match="no customer"):
        search(st, "alice")  # an external id is not a scope: resolve it first
    with pytest.raises(InputError, match="no customer"):
        search_history(st.sessions, st.chroma, st.embedder, "other-ws", two_customers["alice"], ROUTER, 5)


def test_search_returns_only_the_customers_own_messages(st: Stores, two_customers: dict[str, str]) -> None:
    alice, bob = two_customers["alice"], two_customers["bob"]
    hits = search(st, alice)
    assert [h.metadata["message_id"] for h in hits] == ["a-m1", "a-m2"]  # best first, never Bob's
    assert all(h.metadata["customer_id"] == alice for h in hits)
    assert hits[0].score > hits[1].score
    assert {h.metadata["message_id"] for h in search(st, bob)} == {"b-m1", "b-m2"}
    assert len(search(st, alice, k=1)) == 1


def test_the_filtered_fallback_is_scoped_too(
    st: Stores, two_customers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_vectors, "FILTER_ABOVE", 0)  # as if Alice had a huge history
    hits = search(st, two_customers["alice"])
    assert {h.metadata["message_id"] for h in hits} == {"a-m1", "a-m2"}


def test_the_index_refuses_history_queries_without_a_customer(
    st: Stores, two_customers: dict[str, str]
) -> None:
    with st.sessions() as session:
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
    assert index is not None
    vector = st.embedder.embed_query(ROUTER)
    with pytest.raises(ScopeError):
        index.query_among(vector, 5, Scope(st.workspace), ["msg-1"])
    with pytest.raises(ScopeError):
        index.query(vector, 5, Scope(st.workspace))
    with pytest.raises(ScopeError):
        index.query_among(vector, 5, Scope("elsewhere", two_customers["alice"]), ["msg-1"])
    # ids of another customer slipped in by mistake are dropped by the hit check
    all_ids = [f"msg-{i}" for i in range(1, 5)]
    hits = index.query_among(np.asarray(vector), 10, Scope(st.workspace, two_customers["alice"]), all_ids)
    assert {h.metadata["customer_id"] for h in hits} == {two_customers["alice"]}
