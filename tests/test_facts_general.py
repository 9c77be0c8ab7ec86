"""General rules of the fact extractor added after the memory-holdout suite (issue 7, third round).

Each test states one rule with text of our own (no case of an eval suite) and would fail if the rule broke.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge.facts import extract_facts
from knowledge.fields import parse_fields
from knowledge.text.analysis import analyse_turns


def _values(text: str, kind: str, role: str = "customer", language: str | None = None) -> list[str]:
    return [f.value for f in extract_facts(text, role=role, language=language) if f.kind == kind]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Takk!\nMed vänliga hälsningar\nJonas Ek\n070-111 22 33", "Jonas Ek"),
        ("Kan ni kolla det?\n/Lena Dahl, kundnummer 4411", "Lena Dahl"),
        ("Hilsen Oda Rønning, 41 22 33 44", "Oda Rønning"),
    ],
)
def test_signature_names_with_a_leading_med_a_slash_or_a_contact_after_them(text: str, name: str) -> None:
    assert name in _values(text, "person")


def test_a_signature_line_that_goes_on_in_words_is_no_name() -> None:
    assert _values("Hilsen Oda Rønning og resten av familien", "person") == []


@pytest.mark.parametrize(
    ("note", "name"),
    [
        ("Kunde Åse Lunde ringte om fakturaen.", "Åse Lunde"),
        ("Samtal 4/5: Nils Holm, vill byta tid.", "Nils Holm"),
        ("Call: Grace Obi, wants a refund.", "Grace Obi"),
        ("Ringte 12.03 kl 9: Kunde Per Moe, har ikke fått varen.", "Per Moe"),
    ],
)
def test_agents_notes_name_the_customer_after_a_customer_word_or_the_heading(note: str, name: str) -> None:
    assert _values(note, "person", role="note") == [name]


def test_a_note_heading_before_a_single_word_or_a_sentence_names_nobody() -> None:
    assert _values("Status: Venter på deler fra lageret.", "person", role="note") == []
    assert _values("Kunde Hans", "person", role="note") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Send den til Øvre Lia 3, 3050 Mjøndalen.", "Øvre Lia 3, 3050 Mjøndalen"),
        ("Ny adresse: Bülowsvej 12, 1870 Frederiksberg C", "Bülowsvej 12, 1870 Frederiksberg C"),
    ],
)
def test_a_street_without_a_street_word_is_an_address_with_postcode_and_city(text: str, address: str) -> None:
    assert _values(text, "address") == [address]
    assert _values(text, "product") == []


def test_a_name_and_a_number_without_a_postcode_after_them_is_no_postcoded_address() -> None:
    assert _values("Jeg har en Vista 55, 2490 kr", "address") == []


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Vi kjøpte et plommetre (Victoria, 1,5 meter) i fjor.", "Victoria"),
        ("Vi har fået en sofa (model Fjordlys, grå) leveret.", "Fjordlys"),
        ("Jag köpte golvlack (Bona Traffic, matt) hos er.", "Bona Traffic"),
        ("Eg tinga boka «Vinter i Nordland» til mor.", "Vinter i Nordland"),
        ("I bought a Canon R-5X body last week.", "Canon R-5X"),
        ("The inverter Huawei Sun 6.0 shows an error.", "Huawei Sun 6.0"),
        ("Vi beställde en Duplo Town 10987 till dottern.", "Duplo Town 10987"),
        ("Har nye briller (progressive glass, innfatning Silhouette 5540) fra dere.", "Silhouette 5540"),
    ],
)
def test_products_named_after_a_noun_in_brackets_or_quotes_and_model_shapes(text: str, product: str) -> None:
    assert any(product == v or product in v for v in _values(text, "product")), _values(text, "product")


@pytest.mark.parametrize(
    "text",
    [
        "Displayet sier «Fyll vann» hele tiden.",
        "Jeg ringte kona mi (Kari) i går.",
        "Vi bor i Oslo (Storo) nå.",
        "Kundenummer 448812 gjelder fakturaen.",
    ],
)
def test_device_quotes_bracketed_names_after_short_words_and_ids_are_no_products(text: str) -> None:
    assert _values(text, "product") == []


def test_a_phone_number_in_a_range_the_metadata_does_not_know_is_kept_after_a_phone_word() -> None:
    # 07700 900xxx is Ofcom's range for fiction: possible but not "valid" in the metadata
    assert _values("Mobile: 07700 900 123", "phone", language="en") == ["07700 900 123"]
    assert _values("Call me on +44 7700 900123", "phone", language="en") == ["+44 7700 900123"]


def test_a_possible_number_without_a_phone_word_or_plus_is_no_phone() -> None:
    assert _values("Order 07700 900 123 came today", "phone", language="en") == []


def test_a_short_valid_number_inside_a_longer_run_is_not_taken_as_a_phone() -> None:
    assert "07700" not in _values("Mobil: 07700 900 123", "phone", language="nb")


@dataclass
class _Turn:
    role: str
    text: str


_FIELDS = parse_fields(
    {
        "fields": [
            {
                "name": "plate",
                "description": "Car registration",
                "ask": {"nb": ["reg.nr", "regnr"], "en": ["licence plate"]},
            },
            {"name": "tier", "description": "Membership tier", "values": ["Platinum", "Basic"]},
        ]
    }
)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Bilen har reg.nr AB 12345, den står i garasjen.", "plate", "AB 12345"),
        ("My licence plate is KX19 ZRT.", "plate", "KX19 ZRT"),
        ("Jeg har Platinum hos dere.", "tier", "Platinum"),
    ],
)
def test_workspace_field_values_are_facts_by_value_or_after_the_fields_ask_words(
    text: str, kind: str, value: str
) -> None:
    facts = analyse_turns([_Turn("customer", text)], fields=_FIELDS).located_facts()
    assert (kind, value) in [(lf.fact.kind, lf.fact.value) for lf in facts]


def test_a_field_label_before_a_word_gives_no_value_and_agents_turns_give_no_field_facts() -> None:
    facts = analyse_turns(
        [_Turn("customer", "Hva er reg.nr på bilen?"), _Turn("agent", "Har du Platinum?")], fields=_FIELDS
    ).located_facts()
    assert [lf.fact.kind for lf in facts if lf.fact.kind in ("plate", "tier")] == []
