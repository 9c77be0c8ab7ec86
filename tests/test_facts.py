"""Known-fact extraction in nb, nn, sv, da and en: every kind, normalisation, masking, precision, spans."""

from __future__ import annotations

import re

import pytest

from knowledge.facts import FACT_KINDS, ExtractedFact, extract_facts, fold, mask_national_ids, normalize_phone
from knowledge.facts._ids import fodselsnummer_valid, personnummer_valid, s10_valid


def facts(text: str, language: str | None, role: str = "customer") -> list[ExtractedFact]:
    found = extract_facts(text, language=language, role=role)
    for f in found:
        assert f.kind in FACT_KINDS
        assert 0.0 <= f.confidence <= 1.0
        if f.kind != "national_id":
            assert text[f.start : f.end] == f.value, f
    return found


def normalized(text: str, language: str | None, kind: str, role: str = "customer") -> list[str]:
    return [f.normalized for f in facts(text, language, role) if f.kind == kind]


def values(text: str, language: str | None, kind: str, role: str = "customer") -> list[str]:
    return [f.value for f in facts(text, language, role) if f.kind == kind]


# --- identifiers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Hei, ordre 48213977 har ikke kommet.", "48213977"),
        ("nb", "Gjelder ordrenummer #SO-12345, den kom i feil farge.", "SO12345"),
        ("nn", "Tingingsnummeret mitt er 77123456, og pakken er ikkje komen.", "77123456"),
        ("sv", "Min beställning 5551234 har inte kommit.", "5551234"),
        ("da", "Det drejer sig om bestilling nr. 99887.", "99887"),
        ("en", "My order no. 1234567 arrived broken.", "1234567"),
    ],
)
def test_order_numbers(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "order_number") == [expected]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Sporingsnummer: 00370726201234567890", "00370726201234567890"),
        ("nn", "Sendingsnummeret er 70701234567890123.", "70701234567890123"),
        ("sv", "Paketet har spårningsnummer RR123456785NO.", "RR123456785NO"),
        ("da", "Pakken har nummer JJFI60340910000123456 hos PostNord.", "JJFI60340910000123456"),
        ("en", "UPS says 1Z999AA10123456784 was delivered.", "1Z999AA10123456784"),
    ],
)
def test_tracking_numbers(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "tracking_number") == [expected]


def test_s10_check_digit_sets_confidence() -> None:
    assert s10_valid("RR123456785NO") and not s10_valid("RR123456784NO")
    good = [f for f in facts("RR123456785NO", "en") if f.kind == "tracking_number"]
    bad = [f for f in facts("RR123456784NO", "en") if f.kind == "tracking_number"]
    assert good[0].confidence > bad[0].confidence


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nb", "Du kan sende det til Kari.Nordmann@Example.no i stedet."),
        ("nn", "Send det til kari.nordmann@example.no, takk."),
        ("sv", "Min e-post är KARI.nordmann@example.NO."),
        ("da", "Skriv til kari.nordmann@example.no"),
        ("en", "Email me at kari.nordmann@example.no please"),
    ],
)
def test_emails_are_lowercased(language: str, text: str) -> None:
    assert normalized(text, language, "email") == ["kari.nordmann@example.no"]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Serienummeret er SN-4F2A9911.", "SN4F2A9911"),
        ("nn", "Serienummer: 4F2A9911XY", "4F2A9911XY"),
        ("sv", "Serienummer: F2LXK9ABCD12", "F2LXK9ABCD12"),
        ("da", "serienummer AB-778899 står på bagsiden", "AB778899"),
        ("en", "S/N: ABC123456", "ABC123456"),
    ],
)
def test_serial_numbers(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "serial_number") == [expected]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Kundenummer 123456", "123456"),
        ("nn", "Kundenummeret mitt er 998877.", "998877"),
        ("sv", "Mitt kundnummer är 445566.", "445566"),
        ("da", "kundenr. 556677", "556677"),
        ("en", "customer id C-7781", "C7781"),
    ],
)
def test_account_ids(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "account_id") == [expected]


# --- phone numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("912 34 567", "NO", "+4791234567"),
        ("+47 912 34 567", "SE", "+4791234567"),
        ("0047 91234567", "NO", "+4791234567"),
        ("070-123 45 67", "SE", "+46701234567"),
        ("+46 70 123 45 67", "NO", "+46701234567"),
        ("20 12 34 56", "DK", "+4520123456"),
        ("+45 20123456", "NO", "+4520123456"),
        ("+44 7911 123456", "NO", "+447911123456"),
        ("12345", "NO", None),
        ("not a number", "NO", None),
    ],
)
def test_normalize_phone(raw: str, region: str, expected: str | None) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Ring meg på 912 34 567 etter fire.", "+4791234567"),
        ("nn", "Du når meg på +47 912 34 567.", "+4791234567"),
        ("sv", "Ni kan nå mig på 070-123 45 67.", "+46701234567"),
        ("da", "Ring gerne på 20 12 34 56.", "+4520123456"),
        ("en", "Please call me on +44 7911 123456.", "+447911123456"),
        ("nb", "Mobilnummeret mitt er 91234567", "+4791234567"),  # bare digits after a phone word
    ],
)
def test_phones_in_text(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "phone") == [expected]


def test_phone_region_follows_language() -> None:
    # A Swedish national number is still found in a Norwegian message (the other regions are tried after).
    assert normalized("Nummeret til søsteren min er 070-123 45 67.", "nb", "phone") == ["+46701234567"]


def test_order_number_is_never_a_phone() -> None:
    # 91234567 is a valid Norwegian mobile number, but here it is an order number.
    found = facts("Ordrenummer 91234567 har ikke kommet. Gjelder ordre 91234567.", "nb")
    assert [f.kind for f in found] == ["order_number"]
    assert normalized("Ordre 91234567, ring meg på 912 34 567", "nb", "phone") == []
    # the same digits again after a phone word ("nummeret") are still the order, not a phone
    repeated = "Bestilling 91234567 er borte. Har dere sjekket nummeret 91234567?"
    assert normalized(repeated, "nb", "phone") == []
    assert normalized(repeated, "nb", "order_number") == ["91234567"]


