"""Sign-offs, agents' phone notes, booking codes, references and flight numbers (issue 7, fourth round)."""

from __future__ import annotations

import pytest

from assistant.types import Turn
from knowledge.facts import extract_facts
from knowledge.text.analysis import analyse_turns, reading_role


def _found(text: str, role: str = "customer") -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in extract_facts(text, role=role)}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Our family booked the tour.\n\nBest,\nRachel Owens\n+44 7700 900123", "Rachel Owens"),
        ("Please cancel the plan at the end of the period. Thanks, Dev Patel", "Dev Patel"),
        (
            "Kvittot bifogas.\n\nMed vänliga hälsningar\n\nPer-Erik Sjöberg\nInköpsansvarig",
            "Per-Erik Sjöberg",
        ),
        ("Det gjelder bestillinga mi.\n\nTusen takk,\nGro Lie", "Gro Lie"),
    ],
)
def test_sign_off_names(text: str, name: str) -> None:
    assert ("person", name) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Takk!\nJeg lurer på om dere har den på lager",
        "Thanks. I have tried it twice",
        "Tack! Var ligger butiken?",
    ],
)
def test_thanks_without_a_name_names_nobody(text: str) -> None:
    assert not [k for k, _ in _found(text) if k == "person"]


def test_agent_phone_turn_is_read_as_a_note() -> None:
    note = Turn(
        role="agent",
        channel="phone",
        text="Telefonnotat: Kunden Arild Nesse ringte. Kunden har "
        "allerede slått inverteren av og på. Lovet at tekniker ringer innen torsdag.",
    )
    chat = Turn(role="agent", channel="chat", text="Kunden Arild Nesse ringte.")
    assert reading_role(note) == "note" and reading_role(chat) == "agent"
    facts = {(lf.fact.kind, lf.fact.value) for lf in analyse_turns([note]).located_facts()}
    assert ("person", "Arild Nesse") in facts
    assert any(k == "tried" for k, _ in facts)
    assert not any(lf.fact.kind == "person" for lf in analyse_turns([chat]).located_facts())


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("flyget SK 1417 ställdes in igår. bokningsnr KX7R2P.", "order_number", "KX7R2P"),
        ("Bookingnummer HB4T9Q. Det ene hjul er knækket.", "order_number", "HB4T9Q"),
        ("Booking ref ZK3PQ8, please send it", "order_number", "ZK3PQ8"),
        ("Sommerhus i Blåvand uge 29 (booking DK-77312).", "order_number", "DK-77312"),
        ("leigeavtale L-44120", "order_number", "L-44120"),
        ("camera (receipt 0033-118274)", "order_number", "0033-118274"),
        ("Ref T-88412", "reference", "T-88412"),
        ("PIR-nummer OSLDY48213", "reference", "OSLDY48213"),
        ("min kuffert blev beskadiget på flyet DY 3201 fra Aalborg", "flight_number", "DY 3201"),
        ("flight BA765 from Heathrow was late", "flight_number", "BA765"),
    ],
)
def test_labelled_ids(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "booking for 2 personer i morgen",
        "We fly at 10 with SAS",
        "ref. your e-mail of Monday",
        "kvittering AB1",
    ],
)
def test_no_id_without_an_id_shape(text: str) -> None:
    assert not [k for k, _ in _found(text) if k in {"order_number", "reference", "flight_number"}]
