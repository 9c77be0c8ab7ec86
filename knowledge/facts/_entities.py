"""Named things: postal addresses, places, venues and people (products live in ``_products``).

Precision first: these land on the agent's "what we already know" card, so a capitalised word is a place
only after a location preposition ("i Bergen", "from LAX") and when it is no carrier or payment service
("fra Bring", "på Vipps"), a venue only with a venue word or hotel brand ("Bahia Resort Hotel", "Scandic
Holberg"), and a person only after "my name is" and its Scandinavian twins or in a signature. An address
never runs over a line break into the next line ("Sjøgata 7, 8006 Bodø\n\nRune").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.facts._base import Context, ExtractedFact, fact, squash
from knowledge.facts._lexicon import (
    CARRIERS,
    HOTEL_BRANDS,
    MONTHS,
    NORDIC_CITIES,
    NOT_NAMES,
    PAYMENT_BRANDS,
    PLACE_PREPOSITIONS,
    RELATIVE_DAYS,
    VENUE_WORDS,
    WEEKDAYS,
)
from knowledge.text.lexicons import alternation
from knowledge.text.lexicons import words as lexicon_words

_I = re.IGNORECASE
UP = "A-ZÆØÅÄÖÜÉ"
_UP = UP
_CAP = rf"[{_UP}][\w'’.&-]*"
_NOT_NAME_WORDS = NOT_NAMES | frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset(RELATIVE_DAYS)
LEADING_JUNK = _NOT_NAME_WORDS | frozenset(p for p in PLACE_PREPOSITIONS if " " not in p) | {"i"}
_LEADING_JUNK = LEADING_JUNK

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
    rf"(?:(?:,?[ \t]+|,?[ \t]*\n[ \t]*)(?:[A-Z]{{1,2}}-)?(?P<post>\d{{4}}|\d{{3}}[ \t]\d{{2}})[ \t]+"
    rf"(?P<city>{_CITY}(?:[ \t]+{_CITY})?(?:[ \t]+[{_UP}]{{1,2}}(?![\w]))?))?"
)
_NORDIC_ADDRESS_RE = re.compile(
    rf"(?<![\w-])(?P<street>(?:[{_UP}][^\W\d_]*(?:[.'-][^\W\d_]*)*[ \t]+){{0,3}}{_STREET_WORD})[ \t]+"
    rf"(?P<no>\d{{1,4}}(?:[A-Za-z]|[ \t][A-Z])?(?![\w])(?:-\d{{1,4}})?)"
    rf"(?!\.?[ \t]+(?i:{alternation(MONTHS)})\b)"
    rf"(?!\s*(?i:kr\b|%|,-|:-|stk|personer|billetter|dager|timer))"
    rf"(?:,?\s*(?i:\d{{1,2}}\.\s?(?:tv|th|mf|sal)\.?|(?:lgh|leil\.?|leilighet|lägenhet|lejl\.?)\s*\w+))?"
    rf"{_POSTCODE_CITY}(?!\w)"
)
# A street written without a street word is an address only with its postcode and city after it
# ("Nedre Tveit 14, 5700 Voss", "Åboulevarden 21, 8000 Aarhus C").
_POSTCODED_ADDRESS_RE = re.compile(
    rf"(?<![\w-])(?P<street>(?:[{_UP}][^\W\d_]*[ \t]+){{0,2}}[{_UP}][^\W\d_]+)[ \t]+"
    rf"(?P<no>\d{{1,4}}[A-Za-z]?)(?![\w])(?:[ \t]*,)?[ \t]+(?P<post>\d{{4}}|\d{{3}}[ \t]\d{{2}})[ \t]+"
    rf"(?P<city>{_CITY}(?:[ \t]+{_CITY})?(?:[ \t]+[{_UP}]{{1,2}}(?![\w]))?)(?!\w)"
)
_EN_STREET_TYPES = (
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way",
    "court", "ct", "place", "pl", "terrace", "square", "sq", "parkway", "pkwy", "highway", "hwy", "circle",
    "cir", "crescent", "close", "gardens", "row", "mews", "walk", "plaza", "alley",
)  # fmt: skip
_EN_ADDRESS_RE = re.compile(
    rf"(?<![\w.,-])(?P<no>\d{{1,5}}[A-Za-z]?)\s+(?P<street>(?:{_CAP}\s+){{1,4}}(?i:{alternation(_EN_STREET_TYPES)})\.?)"
    rf"(?!\w)(?:\s*(?:#\s?\d+\w*|(?:Apt|Suite|Unit|Flat)\.?\s?\w+))?"
    rf"(?:,[ \t]+(?P<city>{_CITY}(?:[ \t]+{_CITY}){{0,2}}))?"
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
        lead = _strip_leading_common(words, _ADDRESS_LABELS)
        if not lead:
            continue
        start = m.start() + street.rfind(" ".join(lead))
        conf = 0.9 if m.group("post") else 0.7
        yield fact("address", text, start, m.end(), squash(text[start : m.end()]), conf)
    for m in _POSTCODED_ADDRESS_RE.finditer(text):
        lead = _strip_leading_common(m.group("street").split(), _ADDRESS_LABELS)
        if not lead:
            continue
        start = m.start() + m.group("street").rfind(" ".join(lead))
        yield fact("address", text, start, m.end(), squash(text[start : m.end()]), 0.85)
    for m in _EN_ADDRESS_RE.finditer(text):
        conf = 0.9 if (m.group("zip") or m.group("city")) else 0.75
        yield fact("address", text, m.start(), m.end(), squash(m.group(0)), conf)


_ADDRESS_LABELS = frozenset(
    {
        "adresse", "adressa", "adress", "address", "adr", "adressen", "gateadresse", "leveringsadresse",
        "leveransadress", "leveringsadressen", "leveransadressen", "postadresse", "postadress",
        "hjemmeadresse", "hemadress", "ny", "nye", "nya", "new", "gamle", "gamla", "old", "bor", "bur",
        "home", "delivery", "levering", "leverans", "kunden", "customer",
    }
)  # fmt: skip


def _strip_leading_common(words: list[str], extra: frozenset[str] = frozenset()) -> list[str]:
    """Drop leading capitalised words that are not names ("My", "The", "I", "Adresse") from a token list."""
    i = 0
    while i < len(words) - 1 and (w := words[i].lower().strip(".,:")) and (w in _LEADING_JUNK or w in extra):
        i += 1
    return words[i:]


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
    r"(?<![\w])(?:my\s+name\s+is|my\s+name's|my\s+names|name's|under\s+the\s+name(?:\s+of)?|"
    r"(?:i|på|under)\s+(?:navnet|namnet)|name\s*:|navn\s*:|namn\s*:|i\s+am\s+called|"
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
    r"(?:^|(?<=\n)|(?<=[.!])\s+)\s*(?:(?:med|with)\s+)?(?:mvh\.?|med\s+vennlig\s+hilsen|vennlig\s+hilsen|hilsen|helsing|venleg\s+helsing|"
    r"med\s+venleg\s+helsing|med\s+venlig\s+hilsen|venlig\s+hilsen|hilsner|med\s+vänlig\s+hälsning|"
    r"vänliga\s+hälsningar|vänlig\s+hälsning|hälsningar|mvh|kind\s+regards|best\s+regards|regards|"
    r"best\s+wishes|sincerely|cheers|best|all\s+the\s+best|thanks|many\s+thanks|thanks\s+again|thank\s+you|"
    r"takk|tusen\s+takk|mange\s+takk|takk\s+for\s+hjelpen|tack|tack\s+på\s+förhand|stort\s+tack|tak|mange\s+tak|"
    r"på\s+forhånd\s+takk|hilsning|venlig\s+hilsen|de\s+bedste\s+hilsner|bedste\s+hilsner|hälsning|"
    r"beste\s+hilsen|beste\s+helsing|mvh\.?)[,.!]?[ \t]*(?:\n[ \t]*){0,2}",
    _I,
)
# A name alone that ends a message after a blank line or a sentence ("...\n\nTom Reilly", "Ingen har kommet
# ennå. Per", "Patient no. PT-60310. Sam"): the sender signing without a sign-off word.
_BARE_SIGN_RE = re.compile(r"(?:\n[ \t]*\n|(?<=[.!?])[ \t]+|(?<=[.!?])\n)[ \t]*(?=[^\W\d_][^\n]{0,40}\s*$)")
# A sign-off with a slash ("/Sara Holm", "/ Anders") on a line of its own.
_SLASH_SIGN_RE = re.compile(r"(?:^|\n|(?<=[.!?])[ \t]+)[ \t]*/[ \t]*(?=[^\W\d_])")
# Agents' notes name the customer after a word for customer or caller ("Kunde Arne Vik", "Customer: Eva
# Berg") or after the note's heading ("Call: Daniel Okafor,", "Samtal 3/3: Eva Berg,", "Opkald: Lars Dahl,").
_NOTE_WORD = (
    r"(?:kunde|kunden|kund|customer|caller|client|klient|innringer|uppringare|pasient|patient|pasienten"
    r"|patienten)"
)
_NOTE_INTRO_RE = re.compile(rf"(?<![\w]){_NOTE_WORD}\b\s*(?::|\()?[ \t]*(?=[^\W\d_])", _I)
# The heading itself may end in a colon or a dash after a time ("Kunde ringte 02.02 kl 13: Per Olav Nygård,",
# "Call 14/05 09:20 — Sarah Whitfield,"): tried on its own, so that a word for customer inside the heading
# does not hide it.
_NOTE_HEAD_RE = re.compile(r"^(?:[^\n]{1,30}?:(?=[ \t])|[^\n—–]{1,30}?\s[—–-])[ \t]+", _I)
_NOTE_NAME_END = re.compile(
    r"\s*(?:$|[,.:;!()\n]|(?:skal|ska|skall|will|må|must|trenger|treng|behöver|needs|ringte|ringde|ringet|ringede|ringde|called|rang|phoned|ringer|ringjer|har|hadde|hade"
    r"|havde|has|had|er|är|is|was|var|vil|vill|ønsker|önskar|wants|fikk|fick|fik|fekk|meldte|melder|reports"
    r"|klager|klagar|sier|seier|säger|siger|says|skriver|mener|meiner|menar|mener|spør|spurte|frågar)\b)",
    _I,
)
_SIGN_CONTACT = re.compile(r",[ \t]*\S[^\n]*[\d@]")  # "Camilla Friis, 30 22 71 55" on the name's line
_NAME_END = re.compile(r"\s*(?:$|[,.!\n]|(?:from|here|fra|från|frå|her|här|og|and|och)\b)", _I)
_PERSON_RE = re.compile(rf"{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,3}}")  # a name never spans lines
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
        yield from _people(text, ctx.role)


def _person(text: str, start: int, end: int, ctx: Context) -> ExtractedFact | None:
    """A person named by the customer (a relative, a payee); agents' words name too many others."""
    return fact("person", text, start, end, squash(text[start:end]), 0.6) if ctx.role == "customer" else None


