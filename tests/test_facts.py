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
        ("nb", "Ring meg etter kl. 14:30.", "14:30"),
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
        ("nb", "Jeg har prøvd å starte den på nytt, men nei.", "Jeg har prøvd å starte den på nytt"),
        ("nb", "Har byttet kabel også.", "Har byttet kabel også"),
        ("nn", "Eg har starta ruteren på nytt.", "Eg har starta ruteren på nytt"),
        ("sv", "Jag har startat om routern två gånger.", "Jag har startat om routern två gånger"),
        ("da", "Jeg har genstartet den, men intet sker.", "Jeg har genstartet den"),
        ("en", "I restarted the router but nothing changed.", "I restarted the router"),
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
    assert kinds["time"] == "16:00"
    assert kinds["tried"].startswith("jeg har allerede sjekket")
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
