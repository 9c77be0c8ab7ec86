"""Amounts of money ("499 kr", "1 299,- NOK", "SEK 349", "€20") and counts ("4 tickets", "to billetter").

An amount normalises to "<number> <ISO currency>" with a decimal point ("250.50 NOK"); a bare "kr" takes
its currency from the language. A count normalises to "<digits> <noun>" ("to billetter" -> "2 billetter").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, fact
from knowledge.facts._lexicon import LANGUAGES
from knowledge.text.lexicons import alternation
from knowledge.text.numbers import all_number_words, number_words
from knowledge.text.numbers import parse_number as parse_number_word

_I = re.IGNORECASE
_NUM = r"(?P<num>\d{1,3}(?:[ \u00a0.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_CURRENCY_WORDS: dict[str, str] = {
    "nok": "NOK", "sek": "SEK", "dkk": "DKK", "eur": "EUR", "usd": "USD", "gbp": "GBP", "€": "EUR",
    "$": "USD", "us$": "USD", "£": "GBP", "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD",
    "bucks": "USD", "pound": "GBP", "pounds": "GBP", "kroner": "KR", "kronor": "SEK", "krone": "KR",
    "krona": "SEK", "kr": "KR", "kr.": "KR", ":-": "SEK", ",-": "KR", ".-": "KR", "øre": "ORE",
}  # fmt: skip
_PREFIX = r"(?P<cur>kr\.?|nok|sek|dkk|eur|usd|gbp|us\$|€|\$|£)"
_SUFFIX = (
    r"(?P<cur>kr\.?(?!\w)|kroner|kronor|krone|krona|nok|sek|dkk|eur|usd|gbp|euros?|dollars?|bucks|pounds?|"
    r"€|\$|£)"
)
_PREFIX_RE = re.compile(rf"(?<![\w$€£]){_PREFIX}\s?{_NUM}(?P<dash>,-|:-|\.-)?(?![\d\w])", _I)
_SUFFIX_RE = re.compile(rf"(?<![\w.,$€£]){_NUM}(?:\s?(?P<dash>,-|:-|\.-))?(?:\s?{_SUFFIX}(?!\w))?", _I)
_KR_BY_LANGUAGE = {"nb": "NOK", "nn": "NOK", "sv": "SEK", "da": "DKK"}


def parse_number(raw: str) -> float:
    """Parse "1 299", "1,670", "250,50", "1.299,50" to a number: a 1-2 digit tail after , or . is decimal."""
    raw = raw.replace("\u00a0", " ").strip()
    m = re.search(r"[.,](\d{1,2})$", raw)
    whole, frac = (raw[: m.start()], m.group(1)) if m else (raw, "")
    number = float(re.sub(r"\D", "", whole) or "0")
    return number + (float(f"0.{frac}") if frac else 0.0)


def _amount(num: str, cur: str, language: str | None) -> str:
    code = _CURRENCY_WORDS.get(cur.lower(), cur.upper())
    if code == "KR":
        code = _KR_BY_LANGUAGE.get(language or "", "KR")
    value = parse_number(num)
    shown = f"{value:.0f}" if value == int(value) else f"{value:.2f}"
    return f"{shown} {code}"


def find_amounts(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Sums of money with a currency sign, code or word."""
    for m in _PREFIX_RE.finditer(text):
        yield fact(
            "amount", text, m.start(), m.end(), _amount(m.group("num"), m.group("cur"), ctx.language), 0.9
        )
    for m in _SUFFIX_RE.finditer(text):
        cur = m.group("cur") or m.group("dash")
        if not cur:
            continue
        end = m.end()
        if text[end - 1] == "." and re.match(r"\s*(?:$|[A-ZÆØÅÄÖ\n])", text[end : end + 3]):
            end -= 1  # "5 990 kr. It's ...": the dot ends the sentence
        yield fact("amount", text, m.start(), end, _amount(m.group("num"), cur, ctx.language), 0.9)


# --- counts ----------------------------------------------------------------------------------------------

