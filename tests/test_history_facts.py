"""Known facts: provenance, profile and order facts, no duplicates, national ids masked everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.db.history_models import Conversation, Customer, Fact, Message, Order
from knowledge.history.vectors import stored_history_index
from knowledge.workspaces import get_workspace
from tests.history_support import BACKENDS, Stores, event, open_stores, say


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


FNR = "15038510190"  # a valid Norwegian fødselsnummer (synthetic)


def facts(st: Stores) -> dict[tuple[str, str], Fact]:
    with st.sessions() as session:
        return {(f.kind, f.value): f for f in session.scalars(select(Fact))}


def test_message_facts_carry_their_provenance(st: Stores) -> None:
    st.ingest(
        [
            say(
                {"id": "c1", "language": "nb"},
                "mail-1",
                "email",
                "Hei, ordre 48213977 har ikke kommet. Jeg har allerede restartet ruteren.",
                "2026-02-09T08:47:00+01:00",
                id="mail-1-m1",
            ),
            say(
                "c1",
                "mail-1",
                "email",
                "Vi sender en ny ruter til deg i morgen.",
                "2026-02-09T11:20:00+01:00",
                role="agent",
                id="mail-1-m2",
            ),
        ]
    )
    found = facts(st)
    order = found[("order_number", "48213977")]
    assert (order.source, order.channel) == ("mail-1-m1", "email")
    assert order.at is not None and order.at.isoformat() == "2026-02-09T07:47:00+00:00"
    assert order.message_id is not None and order.span_start is not None
    with st.sessions() as session:
        text = session.get(Message, order.message_id).text  # type: ignore[union-attr]
    assert text[order.span_start : order.span_end] == "48213977"
    kinds = {kind for kind, _ in found}
    assert "tried" in kinds  # from the customer
    promises = [f for (kind, _), f in found.items() if kind == "promise"]
    assert promises and promises[0].source == "mail-1-m2"  # from the agent
    # an agent's message gives promises only, not order numbers or dates
    assert all(f.source == "mail-1-m1" for f in found.values() if f.kind not in ("promise",))


def test_profile_and_order_facts(st: Stores) -> None:
    st.ingest(
        [
            event(
                {
                    "id": "c1",
                    "name": "Kari Hansen",
                    "email": "Kari@Example.com",
                    "phone": "+47 912 34 567",
                    "handles": {"instagram": "@kari_h"},
                },
                order={
                    "id": "48213977",
                    "status": "delivered",
                    "items": [{"sku": "NL-AX3000", "name": "Nordlys AX3000 ruter"}, "Strømadapter"],
                    "placed_at": "2026-02-01T20:14:00+01:00",
                    "tracking": "370722150047118203",
                    "shipping_address": "Storgata 12, 0155 Oslo",
                },
            )
        ]
    )
    found = facts(st)
    assert found[("email", "Kari@Example.com")].normalized == "kari@example.com"
    assert found[("phone", "+47 912 34 567")].normalized == "+4791234567"
    assert found[("name", "Kari Hansen")].source == "profile"
    assert found[("handle", "instagram: @kari_h")].normalized == "instagram:kari_h"
    for key in (
        ("order_number", "48213977"),
        ("order_status", "48213977: delivered"),
        ("product", "Nordlys AX3000 ruter"),
        ("product", "Strømadapter"),
        ("tracking_number", "370722150047118203"),
        ("address", "Storgata 12, 0155 Oslo"),
    ):
        assert found[key].source == "order:48213977", key


def test_a_fact_repeated_in_messages_is_stored_once_with_the_earliest_source(st: Stores) -> None:
    lines = [
        say("c1", "chat-2", "chat", "Any news on order 48213977?", "2026-02-03T10:00:00Z", id="late"),
        say("c1", "mail-1", "email", "My order 48213977 is late.", "2026-02-01T10:00:00Z", id="early"),
    ]
    st.ingest(lines)
    st.ingest(lines)
    with st.sessions() as session:
        rows = list(session.scalars(select(Fact).where(Fact.kind == "order_number")))
    assert [(f.value, f.source) for f in rows] == [("48213977", "early")]


def test_national_ids_are_stored_masked_only(st: Stores) -> None:
    st.ingest(
        [
            event(
                {"id": "c1", "language": "nb", "note": f"fnr {FNR}"},
                conversation={"id": "c-1", "channel": "chat", "subject": f"Fødselsnummer {FNR}"},
                message={
                    "id": "m1",
                    "role": "customer",
                    "text": f"Hei! Fødselsnummeret mitt er {FNR}, ordre 48213977.",
                    "at": "2026-02-01T10:00:00Z",
                    "form": {"fnr": FNR},
                },
            ),
            event("c1", order={"id": "o-1", "note": f"kunde {FNR}"}),
        ]
    )
    with st.sessions() as session:
        msg = session.scalars(select(Message)).one()
        assert FNR not in msg.text and "*******0190" in msg.text
        national = session.scalars(select(Fact).where(Fact.kind == "national_id")).one()
        assert national.value == "*******0190" and FNR not in national.normalized
        stored = [
            repr(row.__dict__)
            for model in (Customer, Conversation, Message, Order, Fact)
            for row in session.scalars(select(model))
        ]
        ws = get_workspace(session, st.workspace, create=False)
        assert ws is not None
        index = stored_history_index(session, st.chroma, ws)
        assert index is not None
        documents = index.get([f"msg-{msg.id}"])["documents"]
    assert not [row for row in stored if FNR in row]
    assert documents and FNR not in documents[0]
