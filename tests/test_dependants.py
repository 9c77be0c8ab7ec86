"""Animals and family members a customer speaks for: their names, ages and breeds, and asks about them."""

from __future__ import annotations

import pytest

from assistant.guards.repeat_ask.engine import check_repeat_asks
from assistant.guards.repeat_ask.slots import slots_for
from assistant.types import Turn
from knowledge.facts import extract_facts

_KINDS = {"pet_name", "relative_name", "breed", "age"}


def found(text: str, role: str = "customer") -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in extract_facts(text, role=role) if f.kind in _KINDS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hei! Katta vår, Pusur, har slutta å spise.", {("pet_name", "Pusur")}),
        (
            "Hunden min Rex er en 7 år gammel schäfer.",
            {("pet_name", "Rex"), ("age", "7 år gammel"), ("breed", "schäfer")},
        ),
        ("Me har ein kanin, Trulte, på tre år.", {("pet_name", "Trulte"), ("age", "tre år")}),
        ("min dotter Saga (11) ska börja i fyran", {("relative_name", "Saga"), ("age", "11")}),
        ("Vores datter hedder Alma og er 5 år.", {("relative_name", "Alma"), ("age", "5 år")}),
        (
            "My husband Tom has a 4-year-old whippet.",
            {("relative_name", "Tom"), ("age", "4-year-old"), ("breed", "whippet")},
        ),
    ],
)  # fmt: skip
def test_names_ages_and_breeds_of_dependants(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jeg har hatt bilen i 3 år.",
        "Vi flyttet hit for 2 år siden.",
        "I've been a customer for 6 years.",
        "Hunden har slutta å spise.",  # no name
        "Har ni öppet på lördag?",
    ],
)
def test_a_span_of_years_or_an_unnamed_animal_gives_nothing(text: str) -> None:
    assert found(text) == set()


@pytest.mark.parametrize(
    ("ask", "language", "slot"),
    [
        ("Hva heter katten?", "nb", "pet_name"),
        ("Hvad hedder jeres hund?", "da", "pet_name"),
        ("What's your daughter called?", "en", "relative_name"),
        ("Kor gammal er guten?", "nn", "age"),
        ("Hur gammal är Saga?", "sv", "age"),
        ("Vilken ras är hunden?", "sv", "breed"),
    ],
)
def test_asks_about_a_dependant(ask: str, language: str, slot: str) -> None:
    assert slots_for(ask, language) == (slot,)


def test_an_age_question_about_a_thing_is_not_about_a_dependant() -> None:
    assert "age" not in slots_for("Hvor gammel er oppvaskmaskinen?", "nb")


def _flagged(history: str, draft: str, language: str) -> bool:
    turns = [Turn(role="customer", text=t, channel="chat") for t in history.split("\n")]
    return check_repeat_asks(draft, history=turns, language=language).flagged


def test_a_known_name_age_or_breed_is_not_asked_again() -> None:
    assert _flagged("Katta vår, Pusur, har slutta å spise.\nHo er 12 år", "Hvor gammel er Pusur?", "nb")
    assert _flagged("Our dog Rex is a beagle.", "What's the dog called?", "en")
    assert _flagged("Our dog Rex is a beagle.", "What breed is Rex?", "en")


def test_a_new_detail_of_a_dependant_is_asked() -> None:
    assert not _flagged("Katta vår, Pusur, har slutta å spise.", "Hvor gammel er Pusur?", "nb")
    assert not _flagged("my son Oliver (9) wants to join", "What's Oliver's date of birth?", "en")
