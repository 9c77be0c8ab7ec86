"""Offline detectors for the values a customer gives: dates, times, places, counts, amounts, names, ids.

Each detector finds spans in a text and types them with a slot name, sometimes qualified by the role the
surrounding words give the value ("from Oslo" is an ``origin``, "until the 14th" an ``end_date``). The
patterns cover English, Norwegian bokmål and nynorsk, Swedish and Danish at once: values look alike across
the five languages and a conversation may mix them.

Kinds used here (the vocabulary of :mod:`knowledge.text.kinds`): ``date`` ``end_date`` ``time``
``end_time`` ``duration`` ``place`` ``origin`` ``destination`` ``address`` ``party_size`` ``quantity``
``amount`` ``price`` ``price_range`` ``name`` ``recipient`` ``email`` ``phone`` ``order_number``
``tracking_number`` ``serial_number`` ``account_id`` ``product`` ``model`` ``size`` ``attachment``; and
``deictic_place`` / ``deictic_destination`` for "near there", "go there" (a place said earlier). Kinds of
things the text itself names ("2 rooms", "Italian food") are read by :mod:`knowledge.text.qualified`;
the workspace's own values by :mod:`knowledge.text.fieldvalues`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.spans import SpanSet
from knowledge.text.numbers import has_number, number_alternation

__all__ = ["Value", "extract_values", "has_number"]


@dataclass(frozen=True)
class Value:
    """A value found in a text: its slot (role-qualified), the text as written and its span."""

    slot: str
    text: str
    start: int
    end: int


_I = re.IGNORECASE

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "januar|februar|mars|marts|mai|desember|januari|februari|maj|augusti|"
    "jan|feb|mar|apr|jun|jul|aug|sept?|oct|okt|nov|dec|des"
)
_FULL_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "januar|februar|mars|marts|mai|juni|juli|desember|januari|februari|maj|augusti|oktober"
)
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|måndag|tysdag|laurdag|sundag|"
    "tisdag|lördag|söndag"
)
_ORD = r"\d{1,2}(?:st|nd|rd|th|\.|:e|:a)?"
_DATE = re.compile(
    r"\b(?:uke|uka|veke|veka|vecka|veckan|uge|ugen|week)\s*(?:nr\.?\s*|nummer\s+)?\d{1,2}(?!\d|[.,:/]\d)|"
    rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+{_ORD}(?!\d)"
    rf"|\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\s+of\s+(?:this|next|the)\s+month\b|\bthe\s+\d{{1,2}}(?:st|nd|rd"
    rf"|th)\b|\bden\s+\d{{1,2}}(?:\.|:e|:a)(?:\s+(?:{_MONTHS}))?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4}\b|(?!\d))|\b(?:today"
    r"|tomorrow|tonight|yesterday|day after tomorrow|later today|this (?:weekend|week)|next (?:week|month"
    r"|weekend)|i dag|idag|i morgen|imorgen|i morgon|imorgon|i overmorgen|i overmorgon|i övermorgon|i går"
    r"|igår|i kveld|i kväll|i aften|neste (?:uke|veke|helg)|nästa (?:vecka|helg)|næste (?:uge|weekend)"
    r"|i helgen|i helga|till helgen)\b"
    rf"|\b(?:(?:next|this|on|last|coming|neste|nästa|næste|på|kommende|førstkommende"
    rf"|kommande)\s+)?(?:{_WEEKDAYS})(?:\s+(?:this|next)\s+week)?\b"
    # a month on its own after a preposition of time: "pausa kortet under december", "fra januar", "in May"
    rf"|\b(?:i|in|under|during|fra|frå|från|from|til|till|until|through|gjennom|igjennom|hele|heile|hela"
    rf"|efter|etter|after|før|för|before|innen|inden|inom)\s+(?:{_FULL_MONTHS})\b(?!\.?\s*\d{{1,2}}(?!\d))",
    _I,
)
_END_ROLE = re.compile(
    r"(?:\b(?:until|till?|through|to|indtil|fram til|frem til|t\.o\.m\.)\s*(?:the|den)?|\b(?:return\w*|back"
    r"|drop(?:ping)?[- ]?off|check(?:ing)?[- ]?out|retur\w*|tilbake|tillbaka|tilbage|utsjekk\w*|utcheck\w*"
    r"|hjemreise|hemresa|slutt\w*|levere\w*|lämna\w*|aflever\w*)\b(?:\s+\w+){0,3}?)\s*$",
    _I,
)
_DAYS_UNIT = (
    r"days?|nights?|weeks?|months?|dager|døgn|netter|dagar|dygn|nätter|dage|nætter|uker|veker|veckor|uger"
    r"|måneder|månader|dag|natt|uke|veke|vecka|uge"
)
_PEOPLE_EN = (
    r"people|persons?|ppl|guests?|tickets?|seats?|passengers?|travell?ers?|riders?|adults?|kids|children"
    r"|individuals|diners|of us"
)
_PEOPLE_NORDIC = (
    r"personer|personar|person|billetter|billett|billettar|billet|biljetter|biljett|plasser|plass|pladser"
    r"|plads|platser|plats|gjester|gjestar|gäster|gæster|voksne|vaksne|vuxna|barn|børn|reisende|resenärer"
    r"|rejsende|passasjer\w*|passagerare|passagerer|deltak\w*|deltagare|deltagere"
)
_COUNT_UNITS: tuple[tuple[str, str, str], ...] = (
    ("party_size", _PEOPLE_EN, _PEOPLE_NORDIC),
    (
        "quantity",
        r"bags?|items?|pieces?|units?|pcs",
        r"stk|stykk\w*|styck\w*|pakker|paket|kolli|kofferter|väskor",
    ),
)
_CURRENCY = re.compile(
    # number runs are bounded ({0,24}, not *): an unbounded run backtracks from every digit of a long run of
    # numbers (quadratic; a 3 KB message of "1234 5678 ..." took 6 s)
    r"(?:[$€£]\s?\d[\d,. ]{0,24}\d|[$€£]\s?\d)(?:\s?(?:k|thousand))?"
    r"|\b\d[\d,. ]{0,24}\d?\s?(?:dollars?|bucks|usd|eur|euros?|kr\b\.?|kroner|kronor|nok|sek|dkk|,-)"
    r"|\b(?:kr\.?|nok|sek|dkk|usd|eur)\s?\d[\d,. ]{0,24}\d?\b"
    r"|\b(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|hundred|thousand|and|a)\s+)*(?:hundred|thousand)\s+(?:dollars?|bucks|euros?|kroner"
    r"|kronor)\b",
    _I,
)
_TRANSFER_CTX = re.compile(
    r"\b(?:transfer\w*|send\w*|pay\w*|move|moving|refund\w*|wire|overfør\w*|overføring\w*|betal\w*|skick\w*"
    r"|föra över|för över|överför\w*|refusjon|återbetal\w*|tilbakebetal\w*|swish\w*|vipps\w*)\b",
    _I,
)
_PRICE_CTX = re.compile(
    r"\b(?:cost\w*|price\w*|balance|fee|per|total|rent|koster|kostar|pris\w*|saldo\w*|avgift\w*|gebyr\w*|leie"
    r"|hyra|husleie|rate)\b",
    _I,
)
_BUDGET_CTX = re.compile(
    r"\b(?:under|below|less than|max(?:imum)?|budget|up to|at most|inntil|maks|högst|højst|opptil|upp till"
    r"|op til|budsjett)\s*$",
    _I,
)
_PRICE_WORDS = re.compile(
    r"\b(?:cheap|inexpensive|expensive|affordable|budget|billig\w*|rimelig\w*"
    r"|dyr|dyrt|dyre|prisgunstig\w*|prisvärd\w*)\b",
    _I,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+$€£])(?:\+|00)?\d[\d\s\-().]{6,}\d(?![\w%])")
_CODE = r"#?(?=[A-Z0-9\-/]*\d[A-Z0-9\-/]*\d[A-Z0-9\-/]*\d)[A-Z0-9][A-Z0-9\-/]{2,}[A-Z0-9]"
_ID_CONTEXTS: tuple[tuple[str, str], ...] = (
    (
        "tracking_number",
        r"tracking|track|sporing\w*|spårning\w*|sendingsnummer\w*|sändningsnummer\w*|forsendelse\w*"
        r"|försändelse\w*|kolli\w*|shipment|parcel|package|pakke\w*|paket\w*|waybill|consignment",
    ),
    ("serial_number", r"serial|s/n|imei|serie\w*"),
    (
        "account_id",
        r"customer|member(?:ship)?|account number|account id|client|user ?name|kunde\w*|kund\w*|medlem\w*"
        r"|kontonummer\w*|brukernavn\w*|brukarnamn\w*|användarnamn\w*|brugernavn\w*",
    ),
    (
        "order_number",
        r"orders?|ordre\w*|order\w*|bestilling\w*|beställning\w*|booking\w*|bokning\w*|reference|ref"
        r"|referanse\w*|referens\w*|reference\w*|invoice|faktura\w*|receipt|kvittering\w*|kvitto\w*"
        r"|confirmation|sak\w*|case",
    ),
)
_IDS = [
    (slot, re.compile(rf"\b(?:{ctx})\b[^.!?\n]{{0,30}}?(?P<code>{_CODE})(?![\w])", _I))
    for slot, ctx in _ID_CONTEXTS
]
_BARE_IDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tracking_number", re.compile(r"\b[A-Z]{2}\d{9}[A-Z]{2}\b|\b1Z[0-9A-Z]{16}\b")),
    ("order_number", re.compile(r"(?<![\w&])#\s?\d{3,}\b")),
)

_CAP = r"(?:[A-ZÆØÅÄÖ][\w'’.-]*|[A-ZÆØÅÄÖ]{2,})"
_PLACE_SEQ = (
    rf"{_CAP}(?:\s+(?:{_CAP}|de|la|del)(?=\s|[,.!?]|$))*(?:,\s?[A-Z]{{2}}\b|,\s?(?:UK|USA|England"
    r"|India|Canada|Australia|Norway|Norge|Sverige|Danmark))?"
)
_ORIGIN_PREP = r"from|fra|frå|från|out of|leaving|leave|depart\w*|avreise fra"
_DEST_PREP = r"to|til|till|towards|into|heading to|going to|visiting|visit|reach|mot|mod"
_PLACE_PREP = r"in|at|near|around|på|ved|vid|rundt|omkring|nær|nära|nearby|close to|outside"
_PLACE_RE = re.compile(
    rf"(?<![\w'])(?P<prep>(?i:{_ORIGIN_PREP}|{_DEST_PREP}|{_PLACE_PREP})"
    rf"|i)\s+(?:[Tt]he\s+)?(?P<place>{_PLACE_SEQ})"
)
_LOWER_PLACE_RE = re.compile(
    r"(?<![\w'])(?P<prep>in|from|near|around|out of|look in"
    r"|search in)\s+(?P<place>[a-z][a-z.-]{1,}(?:\s[a-z]{2,})?)(?=\s*(?:[.,!?]|$|\b(?:on|for|and|at|please"
    r"|from|to|with|if|tomorrow|today|next|this)\b))"
)
_ABBREV = re.compile(r"\b[A-Z]{2,4}\b")
_NOT_PLACE_ABBREV = frozenset(
    (
        "OK TV ID PM AM ASAP FYI USD EUR NOK SEK DKK PIN SMS IMEI PDF URL API BTW CEO DIY ETA FAQ GPS PS "
        "VAT MVA MOMS ATM CC BCC RE FW IT HR NO YES SUV BMW VW AC TBD AND THE BUT NOT MVH"
    ).split()
)
_NOT_PLACE_WORDS = frozenset(
    (
        "i please thanks thank hi hello hey yes no ok okay sure the a an my your our their this that "
        "these those there here it me us you them him her mind total advance general time order fact "
        "addition case person town cash full use make find get go see be do have book buy pay reserve "
        "rent leave stay visit watch take pick check know transfer send keep travel return help eat try "
        "attend change confirm look search some any one two three four five all both each every morning "
        "afternoon evening night day week month year today tomorrow tonight cheap between stock line "
        "touch trouble bed work school home theirs mine yours love question english norwegian swedish "
        "danish private public whole another other something anything nothing everything somewhere "
        "anywhere area city place hotel restaurant car bus flight ride cab taxi event events concert game "
        "games apartment house room rooms account mom dad brother sister friend friends family wife "
        "husband son daughter uncle aunt mother father grandma grandpa cousin boss partner people which "
        "what where when how who van jeans store shop queue date dates particular detail details progress "
        "transit charge contact front back writing his its and or but to of for with at by on in as if so "
        "not just"
    ).split()
)
_NOT_PLACE_CAP = frozenset(
    (
        "I I'm I'd I'll I've Please Thanks Thank Hi Hello Hey Yes No Ok OK Okay Sure The A An My Your "
        "This That There It We You He She They Can Could Would Will Is Are Do Does Did What Which When "
        "Where Who How Why Also And But Or So Then Just Great Perfect Good Nice Cool Fine Jeg Eg Jag Vi "
        "Du Hei Hej Takk Tack Tak Ja Nei Nej Mvh Hilsen Med Det Den Og Men Kan Hva Kva Vad Hvad Når När "
        "Hvornår Hvor Kvar Var "
        "Christmas Easter Jul Påske Påsk"
    ).split()
)
_NAME_RE = re.compile(
    rf"\b(?i:my name is|my name's|name is|this is|i am|i'm|jeg heter|eg heiter|jag heter|jeg hedder"
    rf"|mitt navn er|mitt namn er|mitt namn är|mit navn er|navnet mitt er|namnet mitt er|namnet er|navnet er"
    rf"|namnet är)\s+(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})",
)
_SIGNOFF_RE = re.compile(
    r"(?:^|\n)\s*(?i:mvh|m\.v\.h\.|hilsen|helsing|vennlig hilsen|med vennlig hilsen|med venleg helsing"
    r"|venleg helsing|med vänlig hälsning|vänliga hälsningar|hälsningar|mvh,|venlig hilsen|med venlig hilsen"
    r"|best regards|kind regards|regards|best|thanks|thank you|cheers|sincerely|br)[,.!]?\s*\n?\s*"
    rf"(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})\s*$",
)
_RELATION = (
    r"mom|mum|mother|dad|father|sister|brother|uncle|aunt|wife|husband|friend|son|daughter|grandma|grandpa"
    r"|cousin|mamma|mor|pappa|far|søster|syster|bror|onkel|tante|kone|mann|venn|ven|vän|sønn|son|datter"
    r"|dotter"
)
_RECIPIENT_RE = re.compile(
    rf"\b(?:to|for|til|till)\s+(?:my\s+|min\s+|mi\s+|mitt\s+)?(?P<name>(?:(?:{_RELATION})\b(?:\s+{_CAP})?)"
    rf"|{_CAP}(?:\s+{_CAP})?)|\baccount of\s+(?P<name2>(?:{_RELATION})\b|{_CAP})"
    rf"|\b(?P<name3>{_CAP})'s\s+(?:\w+\s+)?account\b",
)
_ATTACHMENT = re.compile(
    r"\battach(?:ed|ing|ment)?\b|\benclosed\b|\bhere(?:'s| is) (?:a |the )?(?:photo|picture|image|screenshot"
    r"|receipt|copy)\b|\bvedlagt\w*|\bvedlegg\w*|\b(?:legg(?:er)?|lagt|la|lagde) ved\b|\bbifoga\w*"
    r"|\bvedhæft\w*"
    r"|\b(?:sendt|sende|sender|send) (?:(?:dere|dykk|jer|dig|deg|you) )?(?:et |eit |en |a |some |noen |nokre "
    r"|nogle )?(?:bilde|bilete|billede|billeder|bilder|photo|photos|picture|pictures|kopi)\w*\b"
    r"|\bskickat (?:en |ett )?(?:bild|foto|kopia)\w*\b|\bse (?:bilde|bild|billede)\b",
    _I,
)
_PRODUCT_RE = re.compile(
    r"\b(?:bought|ordered|purchased|got|own|received|kjøpte|kjøpt|bestilte|bestilt|kjøypte|köpte|köpt"
    r"|beställde|beställt|købte|købt|fekk|fikk|fick|fik)\s+(?:a|an|the|my|some|two|en|ei|et|ett|ein|eit|min"
    r"|mitt|mine|mi|mina|mit|den|det|de|to|två)?\s*(?P<prod>[\w-]+(?:\s+[A-Z0-9][\w-]*){0,3})"
    r"|\b(?P<model>[A-Z][a-zA-Z]+\s+[A-Z]?\d+[A-Za-z]*)\b",
)
_SIZE_RE = re.compile(
    r"\b(?i:size|str\.?|strl\.?|størrelse|storlek|størrelsen|storleken|storleik|storleiken|stl\.?)\s*:?\s*(?P<size>XXXL|XXL|XL|XXS|XS|S"
    r"|M|L|\d{1,3}(?:[.,]5)?)(?!\w)"
)
_ADDRESS_RE = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w.]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Boulevard|Blvd|Lane|Ln|Way"
    r"|Court|Ct|Place|Pl|Terrace|Common|Circle|Highway|Hwy|Parkway|Square|Sq)\b\.?"
    r"|\b[A-ZÆØÅÄÖ][\wæøåäö.-]*(?:gata|gaten|gate|gatan|gade|vei|veien|vegen|veg|väg|vägen|vej|vejen|allé"
    r"|alle|plass|plassen|torg|torget|torv|stien|stig|gränd|bakken"
    r"|backen)\s+\d+\s?[A-Za-z]?\b(?:,?\s+\d{3}\s?\d{1,2}\s+[A-ZÆØÅÄÖ][\wæøåäö]+)?"
    r"|\b\d{4}\s+[A-ZÆØÅ][a-zæøå]+\b(?=\s*(?:$|[.,\n]))|\b\d{3}\s\d{2}\s+[A-ZÅÄÖ][a-zåäö]+\b",
)
_DEICTIC_PLACE = re.compile(
    r"\b(?:(?:go|get|ride|travel|headed|heading|drive|take me|going|bring me)\s+there|(?:near|around|close to"
    r"|in)\s+(?:there|that area|the (?:same )?area|that city|the same city|that place)|same (?:area|city"
    r"|place)|der borte|i nærheten|i området|i samme by|dit|i närheten|i samma stad)\b",
    _I,
)


@dataclass(frozen=True)
class _Numeric:
    """Patterns built from the number-word lexicons (compiled on first use, not at import)."""

    time: re.Pattern[str]
    duration: re.Pattern[str]
    count: list[tuple[str, re.Pattern[str]]]
    party: re.Pattern[str]


@lru_cache(maxsize=1)
def _numeric() -> _Numeric:
    en_numbers = number_alternation(("en",))
    nordic_numbers = number_alternation(("nb", "nn", "sv", "da"), articles=True)
    number_words = f"{en_numbers}|{nordic_numbers}"
    num = rf"(?:\d{{1,3}}|{number_words})"
    time = re.compile(
        r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b(?![./]\d)"
        r"|\b(?:half|quarter)\s+(?:past|to)\s+\w+(?:\s+in\s+the\s+(?:morning|afternoon|evening))?"
        rf"|\b(?:\d{{1,2}}|{number_words})\s+(?:o'clock|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
        r"|\b(?:morning|evening|afternoon)\s+\d{1,2}\b|\b(?:noon|midday|midnight)\b|\b(?:kl\.?|klokka|klokken"
        r"|klockan)\s*\d{1,2}(?:[:.]\d{2})?"
        r"|\b(?:halv|kvart over|kvart på|kvart i)\s+(?:\d{1,2}|[a-zæøåäö]+)\b",
        _I,
    )
    duration = re.compile(
        rf"\b(?:{num}|a|an|one|\d+)\s+(?:{_DAYS_UNIT})\b|\bfor\s+(?:a|one)\s+(?:week|night|day|month)\b"
        rf"|\bstay\s+{num}\s*(?=[.,!?]|$|\s+(?:and|og|och|from|starting|fra|från))",
        _I,
    )
    count = [
        (
            slot,
            re.compile(
                rf"\b(?:(?:\d{{1,3}}|{en_numbers})\s+(?:[a-z]+\s+){{0,2}}(?:{en})|(?:\d{{1,3}}"
                rf"|{nordic_numbers})\s+(?:[a-zæøåäö]+\s+)?(?:{nordic}))\b",
                _I,
            ),
        )
        for slot, en, nordic in _COUNT_UNITS
    ]
    party = re.compile(
        rf"\bparty of\s+{num}\b|\b(?:table|reservation|booking|tickets?|seats?|ride|bord|bord"
        rf"|plass)\s+for\s+{num}\b|\bfor\s+{num}(?=\s*(?:[.,!?]|$|and\b|on\b|at\b|please\b|people\b|og\b|och\b"
        rf"|til\b|till\b))|\b(?:we are|we're|there are|vi er|vi är|vi blir|vi bliver)\s+{num}\b"
        rf"|\b{num}\s+of us\b"
        r"|\b(?:just|only)\s+(?:me|myself|one|for one|for me)\b|\bby myself\b|\bfor one\b|\bjust for one\b"
        r"|\b(?:bare|berre|bara|kun)\s+(?:meg|mig|mej|eg|jeg|jag|én|ein|en)\b|\balene\b|\baleine\b|\bensam\b",
        _I,
    )
    return _Numeric(time, duration, count, party)


def _overlaps(spans: SpanSet, start: int, end: int) -> bool:
    return spans.overlaps(start, end)


def _date_role(text: str, start: int) -> str:
    before = text[max(0, start - 30) : start]
    return "end_date" if _END_ROLE.search(before) else "date"


def _amount_role(text: str, start: int, speaker: str) -> str:
    before = text[max(0, start - 45) : start]
    if _BUDGET_CTX.search(before):
        return "price_range"
    lo = max(0, start - 300)  # a clause is short: never scan back through the whole text (quadratic)
    sentence_start = max(text.rfind(".", lo, start), text.rfind("\n", lo, start), text.rfind("!", lo, start))
    clause = text[max(sentence_start + 1, lo) : start]
    if _TRANSFER_CTX.search(clause):
        return "amount"
    if _PRICE_CTX.search(clause) or _PRICE_CTX.search(text[start : start + 25]):
        return "price"
    return "amount" if speaker == "customer" else "price"


def _place_role(prep: str) -> str:
    p = prep.lower()
    if re.fullmatch(_ORIGIN_PREP, p):
        return "origin"
    if re.fullmatch(_DEST_PREP, p):
        return "destination"
    return "place"


def _ids(text: str, found: list[Value], taken: SpanSet) -> None:
    for slot, rx in _IDS:
        for m in rx.finditer(text):
            s, e = m.span("code")
            if not _overlaps(taken, s, e):
                found.append(Value(slot, m.group("code"), s, e))
                taken.append((s, e))
    for slot, rx in _BARE_IDS:
        for m in rx.finditer(text):
            if not _overlaps(taken, *m.span()):
                found.append(Value(slot, m.group(0), *m.span()))
                taken.append(m.span())


def _contacts(text: str, found: list[Value], taken: SpanSet) -> None:
    for m in _EMAIL.finditer(text):
        found.append(Value("email", m.group(0), *m.span()))
        taken.append(m.span())
    _ids(text, found, taken)
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if not 8 <= len(digits) <= 15 or _overlaps(taken, *m.span()):
            continue
        if re.search(r"\d[.,]\d{2}$|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$", m.group(0).strip()):
            continue
        found.append(Value("phone", m.group(0).strip(), *m.span()))
        taken.append(m.span())
    for m in _ADDRESS_RE.finditer(text):
        if not _overlaps(taken, *m.span()):
            found.append(Value("address", m.group(0), *m.span()))
            taken.append(m.span())


def _temporal(text: str, speaker: str, found: list[Value], taken: SpanSet) -> None:
    for m in _CURRENCY.finditer(text):
        if not _overlaps(taken, *m.span()):
            found.append(Value(_amount_role(text, m.start(), speaker), m.group(0).strip(), *m.span()))
            taken.append(m.span())
    for m in _numeric().time.finditer(text):
        if not _overlaps(taken, *m.span()):
            role = "end_time" if _date_role(text, m.start()) == "end_date" else "time"
            found.append(Value(role, m.group(0), *m.span()))
            taken.append(m.span())
    for m in _DATE.finditer(text):
        if not _overlaps(taken, *m.span()):
            found.append(Value(_date_role(text, m.start()), m.group(0), *m.span()))
            taken.append(m.span())
    for m in _numeric().duration.finditer(text):
        if not _overlaps(taken, *m.span()):
            found.append(Value("duration", m.group(0), *m.span()))
            taken.append(m.span())
    for slot, rx in _numeric().count:
        for m in rx.finditer(text):
            if not _overlaps(taken, *m.span()):
                found.append(Value(slot, m.group(0), *m.span()))
                taken.append(m.span())
    for m in _numeric().party.finditer(text):
        if not _overlaps(taken, *m.span()):
            found.append(Value("party_size", m.group(0), *m.span()))
            taken.append(m.span())
    for m in _PRICE_WORDS.finditer(text):
        found.append(Value("price_range", m.group(0), *m.span()))


def _people(text: str, context: str, found: list[Value], taken: SpanSet) -> None:
    for m in _NAME_RE.finditer(text):
        name = m.group("name")
        if name.split()[0] not in _NOT_PLACE_CAP and not _overlaps(taken, *m.span("name")):
            found.append(Value("name", name, *m.span("name")))
            taken.append(m.span("name"))
    m2 = _SIGNOFF_RE.search(text)
    if m2:
        found.append(Value("name", m2.group("name"), *m2.span("name")))
        taken.append(m2.span("name"))
    if _TRANSFER_CTX.search(text) or _TRANSFER_CTX.search(context):
        for m in _RECIPIENT_RE.finditer(text):
            group = next(g for g in ("name", "name2", "name3") if m.group(g))
            name = m.group(group).rstrip(".,'’")
            if name.split()[0] in _NOT_PLACE_CAP or _overlaps(taken, *m.span(group)):
                continue
            s = m.start(group)
            found.append(Value("recipient", name, s, s + len(name)))
            taken.append((s, s + len(name)))


def _places(text: str, found: list[Value], taken: SpanSet) -> None:
    for m in _PLACE_RE.finditer(text):
        place = m.group("place").rstrip(".,")
        first = place.split()[0]
        if first in _NOT_PLACE_CAP or re.fullmatch(rf"(?:{_MONTHS}|{_WEEKDAYS})", first, _I):
            continue
        s, e = m.start("place"), m.start("place") + len(place)
        if _overlaps(taken, s, e):
            continue
        found.append(Value(_place_role(m.group("prep")), place, s, e))
        taken.append((s, e))
    for m in _LOWER_PLACE_RE.finditer(text):
        place = m.group("place").strip(".")
        words = place.split()
        if any(w in _NOT_PLACE_WORDS for w in words) or re.fullmatch(rf"(?:{_MONTHS}|{_WEEKDAYS})", words[0]):
            continue
        s = m.start("place")
        if _overlaps(taken, s, s + len(place)):
            continue
        found.append(Value(_place_role(m.group("prep").split()[-1]), place, s, s + len(place)))
        taken.append((s, s + len(place)))
    if not text.isupper():
        for m in _ABBREV.finditer(text):
            if m.group(0) not in _NOT_PLACE_ABBREV and not _overlaps(taken, *m.span()):
                found.append(Value("place", m.group(0), *m.span()))
                taken.append(m.span())


def _topics(text: str, speaker: str, found: list[Value], taken: SpanSet) -> None:
    if speaker == "customer":
        for m in _ATTACHMENT.finditer(text):
            found.append(Value("attachment", m.group(0), *m.span()))
        for m in _PRODUCT_RE.finditer(text):
            group = "prod" if m.group("prod") else "model"
            if not _overlaps(taken, *m.span(group)):
                item = m.group(group)
                specific = group == "model" or bool(re.search(r"\d|\s[A-Z]|^[A-Z]", item))
                found.append(Value("model" if specific else "product", item, *m.span(group)))
        for m in _SIZE_RE.finditer(text):
            found.append(Value("size", m.group("size"), *m.span("size")))
    for m in _DEICTIC_PLACE.finditer(text):
        role = "destination" if re.search(r"there$|dit$", m.group(0), _I) else "place"
        found.append(Value(f"deictic_{role}", m.group(0), *m.span()))


def extract_values(text: str, *, speaker: str = "customer", context: str = "") -> list[Value]:
    """Find the typed values a text gives.

    Args:
        text: one message or sentence.
        speaker: "customer" or "agent"; some values (amounts without context, preferences) are read
            differently when an agent states them.
        context: the message this one answers, if any ("Do you want to make a transfer?" makes "to Kari"
            a recipient).

    Returns:
        Values in the order the detectors found them; spans do not overlap across detectors that claim
        the same characters (ids before phones before dates before places).
    """
    found: list[Value] = []
    taken = SpanSet()
    _contacts(text, found, taken)
    _temporal(text, speaker, found, taken)
    _people(text, context, found, taken)
    _places(text, found, taken)
    _topics(text, speaker, found, taken)
    return found
