"""Issue 7, sixth round: steps asked about as done, field labels by their head, dates after addresses."""

from __future__ import annotations

from assistant.guards.repeat_ask.engine import check_repeat_asks
from assistant.types import Turn
from knowledge.facts import extract_facts
from knowledge.fields import FieldSet, FieldSpec
from knowledge.text.fieldvalues import FieldLexicon


def _flagged(history: str, draft: str, language: str) -> bool:
    turns = [Turn(role="customer", text=history, channel="chat")]
    return check_repeat_asks(draft, history=turns, language=language).flagged


def test_a_step_asked_about_as_done_repeats_a_step_told_with_a_pronoun() -> None:
    history = "Jeg mistet nøkkelkortet i går. Jeg har allerede sperret det på nett."
    assert _flagged(history, "Har du sperret nøkkelkortet?", "nb")
    assert _flagged("Mit kort blev stjålet. Jeg har spærret det.", "Har du nået at få spærret kortet?", "da")
    assert not _flagged(history, "Har du bestilt et nytt nøkkelkort?", "nb")


def test_the_head_of_a_fields_id_word_labels_its_value() -> None:
    fields = FieldSet(
        fields=[FieldSpec(name="berth", description="The boat berth", ask={"en": ["berth number"]})]
    )
    values = FieldLexicon(fields).values("We keep the boat at berth B-17 since May.")
    assert [(v.slot, v.text) for v in values] == [("berth", "B-17")]


def test_a_date_after_a_street_like_place_is_a_date() -> None:
    found = [(f.kind, f.value) for f in extract_facts("Timen er på Majorstua 14. juni kl 09.", language="nb")]
    assert ("date", "14. juni") in found


def test_a_slash_signature_after_a_sentence_is_a_person() -> None:
    found = [(f.kind, f.value) for f in extract_facts("Vi vill flytta tiden. /Eva Lind", language="sv")]
    assert ("person", "Eva Lind") in found


def test_notes_steps_without_have_and_headings() -> None:
    def steps(text: str, language: str) -> list[str]:
        return [f.value for f in extract_facts(text, role="note", language=language) if f.kind == "tried"]

    assert steps("Customer already rebooted the hub twice.", "en") == ["rebooted the hub twice"]
    assert steps("Customer called: boat at the marina, needs storage.", "en") == []


def test_colloquial_ha_before_an_adverb_is_have() -> None:
    found = [f.value for f in extract_facts("ha redan bytt filtret", language="sv") if f.kind == "tried"]
    assert found == ["bytt filtret"]


def test_a_brand_and_its_model_words_are_a_product_in_any_case() -> None:
    def products(text: str) -> list[str]:
        return [f.value for f in extract_facts(text) if f.kind == "product"]

    assert products("Bilen er en Skoda Octavia fra 2018.") == ["Skoda Octavia"]
    assert products("its a google pixel 7a") == ["google pixel 7a"]
    assert products("Det gjelder en Tesla Model Y.") == ["Tesla Model Y"]
    assert products("Jeg skal se på klokka i kveld.") == []
