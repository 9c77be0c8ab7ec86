"""Named things: postal addresses, products, places, venues and people.

Precision first: these land on the agent's "what we already know" card, so a capitalised word is a place
only after a location preposition ("i Bergen", "from LAX"), a venue only with a venue word or hotel brand
("Bahia Resort Hotel", "Scandic Holberg"), a person only after "my name is" and its Scandinavian twins or
in a signature, and a product only as a brand followed by a model number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.facts._base import Context, ExtractedFact, alternation, fact, squash
from knowledge.facts._lexicon import (
    HOTEL_BRANDS,
    MONTHS,
    NORDIC_CITIES,
    NOT_NAMES,
    NOT_PRODUCT_HEADS,
    PLACE_PREPOSITIONS,
    PRODUCT_BRANDS,
    RELATIVE_DAYS,
    VENUE_WORDS,
    WEEKDAYS,
)

_I = re.IGNORECASE
_UP = "A-ZÆØÅÄÖÜÉ"
_CAP = rf"[{_UP}][\w'’.&-]*"
_NOT_NAME_WORDS = NOT_NAMES | frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset(RELATIVE_DAYS)
_LEADING_JUNK = _NOT_NAME_WORDS | frozenset(p for p in PLACE_PREPOSITIONS if " " not in p) | {"i"}

# --- addresses -------------------------------------------------------------------------------------------

_STREET_SUFFIXES = (
    "gata", "gatan", "gate", "gaten", "gade", "gaden", "veien", "vegen", "vei", "veg", "väg", "vägen", "vej",
    "vejen", "allé", "alle", "alléen", "allén", "plass", "plassen", "plads", "pladsen", "torget", "torg",
    "torv", "torvet", "stien", "stigen", "stig", "bakken", "backe", "backen", "brygga", "bryggen", "brygge",
    "kaia", "kaien", "kajen", "stræde", "strædet", "gränd", "gränden", "leden", "ringen", "vangen", "lia",
    "lien", "haugen", "berget", "åsen", "svingen", "løkka", "løkken", "terrasse", "terrassen", "boulevard",
    "tunet", "hagen", "jordet", "marka", "myra", "vollen", "holmen", "kroken", "krogen", "parken", "stranden",
    "strand", "kvarteret", "vägen", "promenaden", "esplanaden", "kaj",
)  # fmt: skip
_STREET_WORD = rf"[\w'-]*(?i:{alternation(_STREET_SUFFIXES)})"
_CITY = rf"[{_UP}][^\W\d_]+(?:-[^\W\d_]+)*"
_POSTCODE_CITY = (
    rf"(?:,?\s+(?:[A-Z]{{1,2}}-)?(?P<post>\d{{4}}|\d{{3}}\s\d{{2}})\s+(?P<city>{_CITY}(?:\s+{_CITY})?"
    rf"(?:\s+[{_UP}]{{1,2}}(?![\w]))?))?"
)
_NORDIC_ADDRESS_RE = re.compile(
    rf"(?<![\w-])(?P<street>(?:[{_UP}][\w.'-]*\s+){{0,3}}{_STREET_WORD})\s+"
    rf"(?P<no>\d{{1,4}}(?:[A-Za-z]|\s[A-Z])?(?![\w])(?:-\d{{1,4}})?)"
    rf"(?!\s*(?i:kr\b|%|,-|:-|stk|personer|billetter|dager|timer))"
    rf"(?:,?\s*(?i:\d{{1,2}}\.\s?(?:tv|th|mf|sal)\.?|(?:lgh|leil\.?|leilighet|lägenhet|lejl\.?)\s*\w+))?"
    rf"{_POSTCODE_CITY}(?!\w)"
)
_EN_STREET_TYPES = (
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way",
    "court", "ct", "place", "pl", "terrace", "square", "sq", "parkway", "pkwy", "highway", "hwy", "circle",
    "cir", "crescent", "close", "gardens", "row", "mews", "walk", "plaza", "alley",
)  # fmt: skip
_EN_ADDRESS_RE = re.compile(
    rf"(?<![\w.,-])(?P<no>\d{{1,5}}[A-Za-z]?)\s+(?P<street>(?:{_CAP}\s+){{1,4}}(?i:{alternation(_EN_STREET_TYPES)})\.?)"
    rf"(?!\w)(?:\s*(?:#\s?\d+\w*|(?:Apt|Suite|Unit|Flat)\.?\s?\w+))?"
    rf"(?:,\s+(?P<city>{_CITY}(?:\s+{_CITY}){{0,2}}))?"
    rf"(?:,?\s+(?P<zip>[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}}|[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?|\d{{5}}))?(?!\w)"
)


_ROAD_NUMBER = re.compile(
    r"(?:riks|fylkes|europa|lands|läns|stats|motor|hoved|lande|primær|sekundær)(?:vei|veg|väg|vej)", _I
)


def find_addresses(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Postal addresses: "Storgata 12, 0155 Oslo", "Drottninggatan 5, 111 51 Stockholm", "221B Baker St"."""
    for m in _NORDIC_ADDRESS_RE.finditer(text):
        street = m.group("street")
        words = street.split()
        if (words[-1].lower() in _STREET_SUFFIXES and len(words) == 1) or _ROAD_NUMBER.match(words[-1]):
            continue  # "plass 4" is no street, "riksvei 80" a highway; "Karl Johans gate 1" is a street
        if len(words) > 1 and not words[-1][0].isupper() and words[-1].lower() not in _STREET_SUFFIXES:
            words_ok = all(w[0].isupper() for w in words[:-1])
            if not words_ok:
                continue
        lead = _strip_leading_common(words)
        start = m.start() + street.find(lead[0]) if lead else m.start()
        if not lead:
            continue
        conf = 0.9 if m.group("post") else 0.7
        yield fact("address", text, start, m.end(), squash(text[start : m.end()]), conf)
    for m in _EN_ADDRESS_RE.finditer(text):
        conf = 0.9 if (m.group("zip") or m.group("city")) else 0.75
        yield fact("address", text, m.start(), m.end(), squash(m.group(0)), conf)


