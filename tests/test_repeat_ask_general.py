"""General repeat-ask rules added after the memory-holdout suite (issue 7, third round): asks by the label
the customer wrote a code under, "hvor mange" as a question of degree, and "which day suits you?" as an ask
for a time to come. Each test would fail if its rule broke."""

from __future__ import annotations

import pytest

from assistant.guards import check_repeat_asks, find_asks
from assistant.guards.repeat_ask.labels import ask_labels, labelled_values
from assistant.types import Turn


def _c(text: str) -> Turn:
    return Turn(role="customer", text=text, channel="chat")


def _a(text: str) -> Turn:
    return Turn(role="agent", text=text, channel="chat")


@pytest.mark.parametrize(
    ("given", "draft", "language"),
    [
        (
            "Hej, mitt kundnummer är 88-1204, jag vill säga upp avtalet.",
            "Skicka gärna ditt kundnummer.",
            "sv",
        ),
        ("Hi, my patient ID is PT-55120 and I need a new time.", "Could you tell me your patient ID?", "en"),
        ("Skjermen viser feilkode 31 hele tiden.", "Hvilken feilkode står det på skjermen?", "nb"),
        ("Vi har booking KLX-4410 til to personer.", "Må jeg bede om dit bookingnummer?", "da"),
    ],
)
def test_an_ask_naming_the_label_the_customer_wrote_a_code_under_repeats(
    given: str, draft: str, language: str
) -> None:
    report = check_repeat_asks(draft, history=[_c(given)], language=language)
    assert report.flagged, report


@pytest.mark.parametrize(
    ("given", "draft", "language"),
    [
        ("Mitt kundnummer är 88-1204.", "Vilket ordernummer gäller det?", "sv"),
        ("My patient ID is PT-55120.", "Could you tell me your insurance number?", "en"),
        ("Vi har booking KLX-4410.", "Har du bookingnummeret for den anden rejse også?", "da"),
        ("Vi har booking KLX-4410.", "Er det booking KLX-4410 det gælder?", "da"),
    ],
)
def test_another_label_another_one_or_a_confirmation_is_no_repeat(
    given: str, draft: str, language: str
) -> None:
    assert not check_repeat_asks(draft, history=[_c(given)], language=language).flagged


def test_labels_come_from_the_word_before_a_code_and_from_compounds_with_an_id_word() -> None:
    values = labelled_values(
        [_c("mitt elevnummer är 55102"), _c("My student ID is SP-40917."), _a("ordre 123456")]
    )
    assert [(v.stem, v.value) for v in values] == [("elev", "55102"), ("student", "SP-40917")]
    assert ask_labels("Skicka ditt elevnummeret, tack") == {"elev"}
    assert ask_labels("Are you a student?") == set()


def test_hvor_mange_asks_how_many_not_where() -> None:
    (ask,) = find_asks("Hvor mange skjorter var der i posen?", "da")
    assert not any(s in ("place", "address") for s in ask.slots)
    (where,) = find_asks("Hvor bor du?", "nb")
    assert "address" in where.slots or "place" in where.slots


def test_which_day_suits_is_not_answered_by_the_day_something_happened() -> None:
    history = [_c("Vaskemaskinen ble levert i går, men den lekker."), _a("Så leit! Vi sender en tekniker.")]
    assert not check_repeat_asks("Hvilken dag passer det for deg?", history=history, language="nb").flagged


def test_which_day_suits_repeats_after_the_customer_offered_a_day() -> None:
    history = [_c("Kan dere komme og hente sofaen? Torsdag passer best for meg.")]
    assert check_repeat_asks("Hvilken dag passer det for deg?", history=history, language="nb").flagged
    answered = [_c("Kan dere hente sofaen?"), _a("Ja! Hvilken dag passer?"), _c("torsdag")]
    assert check_repeat_asks("Hvilken dag passer det for deg?", history=answered, language="nb").flagged


@pytest.mark.parametrize(
    ("ask", "language"),
    [
        ("Vill du att vi skickar ett sms när det är framme?", "sv"),
        ("Shall we text you when it arrives?", "en"),
        ("Kva tid på dagen passar – føremiddag eller ettermiddag?", "nn"),
    ],
)
def test_a_when_clause_inside_a_question_and_time_of_day_ask_for_no_date(ask: str, language: str) -> None:
    (found,) = find_asks(ask, language)
    assert "date" not in found.slots


@pytest.mark.parametrize(
    ("ask", "language"),
    [("När kommer du hem?", "sv"), ("When will you be home?", "en"), ("Når passer det?", "nb")],
)
def test_a_direct_when_question_still_asks_for_a_date(ask: str, language: str) -> None:
    (found,) = find_asks(ask, language)
    assert "date" in found.slots


def test_a_step_in_a_make_sure_frame_repeats_a_step_taken() -> None:
    history = [_c("Vi har vannet treet hver kveld og satt det i skyggen.")]
    draft = "Sørg for å vanne treet godt hver kveld, så blir det bedre."
    assert check_repeat_asks(draft, history=history, language="nb").flagged


def test_a_step_reported_in_a_tried_to_frame_is_a_step() -> None:
    history = [_c("Har prøvd å lade klokka over natta, men den er fortsatt død.")]
    assert check_repeat_asks("Har du prøvd å lade klokka over natta?", history=history, language="nb").flagged


def test_tried_a_thing_is_using_it() -> None:
    history = [_c("Already tried the spare keycard at reception, it doesn't work either.")]
    draft = "Have you tried using the spare keycard from reception?"
    assert check_repeat_asks(draft, history=history, language="en").flagged
    other = "Have you tried using the side entrance instead?"
    assert not check_repeat_asks(other, history=history, language="en").flagged


def test_which_day_suits_rule_leaves_other_preferences_alone() -> None:
    history = [_c("Two bus tickets to Mexico City.")]
    assert check_repeat_asks("Where would you like to go?", history=history, language="en").flagged