def test_bare_digits_dates_and_amounts_are_not_phones() -> None:
    assert normalized("Jeg har 48213977 bonuspoeng.", "nb", "phone") == []
    assert normalized("Levert 2025-03-12, betalt 1 299 kr.", "nb", "phone") == []


# --- national identity numbers ---------------------------------------------------------------------------


def test_national_id_check_digits() -> None:
    assert fodselsnummer_valid("01019010046")
    assert not fodselsnummer_valid("01019010047")  # wrong second check digit
    assert not fodselsnummer_valid("32019010046")  # no 32nd of January
    assert personnummer_valid("8112189876") and personnummer_valid("198112189876")
    assert not personnummer_valid("8112189875")


@pytest.mark.parametrize(
    ("language", "text", "raw", "masked", "norm"),
    [
        ("nb", "Fødselsnummeret mitt er 01019010046.", "01019010046", "*******0046", "NO:*******0046"),
        ("nn", "Eg har 010190 10046 som fødselsnummer.", "010190 10046", "****** *0046", "NO:*******0046"),
        ("sv", "Personnummer 811218-9876, tack.", "811218-9876", "******-9876", "SE:******9876"),
        ("sv", "Jag har 19811218-9876.", "19811218-9876", "********-9876", "SE:********9876"),
        ("da", "Mit CPR er 010190-1234.", "010190-1234", "******-1234", "DK:******1234"),
    ],
)
def test_national_ids_are_masked(language: str, text: str, raw: str, masked: str, norm: str) -> None:
    found = [f for f in facts(text, language) if f.kind == "national_id"]
    assert [(f.value, f.normalized) for f in found] == [(masked, norm)]
    assert text[found[0].start : found[0].end] == raw
    # the full number leaks nowhere: no other fact carries it
    for f in facts(text, language):
        assert raw.replace(" ", "").replace("-", "") not in re.sub(r"\D", "", f.value + f.normalized)
    assert mask_national_ids(text) == text.replace(raw, masked)


def test_invalid_national_ids_are_not_masked_without_a_keyword() -> None:
    text = "Referanse 01019010047 og 811218-9875."  # wrong check digits, no id word
    assert mask_national_ids(text) == text
    assert normalized(text, "nb", "national_id") == []


def test_invalid_national_id_after_a_keyword_is_still_masked() -> None:
    text = "Personnummer: 811218-9875"  # a typo in the Luhn digit is still personal data
    assert mask_national_ids(text) == "Personnummer: ******-9875"
    found = [f for f in facts(text, "sv") if f.kind == "national_id"]
    assert found and found[0].confidence < 0.9


# --- addresses, products -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Send den til Storgata 12, 0155 Oslo takk.", "Storgata 12, 0155 Oslo"),
        ("nn", "Adressa mi er Kyrkjevegen 4, 6900 Florø.", "Kyrkjevegen 4, 6900 Florø"),
        ("sv", "Jag bor på Drottninggatan 5, 111 51 Stockholm.", "Drottninggatan 5, 111 51 Stockholm"),
        ("da", "Adressen er Vesterbrogade 10, 1620 København V.", "Vesterbrogade 10, 1620 København V"),
        ("en", "Ship it to 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("nb", "Jeg har flyttet til Karl Johans gate 1.", "Karl Johans gate 1"),
    ],
)
def test_addresses(language: str, text: str, expected: str) -> None:
    assert values(text, language, "address") == [expected]


def test_highway_numbers_are_not_addresses() -> None:
    assert values("Det var kø på riksvei 80 i går.", "nb", "address") == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Ruteren min (Nordlys Ruter AX3000) mister nettet.", "Nordlys Ruter AX3000"),
        ("nn", "Eg kjøpte ein PlayStation 5 i førre veke.", "PlayStation 5"),
        ("sv", "Min iPhone 14 Pro laddar inte.", "iPhone 14 Pro"),
        ("da", "Min Samsung Galaxy S23 tænder ikke.", "Samsung Galaxy S23"),
        ("en", "My Sony WH-1000XM5 stopped working.", "Sony WH-1000XM5"),
    ],
)
def test_products(language: str, text: str, expected: str) -> None:
    assert values(text, language, "product") == [expected]


def test_words_with_numbers_are_not_products() -> None:
    assert values("På 1900-tallet var det annerledes. Gate 12 er stengt.", "nb", "product") == []


# --- amounts, dates, times, counts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Den kostet 499 kr.", "499 NOK"),
        ("nb", "Jeg ble trukket 1 299,- NOK to ganger.", "1299 NOK"),
        ("nn", "Eg betalte 299 kr for frakta.", "299 NOK"),
        ("sv", "Abonnemanget kostar SEK 349 i månaden.", "349 SEK"),
        ("sv", "Jag betalade 349 kr.", "349 SEK"),
        ("da", "Jeg har betalt kr 250,50 for meget.", "250.50 DKK"),
        ("en", "It was €20 more than quoted.", "20 EUR"),
        ("en", "It'll cost $1,670 in total.", "1670 USD"),
        ("en", "Transfer 1780 bucks to Li.", "1780 USD"),
    ],
)
def test_amounts(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "amount") == [expected]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Pakken skulle komme 12. mars.", "--03-12"),
        ("nb", "Jeg ringte i går.", "yesterday"),
        ("nb", "Kan dere komme på torsdag?", "thursday"),
        ("nn", "Kan de ringje meg i morgon?", "tomorrow"),
        ("nn", "Eg bestilte det 03.04.2025.", "2025-04-03"),
        ("sv", "Konserten är den 5:e maj.", "--05-05"),
        ("sv", "Jag ringde igår.", "yesterday"),
        ("sv", "Den kom i fredags.", "last friday"),
        ("da", "Jeg bestilte den 3 april 2025.", "2025-04-03"),
        ("da", "Kan I komme næste fredag?", "next friday"),
        ("da", "Den skulle leveres 12/3.", "--03-12"),
        ("en", "It was delivered on 2025-03-12.", "2025-03-12"),
        ("en", "Pick it up on March 12th.", "--03-12"),
        ("en", "From the 12th of this month.", "day 12 of this month"),
        ("en", "A bus there this Sunday.", "this sunday"),
        ("en", "Leaving Friday next week.", "next friday"),
        ("en", "Can you do it the day after tomorrow?", "day after tomorrow"),
    ],
)
def test_dates(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "date") == [expected]


