"""Repeat-ask rules of issue 7's fourth round.

Reminders are requests; a step of a new procedure is no repeat.
"""

from __future__ import annotations

import pytest

from assistant.guards.repeat_ask.asks import find_asks
from assistant.guards.repeat_ask.engine import check_repeat_asks
from assistant.types import Turn


@pytest.mark.parametrize(
    ("draft", "slot"),
    [
        ("Husk at oplyse dit bookingnummer, så kan jeg se det.", "order_number"),
        ("Glöm inte att skicka kvittot.", "attachment"),
        ("Remember to send us the receipt.", "attachment"),
    ],
)
def test_a_reminder_to_give_something_is_an_ask(draft: str, slot: str) -> None:
    (ask,) = find_asks(draft)
    assert slot in ask.slots


@pytest.mark.parametrize("draft", ["Husk at vi har åpent til 18.", "Svare på e-posten tar tid."])
def test_a_reminder_of_a_fact_is_no_ask(draft: str) -> None:
    assert find_asks(draft) == []


_RESTARTED = [
    Turn(
        role="customer",
        channel="sms",
        text="Mobilen får ikkje mobildata. Har starta han på nytt og teke ut og inn simkortet.",
    )
]


def test_a_step_after_a_new_instruction_is_no_repeat() -> None:
    draft = (
        "Hei! Gå inn på Innstillingar > Mobilnett og vel «Tilbakestill til standard». "
        "Start så telefonen på nytt."
    )
    assert not check_repeat_asks(draft, history=_RESTARTED, language="nn").flagged


@pytest.mark.parametrize(
    "draft", ["Hei! Start telefonen på nytt.", "Hei! Så leit. Start så telefonen på nytt."]
)
def test_the_same_step_alone_is_a_repeat(draft: str) -> None:
    assert check_repeat_asks(draft, history=_RESTARTED, language="nn").flagged


def test_booking_code_after_a_label_answers_a_reminder() -> None:
    history = [
        Turn(
            role="customer",
            channel="facebook",
            text="Hej! Vi har booket et sommerhus i Blåvand uge 29 (booking DK-77312). Må vi tage hund med?",
        )
    ]
    draft = "Hej! Husk at oplyse dit bookingnummer, så kan jeg se, om huset tillader hund."
    assert check_repeat_asks(draft, history=history, language="da").flagged


def test_a_lone_id_answers_the_agents_question_for_an_id() -> None:
    history = [
        Turn(role="customer", channel="chat", text="hi, I want to pause my membership for a month"),
        Turn(role="agent", channel="chat", text="No problem! What's your membership number?"),
        Turn(role="customer", channel="chat", text="GYM-448120"),
    ]
    draft = "Great. Could you send me your membership number so I can find your account?"
    assert check_repeat_asks(draft, history=history, language="en").flagged
    other = [*history[:2], Turn(role="customer", channel="chat", text="I'll check tonight")]
    assert not check_repeat_asks(draft, history=other, language="en").flagged


@pytest.mark.parametrize(
    ("said", "flagged"),
    [("Jag vill också pausa kortet under december.", True), ("Jag vill också pausa kortet.", False)],
)
def test_which_month_is_answered_by_a_month(said: str, flagged: bool) -> None:
    history = [Turn(role="customer", channel="email", text=said)]
    draft = "Hej! Ja, det går bra. Vilken månad vill du att pausen ska börja?"
    assert check_repeat_asks(draft, history=history, language="sv").flagged is flagged


def test_a_size_after_the_nynorsk_word_answers_a_size_question() -> None:
    history = [Turn(role="note", channel="phone", text="Kunde Ola Dale leigde skisko (storleik 39) 10.01.")]
    draft = "Hei! Kva storleik brukar du på skisko?"
    assert check_repeat_asks(draft, history=history, language="nn").flagged


@pytest.mark.parametrize(
    ("said", "flagged"),
    [
        ("Jeg bor nu på Åboulevarden 21, 8000 Aarhus C.", True),
        ("Jeg flytter fra Åboulevarden 21, 8000 Aarhus C.", False),
    ],
)
def test_an_address_where_the_customer_now_lives_is_the_new_one(said: str, flagged: bool) -> None:
    history = [Turn(role="customer", channel="email", text=f"Hej, levering til min nye adresse. {said}")]
    draft = "Hej! Hvad er din nye adresse, så jeg kan opdatere leveringen?"
    assert check_repeat_asks(draft, history=history, language="da").flagged is flagged


def test_did_you_remember_to_do_a_step_the_customer_reported() -> None:
    history = [
        Turn(
            role="customer",
            channel="email",
            text="Jeg har allerede printet returlabelen og afleveret pakken i Pakkeshoppen i Føtex.",
        )
    ]
    assert check_repeat_asks(
        "Hej! Har du husket at aflevere returpakken?", history=history, language="da"
    ).flagged
    assert not check_repeat_asks(
        "Hej! Har du husket at aflevere returpakken?",
        history=[Turn(role="customer", channel="email", text="Jeg har printet returlabelen.")],
        language="da",
    ).flagged


def test_a_statement_of_what_can_be_done_is_no_step() -> None:
    history = [Turn(role="customer", channel="chat", text="ja, har blanda halvt om halvt i tre dagar")]
    draft = "Hei! Ja, uopna posar kan byttast innan 30 dagar."
    assert not check_repeat_asks(draft, history=history, language="nn").flagged


def test_remember_as_a_reminder_of_a_fact_is_no_step() -> None:
    assert find_asks("Husk at vi har åpent til 18.") == []


@pytest.mark.parametrize(
    ("said", "draft", "language", "flagged"),
    [
        ("Jeg har allerede skylt filteret under springen.", "Har du prøvd å vaske filteret?", "nb", True),
        (
            "I have already rinsed the filter under the tap.",
            "Have you tried cleaning the filter?",
            "en",
            True,
        ),
        ("Jag har redan sköljt filtret.", "Har du provat att rengöra filtret?", "sv", True),
        ("Jeg har allerede skylt filteret.", "Har du prøvd å bytte filteret?", "nb", False),
        ("Jeg har vasket filteret.", "Har du prøvd å vaske bilen?", "nb", False),
    ],
)
def test_verbs_of_one_action_from_the_lexicons(said: str, draft: str, language: str, flagged: bool) -> None:
    history = [Turn(role="customer", channel="chat", text=said)]
    assert check_repeat_asks(draft, history=history, language=language).flagged is flagged


def test_a_month_before_a_day_stays_part_of_the_date() -> None:
    from knowledge.text.values import extract_values

    found = [(v.slot, v.text) for v in extract_values("the 8th until march 12th", speaker="customer")]
    assert ("end_date", "march 12th") in found