def _classify_run(text: str, start: int, end: int, ctx: Context) -> ExtractedFact | None:
    """A venue, a person (a relative, a payee) or a place (after a preposition), or None."""
    tokens = text[start:end].split()
    first = tokens[0].lower().strip(".,")
    if _is_service(text[start:end]):
        return None  # "fra Bring", "på Vipps": a carrier or a payment service, not a place
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


def _is_service(name: str) -> bool:
    low = " ".join(name.lower().split())
    head = low.split("-")[0]
    return any(n in CARRIERS or n in PAYMENT_BRANDS for n in (low, head))


def _one_word_sentence(word: str) -> bool:
    """A word that makes a sentence on its own ("Takk", "Hjelp", "Asap"): lexicon ``one_word_sentences``."""
    return word.lower().strip(".,!?") in lexicon_words("one_word_sentences") | lexicon_words("function_words")


def _people(text: str, role: str = "customer") -> Iterator[ExtractedFact]:
    patterns = [(_INTRO_RE, True), (_GREETING_INTRO_RE, False), (_SIGNATURE_RE, False)]
    patterns += [(_SLASH_SIGN_RE, False), (_BARE_SIGN_RE, False)]
    if role == "note":
        patterns += [(_NOTE_INTRO_RE, False), (_NOTE_HEAD_RE, False)]
    for pattern, lower_ok in patterns:
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
            rest = text[end:].strip(" \t\r").split("\n")[0].strip()
            if pattern is _BARE_SIGN_RE and (
                _SIGNATURE_RE.match(text, m.end()) is not None
                or len(words) > 3
                or text[end:].strip()
                or (len(words) == 1 and _one_word_sentence(words[0]))
            ):
                continue  # a name alone ends the message; "Hjelp" or "Takk" alone is no name
            if pattern in (_SIGNATURE_RE, _SLASH_SIGN_RE) and rest and not _SIGN_CONTACT.match(rest):
                continue  # a signature name ends its line, or a contact detail follows it
            if pattern in (_NOTE_INTRO_RE, _NOTE_HEAD_RE) and (
                len(words) < 2
                or not _NOTE_NAME_END.match(text, end)
                or re.fullmatch(_NOTE_WORD, words[0].rstrip(":"), _I) is not None
            ):
                continue  # a first and a last name, then the note goes on: "Kunde Arne Vik, ..."
            if pattern is _GREETING_INTRO_RE and not _NAME_END.match(text, end):
                continue  # "Hi, I'm Anna from ..." but not "I am Disabled Veteran"
            value = text[start:end]
            normalized = squash(value) if any(c.isupper() for c in value) else value.title()
            yield fact("person", text, start, end, normalized, 0.9 if pattern is _INTRO_RE else 0.7)