def test_ordinals_and_decimals_are_not_dates() -> None:
    assert normalized("I live on the 4th floor and paid 12.3 percent.", "en", "date") == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Ring meg etter kl. 14:30.", "after 14:30"),
        ("nb", "Butikken åpner klokka 9.", "09:00"),
        ("nn", "Eg kan ta imot pakken klokka ni.", "09:00"),
        ("sv", "Vi ses klockan 14.30.", "14:30"),
        ("sv", "Hämta den halv fem på eftermiddagen.", "16:30"),
        ("da", "Jeg er hjemme kl. 17.", "17:00"),
        ("en", "At around half past 4 in the evening.", "16:30"),
        ("en", "The appointment is at 4:30 pm.", "16:30"),
        ("en", "Pick it up morning 11.", "11:00"),
        ("en", "quarter past 2 in the afternoon", "14:15"),
    ],
)
def test_times(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "time") == [expected]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Vi er 2 personer.", "2 personer"),
        ("nb", "Jeg bestilte to billetter.", "2 billetter"),
        ("nn", "Eg treng tre billettar.", "3 billettar"),
        ("sv", "Jag köpte två biljetter.", "2 biljetter"),
        ("da", "Jeg har købt fire billetter.", "4 billetter"),
        ("en", "Can you get me 4 tickets?", "4 tickets"),
        ("en", "There will be three of us.", "3 people"),
        ("en", "A table for two, please.", "2 people"),
    ],
)
def test_counts(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "count") == [expected]


def test_article_is_not_a_count() -> None:
    assert normalized("Jeg vil ha en billett.", "nb", "count") == []


# --- what was tried, what was promised ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Jeg har prøvd å starte den på nytt, men nei.", "prøvd å starte den på nytt"),
        ("nb", "Har byttet kabel også.", "byttet kabel også"),
        ("nn", "Eg har starta ruteren på nytt.", "starta ruteren på nytt"),
        ("sv", "Jag har startat om routern två gånger.", "startat om routern två gånger"),
        ("da", "Jeg har genstartet den, men intet sker.", "genstartet den"),
        ("en", "I restarted the router but nothing changed.", "restarted the router"),
        ("en", "Cleared the cache. Reinstalled the app too.", "Cleared the cache"),
    ],
)
def test_tried(language: str, text: str, expected: str) -> None:
    assert expected in values(text, language, "tried")


@pytest.mark.parametrize(
    ("language", "text", "role"),
    [
        ("en", "I haven't tried restarting yet.", "customer"),
        ("en", "Should I reset the router?", "customer"),
        ("nb", "Har du startet ruteren på nytt?", "customer"),
        ("nb", "Jeg har ikke byttet kabel.", "customer"),
        ("en", "I restarted your session on our side.", "agent"),
    ],
)
def test_not_tried(language: str, text: str, role: str) -> None:
    assert values(text, language, "tried", role) == []


@pytest.mark.parametrize(
    ("language", "text", "role", "expected"),
    [
        ("nb", "Vi ringer deg på torsdag.", "agent", "Vi ringer deg på torsdag"),
        ("nb", "Vi sender en ny pakke i dag.", "agent", "Vi sender en ny pakke i dag"),
        ("nn", "Eg skal sjekke og kome tilbake til deg.", "agent", "Eg skal sjekke og kome tilbake til deg"),
        ("sv", "Vi återkommer inom 24 timmar.", "agent", "Vi återkommer inom 24 timmar"),
        ("da", "Vi vender tilbage i morgen.", "note", "Vi vender tilbage i morgen"),
        ("en", "We will call you Thursday.", "agent", "We will call you Thursday"),
        ("nb", "Dere lovet å ringe meg i går!", "customer", "Dere lovet å ringe meg i går"),
        ("nb", "Lovet kunden å ringe tilbake fredag.", "note", "Lovet kunden å ringe tilbake fredag"),
    ],
)
def test_promises(language: str, text: str, role: str, expected: str) -> None:
    assert values(text, language, "promise", role) == [expected]


@pytest.mark.parametrize(
    ("language", "text", "role"),
    [
        ("en", "I will send you the receipt tomorrow.", "customer"),  # the customer's plan, not ours
        ("en", "I promised my son he could use it today.", "customer"),
        ("en", "I'll need your order number first.", "agent"),
        ("nb", "Jeg vil gjerne ha adressen din.", "agent"),  # "vil" is "want" here
        ("sv", "Vi kommer inte att skicka något.", "agent"),
    ],
)
def test_not_promises(language: str, text: str, role: str) -> None:
    assert values(text, language, "promise", role) == []


# --- places, people, venues ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Jeg bor i Bergen og jobber i Oslo.", ["Bergen", "Oslo"]),
        ("nn", "Eg reiser frå Florø i morgon.", ["Florø"]),
        ("sv", "Jag ska åka till göteborg.", ["Göteborg"]),
        ("da", "Pakken blev sendt fra Aarhus.", ["Aarhus"]),
        ("en", "From LAX at around half past 4. A bus from Las Vegas, please.", ["LAX", "Las Vegas"]),
        ("en", "In San Jose, please.", ["San Jose"]),
        ("en", "Look around Anaheim, CA for me.", ["Anaheim, CA"]),
    ],
)
def test_places(language: str, text: str, expected: list[str]) -> None:
    assert normalized(text, language, "place") == expected


def test_not_places() -> None:
    assert normalized("I need it in March. I Love it. Send it to Mom.", "en", "place") == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Hei, jeg heter Kari Nordmann og har et spørsmål.", "Kari Nordmann"),
        ("nn", "Eg heiter Ingrid Fjellheim.", "Ingrid Fjellheim"),
        ("sv", "Hej, jag heter anna lindqvist.", "Anna Lindqvist"),
        ("da", "Mit navn er Mads Jensen.", "Mads Jensen"),
        ("da", "Jeg hedder Mette.", "Mette"),
        ("en", "Hi, my name is John Smith.", "John Smith"),
        ("nb", "Takk for hjelpen.\nMvh\nPer Hansen", "Per Hansen"),
    ],
)
def test_people(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "person") == [expected]


