"""The strict ``known_facts.recall`` rule: no credit for a small part of a value, nor for a wrong kind."""

import pytest

from evals.metrics import (
    concepts,
    kinds_compatible,
    known_value_found,
    phones_match,
    values_match,
)

ADDRESS = "Drottninggatan 5, 111 51 Stockholm"


@pytest.mark.parametrize("part", ["a", "5", "Stockholm", "Drottninggatan 5", "111 51"])
def test_a_small_part_of_a_value_does_not_find_it(part: str) -> None:
    # The old rule (one contains the other after folding) counted every one of these as found.
    assert not values_match(ADDRESS, part)
    assert not values_match(part, ADDRESS)
    assert not known_value_found(ADDRESS, "address", [("address", part)])


def test_digits_inside_a_longer_number_do_not_find_it() -> None:
    assert not values_match("48310456", "4831")
    assert not known_value_found("48310456", "order_number", [("order_number", "4831")])
    assert not known_value_found("4831", "order_number", [("order_number", "48310456")])


def test_equal_after_folding_case_unicode_spaces_and_punctuation() -> None:
    assert values_match("Las Vegas", "las-vegas")
    assert values_match("SO-123 45", "so12345")
    assert values_match("Ｎｏｒｄｌｙｓ ＡＸ３０００", "nordlys ax3000")  # NFKC: full-width forms
    assert values_match("Sjøgata 7, 8006 Bodø", "sjøgata 7 8006 bodø")
    assert not values_match("Oslo", "Bergen")


def test_containment_on_word_boundaries_when_the_shorter_is_most_of_the_longer() -> None:
    assert values_match(
        "startet den på nytt og oppdatert fastvaren", "Har startet den på nytt og oppdatert fastvaren"
    )
    assert values_match(ADDRESS, "Drottninggatan 5, 111 51 Stockholm, Sverige")
    assert not values_match("LAX", "from LAX International")  # 1 of 3 words


def test_phones_compare_digits_with_or_without_country_code() -> None:
    assert phones_match("+47 912 34 567", "91234567")
    assert phones_match("070-123 45 67", "+46 70 123 45 67")  # Swedish trunk 0
    assert phones_match("0045 20 12 34 56", "20123456")
    assert not phones_match("+47 912 34 567", "91234568")
    assert not phones_match("4831", "48310456")
    assert known_value_found("+47 912 34 567", "phone", [("phone", "91234567")])
    assert not known_value_found("+47 912 34 567", "order_id", [("phone", "91234567")])  # kind


def test_slots_accept_only_compatible_kinds() -> None:
    assert kinds_compatible("order_id", "order_number")
    assert kinds_compatible("tracking_number", "tracking_number")
    assert not kinds_compatible("order_id", "phone")
    assert not kinds_compatible("email", "person")
    assert kinds_compatible("phone_number", "phone") and not kinds_compatible("phone_number", "order_number")
    assert kinds_compatible("destination_city", "place") and kinds_compatible("destination_city", "address")
    assert not kinds_compatible("destination_city", "date")
    assert kinds_compatible("pickup_time", "date") and kinds_compatible("appointment_date", "time")
    assert concepts("number_of_rooms") == {"count"}
    # A slot that names no concept we know accepts every kind.
    assert concepts("star_rating") == frozenset()
    assert kinds_compatible("star_rating", "count") and kinds_compatible("star_rating", "place")
    # The same name always matches (a workspace field extracted under its own name).
    assert kinds_compatible("membership_level", "membership_level")
    assert not known_value_found("Oslo", "date", [("place", "Oslo")])
    assert known_value_found("Oslo", "city", [("date", "i går"), ("place", "Oslo")])
