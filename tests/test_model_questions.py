"""Questions about the product or model are repeats when the conversation already names it."""

from __future__ import annotations

import pytest

from assistant.guards import check_repeat_asks
from assistant.types import KnownFact, Turn


def customer(text: str) -> Turn:
    return Turn(role="customer", text=text)


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("en", "My Nordtherm T5 thermostat keeps resetting.", "Which thermostat model do you have?"),
        ("en", "The Brewmax 300 leaks water.", "What model is your coffee machine?"),
        ("nb", "Termostaten min, en Varmo X200, slår seg av hele tiden.", "Hvilken modell har du?"),
        ("nn", "Eg har ein Varmo X200 som ikkje varmar.", "Kva modell er det snakk om?"),
        ("sv", "Jag har en Kylma 300 som låter konstigt.", "Vilken modell gäller det?"),
        ("da", "Min Skylla 45 opvaskemaskine lækker.", "Hvilken model har du?"),
    ],
)
def test_a_model_question_is_a_repeat_when_the_model_is_known(language: str, said: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(said)], language=language)
    assert report.flagged, report.asks


def test_a_known_product_fact_with_a_model_answers_a_model_question() -> None:
    facts = [KnownFact(kind="product", value="Varmo X200")]
    report = check_repeat_asks(
        "Hvilken modell har du?", history=[customer("Termostaten slår seg av.")], facts=facts, language="nb"
    )
    assert report.flagged


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("en", "My thermostat keeps resetting.", "Which thermostat model do you have?"),
        ("nb", "Termostaten min slår seg av hele tiden.", "Hvilken modell har du?"),
        ("sv", "Kylskåpet låter konstigt.", "Vilken modell gäller det?"),
    ],
)
def test_a_model_question_is_no_repeat_when_only_the_kind_of_product_is_known(
    language: str, said: str, draft: str
) -> None:
    assert not check_repeat_asks(draft, history=[customer(said)], language=language).flagged


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("nn", "Eg har ein Polar Vantage V3 som ikkje vil lade.", "Kva for ein klokkemodell har du?"),
        ("nb", "Skriveren min, en Canon LBP6030, trekker ikke inn papir.", "Hvilken printermodell har du?"),
        ("da", "Min Volvo XC40 viser en fejl på skærmen.", "Hvilken bilmodel har du?"),
    ],
)
def test_a_compound_that_ends_in_model_asks_for_the_model(language: str, said: str, draft: str) -> None:
    assert check_repeat_asks(draft, history=[customer(said)], language=language).flagged