def test_agent_introductions_are_not_customer_names() -> None:
    assert normalized("Hei, jeg heter Ola og jobber i kundeservice.", "nb", "person", role="agent") == []


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Vi bodde på Scandic Holberg i helgen.", "Scandic Holberg"),
        ("nn", "Vi har bestilt rom på Hotel Union Øye.", "Hotel Union Øye"),
        ("sv", "Vi åt på Restaurang Tradition.", "Restaurang Tradition"),
        ("da", "Vi skal bo på Comwell Aarhus.", "Comwell Aarhus"),
        ("en", "I'd like a room at the Bahia Resort Hotel.", "Bahia Resort Hotel"),
        ("en", "Book a table at El Caminito.", "El Caminito"),
    ],
)
def test_venues(language: str, text: str, expected: str) -> None:
    assert normalized(text, language, "venue") == [expected]


# --- the whole message ------------------------------------------------------------------------------------


def test_full_norwegian_message() -> None:
    text = (
        "Hei! Jeg bestilte en Samsung Galaxy S23 (ordrenummer 48213977) for 12 dager siden, men pakken har "
        "ikke kommet. Jeg bor i Storgata 12, 0155 Oslo. Kan dere ringe meg på 912 34 567 i morgen etter "
        "kl. 16? Jeg har allerede sjekket hentestedet. Hilsen Per Hansen"
    )
    kinds = {f.kind: f.normalized for f in facts(text, "nb")}
    assert kinds["order_number"] == "48213977"
    assert kinds["product"] == "Samsung Galaxy S23"
    assert kinds["address"] == "Storgata 12, 0155 Oslo"
    assert kinds["phone"] == "+4791234567"
    assert kinds["date"] == "tomorrow"
    assert kinds["time"] == "after 16:00"
    assert kinds["tried"] == "sjekket hentestedet"
    assert kinds["person"] == "Per Hansen"


def test_language_is_detected_when_not_given() -> None:
    assert normalized("Hei, kan dere ringe meg på 912 34 567 i morgen?", None, "phone") == ["+4791234567"]
    assert normalized("Hej, jag betalade 349 kr för mycket förra veckan.", None, "amount") == ["349 SEK"]


def test_facts_are_deduplicated() -> None:
    text = "Ordre 123456: ring 912 34 567 eller +47 912 34 567. Ordre 123456 kom i går, ja igår."
    found = facts(text, "nb")
    keys = [(f.kind, f.normalized) for f in found]
    assert len(keys) == len(set(keys))
    assert normalized(text, "nb", "order_number") == ["123456"]
    assert normalized(text, "nb", "phone") == ["+4791234567"]
    assert normalized(text, "nb", "date") == ["yesterday"]
    first = next(f for f in found if f.kind == "phone")
    assert (first.start, first.end) == (text.index("912 34 567"), text.index("912 34 567") + 10)


def test_facts_come_in_text_order_with_exact_spans() -> None:
    text = "Ordre 48213977 ble sendt 12. mars til Storgata 12, 0155 Oslo. Ring 912 34 567."
    found = facts(text, "nb")
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert [f.kind for f in found] == ["order_number", "date", "address", "phone"]
    for f in found:
        assert text[f.start : f.end] == f.value


def test_empty_text() -> None:
    assert extract_facts("", language="nb") == []
    assert extract_facts("   \n", language=None) == []


def test_fold() -> None:
    assert fold("SO-123 45") == fold("so12345") == "so12345"
    assert fold("  København V. ") == "københavnv"


# --- products without a known brand, and the workspace's catalogue ---------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Hei! TV-en (Nordlys Vista 55) kom i går med ripe.", "Nordlys Vista 55"),
        ("nb", "Vi sender en ny Vista 55 fra lageret i morgen.", "Vista 55"),
        ("nb", "Kjøpte Nordlys AX3000 Satellitt hos dere 2. mars.", "Nordlys AX3000 Satellitt"),
        ("nn", "Eg bestilte ein Nordlys Vista 43 den 9. mars.", "Nordlys Vista 43"),
        ("nn", "Ruteren min (AX3000) har raud lampe.", "AX3000"),
        ("sv", "Jag beställde en AX3000 Satellit i tisdags.", "AX3000 Satellit"),
        ("sv", "Hej, jag ångrar köpet av Vista 55.", "Vista 55"),
        ("da", "Mine Aura ANC har kun lyd i venstre side.", "Aura ANC"),
        ("da", "Jeg har bestilt et Vista 55 til sommerhuset.", "Vista 55"),
        ("en", "I ordered a 65 inch TV last night.", "65 inch TV"),
        ("en", "Bought the Nova 5G 128 GB from you on 3 March.", "Nova 5G 128 GB"),
        ("en", "Can I return opened headphones? The over-ear Aura ANC, order 48335561.", "Aura ANC"),
    ],
)
def test_products_without_a_known_brand(language: str, text: str, expected: str) -> None:
    assert values(text, language, "product") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Returnummer R-48301556-1, har levert pakken.",
        "Saksnummer SAK-21877, ingen har ringt.",
        "Sagsnr SAK-21610 er oprettet.",
        "Under 18 år kan inte handla. Etter 14 dager kom den.",
        "Section 8 applies. See Form 1040 and Title 42 for more.",
        "Kontakt Nordlys AS eller send SMS til oss.",
        "The office is at West 46th Street.",
    ],
)
def test_labels_ids_and_function_words_are_not_products(text: str) -> None:
    assert values(text, None, "product") == []


def test_products_from_the_catalogue() -> None:
    catalogue = ["Nordlys Hjem Mesh", "Aura Sport", "Go"]
    found = extract_facts(
        "Har dere nordlys hjem  mesh og aura sport på lager?", language="nb", products=catalogue
    )
    products = [(f.value, f.normalized, f.confidence) for f in found if f.kind == "product"]
    assert products == [("nordlys hjem  mesh", "Nordlys Hjem Mesh", 0.95), ("aura sport", "Aura Sport", 0.95)]
    # whole words only, and names too short to be safe are ignored
    assert normalized("Aura Sportsbag og Go-kart", "nb", "product") == []
    assert [
        f.normalized
        for f in extract_facts("Aura Sportsbag", language="nb", products=catalogue)
        if f.kind == "product"
    ] == []
    # the parameter is keyword-only and optional
    assert extract_facts("Aura Sport", language="nb") == extract_facts(
        "Aura Sport", language="nb", products=()
    )