COUNT_NOUNS: dict[str, tuple[str, ...]] = {
    "en": (
        "ticket", "tickets", "seat", "seats", "person", "persons", "people", "adult", "adults", "child",
        "children", "kid", "kids", "passenger", "passengers", "guest", "guests", "traveler", "travelers",
        "traveller", "travellers", "room", "rooms", "bed", "beds",
        "night", "nights", "day", "days", "week", "weeks", "bag", "bags", "suitcase",
        "suitcases", "item", "items", "unit", "units", "piece", "pieces", "package", "packages", "parcel",
        "parcels", "box", "boxes", "device", "devices", "license", "licenses", "licence", "licences", "user",
        "users", "pair", "pairs", "copies", "pcs", "riders", "rider",
    ),
    "nb": (
        "billett", "billetter", "sete", "seter", "plass", "plasser", "person", "personer", "voksen", "voksne",
        "barn", "passasjer", "passasjerer", "gjest", "gjester", "rom", "soverom", "seng", "senger", "bad",
        "natt", "netter", "døgn", "dag", "dager", "uke", "uker", "bag", "bagger", "koffert", "kofferter",
        "kolli", "pakke", "pakker", "vare", "varer", "enhet", "enheter", "stk", "stykk", "stykker", "lisens",
        "lisenser", "bruker", "brukere", "par", "eske", "esker",
    ),
    "nn": (
        "billett", "billettar", "sete", "plass", "plassar", "person", "personar", "vaksen", "vaksne", "barn",
        "passasjer", "passasjerar", "gjest", "gjester", "gjestar", "rom", "soverom", "seng", "senger", "natt",
        "netter", "døgn", "dag", "dagar", "veke", "veker", "koffert", "koffertar", "kolli", "pakke", "pakkar",
        "pakker", "vare", "varer", "eining", "einingar", "stk", "stykke", "lisens", "lisensar", "brukar",
        "brukarar", "par",
    ),
    "sv": (
        "biljett", "biljetter", "plats", "platser", "person", "personer", "vuxen", "vuxna", "barn",
        "passagerare", "gäst", "gäster", "rum", "sovrum", "säng", "sängar", "natt", "nätter", "dygn", "dag",
        "dagar", "vecka", "veckor", "väska", "väskor", "kolli", "paket", "vara", "varor", "enhet", "enheter",
        "st", "styck", "licens", "licenser", "användare", "par",
    ),
    "da": (
        "billet", "billetter", "plads", "pladser", "sæde", "sæder", "person", "personer", "voksen", "voksne",
        "barn", "børn", "passager", "passagerer", "gæst", "gæster", "værelse", "værelser", "rum",
        "soveværelse", "soveværelser", "seng", "senge", "nat", "nætter", "døgn", "dag", "dage", "uge", "uger",
        "kuffert", "kufferter", "pakke", "pakker", "kolli", "vare", "varer", "enhed", "enheder", "stk",
        "styk", "licens", "licenser", "bruger", "brugere", "par",
    ),
}  # fmt: skip
_GROUP_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<!\w)(?P<n>\d{1,2}|\w+)\s+of\s+us(?!\w)", _I),
    re.compile(r"(?<!\w)(?:party|group|table)\s+(?:of|for)\s+(?P<n>\d{1,2}|\w+)(?!\w)", _I),
    re.compile(
        r"(?<!\w)(?:we\s+are|we're|vi\s+er|vi\s+är|me\s+er|vi\s+blir|vi\s+bliver|me\s+blir)\s+(?P<n>\d{1,2}|\w+)(?!\w)",
        _I,
    ),
    re.compile(r"(?<!\w)(?:bord|plass)\s+(?:til|for|för|åt)\s+(?P<n>\d{1,2}|\w+)(?!\w)", _I),
)


@lru_cache(maxsize=1)
def _count_res() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for lang in LANGUAGES:
        words = alternation(number_words(lang))
        nouns = alternation(COUNT_NOUNS[lang])
        out.append(
            (
                lang,
                re.compile(
                    rf"(?<![\w.,:/-])(?P<n>\d{{1,3}}|{words})\s+(?:(?P<mid>[^\W\d]+)\s+)?(?P<noun>{nouns})(?!\w)",
                    _I,
                ),
            )
        )
    return out


def _number(raw: str, language: str | None) -> int | None:
    return parse_number_word(raw, language)


def find_counts(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Counts of people, tickets, rooms, nights, items ... written with digits or number words."""
    for lang, pattern in _count_res():
        for m in pattern.finditer(text):
            n = _number(m.group("n"), lang)
            mid = (m.group("mid") or "").lower()
            if n is None or mid in all_number_words() or mid in {"of", "av", "per", "a", "an", "the"}:
                continue
            yield fact("count", text, m.start(), m.end(), f"{n} {m.group('noun').lower()}", 0.8)
    for pattern in _GROUP_RES:
        for m in pattern.finditer(text):
            n = _number(m.group("n"), ctx.language)
            if n is not None and 0 < n <= 50:
                yield fact("count", text, m.start(), m.end(), f"{n} people", 0.75)
