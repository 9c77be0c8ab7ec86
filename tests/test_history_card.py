"""The customer context card."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.errors import InputError
from knowledge.history import customer_card, customer_context, customer_timeline
from tests.history_support import BACKENDS, Stores, event, open_stores, say


@pytest.fixture(params=BACKENDS)
def st(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores


@pytest.fixture
def kari(st: Stores) -> Stores:
    st.ingest(
        [
            event(
                {"id": "crm-17", "name": "Kari Hansen", "email": "kari@example.com", "language": "nb"},
                order={
                    "id": "48213977",
                    "status": "delivered",
                    "items": [{"name": "Nordlys AX3000 ruter", "qty": 1}],
                    "placed_at": "2026-02-01T20:14:00+01:00",
                },
            ),
            say(
                "crm-17",
                "mail-1",
                "email",
                "Hei! Ruteren fra ordre 48213977 virker ikke. "
                "Jeg har allerede restartet ruteren og byttet kabel.",
                "2026-02-09T08:47:00+01:00",
                id="mail-1-m1",
                subject="Ruteren virker ikke",
                status="closed",
            ),
            say(
                {"id": "fb:64", "handles": {"facebook": "kari.h"}, "email": "KARI@example.com"},
                "fb-1",
                "facebook",
                "Har dere sendt ny ruter? Serienummeret er AX3K2407A1182.",
                "2026-02-10T21:36:00+01:00",
                id="fb-1-m1",
                sla_due_at="2026-02-11T09:00:00+01:00",
            ),
            say(
                "fb:64",
                "fb-1",
                "facebook",
                "Vi sender en ny ruter i morgen.",
                "2026-02-10T21:58:00+01:00",
                role="agent",
                id="fb-1-m2",
            ),
            say("crm-17", "chat-1", "chat", "Takk for hjelpen!", "2026-02-12T10:00:00+01:00", id="chat-1-m1"),
            say("someone-else", "chat-2", "chat", "Ordre 99999999 er borte.", "2026-02-12T10:00:00+01:00"),
        ]
    )
    return st


def test_card_shows_who_what_is_open_orders_facts_tried_and_promised(kari: Stores) -> None:
    card = customer_card(kari.sessions, kari.workspace, "kari.h")
    assert (card.external_id, card.name, card.language) == ("crm-17", "Kari Hansen", "nb")
    assert {(i.kind, i.value) for i in card.identities} == {
        ("external_id", "crm-17"),
        ("external_id", "fb:64"),
        ("email", "kari@example.com"),
        ("facebook", "kari.h"),
    }
    # open conversations: the one with an SLA first, then by latest activity; closed ones apart
    assert [c.id for c in card.open_conversations] == ["fb-1", "chat-1"]
    fb = card.open_conversations[0]
    assert (fb.channel, fb.messages, fb.status) == ("facebook", 2, "open")
    assert fb.sla_due_at is not None and fb.sla_due_at.isoformat() == "2026-02-11T08:00:00+00:00"
    assert fb.last_message is not None and fb.last_message.role == "agent"
    assert [(c.id, c.status, c.subject) for c in card.recent_conversations] == [
        ("mail-1", "closed", "Ruteren virker ikke")
    ]
    assert [(o.id, o.status) for o in card.orders] == [("48213977", "delivered")]
    assert card.orders[0].items == [{"name": "Nordlys AX3000 ruter", "qty": 1}]

    by_kind = {(f.kind, f.value): f for f in card.facts}
    serial = by_kind[("serial_number", "AX3K2407A1182")]
    assert (serial.source, serial.channel) == ("fb-1-m1", "facebook")
    assert serial.excerpt is not None and "AX3K2407A1182" in serial.excerpt
    assert by_kind[("order_number", "48213977")].source == "order:48213977"
    assert ("order_number", "99999999") not in by_kind  # someone else's
    assert [f.source for f in card.tried] == ["mail-1-m1"]
    assert "restartet" in card.tried[0].value
    assert [f.source for f in card.promised] == ["fb-1-m2"]
    assert not {"tried", "promise"} & {f.kind for f in card.facts}


def test_card_is_the_same_from_any_reference(kari: Stores) -> None:
    cards = [
        customer_card(kari.sessions, kari.workspace, ref).model_dump()
        for ref in ("crm-17", "fb:64", "KARI@EXAMPLE.COM", "@kari.h", "facebook:kari.h")
    ]
    assert all(card == cards[0] for card in cards)


def test_card_of_nobody_is_an_input_error(kari: Stores) -> None:
    with pytest.raises(InputError, match="no customer 'nobody'"):
        customer_card(kari.sessions, kari.workspace, "nobody")
    with pytest.raises(InputError, match="no customer"):
        customer_card(kari.sessions, "no-such-workspace", "crm-17")


def test_each_conversation_shows_its_own_last_message(kari: Stores) -> None:
    """The last message of every conversation is read in one query: each must still be its own, newest."""
    card = customer_card(kari.sessions, kari.workspace, "crm-17")
    last = {c.id: c.last_message for c in [*card.open_conversations, *card.recent_conversations]}
    assert {k: (m.id, m.conversation_id) if m else None for k, m in last.items()} == {
        "fb-1": ("fb-1-m2", "fb-1"),
        "chat-1": ("chat-1-m1", "chat-1"),
        "mail-1": ("mail-1-m1", "mail-1"),
    }
    kari.ingest(
        [say("crm-17", "mail-1", "email", "Fortsatt ikke løst.", "2026-02-13T09:00:00+01:00", id="mail-1-m2")]
    )
    card = customer_card(kari.sessions, kari.workspace, "crm-17")
    mail = next(c for c in [*card.open_conversations, *card.recent_conversations] if c.id == "mail-1")
    assert mail.last_message is not None and mail.last_message.id == "mail-1-m2"
    assert mail.messages == 2


def test_card_and_timeline_in_one_session_are_what_each_gives(kari: Stores) -> None:
    card, timeline = customer_context(kari.sessions, kari.workspace, "kari.h", limit=3)
    assert card == customer_card(kari.sessions, kari.workspace, "kari.h")
    assert timeline == customer_timeline(kari.sessions, kari.workspace, "kari.h", limit=3)
    assert [m.id for m in timeline] == ["fb-1-m1", "fb-1-m2", "chat-1-m1"]
    with pytest.raises(InputError, match="no customer 'nobody'"):
        customer_context(kari.sessions, kari.workspace, "nobody")