# --- case, return and invoice numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "kind", "expected"),
    [
        ("nb", "Hei, ble ikke ringt i dag? Saksnummer SAK-21877", "case_number", "SAK-21877"),
        (
            "nb",
            "returnerte en Nova 5G, returnummer R-48276004-1, ingen penger",
            "return_number",
            "R-48276004-1",
        ),
        ("nb", "Hei, returen min (R-48290057-1) ble levert i går.", "return_number", "R-48290057-1"),
        ("nb", "Fakturanummer 2025031102 har feil beløp.", "invoice_number", "2025031102"),
        ("nn", "Returnummer R-48301556-1. Kan de sende pengane?", "return_number", "R-48301556-1"),
        ("nn", "Dei lova å ringje om reklamasjonen (SAK-21960).", "case_number", "SAK-21960"),
        ("sv", "Mitt ärende 44123 är inte löst.", "case_number", "44123"),
        ("sv", "Jag har skickat tillbaka dem. Returnummer R-48288123-1.", "return_number", "R-48288123-1"),
        ("da", "Ordre 48315509. Sagsnr. SAK-21610. Lovet ny router fredag.", "case_number", "SAK-21610"),
        ("da", "Vi har oprettet sag SAK-21533 og sender en returlabel.", "case_number", "SAK-21533"),
        ("en", "Called customer. Case SAK-21702 created.", "case_number", "SAK-21702"),
        ("en", "The RMA number is RMA-55123.", "return_number", "RMA-55123"),
        ("en", "Invoice INV-20931 shows the wrong amount.", "invoice_number", "INV-20931"),
    ],
)
def test_reference_numbers(language: str, text: str, kind: str, expected: str) -> None:
    assert values(text, language, kind) == [expected]
    assert not any(expected in v for v in values(text, language, "product"))


def test_bare_case_number_shape_has_lower_confidence() -> None:
    bare = [f for f in facts("Hei, noe nytt om SAK-21533?", "nb") if f.kind == "case_number"]
    labelled = [f for f in facts("Hei, noe nytt om saksnummer SAK-21533?", "nb") if f.kind == "case_number"]
    assert [f.value for f in bare] == [f.value for f in labelled] == ["SAK-21533"]
    assert bare[0].confidence < labelled[0].confidence
    assert normalized("Dette gjelder ISO-9001 og COVID-19.", "nb", "case_number") == []


def test_labels_without_a_real_id_are_no_references() -> None:
    text = "Retur innen 30 dager. Fakturaen på 8 990 kr kom i 2024. Case closed."
    assert [f for f in facts(text, "nb") if f.kind.endswith("_number")] == []


# --- payment methods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Hei, returen min ble levert i går. Betalte med Vipps.", ["Vipps"]),
        ("nb", "Jeg betalte med Klarna faktura.", ["Klarna invoice"]),
        ("nb", "Dere har trukket 2 490 kr to ganger?? Betalte med kort", ["card"]),
        ("nb", "Du får 2 490 kr tilbake på kortet innen 3–10 virkedager.", ["card"]),
        ("nn", "Eg betalte med faktura, og Klarna-fakturaen er feil.", ["invoice", "Klarna invoice"]),
        ("sv", "Hej, Swish drog 2 990 kr två gånger.", ["Swish"]),
        ("sv", "Jag betalade med Klarna delbetalning.", ["Klarna part payment"]),
        ("da", "Jeg betalte 4 499 kr med MobilePay.", ["MobilePay"]),
        ("da", "Jeg valgte delbetaling i kassen.", ["part payment"]),
        ("en", "Here you go: order 48327390. I paid with Vipps.", ["Vipps"]),
        ("en", "I paid by card and the rest via PayPal.", ["card", "PayPal"]),
    ],
)
def test_payment_methods(language: str, text: str, expected: list[str]) -> None:
    assert normalized(text, language, "payment_method") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kan jeg betale med faktura?",
        "Jeg skal bruke en faktura med firmanavn.",
        "Hun ringte kort tid etter.",
        "Jeg ser at dere har trukket pengene i nettbanken.",
    ],
)
def test_generic_words_are_payment_methods_only_when_paying(text: str) -> None:
    assert normalized(text, "nb", "payment_method") == []


def test_payment_services_are_not_places() -> None:
    text = "Kan de sende pengane til Vipps? Pakka kom frå Bring."
    assert normalized(text, "nn", "place") == []
    assert normalized(text, "nn", "payment_method") == ["Vipps"]


# --- companies and organisation numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "company", "org"),
    [
        ("nb", "Fakturaen skal til Bergen Bygg AS, org nr 987 654 321.", "Bergen Bygg AS", "987 654 321"),
        ("nn", "Firmaet er Vestland Elektro AS (org.nr. 912 345 678).", "Vestland Elektro AS", "912 345 678"),
        (
            "sv",
            "Företaget heter Nordic Parts AB, organisationsnummer 556677-8899.",
            "Nordic Parts AB",
            "556677-8899",
        ),
        ("da", "Firmaet hedder Kjær Design ApS, CVR 38124567.", "Kjær Design ApS", "38124567"),
        (
            "da",
            "Virksomheden er Hansen & Søn A/S med CVR-nr. 12 34 56 78.",
            "Hansen & Søn A/S",
            "12 34 56 78",
        ),
        (
            "en",
            "hi, need a receipt for my employer, company Fjordbyte AS, org nr 923 456 781",
            "Fjordbyte AS",
            "923 456 781",
        ),
    ],
)
def test_companies_and_org_numbers(language: str, text: str, company: str, org: str) -> None:
    assert values(text, language, "company") == [company]
    assert values(text, language, "org_number") == [org]
    assert values(text, language, "phone") == []


def test_org_number_check_digits() -> None:
    from knowledge.facts._refs import org_number_valid

    assert org_number_valid("974760673", "NO")  # Brønnøysundregistrene
    assert not org_number_valid("923456781", "NO")
    assert org_number_valid("5560360793", "SE")
    good = [f for f in facts("Org.nr. 974 760 673", "nb") if f.kind == "org_number"]
    bad = [f for f in facts("Org.nr. 923 456 781", "nb") if f.kind == "org_number"]
    assert good[0].normalized == "974760673" and good[0].confidence > bad[0].confidence


