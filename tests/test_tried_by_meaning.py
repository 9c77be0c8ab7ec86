""" "Already tried" by meaning: a step the customer reports matches the same step proposed in a draft.

The steps here are on purpose none of the demo's (routers, headphones): descaling, wiping, rinsing, clearing
and updating things nobody wrote a rule for, in the five languages and in several tenses and forms.
"""

from __future__ import annotations

import pytest

from assistant.guards import check_repeat_asks
from assistant.types import Turn


def customer(text: str) -> Turn:
    return Turn(role="customer", text=text)


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("en", "I already descaled the coffee machine.", "Could you try descaling the coffee machine?"),
        ("en", "I've wiped the sensors twice, no luck.", "Please try wiping the sensors with a cloth."),
        ("en", "We rinsed the filter under warm water.", "Have you tried rinsing the filter?"),
        ("nb", "Har tørket av sensorene, men den stopper fortsatt.", "Prøv å tørke av sensorene."),
        ("nb", "Jeg avkalket kaffemaskinen i går.", "Du kan prøve å avkalke kaffemaskinen."),
        ("nn", "Eg har reinsa filteret i oppvaskmaskina.", "Har du prøvd å reinse filteret?"),
        ("sv", "Jag har avkalkat kaffebryggaren två gånger.", "Har du provat att avkalka kaffebryggaren?"),
        ("sv", "Jag har redan torkat av munstycket.", "Prova att torka av munstycket."),
        ("da", "Jeg har skyllet filteret i opvaskemaskinen.", "Prøv at skylle filteret."),
        ("da", "Vi har allerede afkalket kaffemaskinen.", "Har du prøvet at afkalke kaffemaskinen?"),
    ],
)
def test_a_step_already_taken_is_not_proposed_again(language: str, said: str, draft: str) -> None:
    report = check_repeat_asks(draft, history=[customer(said)], language=language)
    assert report.flagged, report.asks
    assert report.repeated[0].slots[0] == "tried"


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        # the same verb on another thing, another verb on the same thing, a step not taken yet
        ("en", "I already descaled the coffee machine.", "Could you try descaling the kettle?"),
        ("en", "I cleaned the filter yesterday.", "Please try replacing the filter."),
        ("en", "I haven't descaled the coffee machine yet.", "Could you try descaling the coffee machine?"),
        ("nb", "Har tørket av sensorene.", "Prøv å tørke av linsen."),
        ("nb", "Skal jeg tørke av sensorene?", "Prøv å tørke av sensorene."),
        ("nn", "Eg har reinsa filteret.", "Har du prøvd å byte filteret?"),
        ("sv", "Jag har avkalkat kaffebryggaren.", "Prova att rengöra munstycket."),
        ("da", "Jeg har ikke skyllet filteret.", "Prøv at skylle filteret."),
    ],
)
def test_another_step_is_no_repeat(language: str, said: str, draft: str) -> None:
    assert not check_repeat_asks(draft, history=[customer(said)], language=language).flagged


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("en", "I already cleared the browser cache.", "Clear the browser cache and reload the page."),
        ("nb", "Jeg har oppdatert appen til siste versjon.", "Oppdater appen til siste versjon."),
        ("sv", "Jag har redan tömt papperskorgen.", "Töm papperskorgen och försök igen."),
    ],
)
def test_an_imperative_proposal_of_a_step_taken_is_a_repeat(language: str, said: str, draft: str) -> None:
    assert check_repeat_asks(draft, history=[customer(said)], language=language).flagged
