"""The text layer: lexicon files, one sentence splitter, number words, kinds, field values, one analysis."""

from __future__ import annotations

import pytest

from assistant.guards import check_repeat_asks
from assistant.guards.privacy import foreign_identifiers
from assistant.types import KnownFact, Turn
from knowledge.fields import parse_fields
from knowledge.text import analyse_turns, family, number_words, parse_number, split_sentences
from knowledge.text.fieldvalues import FieldLexicon
from knowledge.text.kinds import FACT_KINDS, accepts
from knowledge.text.lexicons import LANGUAGES, ROOT, entries


def test_every_language_has_its_lexicons_as_files() -> None:
    for lang in LANGUAGES:
        assert (ROOT / lang / "numbers.txt").is_file()
        assert (ROOT / lang / "abbreviations.txt").is_file()
        assert entries(lang, "numbers")
        assert (ROOT / lang / "markers.txt").is_file()  # language detection reads its markers here too
    assert entries("xx", "numbers") == ()


@pytest.mark.parametrize(
    ("language", "word", "value"),
    [("nb", "fire", 4), ("nn", "ellev", 11), ("sv", "fyra", 4), ("da", "otte", 8), ("en", "twelve", 12)],
)
def test_number_words_come_from_the_lexicons(language: str, word: str, value: int) -> None:
    assert number_words(language)[word] == value
    assert parse_number(word, language) == value
    assert parse_number("17") == 17


def test_one_splitter_keeps_abbreviations_dates_and_list_numbers_inside() -> None:
    text = "Vi kommer kl. 14 den 2. mars. Ta med f.eks. laderen! Is it e.g. the app?\n1. Tjek postkassen."
    got = [s.text for s in split_sentences(text)]
    assert got == [
        "Vi kommer kl. 14 den 2. mars.",
        "Ta med f.eks. laderen!",
        "Is it e.g. the app?",
        "1. Tjek postkassen.",
    ]
    assert all(text[s.start : s.end] == s.text for s in split_sentences(text))


def test_fact_kinds_are_the_vocabulary_and_roles_refine_them() -> None:
    assert {"order_number", "email", "phone", "tried", "promise"} <= set(FACT_KINDS)
    assert (
        family("destination") == "place" and family("end_date") == "date" and family("party_size") == "count"
    )
    assert "reference" in accepts("order_number")  # a known reference number answers "which order?"
    assert family("membership_level") == "membership_level"  # a workspace field is a kind of its own


FIELDS = parse_fields(
    {
        "fields": [
            {"name": "membership_level", "description": "The customer's membership level",
             "values": ["bronze", "silver", "gold"], "ask": {"nb": ["medlemsnivå"]}},
            {"name": "seat_class", "description": "Travel class of the seat",
             "values": ["Premium Economy", "1"]},
            {"name": "pets_allowed", "description": "Whether pets are allowed", "values": ["True", "False"]},
        ]
    }
)  # fmt: skip


def test_field_values_are_typed_spans_of_the_field_kind() -> None:
    lex = FieldLexicon(FIELDS)
    found = {(v.slot, v.text) for v in lex.values("I'm a Gold member, flying premium economy with 1 bag")}
    assert found == {("membership_level", "Gold"), ("seat_class", "premium economy")}
    assert lex.values("True story, I have 1 dog") == []  # flags and numbers say nothing on their own


def test_asks_about_a_field_by_its_words() -> None:
    lex = FieldLexicon(FIELDS)
    assert lex.asks("Hva er medlemsnivået ditt?", "nb")[0].name == "membership_level"
    assert lex.asks("What membership level do you have?", "en")[0].name == "membership_level"
    assert [m.name for m in lex.asks("Which class of seat would you like?", "en")] == ["seat_class"]
    assert lex.asks("What is your order number?", "en") == []


def test_the_analysis_reads_each_text_once_and_knows_where_facts_came_from() -> None:
    turns = [
        Turn(role="customer", text="Hei, ordrenummeret er 48310456 og e-posten min er kari@example.no."),
        Turn(role="agent", text="Takk! Hvilken dato ble den levert?"),
        Turn(role="customer", text="Den kom 3. mars."),
    ]
    an = analyse_turns(turns, language="nb")
    located = an.located_facts()
    assert {(lf.fact.kind, lf.index) for lf in located} >= {("order_number", 0), ("email", 0)}
    scans = an.scans
    an.located_facts()
    an.values(turns[0].text)
    an.values(turns[0].text)
    assert an.scans == scans + 1  # facts memoised; the values of a text read once
    before = an.scans
    draft = "Hva er ordrenummeret ditt?"
    report = check_repeat_asks(draft, history=turns[:-1], message=turns[-1], analysis=an)
    assert report.flagged
    after_first = an.scans
    check_repeat_asks(draft, history=turns[:-1], message=turns[-1], analysis=an)
    assert an.scans == after_first >= before  # a second guard run reads nothing again


def test_an_analysis_of_other_turns_is_not_used() -> None:
    other = analyse_turns([Turn(role="customer", text="Ordrenummer 48310456")])
    turns = [Turn(role="customer", text="Hei, pakken har ikke kommet.")]
    report = check_repeat_asks("Hva er ordrenummeret ditt?", history=[], message=turns[0], analysis=other)
    assert not report.flagged


def test_repeat_ask_reads_the_workspace_fields() -> None:
    turns = [Turn(role="customer", text="I'm a gold member and my flight was cancelled.")]
    draft = "Sorry about that. What is your membership level?"
    assert not check_repeat_asks(draft, history=[], message=turns[0], language="en").flagged
    report = check_repeat_asks(draft, history=[], message=turns[0], language="en", fields=FIELDS)
    assert report.flagged and report.repeated[0].answered_by == "gold"


def test_privacy_accepts_the_analysis() -> None:
    turns = [Turn(role="customer", text="Ring meg på 912 34 567.")]
    an = analyse_turns(turns, language="nb")
    draft = "Vi ringer deg på +4791234567 i morgen."
    assert not foreign_identifiers(draft, [], turns, [], analysis=an)
    assert foreign_identifiers("Ring +4799887766.", [KnownFact(kind="phone", value="912 34 567")], turns, [])
