"""Repeat-ask rules of issue 7's fifth round.

Asks that name a detail by what it is about (``ask_phrases`` lexicons: how the customer paid, which of our
shops), and proposed steps the customer took with another verb or another word order: done to the same two
things, trying another of the same thing, a verb with its particle written before it.
"""

from __future__ import annotations

import pytest

from assistant.guards.repeat_ask.engine import check_repeat_asks
from assistant.guards.repeat_ask.evidence import same_verb
from assistant.guards.repeat_ask.slots import phrase_slots, slots_for
from assistant.types import Turn
from knowledge.fields import FieldSet, FieldSpec


def _customer(text: str, channel: str = "chat") -> list[Turn]:
    return [Turn(role="customer", channel=channel, text=text)]


@pytest.mark.parametrize(
    ("ask", "language"),
    [
        ("Hvordan betalte du for bestillingen?", "nb"),
        ("Korleis betalte du?", "nn"),
        ("Hur betalade du ordern?", "sv"),
        ("Hvordan betalte du, så vi kan refundere?", "da"),
        ("How did you pay for it?", "en"),
    ],
)
def test_how_you_paid_asks_for_the_payment_method(ask: str, language: str) -> None:
    assert slots_for(ask, language)[0] == "payment_method"


def test_how_you_paid_repeats_a_method_named() -> None:
    history = _customer("Hei, jeg betalte med Klarna, men pakken kom aldri.")
    assert check_repeat_asks("Hei! Hvordan betalte du for ordren?", history=history, language="nb").flagged


@pytest.mark.parametrize(
    ("ask", "language"),
    [
        ("Vilket av våra gym tränar du på?", "sv"),
        ("Hvilken af vores butikker handlede du i?", "da"),
        ("Which of our shops did you visit?", "en"),
    ],
)
def test_which_of_our_places_asks_where(ask: str, language: str) -> None:
    assert phrase_slots(ask.lower(), language) == ["place"]


@pytest.mark.parametrize(
    ("ask", "language"),
    [("Which of our plans would suit you best?", "en"), ("Hvilken av våre pakker passer deg?", "nb")],
)
def test_an_offer_of_our_options_is_no_place_question(ask: str, language: str) -> None:
    assert phrase_slots(ask.lower(), language) == []


def test_a_step_done_to_the_same_two_things_with_another_verb_repeats() -> None:
    history = _customer("Har tettet sprekken i vinduskarmen med tape, men det trekker fortsatt.")
    draft = "Hei! Har du prøvd å dekke til sprekken i vinduskarmen?"
    assert check_repeat_asks(draft, history=history, language="nb").flagged


def test_checking_the_same_two_things_is_not_the_step_proposed() -> None:
    history = _customer("Har sjekket sprekken i vinduskarmen, men det trekker fortsatt.")
    draft = "Hei! Har du prøvd å dekke til sprekken i vinduskarmen?"
    assert not check_repeat_asks(draft, history=history, language="nb").flagged


def test_trying_another_of_the_same_thing_repeats() -> None:
    history = _customer("The headphones won't charge. I've tried a different cable.")
    draft = "Sorry to hear that. Have you tried charging them with a different cable?"
    assert check_repeat_asks(draft, history=history, language="en").flagged


def test_trying_another_of_some_other_thing_is_new() -> None:
    history = _customer("The headphones won't charge. I've tried a different socket.")
    draft = "Sorry to hear that. Have you tried charging them with a different cable?"
    assert not check_repeat_asks(draft, history=history, language="en").flagged


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("avfrostat", "frosta", True), ("udluftet", "lufte", True), ("avlese", "lese", False)],
)
def test_a_verb_with_its_particle_before_it(a: str, b: str, same: bool) -> None:
    assert same_verb(a, b) is same


@pytest.mark.parametrize(
    ("ask", "language", "slot"),
    [
        ("Hvilken telefon har du?", "nb", "product"),
        ("Which phone are you using?", "en", "product"),
        ("Hvilket mobilnummer kan vi nå deg på?", "nb", "phone"),
        ("Vad är ditt telefonnummer?", "sv", "phone"),
    ],
)
def test_a_phone_as_a_device_is_a_product_its_number_a_phone(ask: str, language: str, slot: str) -> None:
    assert slots_for(ask, language)[0] == slot