def _strip_leading_common(words: list[str]) -> list[str]:
    """Drop leading capitalised words that are not names ("My", "The", "I") from a token list."""
    i = 0
    while i < len(words) - 1 and words[i].lower().strip(".,") in _LEADING_JUNK:
        i += 1
    return words[i:]


# --- products --------------------------------------------------------------------------------------------

_BRAND_TOKEN = rf"(?:[{_UP}][^\W\d_]*(?:[-&+][^\W\d_]+)*|[a-z]{{1,2}}[{_UP}][^\W\d_]*)"
_MODEL_TOKEN = r"(?:[A-Za-z]*-?\d[\w-]*)"
_MODEL_TAIL = (
    r"(?:Pro|Max|Plus|Mini|Ultra|Lite|Air|SE|FE|XL|Edge|Neo|Series|Gen\s?\d"
    r"|\d{1,4}[A-Za-z]*|[A-Z]{1,3}\d+\w*)"
)
_PRODUCT_RE = re.compile(
    rf"(?<![\w-])(?P<brand>{_BRAND_TOKEN}(?:\s+{_BRAND_TOKEN}){{0,2}})\s+(?P<model>{_MODEL_TOKEN})"
    rf"(?P<tail>(?:\s+{_MODEL_TAIL})*)(?![\w-])"
)


_LOWER_RUN = re.compile(r"[^\W\d_A-Z]{3,}")


