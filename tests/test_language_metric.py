"""The eval's language match (evals/runner.py reply_in_language): judged as the service's language guard."""

from __future__ import annotations

from evals.runner import reply_in_language

DANISH_QUOTE = (
    "Hej! Vi kan ikke ændre adressen, når pakken er sendt.\n\n"
    "Læs mere: https://hjelp.nordlys.example/da/aendre-eller-annullere"
)


def test_a_short_danish_quote_with_a_norwegian_looking_url_is_danish() -> None:
    # the URL's "hjelp" and the greeting say nothing about the reply's language
    assert reply_in_language(DANISH_QUOTE, "da", "da") is True


def test_a_reply_in_another_language_is_no_match() -> None:
    nynorsk = (
        "Hei! Takk for meldinga di. Vi sjekkar dette nærare, slik at du får eit riktig svar. "
        "Ein kollega tek over samtalen om kort tid."
    )
    assert reply_in_language(nynorsk, "nb", "nn") is False
    assert reply_in_language("Hi! Thanks, we will look into your order right away.", "nb", "nb") is False


def test_a_reply_without_words_is_judged_by_the_decided_language() -> None:
    assert reply_in_language("Hei!", "nb", "nb") is True
    assert reply_in_language("12 45", "da", "nb") is False


def test_the_metric_has_no_margin_for_neighbours() -> None:
    # a bokmål reply to a Danish customer is a miss even where the guard would let the close call pass
    bokmaal = "Hei! Pakken din er sendt, og du får den i løpet av uken. Vi gir beskjed når den er fremme."
    assert reply_in_language(bokmaal, "da", "da") is False
    assert reply_in_language(bokmaal, "nb", "nb") is True


def test_a_short_reply_is_judged_whole_greeting_included() -> None:
    # five words of body are too few to judge alone; "Hei!" tells bokmål from Danish
    assert reply_in_language("Hei! Leveringstiden er 2-5 virkedager med Bring.", "nb", "nb") is True
    assert reply_in_language("Hei! Leveringstiden er 2-5 virkedager med Bring.", "da", "da") is False