@pytest.mark.parametrize(
    ("ask", "language"),
    [("Could you give me your date of birth?", "en"), ("Hva er fødselsdatoen din?", "nb")],
)
def test_a_date_of_birth_is_no_date_of_the_case(ask: str, language: str) -> None:
    assert slots_for(ask, language) == ("date_of_birth",)


def test_a_date_of_birth_is_not_answered_by_the_date_of_an_event() -> None:
    history = _customer("Strømmen gikk 3. mars og har ikke kommet tilbake.")
    draft = "Hei! For å opprette saken trenger jeg fødselsdatoen din."
    assert not check_repeat_asks(draft, history=history, language="nb").flagged


def test_a_week_number_answers_a_question_for_the_week() -> None:
    history = [
        Turn(role="note", channel="phone", text="Kunden har leid hytta i Vrådal uke 31, booking 5521.")
    ]
    draft = "Hei! Hvilken uke gjelder bookingen din?"
    assert check_repeat_asks(draft, history=history, language="nb").flagged


_LOCKER = FieldSet(
    fields=[FieldSpec(name="locker_number", description="The locker's number", ask={"nb": ["skapnummer"]})]
)


def test_a_field_asked_for_another_one_is_no_repeat() -> None:
    history = _customer("Hei, jeg har skapnummer 118 i garderoben, og låsen har gått i stykker.")
    asked = "Hei! Vet du skapnummeret til det andre skapet, eller skal vi sjekke?"
    again = "Hei! Hva er skapnummeret ditt?"
    assert not check_repeat_asks(asked, history=history, language="nb", fields=_LOCKER).flagged
    assert check_repeat_asks(again, history=history, language="nb", fields=_LOCKER).flagged


@pytest.mark.parametrize(
    ("note", "name"),
    [
        ("Kunde ringte 11.04 kl 09: Liv Marit Aune, vil endre leveringsadresse.", "Liv Marit Aune"),
        ("Call 03/02 14:10 — James Porter, asked about the invoice.", "James Porter"),
        ("Samtal 2/5: Kund Emil Sandberg ska flytta i juni.", "Emil Sandberg"),
        ("Telefonnotat: Kunden Rune Bakken ringte om fakturaen.", "Rune Bakken"),
    ],
)
def test_a_name_after_a_notes_heading_or_a_word_for_customer(note: str, name: str) -> None:
    from knowledge.facts import extract_facts

    people = [f.value for f in extract_facts(note, role="note") if f.kind == "person"]
    assert people == [name]


def test_a_field_label_written_without_its_abbreviations_dot() -> None:
    from knowledge.text.fieldvalues import FieldLexicon

    fields = FieldSet(fields=[FieldSpec(name="plate", ask={"nb": ["reg.nr"]})])
    found = FieldLexicon(fields).values("Bilen har regnr. TK 20331 og står i Moss.")
    assert [(v.slot, v.text) for v in found] == [("plate", "TK 20331")]


def test_a_step_asked_about_as_done_repeats_one_taken() -> None:
    history = _customer("Eg har tømt vaskemaskina og teke ut filteret i botnen.", channel="email")
    draft = "Hei! Har du fått teke ut filteret i botnen?"
    assert check_repeat_asks(draft, history=history, language="nn").flagged


def test_a_step_asked_about_as_done_on_another_thing_is_new() -> None:
    history = _customer("Eg har tømt vaskemaskina og teke ut filteret i botnen.", channel="email")
    draft = "Hei! Har du fått teke bilete av typeskiltet?"
    assert not check_repeat_asks(draft, history=history, language="nn").flagged


def test_a_pronoun_object_is_the_thing_of_the_clause_before() -> None:
    history = _customer("The kettle smells of plastic. I took the lid off and scrubbed it with vinegar.")
    draft = "Sorry about that! Have you tried cleaning the lid?"
    assert check_repeat_asks(draft, history=history, language="en").flagged


def test_a_swedish_supine_of_an_irregular_verb_is_the_same_step() -> None:
    history = _customer("Jag har rengjort munstycket men kaffet är fortfarande kallt.")
    draft = "Hej! Har du provat att rengöra munstycket?"
    assert check_repeat_asks(draft, history=history, language="sv").flagged
