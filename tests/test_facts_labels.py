"""Sign-offs, agents' phone notes, booking codes, references and flight numbers (issue 7, fourth round)."""

from __future__ import annotations

import pytest

from assistant.types import Turn
from knowledge.facts import extract_facts
from knowledge.text.analysis import analyse_turns, reading_role


def _found(text: str, role: str = "customer") -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in extract_facts(text, role=role)}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Our family booked the tour.\n\nBest,\nRachel Owens\n+44 7700 900123", "Rachel Owens"),
        ("Please cancel the plan at the end of the period. Thanks, Dev Patel", "Dev Patel"),
        (
            "Kvittot bifogas.\n\nMed vänliga hälsningar\n\nPer-Erik Sjöberg\nInköpsansvarig",
            "Per-Erik Sjöberg",
        ),
        ("Det gjelder bestillinga mi.\n\nTusen takk,\nGro Lie", "Gro Lie"),
    ],
)
def test_sign_off_names(text: str, name: str) -> None:
    assert ("person", name) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Takk!\nJeg lurer på om dere har den på lager",
        "Thanks. I have tried it twice",
        "Tack! Var ligger butiken?",
    ],
)
def test_thanks_without_a_name_names_nobody(text: str) -> None:
    assert not [k for k, _ in _found(text) if k == "person"]


def test_agent_phone_turn_is_read_as_a_note() -> None:
    note = Turn(
        role="agent",
        channel="phone",
        text="Telefonnotat: Kunden Arild Nesse ringte. Kunden har "
        "allerede slått inverteren av og på. Lovet at tekniker ringer innen torsdag.",
    )
    chat = Turn(role="agent", channel="chat", text="Kunden Arild Nesse ringte.")
    assert reading_role(note) == "note" and reading_role(chat) == "agent"
    facts = {(lf.fact.kind, lf.fact.value) for lf in analyse_turns([note]).located_facts()}
    assert ("person", "Arild Nesse") in facts
    assert any(k == "tried" for k, _ in facts)
    assert not any(lf.fact.kind == "person" for lf in analyse_turns([chat]).located_facts())


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("flyget SK 1417 ställdes in igår. bokningsnr KX7R2P.", "order_number", "KX7R2P"),
        ("Bookingnummer HB4T9Q. Det ene hjul er knækket.", "order_number", "HB4T9Q"),
        ("Booking ref ZK3PQ8, please send it", "order_number", "ZK3PQ8"),
        ("Sommerhus i Blåvand uge 29 (booking DK-77312).", "order_number", "DK-77312"),
        ("leigeavtale L-44120", "order_number", "L-44120"),
        ("camera (receipt 0033-118274)", "order_number", "0033-118274"),
        ("Ref T-88412", "reference", "T-88412"),
        ("PIR-nummer OSLDY48213", "reference", "OSLDY48213"),
        ("min kuffert blev beskadiget på flyet DY 3201 fra Aalborg", "flight_number", "DY 3201"),
        ("flight BA765 from Heathrow was late", "flight_number", "BA765"),
    ],
)
def test_labelled_ids(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "booking for 2 personer i morgen",
        "We fly at 10 with SAS",
        "ref. your e-mail of Monday",
        "kvittering AB1",
    ],
)
def test_no_id_without_an_id_shape(text: str) -> None:
    assert not [k for k, _ in _found(text) if k in {"order_number", "reference", "flight_number"}]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hei, eg har bestilt Ventoline inhalator (ordre 88-410293)", "Ventoline"),
        ("Hej! Vi har en BeSafe iZi Flex S och bältet går inte att dra åt", "BeSafe iZi Flex S"),
        ("Min bil er en Skoda Enyaq fra 2023", "Skoda Enyaq"),
        ("Bestilte Paracet og Nasonex nesespray 14. mai", "Paracet"),
        ("Bestilte Paracet og Nasonex nesespray 14. mai", "Nasonex"),
        ("I bought Zyrtec yesterday.", "Zyrtec"),
    ],
)
def test_products_named_after_a_verb_of_buying_or_having(text: str, value: str) -> None:
    products = [f for f in extract_facts(text) if f.kind == "product"]
    assert value in {f.value for f in products} | {f.normalized for f in products}