def find_products(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Product models: a capitalised brand and a model with digits ("Sony WH-1000XM5", "iPhone 14 Pro")."""
    for m in _PRODUCT_RE.finditer(text):
        words = _strip_leading_common(m.group("brand").split())
        if not words or words[0].lower() in _LEADING_JUNK:
            continue
        lowered = [w.lower() for w in words]
        if any(w in NOT_PRODUCT_HEADS or w in MONTHS or w in WEEKDAYS for w in lowered):
            continue
        model = m.group("model")
        if _LOWER_RUN.search(model):
            continue  # "1900-tallet", "Programs6": a word with a number in it, not a model
        mixed = any(ch.isalpha() for ch in model)
        known = any(w in PRODUCT_BRANDS for w in lowered) or any(
            w[:1].islower() and any(c.isupper() for c in w) for w in words
        )
        if not (mixed or known) or (
            not known and len(words) == 1 and words[0].isupper() and len(words[0]) <= 2
        ):
            continue
        if not mixed and len(model) > 5:
            continue  # a long number after a word is an id, not a model
        start = m.start("brand") + m.group("brand").find(words[0])
        conf = 0.85 if known else 0.7
        yield fact("product", text, start, m.end(), squash(text[start : m.end()]), conf)


# --- names: runs of capitalised words --------------------------------------------------------------------

_CONNECTOR = r"(?:and|&|of|de|del|la|le|el|by|am|upon|og|och|y|at|on|the)"
_NAME_TOKEN = rf"(?:[{_UP}][\w'’-]*\.?|[a-z]{{1,2}}[{_UP}][\w'-]*)"
_RUN_RE = re.compile(
    rf"(?<![\w'’-])(?:\d{{1,3}}\s+(?=[{_UP}]))?{_NAME_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)?{_NAME_TOKEN})*"
)
_STATE_RE = re.compile(
    r",\s*(?:[A-Z]{2,3}(?![\w])|(?:Norway|Norge|Noreg|Sweden|Sverige|Denmark|Danmark|Australia|Canada|England|"
    r"Scotland|Germany|Tyskland|France|Frankrike|Frankrig|Spain|Spania|Spanien|Italy|Italia|Italien|Finland|"
    r"Iceland|Island|Mexico|Ireland|Irland|Japan|China|Kina)(?!\w))"
)
_PREP_RE = re.compile(
    rf"(?:^|(?<=[\s(\"'“,]))(?P<prep>{alternation(PLACE_PREPOSITIONS)}|i)\s+(?:the\s+|det\s+|den\s+)?$", _I
)
_AND_RE = re.compile(r"\s+(?:and|og|och|&)\s+", _I)
_LEAD_PREP_RE = re.compile(rf"(?:{alternation(PLACE_PREPOSITIONS)}|I)\s+(?=[{_UP}])", _I)
_TRANSFER_RE = re.compile(
    r"\b(?:transfer\w*|pay|paying|wire|overfør\w*|betal\w*|överför\w*|swish\w*|vipps\w*|mobilepay|"
    r"(?:send|sende|skicka|give)\s+(?:\S+\s+)?(?:money|penger|pengar|penge|dollars|bucks|kroner|kronor)|"
    r"(?:from|fra|från|frå)\s+(?:my|min|mitt|mi)\s+\S+\s+(?:account|konto))\b",
    _I,
)
_VENUE_MARK_RE = re.compile(
    r"\b(?:table|reservation|booking|reserve|book|booked|bord|bordet|reservasjon|bokning|boka|bokat|"
    r"reserveret|reservert)\b(?:\s+[^\s.!?]+){0,3}\s+(?:at|hos)\s+$",
    _I,
)
_NORDIC_CITY_RE = re.compile(
    rf"(?<![\w])(?P<prep>{alternation(PLACE_PREPOSITIONS)}|i)\s+(?P<city>{alternation(NORDIC_CITIES)})(?![\w])"
)
_INTRO_RE = re.compile(
    r"(?<![\w])(?:my\s+name\s+is|my\s+name's|my\s+names|name\s*:|navn\s*:|namn\s*:|i\s+am\s+called|"
    r"jeg\s+heter|jeg\s+hedder|eg\s+heiter|eg\s+heter|jag\s+heter|mitt\s+navn\s+er|mit\s+navn\s+er|"
    r"navnet\s+mitt\s+er|namnet\s+mitt\s+er|mitt\s+namn\s+er|mitt\s+namn\s+är|kunden\s+heter|"
    r"customer\s+name\s*:?|the\s+customer'?s?\s+name\s+is)\s+",
    _I,
)
_GREETING_INTRO_RE = re.compile(
    r"^\W*(?:(?:hi|hello|hey|hei|hej|hallo|heisann|god\s+morgen|goddag|god\s+dag)\W+)?"
    r"(?:this\s+is|i'm|i\s+am|it's|dette\s+er|det\s+er|detta\s+är|det\s+här\s+är|her\s+er|här\s+är)\s+",
    _I,
)
_SIGNATURE_RE = re.compile(
    r"(?:^|\n|[.!]\s+)\s*(?:mvh\.?|med\s+vennlig\s+hilsen|vennlig\s+hilsen|hilsen|helsing|venleg\s+helsing|"
    r"med\s+venleg\s+helsing|med\s+venlig\s+hilsen|venlig\s+hilsen|hilsner|med\s+vänlig\s+hälsning|"
    r"vänliga\s+hälsningar|vänlig\s+hälsning|hälsningar|mvh|kind\s+regards|best\s+regards|regards|"
    r"best\s+wishes|sincerely|cheers)[,.!]?[ \t]*\n?[ \t]*",
    _I,
)
_NAME_END = re.compile(r"\s*(?:$|[,.!\n]|(?:from|here|fra|från|frå|her|här|og|and|och)\b)", _I)
_PERSON_RE = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}")
_LOWER_NAME_RE = re.compile(r"[^\W\d_]{2,}(?:\s+[^\W\d_]{2,})?")


def _is_venue(tokens: list[str]) -> bool:
    lowered = [t.lower().strip(".,") for t in tokens]
    joined = " ".join(lowered)
    marked = any(t in VENUE_WORDS for t in lowered) or any(f" {b} " in f" {joined} " for b in HOTEL_BRANDS)
    names = [t for t in lowered if t not in VENUE_WORDS and t not in _NOT_NAME_WORDS and not t.isdigit()]
    return marked and bool(names)


_ABBREVIATION = re.compile(r"(?:St|Mt|Ft|S:t|Dr|Jr|Sr|Mr|Mrs|Ms|[A-Z])\.")
_KINSHIP = frozenset(
    {
        "aunt", "uncle", "grandma", "grandpa", "granny", "cousin", "brother", "sister", "tante", "onkel",
        "bestemor", "bestefar", "farmor", "mormor", "farfar", "morfar", "moster", "faster", "morbror",
        "farbror", "kusine", "fetter", "søster", "bror", "syster", "broder", "søs", "mr", "mrs", "ms", "dr",
    }
)  # fmt: skip


def _trim_run(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a run of capitalised words: no leading non-names, no trailing connector, month or weekday."""
    words = [(start + w.start(), start + w.end()) for w in re.finditer(r"\S+", text[start:end])]
    for i, (_, e) in enumerate(words[:-1]):
        if text[e - 1] == "." and not _ABBREVIATION.fullmatch(text[words[i][0] : e]):
            words = words[: i + 1]  # a sentence ends inside the run: "in Pleasant Hill. I'd like"
            break
    lo, hi = 0, len(words)
    while hi - lo > 1 and text[words[lo][0] : words[lo][1]].lower().strip(".,") in _NOT_NAME_WORDS:
        lo += 1
    while hi - lo > 1:
        last = text[words[hi - 1][0] : words[hi - 1][1]].lower().strip(".,")
        if not (re.fullmatch(_CONNECTOR, last) or last in _NOT_NAME_WORDS):
            break
        hi -= 1
    if lo >= hi:
        return start, start
    start, end = words[lo][0], words[hi - 1][1]
    if text[end - 1] == "." and not _ABBREVIATION.fullmatch(text[words[hi - 1][0] : end]):
        end -= 1
    return start, end


def find_names(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Venues, places and people found in runs of capitalised words, by what surrounds them."""
    for m in _RUN_RE.finditer(text):
        start, end = _trim_run(text, m.start(), m.end())
        lead = _LEAD_PREP_RE.match(text, start, end)
        if lead and lead.end() < end:
            start = lead.end()  # "In San Jose." / "From LAX": the preposition starts the sentence
        if start < end:
            found = _classify_run(text, start, end, ctx)
            if found is not None:
                yield found
    for m in _NORDIC_CITY_RE.finditer(text):
        if m.group("prep") in {"in", "at"} or m.group("city")[0].isupper():
            continue  # capitalised ones came from the runs above
        city = m.group("city")
        yield fact("place", text, m.start("city"), m.end("city"), city.title(), 0.7)
    if ctx.role in {"customer", "note"}:
        yield from _people(text)


def _person(text: str, start: int, end: int, ctx: Context) -> ExtractedFact | None:
    """A person named by the customer (a relative, a payee); agents' words name too many others."""
    return fact("person", text, start, end, squash(text[start:end]), 0.6) if ctx.role == "customer" else None


def _classify_run(text: str, start: int, end: int, ctx: Context) -> ExtractedFact | None:
    """A venue, a person (a relative, a payee) or a place (after a preposition), or None."""
    tokens = text[start:end].split()
    first = tokens[0].lower().strip(".,")
    before = text[max(0, start - 60) : start]
    if _is_venue(tokens):
        return fact("venue", text, start, end, squash(text[start:end]), 0.8)
    if _VENUE_MARK_RE.search(before) and first not in _NOT_NAME_WORDS:
        return fact("venue", text, start, end, squash(text[start:end]), 0.65)
    if first in _KINSHIP and len(tokens) > 1 and not tokens[0].isupper():
        return _person(text, start, end, ctx)
    prep = _PREP_RE.search(before)
    if prep is None or first in _NOT_NAME_WORDS or not first[:1].isalpha():
        return None
    conj = _AND_RE.search(text, start, end)
    if conj:
        end = conj.start()  # "to Oslo and Bergen": the first place; the second has no preposition
    p = prep.group("prep")
    scandinavian_i = p == "i" and ctx.language != "en" or p == "I" and ctx.nordic
    if sum(c.isalpha() for c in text[start:end]) < 2 or (p in {"I", "i"} and not scandinavian_i):
        return None
    if p.lower() == "to" and _TRANSFER_RE.search(text[max(0, start - 80) : start].split(".")[-1]):
        return None if tokens[0].isupper() else _person(text, start, end, ctx)  # a payee, not "DMV"
    state = _STATE_RE.match(text, end)
    if state:
        end = state.end()
    conf = 0.75 if any(t.isupper() and len(t) > 1 for t in tokens) or len(tokens) > 1 else 0.7
    return fact("place", text, start, end, squash(text[start:end]), conf)


def _people(text: str) -> Iterator[ExtractedFact]:
    for pattern, lower_ok in ((_INTRO_RE, True), (_GREETING_INTRO_RE, False), (_SIGNATURE_RE, False)):
        for m in pattern.finditer(text):
            name = _PERSON_RE.match(text, m.end())
            if name is None and lower_ok:
                name = _LOWER_NAME_RE.match(text, m.end())
            if name is None:
                continue
            start, end = _trim_run(text, name.start(), name.end())
            words = text[start:end].split()
            if not words or any(w.lower().strip(".,") in _NOT_NAME_WORDS for w in words):
                continue
            if pattern is _SIGNATURE_RE and text[end:].strip(" \t\r").split("\n")[0].strip():
                continue  # a signature name ends its line
            if pattern is _GREETING_INTRO_RE and not _NAME_END.match(text, end):
                continue  # "Hi, I'm Anna from ..." but not "I am Disabled Veteran"
            value = text[start:end]
            normalized = squash(value) if any(c.isupper() for c in value) else value.title()
            yield fact("person", text, start, end, normalized, 0.9 if pattern is _INTRO_RE else 0.7)
