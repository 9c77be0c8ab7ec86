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


# A stand-in for the embedder's cosine: these verb phrases mean the same, every other pair does not.
_SYNONYMS = [{"skrudd av", "slå av"}, {"unscrewed", "removing"}, {"tagit ur", "ta ur"}]


def _similar(a: str, b: str) -> float:
    return 0.95 if a == b or any({a, b} <= group for group in _SYNONYMS) else 0.5


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        # another verb of the same meaning (by the embedder), the same thing
        ("nb", "Jeg har skrudd av strømmen i sikringsskapet.", "Prøv å slå av strømmen i sikringsskapet."),
        ("en", "I unscrewed the grille and cleaned it.", "Could you try removing the grille?"),
        ("sv", "Jag har tagit ur batteriet.", "Ta ur batteriet och vänta en minut."),
        # the object named by a pronoun in the proposal; half of its actions taken
        ("nn", "Eg har tømt og skylt vasstanken.", "Ta ut vasstanken, skyl han og set han inn att."),
        # in a question
        ("da", "Jeg har afmonteret filteret og skyllet det.", "Har du prøvet at skylle filteret?"),
    ],
)
def test_a_step_taken_with_another_verb_of_the_same_meaning_is_a_repeat(
    language: str, said: str, draft: str
) -> None:
    report = check_repeat_asks(draft, history=[customer(said)], language=language, similar=_similar)
    assert report.flagged, report.asks


@pytest.mark.parametrize(
    ("language", "said", "draft"),
    [
        ("nb", "Jeg har skrudd av strømmen i sikringsskapet.", "Prøv å slå på strømmen i sikringsskapet."),
        ("nb", "Jeg har skrudd av strømmen i sikringsskapet.", "Prøv å slå av varmtvannsberederen."),
        ("en", "I unscrewed the grille and cleaned it.", "Could you try replacing the motor?"),
        ("sv", "Jag har inte tagit ur batteriet.", "Ta ur batteriet och vänta en minut."),
        ("en", "Should I remove the grille?", "Could you try removing the grille?"),
    ],
)
def test_an_opposite_particle_another_thing_or_a_step_not_taken_is_no_repeat(
    language: str, said: str, draft: str
) -> None:
    assert not check_repeat_asks(draft, history=[customer(said)], language=language, similar=_similar).flagged


def test_the_embedder_similarity_is_a_cosine_of_query_vectors() -> None:
    from assistant.guards.repeat_ask.meaning import embedder_similarity
    from knowledge.embedders import HashEmbedder

    similar = embedder_similarity(HashEmbedder())
    assert similar("slå av", "slå av") == pytest.approx(1.0, abs=1e-5)
    assert similar("slå av", "vask bilen") < 0.9