def test_a_kind_noun_after_the_name_is_kept_in_the_value() -> None:
    (product,) = [
        f
        for f in extract_facts("Det er en Christiania ladcykel, stelnummer WAC0044712.")
        if f.kind == "product"
    ]
    assert (product.value, product.normalized) == ("Christiania ladcykel", "Christiania")


@pytest.mark.parametrize(
    "text",
    ["Jeg har Premium og betaler 399 kr", "Jeg bor i Bergen og har en hund", "Vi har en avtale med Telenor"],
)
def test_no_product_without_a_verb_and_a_determiner(text: str) -> None:
    assert not [f for f in extract_facts(text) if f.kind == "product"]


def test_agreed_in_a_note_is_a_promise_and_no_attempt() -> None:
    text = (
        "Opkald 5/2: Kunden Bo Madsen har fået forkert regning. "
        "Vi lovede at sende en kreditnota inden fredag."
    )
    found = _found(text, role="note")
    assert ("person", "Bo Madsen") in found
    assert any(k == "promise" for k, _ in found)
    assert not any(k == "tried" for k, _ in found)
    assert any(
        k == "promise" for k, _ in _found("Samtale: Avtalt at elektriker kommer mandag kl 10.", "note")
    )


def test_a_customers_we_is_still_an_attempt() -> None:
    found = _found("Vi har byttet fôret og vasket liggeplassen. Dere lovet å ringe.")
    assert ("tried", "byttet fôret og vasket liggeplassen") in {(k, v.lower()) for k, v in found}


def test_a_phone_turn_about_the_customer_is_a_note_whoever_filed_it() -> None:
    note = Turn(
        role="customer", channel="phone", text="Opkald: kunden Birgitte Holm har betalt fakturaen to gange."
    )
    own = Turn(role="customer", channel="phone", text="Jeg har betalt fakturaen to gange.")
    assert reading_role(note) == "note" and reading_role(own) == "customer"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sofaen vi fikk levert i går (Bergen 3-seter i grå) har en flekk", "Bergen 3-seter"),
        ("Hej, bordet (Ekås matbord 180 cm) har en spricka i skivan.", "Ekås matbord 180 cm"),
        ("I ordered my prescription for Lisinopril 10 mg for click and collect", "Lisinopril 10 mg"),
        ("flytte forsikringen til min nye bil, en Skoda Enyaq, fra 1. april", "Skoda Enyaq"),
    ],
)
def test_products_in_brackets_with_strengths_and_in_appositions(text: str, value: str) -> None:
    assert ("product", value) in _found(text)


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (
            "har spurt naboan og sjekka postkassa, ingenting 🤷 bor i Storgata 1",
            {"spurt naboan og sjekka postkassa"},
        ),
        (
            "Jeg har prøvet at holde den ind til læseren og har også prøvet med QR-koden i appen – nej",
            {"prøvet at holde den ind til læseren", "prøvet med qr-koden i appen"},
        ),
        (
            "Jeg har prøvet simkortet i en anden telefon, samme problem",
            {"prøvet simkortet i en anden telefon"},
        ),
    ],
)
def test_a_reported_step_ends_before_its_outcome_and_at_a_new_have(text: str, steps: set[str]) -> None:
    assert {v.lower() for k, v in _found(text) if k == "tried"} == steps


def test_a_name_given_in_reply_to_the_agents_question_is_a_person() -> None:
    asked = Turn(role="agent", channel="chat", text="Hei! Ja, det går fint. Hva er navnet ditt?")
    reply = Turn(role="customer", channel="chat", text="Synnøve Lie")
    facts = [(lf.fact.kind, lf.fact.value) for lf in analyse_turns([asked, reply]).located_facts()]
    assert ("person", "Synnøve Lie") in facts
    other = Turn(role="agent", channel="chat", text="Hvilket senter gjelder det?")
    reply2 = Turn(role="customer", channel="chat", text="Storo Senter")
    assert not [
        k
        for k, _ in ((lf.fact.kind, 0) for lf in analyse_turns([other, reply2]).located_facts())
        if k == "person"
    ]