def test_norwegian_vat_form_is_an_org_number() -> None:
    assert normalized("Nordlys Elektronikk AS, NO 974 760 673 MVA", "nb", "org_number") == ["974760673"]


def test_not_companies() -> None:
    assert normalized("Jeg har 128 KB ledig. AS SOON AS POSSIBLE!", "nb", "company") == []


# --- amounts with a space as thousands separator ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "role", "expected"),
    [
        ("nb", "TV-en kostet 5 990 kr.", "customer", ["5990 NOK"]),
        ("nb", "Du får en refusjon på 2 490 kr innen fem dager.", "agent", ["2490 NOK"]),
        ("nn", "Eg har betalt 8 990 kr for TV-en.", "customer", ["8990 NOK"]),
        ("sv", "Klarna vill fortfarande ha 1 990 kr.", "customer", ["1990 SEK"]),
        ("da", "Jeg betalte 4 499 kr med MobilePay.", "customer", ["4499 DKK"]),
        ("en", "Klarna will remove the invoice for 9 298 kr within 2 working days.", "agent", ["9298 KR"]),
    ],
)
def test_amounts_with_spaced_thousands(language: str, text: str, role: str, expected: list[str]) -> None:
    assert normalized(text, language, "amount", role) == expected


def test_amount_does_not_take_the_sentence_dot() -> None:
    assert values("Bought it for 5 990 kr. It's cheaper now.", "en", "amount") == ["5 990 kr"]


# --- addresses and tracking numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "sv",
            "Serienummer AX3K2412A0088. Adress Kungsgatan 44, 411 19 Göteborg.",
            "Kungsgatan 44, 411 19 Göteborg",
        ),
        ("nb", "Adresse: Sjøgata 7, 8006 Bodø\n\nRune", "Sjøgata 7, 8006 Bodø"),
        (
            "sv",
            "Mvh Karin Nyberg\nSödra Förstadsgatan 18, 211 43 Malmö",
            "Södra Förstadsgatan 18, 211 43 Malmö",
        ),
        ("nn", "Adressa mi er Kyrkjevegen 4, 6900 Florø.", "Kyrkjevegen 4, 6900 Florø"),
    ],
)
def test_addresses_stay_on_their_line(language: str, text: str, expected: str) -> None:
    assert values(text, language, "address") == [expected]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nn", "Sporinga (370722150050128834) har stått på «Under transport» i fire dagar."),
        ("en", "My parcel 370722150050128834 has been lost according to Bring."),
        ("sv", "PostNord har kolli 370722150050128834 men inget händer."),
    ],
)
def test_sscc_without_valid_check_digit_near_a_carrier(language: str, text: str) -> None:
    assert normalized(text, language, "tracking_number") == ["370722150050128834"]


def test_sscc_shape_alone_is_not_a_tracking_number() -> None:
    assert normalized("Referansen er 370722150050128834.", "nb", "tracking_number") == []


def test_number_given_for_my_parcel_is_an_order_number() -> None:
    assert normalized("Hei, pakka mi 48309273 står som levert.", "nn", "order_number") == ["48309273"]


# --- what was tried ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "role", "expected"),
    [
        ("nb", "Liv ringte. Har koblet PC rett i fiberboksen – internett fungerer da.", "note",
         "koblet PC rett i fiberboksen – internett fungerer"),
        ("nb", "Har tørket av kontaktene og ladet den over natta.", "customer",
         "ladet den over natta"),
        ("nn", "Eg har teke bilete av både satellitten og esken.", "customer",
         "teke bilete av både satellitten og esken"),
        ("nn", "Har sjekka med naboane no, ingen har sett pakka", "customer", "sjekka med naboane"),
        ("nn", "Eg har sett etter i postkassa.", "customer", "sett etter i postkassa"),
        ("sv", "Jag tog bilder på skärmen och kartongen innan chauffören åkte.", "customer",
         "tog bilder på skärmen och kartongen"),
        ("sv", "Paketet har inte kommit. Har frågat grannarna och kollat i soprummet.", "customer",
         "kollat i soprummet"),
        ("da", "Hej\n\nHar spurgt naboerne og kigget i kælderen.", "customer",
         "kigget i kælderen"),
        ("da", "Ringede kunden. Pc direkte i fiberboks virker.", "note", "Pc direkte i fiberboks virker"),
        ("en", "My headphones stopped charging 😞 tried two different USB-C cables and chargers", "customer",
         "tried two different USB-C cables and chargers"),
        ("en", "My TV remote stopped working, new batteries didn't help.", "customer", "new batteries"),
        ("en", "I've already swapped the cable and updated the firmware to 3.2.1.", "customer",
         "updated the firmware to 3.2.1"),
        ("en", "I have checked with my neighbours and looked in the garage.", "customer",
         "looked in the garage"),
    ],
)  # fmt: skip
def test_tried_by_verb_form(language: str, text: str, role: str, expected: str) -> None:
    found = values(text, language, "tried", role)
    assert any(fold(expected) in fold(v) for v in found), found


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nb", "Jeg bestilte en TV for to uker siden, og den har ikke kommet."),
        ("nb", "Jeg har fortsatt ikke fått pengene."),
        ("nb", "Jeg har et spørsmål om garantien."),
        ("nn", "Eg har lyst til å returnere den."),
        ("sv", "Hej, DHL har inte hört av sig och jag har inget spårningsnummer."),
        ("sv", "Vilket inflytande barnet ska ges beror på barnets ålder."),
        ("da", "Jeg har bestilt to routere ved en fejl."),
        ("en", "I ordered a phone last week and it hasn't arrived."),
        ("en", "I've stayed there before and wasn't happy with it."),
        ("en", "I appreciate it very much."),
        ("en", "The router doesn't work."),
    ],
)
def test_not_tried_by_verb_form(language: str, text: str) -> None:
    assert values(text, language, "tried") == []


