"""The customer's situation: orders, refunds, appointments and promises (kept, pending, overdue) at `now`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from knowledge.history import customer_card, customer_timeline
from knowledge.history.situation import build_situation, describe_situation, promise_due
from tests.history_support import Stores, event, open_stores, say


@pytest.fixture
def st(tmp_path: Path) -> Iterator[Stores]:
    with open_stores("sqlite", tmp_path) as stores:
        yield stores


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def maja(st: Stores) -> Stores:
    st.ingest(
        [
            event({"id": "c-1", "name": "Maja Berg", "language": "sv"}),
            event(
                "c-1",
                order={
                    "id": "700100",
                    "status": "delivered",
                    "items": [{"name": "Kaffebryggare", "price": 1200}],
                    "placed_at": "2026-03-01T10:00:00+01:00",
                    "total": 1200,
                    "currency": "SEK",
                },
            ),
            event(
                "c-1",
                order={
                    "id": "700200",
                    "status": "shipped",
                    "items": [{"name": "Kaffebryggare (ersättning)", "price": 0}],
                    "placed_at": "2026-03-05T10:00:00+01:00",
                    "total": 0,
                    "replacement_for": "700100",
                    "carrier": "DHL",
                    "tracking": "JV123456789",
                    "eta": "2026-03-09",
                    "refund": {
                        "amount": 99,
                        "currency": "SEK",
                        "status": "initiated",
                        "expected_by": "2026-03-07",
                    },
                },
            ),
            {
                "customer": {"id": "c-1"},
                "appointment": {"id": "A1", "subject": "Installation", "at": "2026-03-12T09:00:00+01:00"},
            },
            say(
                "c-1",
                "mail",
                "email",
                "Bryggaren läcker. Jag har redan avkalkat den.",
                "2026-03-04T09:00:00+01:00",
            ),
            say(
                "c-1",
                "mail",
                "email",
                "Vi återkommer senast fredag 6 mars med besked.",
                "2026-03-04T12:00:00+01:00",
                role="agent",
            ),
            say(
                "c-1",
                "mail",
                "email",
                "Lovade att ringa kunden inom 24 timmar.",
                "2026-03-04T12:05:00+01:00",
                role="note",
            ),
        ]
    )
    return st


def _situation(st: Stores, now: str):  # type: ignore[no-untyped-def]
    card = customer_card(st.sessions, st.workspace, "c-1")
    return build_situation(card, customer_timeline(st.sessions, st.workspace, "c-1"), _at(now))


def test_orders_refunds_and_appointments_are_read_from_the_event_fields(maja: Stores) -> None:
    s = _situation(maja, "2026-03-08T10:00:00+01:00")
    newest = s.orders[0]
    assert (newest.id, newest.carrier, newest.tracking, newest.eta.isoformat() if newest.eta else None) == (
        "700200",
        "DHL",
        "JV123456789",
        "2026-03-09",
    )
    assert newest.replacement and newest.replacement_for == "700100" and newest.open
    assert s.refunds[0].amount == 99 and s.refunds[0].overdue  # expected by the 7th, not paid on the 8th
    assert s.appointments[0].id == "A1" and s.appointments[0].upcoming
    assert any("avkalkat" in t for t in s.tried)
    assert any("order 700200: shipped" in line for line in describe_situation(s))


def test_promises_are_pending_then_overdue_and_later_events_are_ignored(maja: Stores) -> None:
    early = _situation(maja, "2026-03-04T13:00:00+01:00")
    states = {p.text.split()[0].lower(): p.state for p in early.promises}
    assert set(states.values()) == {"pending"}
    late = _situation(maja, "2026-03-08T10:00:00+01:00")
    assert {p.state for p in late.promises} == {"overdue"}
    before = _situation(maja, "2026-03-01T12:00:00+01:00")
    assert [o.id for o in before.orders] == ["700100"] and not before.promises and not before.tried


def test_a_promise_followed_by_our_next_message_in_time_is_kept(st: Stores) -> None:
    st.ingest(
        [
            event({"id": "c-2", "language": "en"}),
            say(
                "c-2",
                "x1",
                "email",
                "We will get back to you by Monday 9 March.",
                "2026-03-05T10:00:00+01:00",
                role="agent",
            ),
            say(
                "c-2",
                "x1",
                "email",
                "Here is an update on your case.",
                "2026-03-09T09:00:00+01:00",
                role="agent",
            ),
        ]
    )
    card = customer_card(st.sessions, st.workspace, "c-2")
    s = build_situation(
        card, customer_timeline(st.sessions, st.workspace, "c-2"), _at("2026-03-12T10:00:00+01:00")
    )
    assert [p.state for p in s.promises] == ["kept"]


def _promise_then_our_reply(st: Stores, reply: str) -> list[str]:
    st.ingest(
        [
            event({"id": "c-3", "language": "sv"}),
            say(
                "c-3",
                "ig1",
                "instagram",
                "Kan du mejla oss loggfilen? Vi återkommer inom 24 timmar efter att vi fått den.",
                "2026-02-21T10:20:00+01:00",
                role="agent",
            ),
            say("c-3", "e1", "email", reply, "2026-02-22T20:15:00+01:00", role="agent"),
        ]
    )
    card = customer_card(st.sessions, st.workspace, "c-3")
    s = build_situation(
        card, customer_timeline(st.sessions, st.workspace, "c-3"), _at("2026-03-04T10:00:00+01:00")
    )
    return [p.state for p in s.promises if "24 timmar" in p.text]


def test_our_answer_that_ends_with_a_new_offer_keeps_the_earlier_promise(st: Stores) -> None:
    reply = (
        "Hej Johan, tack för loggen. Vi ser att routern byter kanal på 5 GHz när den upptäcker radar i "
        "närheten. Välj en fast kanal i appen: Wifi, Avancerat, 5 GHz-kanal 36. Hör av dig om det inte "
        "hjälper, så skickar vi en ny router som förhandsbyte."
    )
    assert _promise_then_our_reply(st, reply) == ["kept"]


def test_a_bare_postponement_does_not_keep_the_earlier_promise(st: Stores) -> None:
    assert _promise_then_our_reply(st, "Förlåt, vi behöver lite mer tid. Vi återkommer senast måndag.") == [
        "overdue"
    ]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Vi kjem tilbake til deg seinast torsdag 12. mars", "2026-03-12"),
        ("We will get back to you by Monday", "2026-03-09"),
        ("Vi ringer deg i morgen", "2026-03-06"),
        ("återkommer med besked inom 24 timmar", "2026-03-06"),
        ("Lovede at ringe kunden fredag 13. marts", "2026-03-13"),
        ("We'll send you a new front wheel free of charge this week.", "2026-03-08"),
        ("Du får en ny del i løpet av neste uke", "2026-03-15"),
        ("Vi skickar en ny denna vecka", "2026-03-08"),
    ],
)
def test_promise_due_from_its_words(text: str, due: str) -> None:
    made = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)  # a Thursday
    found = promise_due(text, made)
    assert found is not None and found.date().isoformat() == due


def test_this_week_said_at_the_weekend_is_the_coming_week() -> None:
    found = promise_due("Vi sender den i denne uge", datetime(2026, 3, 7, 10, 0, tzinfo=UTC))  # a Saturday
    assert found is not None and found.date().isoformat() == "2026-03-15"


def test_a_promise_without_a_time_has_no_due() -> None:
    assert promise_due("Vi ser på saken", datetime(2026, 3, 5, tzinfo=UTC)) is None


def test_a_customers_own_commitment_and_a_duration_are_not_our_promises(st: Stores) -> None:
    st.ingest(
        [
            event({"id": "c-3", "language": "nb"}),
            say(
                "c-3",
                "p1",
                "phone",
                "Ringte kunden. Kunden sender gammel ruter i retur innen 14 dager. Vi ringer deg i morgen.",
                "2026-03-05T10:00:00+01:00",
                role="note",
            ),
            say(
                "c-3",
                "p2",
                "chat",
                "Levering med innbæring tar 3–7 virkedager.",
                "2026-03-05T11:00:00+01:00",
                role="agent",
            ),
        ]
    )
    card = customer_card(st.sessions, st.workspace, "c-3")
    s = build_situation(
        card, customer_timeline(st.sessions, st.workspace, "c-3"), _at("2026-03-05T12:00:00+01:00")
    )
    texts = [p.text for p in s.promises]
    assert not any("kunden sender" in t or "tar 3" in t for t in texts), texts
    assert any("ringer deg i morgen" in t for t in texts)


def test_a_promise_the_customer_confirms_is_kept_even_before_or_after_its_due(st: Stores) -> None:
    st.ingest(
        [
            event({"id": "c-4", "language": "en"}),
            say(
                "c-4",
                "m1",
                "email",
                "We will remove the invoice within 2 working days.",
                "2026-03-04T08:00:00+01:00",
                role="agent",
            ),
            say("c-4", "m2", "chat", "Morning, the invoice is gone now 👍", "2026-03-09T09:00:00+01:00"),
        ]
    )
    card = customer_card(st.sessions, st.workspace, "c-4")
    timeline = customer_timeline(st.sessions, st.workspace, "c-4")
    assert [p.state for p in build_situation(card, timeline, _at("2026-03-09T10:00:00+01:00")).promises] == [
        "kept"
    ]
    # before the customer said so, the same promise was overdue
    assert [p.state for p in build_situation(card, timeline, _at("2026-03-08T10:00:00+01:00")).promises] == [
        "overdue"
    ]


def test_a_customer_saying_it_still_has_not_happened_does_not_keep_it(st: Stores) -> None:
    st.ingest(
        [
            event({"id": "c-5", "language": "en"}),
            say(
                "c-5",
                "m1",
                "email",
                "We will refund you within 2 days.",
                "2026-03-04T08:00:00+01:00",
                role="agent",
            ),
            say("c-5", "m2", "chat", "Thanks! But the money is still not here.", "2026-03-09T09:00:00+01:00"),
        ]
    )
    card = customer_card(st.sessions, st.workspace, "c-5")
    s = build_situation(
        card, customer_timeline(st.sessions, st.workspace, "c-5"), _at("2026-03-09T10:00:00+01:00")
    )
    assert [p.state for p in s.promises] == ["overdue"]