# --- promises: time frames and our present tense -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "role", "expected"),
    [
        ("nb", "Takk! Vi sender en ny Vista 55 fra lageret i morgen.", "agent",
         "Vi sender en ny Vista 55 fra lageret i morgen"),
        ("nb", "Da sjekker vi om ruteren din er berørt av en kjent feil.", "agent",
         "Da sjekker vi om ruteren"),
        ("nn", "Vi har sendt ei etterlysing til Bring og gjev deg svar innan fredag.", "agent",
         "gjev deg svar innan fredag"),
        ("nn", "Takk! Du ser oppdatert faktura innan 2 vyrkedagar.", "agent",
         "Du ser oppdatert faktura innan 2 vyrkedagar"),
        ("sv", "Vi betalar tillbaka den ena betalningen inom 2 bankdagar.", "agent", "inom 2 bankdagar"),
        ("sv", "Vi har gjort en efterlysning hos PostNord. Vi återkommer senast fredag.", "agent",
         "Vi återkommer senast fredag"),
        ("da", "Vi har oprettet sag SAK-21533 og sender en returlabel på mail i dag.", "agent",
         "sender en returlabel på mail i dag"),
        ("da", "Det ordner vi. Du får fakturaen inden for 24 timer.", "agent", "inden for 24 timer"),
        ("en", "We have cancelled it. Klarna will remove the invoice within 2 working days.", "agent",
         "within 2 working days"),
        ("en", "You should see the refund within 3-5 working days.", "bot", "within 3-5 working days"),
        ("sv", "Vi ringer dig i morgon efter kl. 14.", "agent", "Vi ringer dig i morgon efter kl. 14"),
        ("nb", "Sender ny ruter i dag. Kunden får svar innen fredag.", "note",
         "Kunden får svar innen fredag"),
    ],
)  # fmt: skip
def test_promises_with_time_frames(language: str, text: str, role: str, expected: str) -> None:
    found = values(text, language, "promise", role)
    assert any(fold(expected) in fold(v) for v in found), found


@pytest.mark.parametrize(
    ("language", "text", "role"),
    [
        ("nb", "Du kan returnere varen innen 30 dager.", "agent"),
        ("nb", "Returen må være registrert innen 14 dager.", "agent"),
        ("nb", "Hvis du ikke har fått den innen fredag, ta kontakt.", "agent"),
        ("nb", "Vi kan dessverre ikke levere innen fredag.", "agent"),
        ("nb", "Leveringstiden er normalt 2-4 virkedager.", "agent"),
        ("sv", "Vänta till i morgon kväll och kolla med grannarna.", "agent"),
        ("da", "Vi beklager forsinkelsen.", "agent"),
        ("en", "Hi! Yes, within 14 days of purchase.", "agent"),
        ("en", "Over-ear headphones can be returned within 30 days.", "agent"),
        ("nb", "Jeg må sende den tilbake innen fredag.", "customer"),
    ],
)
def test_not_promises_with_time_frames(language: str, text: str, role: str) -> None:
    assert values(text, language, "promise", role) == []


# --- time windows -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Ring meg etter kl. 15, takk.", "after 15:00"),
        ("nb", "Vi ringer deg i morgen mellom 10 og 12.", "10:00-12:00"),
        ("nb", "Vi ringer deg onsdag formiddag.", "morning"),
        ("nn", "Ring meg etter klokka 16.", "after 16:00"),
        ("sv", "Ring mig på 070-998 12 40, jag jobbar natt så efter 14", "after 14:00"),
        ("sv", "Ni kan komma mellan 8 och 16.", "08:00-16:00"),
        ("da", "I må gerne ringe i morgen eftermiddag.", "afternoon"),
        ("da", "Jeg er hjemme fra kl. 9 til 11.", "09:00-11:00"),
        ("en", "Can someone call me after 5pm?", "after 17:00"),
        ("en", "Please call after 2 pm.", "after 14:00"),
        ("en", "I'm free between 9 and 11 am tomorrow.", "09:00-11:00"),
    ],
)
def test_time_windows(language: str, text: str, expected: str) -> None:
    assert expected in normalized(text, language, "time")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Den kom efter 14 dagar."),
        ("da", "Efter 3 forsøg gav jeg op."),
        ("sv", "Mellan 2 och 4 personer."),
        ("nb", "God ettermiddag! God morgen."),
        ("en", "You can renew before 18 if you like."),
    ],
)
def test_not_time_windows(language: str, text: str) -> None:
    assert normalized(text, language, "time") == []


def test_clock_time_keeps_its_period() -> None:
    assert normalized("Pick me up at quarter past 7 in the morning.", "en", "time") == ["07:15"]


# --- colours, codes and an id sent on its own --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Jeg vil ha den i svart i stedet.", ["black"]),
        ("nn", "Eg vil byte hovudtelefonane til ein annan farge, kvit.", []),
        ("sv", "Beställde en Nova 5G i grönt men vill ha svart.", ["green", "black"]),
        ("da", "Kan jeg få den i hvid?", ["white"]),
        ("en", "I'd like the black one instead of white.", ["black"]),
        ("nb", "Ruteren blinker i rødt.", []),
        ("en", "I want to see the Girl In Red on the 3rd of March.", []),
    ],
)
def test_colours(language: str, text: str, expected: list[str]) -> None:
    assert normalized(text, language, "color") == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("nb", "Hentekoden min er 774411.", ["774411"]),
        ("sv", "Koden 5512 fungerar inte i paketboxen.", ["5512"]),
        ("en", "The code 4417 says invalid.", ["4417"]),
        ("en", "Zip code 90210, please.", []),
    ],
)
def test_codes(language: str, text: str, expected: list[str]) -> None:
    assert normalized(text, language, "code") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48317702", ["48317702"]),
        ("Hei! AX3K2409C1174", ["AX3K2409C1174"]),
        ("ok takk", []),
        ("12/03/2025", []),
    ],
)
def test_an_id_sent_on_its_own_is_a_reference(text: str, expected: list[str]) -> None:
    assert normalized(text, None, "reference") == expected


def test_new_kinds_are_known() -> None:
    for kind in ("case_number", "return_number", "invoice_number", "payment_method", "company", "org_number"):
        assert kind in FACT_KINDS


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Forsikringen har polisenummer 7702-118834.", "7702-118834"),
        ("Sykkelen har rammenummer WTU4471982K og er fra 2024.", "WTU4471982K"),
        ("Bilen har regnr EL 48213.", "EL 48213"),
        ("Utbetal til kontonr 3201 44 87761, takk.", "3201 44 87761"),
        ("My loyalty number is 5512 0933.", "5512 0933"),
    ],
)
def test_an_id_after_any_label_that_names_a_number_is_kept(text: str, value: str) -> None:
    found = [(f.kind, f.value) for f in extract_facts(text)]
    assert ("labelled_number", value) in found, found


@pytest.mark.parametrize(
    "text",
    ["Postnummer 0364 Oslo.", "Ring telefonnummer 45219873.", "Husnummer 12B.", "Versjon 2.3.1 er ute."],
)
def test_a_label_of_a_contact_place_or_version_is_no_labelled_number(text: str) -> None:
    assert not [f for f in extract_facts(text) if f.kind == "labelled_number"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hei!\n\nMvh\nAnne Berit Fosse\nMob. 918 44 302", "Anne Berit Fosse"),
        ("Tack!\n\nVänliga hälsningar\nKarin Ek\nTel: 070-412 88 19", "Karin Ek"),
        ("Thanks,\n\nBest regards,\nJohn Smith\nHead of IT, Foo Ltd", "John Smith"),
    ],
)
def test_a_signature_name_followed_by_a_contact_line_is_found(text: str, name: str) -> None:
    assert ("person", name) in [(f.kind, f.value) for f in extract_facts(text)]


@pytest.mark.parametrize(
    ("text", "tried"),
    [
        (
            "Unscrewed the cover and dusted the fan, nothing.",
            "Unscrewed the cover and dusted the fan",  # the outcome after the comma is no part of the step
        ),
        (
            "I have already called the bank and both payments have gone through.",
            "called the bank",
        ),
        ("Vi har ringt banken og begge betalingene er trukket.", "ringt banken"),
    ],
)
def test_a_step_ends_where_a_new_subject_starts_and_a_bare_english_past_is_a_step(
    text: str, tried: str
) -> None:
    assert tried in [f.value for f in extract_facts(text) if f.kind == "tried"]


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        (
            "Vi har latt han hvile og kjølt beinet med is.",
            ["latt han hvile og kjølt beinet med is"],
        ),
        (
            "Jag har luftat elementen och kontrollerat termostaterna.",
            [
                "luftat elementen och kontrollerat termostaterna",
            ],
        ),
        (
            "Har spurgt naboerne og kigget i kælderen.",
            ["spurgt naboerne og kigget i kælderen"],
        ),
        ("Jeg har meldt fra til flyselskapet og fått referansen ALC123.", ["meldt fra til flyselskapet"]),
        ("I've replaced the flapper already, didn't help", ["replaced the flapper already"]),
        ("I've checked the fuse and it's fine.", ["checked the fuse"]),
        ("Æ har allerede spærret det i appen.", ["spærret det i appen"]),
        ("og tatt ut og inn simkortet", ["tatt ut og inn simkortet"]),
        ("already reset network settings", ["reset network settings"]),
        ("I've frozen the card in the app.", ["frozen the card in the app"]),
    ],
)
def test_a_clause_of_steps_without_who_did_it_or_what_came_of_it(text: str, steps: list[str]) -> None:
    assert [f.value for f in extract_facts(text) if f.kind == "tried"] == steps


@pytest.mark.parametrize(
    "text", ["Fødselsnummeret mitt er 01019010046.", "Bilen er grå", "hallo??", "Sendt fra min iPhone"]
)
def test_a_short_turn_without_a_past_form_first_is_no_step(text: str) -> None:
    assert not [f for f in extract_facts(text) if f.kind == "tried"]


@pytest.mark.parametrize("text", ["Ordered the wrong size by mistake.", "Signed by the driver at 14:02."])
def test_a_bare_past_that_tells_what_happened_is_no_step(text: str) -> None:
    assert not [f for f in extract_facts(text) if f.kind == "tried"]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Swish-nummer 073-612 88 40.", "073-612 88 40"),
        ("Mit nummer er 31 45 67 89, ring gerne.", "31 45 67 89"),
        # a number called right, new or old is a phone number when its digits make one
        ("Rätt nummer är 070-412 33 87.", "070-412 33 87"),
        ("Det nye nummeret er 412 55 903.", "412 55 903"),
        ("My new number is 0046 70 555 12 34.", "0046 70 555 12 34"),
        ("Det rigtige nummer er 22 33 44 55.", "22 33 44 55"),
    ],
)
def test_a_phone_number_after_a_payment_app_or_my_number_stays_a_phone(text: str, phone: str) -> None:
    assert ("phone", phone) in [(f.kind, f.value) for f in extract_facts(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Mastercardet som slutter på 9012 er sperret.", "last_digits", "9012"),
        ("Kortet endar på 7788.", "last_digits", "7788"),
        ("Betalningen gjordes med kortet som slutar på 1234.", "last_digits", "1234"),
        ("a refund to the Visa ending in 0042", "last_digits", "0042"),
        ("Serienummeret står ikke, men på esken: 4006381333931", "number", "4006381333931"),
        ("Brikka hennar har 985112004455667.", "number", "985112004455667"),
    ],
)
def test_numbers_without_a_label(text: str, kind: str, value: str) -> None:
    assert (kind, value) in [(f.kind, f.value) for f in extract_facts(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pakken har ikke kommet. Kan dere sjekke?\n\nLiv Dahl", "Liv Dahl"),
        ("Tack för hjälpen med bytet. Anders", "Anders"),
        ("Hi, my order never came. Name's Joe Bloggs.", "Joe Bloggs"),
        ("Bordet er reservert i navnet Kari Holm.", "Kari Holm"),
        ("Call 14/05 09:20: Sarah Whitfield wants a refund.", "Sarah Whitfield"),
    ],
)
def test_a_name_alone_at_the_end_or_after_name_words_is_a_person(text: str, name: str) -> None:
    assert ("person", name) in [(f.kind, f.value) for f in extract_facts(text, role="customer")] + [
        (f.kind, f.value) for f in extract_facts(text, role="note")
    ]


@pytest.mark.parametrize(
    "text", ["Det virker ikke. Hjelp", "Kan dere ringe meg? Takk", "Where is it? Thanks"]
)
def test_a_one_word_sentence_at_the_end_is_no_name(text: str) -> None:
    assert not [f for f in extract_facts(text) if f.kind == "person"]
