"""Payment methods, company names and colours.

A payment service or card scheme is a payment method wherever it is named ("Vipps", "Klarna faktura",
"MobilePay", "Swish-nummer"); a generic one ("kort", "faktura", "invoice", "delbetaling") only where a
payment is spoken of ("betalte med kort", "paid by card", "tilbake på kortet"). A company is a run of
capitalised words ending in a legal form ("Fjordbyte AS", "Kjær Design ApS", "Nordic Parts Ltd"). A colour is
one the customer asks for or chooses ("i svart", "vill ha svart", "fargen er hvit", "in black").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.facts._base import Context, ExtractedFact, fact, sentence_end
from knowledge.facts._entities import LEADING_JUNK, UP
from knowledge.facts._lexicon import (
    COLORS,
    PAYMENT_BRANDS,
    PAYMENT_CREDIT_PLANS,
    PAYMENT_GENERIC,
)
from knowledge.text.lexicons import alternation

_I = re.IGNORECASE

# --- payment methods --------------------------------------------------------------------------------------

_BRAND_RE = re.compile(
    rf"(?<![\w/])(?P<brand>{alternation(PAYMENT_BRANDS)}|swish\w*|vipps\w*)(?:[ \t]*-?[ \t]*"
    rf"(?P<plan>{alternation(PAYMENT_CREDIT_PLANS)}))?(?![\w])",
    _I,
)
_PAYMENT_TRIGGER = (
    r"(?:betal\w*|paid|pay|paying|payment|kjøp\w*|köp\w*|køb\w*|handl\w*|bought|purchased|ordered|bestil\w*|"
    r"beställ\w*|belast\w*|trukket|trekt|dratt|drog|drogs|debited|charged|refund\w*|refusj\w*|refunder\w*|"
    r"tilbakebetal\w*|återbetal\w*|tilbagebetal\w*|tilbake|tilbage|tillbaka|attende|back|penger|pengene|"
    r"pengane|pengar|pengarna|penge|pengene|money|beløpet|beløbet|beloppet|summen|amount|kr|nok|sek|dkk)"
)
# "kort tid", "kort sagt": "kort" is also "short".
_NOT_METHOD_AFTER = (
    r"(?![\w-])(?!\s+(?:tid|tida|tiden|tekst|text|sagt|fortalt|sikt|varsel|stund|stunden|tag))"
)
_GENERIC_RE = re.compile(
    rf"(?<!\w)(?P<prep>med|via|with|by|using|på|mot|per|til|till|to|on|onto|i|in|over|gjennom|through)"
    rf"[ \t]+(?:(?:et|ett|eit|en|ein|a|an|the|my|your|min|mitt|mi|mit|din|ditt|di|dit|samme|same)[ \t]+)?"
    rf"(?P<method>{alternation(PAYMENT_GENERIC)}){_NOT_METHOD_AFTER}",
    _I,
)
_METHOD_LABEL_RE = re.compile(
    rf"(?<!\w)(?:betalingsmåte|betalingsmåten|betalingsmetode|betalingsmetoden|betalningssätt|"
    rf"betalningssättet|betalningsmetod|betalningsmetoden|betalingsform|betalingsforma|payment\s+method|"
    rf"payment\s+type|paid\s+by|paid\s+with|paid\s+via|valgte|valde|valt|valgt|chose|chosen|selected|"
    rf"picked)(?:\s*:\s*|\s+(?:er|var|är|is|was|valgt|vald)\s+|\s+)"
    rf"(?P<method>{alternation(PAYMENT_GENERIC)}){_NOT_METHOD_AFTER}",
    _I,
)
_CANONICAL = {k.casefold(): v for k, v in PAYMENT_BRANDS.items()}
_PLANS = {k.casefold(): v for k, v in PAYMENT_CREDIT_PLANS.items()}
_GENERIC = {k.casefold(): v for k, v in PAYMENT_GENERIC.items()}


def _brand_name(raw: str) -> str:
    low = " ".join(raw.casefold().split())
    if low.startswith("swish"):
        return "Swish"
    if low.startswith("vipps") and low not in _CANONICAL:
        return "Vipps"
    return _CANONICAL.get(low, raw)


def find_payment_methods(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Payment services, card schemes, and generic methods where a payment is spoken of."""
    for m in _BRAND_RE.finditer(text):
        raw = m.group("brand")
        name = _brand_name(raw)
        end = m.end("brand")
        if m.group("plan") and name in {"Klarna", "Qliro", "Walley", "Svea", "Resurs Bank", "Riverty"}:
            name = f"{name} {_PLANS[' '.join(m.group('plan').casefold().split())]}"
            end = m.end("plan")
        elif raw.casefold() not in _CANONICAL:
            end = m.start("brand") + 5  # "swishade", "vippset": the service's name, not the verb
        yield fact("payment_method", text, m.start("brand"), end, name, 0.85)
    for m in _GENERIC_RE.finditer(text):
        if not _payment_near(text, m.start()) or _asks(text, m.end()):
            continue  # "Kan jeg betale med faktura?" asks about a method, it names none used
        method = m.group("method")
        yield fact(
            "payment_method", text, m.start("method"), m.end("method"), _GENERIC[method.casefold()], 0.7
        )
    for m in _METHOD_LABEL_RE.finditer(text):
        method = m.group("method")
        yield fact(
            "payment_method", text, m.start("method"), m.end("method"), _GENERIC[method.casefold()], 0.8
        )


def _asks(text: str, end: int) -> bool:
    stop = sentence_end(text, end)
    return stop < len(text) and text[stop] == "?"


def _payment_near(text: str, start: int) -> bool:
    """Whether a payment is spoken of in the clause before ``start``."""
    before = re.split(r"[.!?\n;]\s", text[max(0, start - 60) : start])[-1]
    return re.search(rf"(?<!\w){_PAYMENT_TRIGGER}(?!\w)", before, _I) is not None


# --- companies --------------------------------------------------------------------------------------------

_SUFFIXES = (
    "ASA", "AS", "AB", "ApS", "A/S", "I/S", "K/S", "P/S", "IVS", "Oyj", "Oy Ab", "Oy", "GmbH", "AG", "Ltd.",
    "Ltd", "Limited", "LLC", "Inc.", "Inc", "Corp.", "Corp", "plc", "PLC", "B.V.", "BV", "N.V.", "NV",
    "SpA", "HB", "KB", "ANS", "ENK", "NUF",
)  # fmt: skip
_NAME_WORD = rf"(?:[{UP}0-9][\w'’.&+-]*|&|og|and|och|of)"
_COMPANY_RE = re.compile(
    rf"(?<![\w&])(?P<name>[{UP}0-9][\w'’.&+-]*(?:[ \t]+{_NAME_WORD}){{0,4}}?)[ \t]+"
    rf"(?P<suffix>{'|'.join(re.escape(s) for s in _SUFFIXES)})(?![\w/])"
)
_COMPANY_LABELS = frozenset(
    {
        "firma", "firmaet", "firmanavn", "firmanamn", "företag", "företaget", "företagsnamn", "virksomhed",
        "virksomheden", "selskap", "selskapet", "selskab", "selskabet", "bedrift", "bedriften", "company",
        "employer", "arbeidsgiver", "arbetsgivare", "arbejdsgiver", "kunde", "kunden", "kund", "customer",
        "faktura", "invoice", "kvittering", "kvitto", "receipt", "navn", "namn", "name", "til", "till", "to",
        "fra", "från", "from", "for", "för", "hos", "at", "ved", "vid", "mvh", "hilsen", "helsing",
        "hälsningar", "regards", "org", "orgnr", "cvr", "kjære", "kære", "dear", "bästa", "käre", "hej",
    }
)  # fmt: skip


def find_companies(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Company names with a legal form: "Fjordbyte AS", "Kjær Design ApS", "Nordlys Elektronikk AS"."""
    for m in _COMPANY_RE.finditer(text):
        words = m.group("name").split()
        offsets = [m.start("name") + w.start() for w in re.finditer(r"\S+", m.group("name"))]
        i = 0
        while i < len(words) and (
            words[i].lower().strip(".,:") in LEADING_JUNK or words[i].lower().strip(".,:") in _COMPANY_LABELS
        ):
            i += 1
        if i == len(words) or words[i] in {"&", "og", "and", "och", "of"}:
            continue
        name = words[i:]
        if not any(any(c.isalpha() for c in w) for w in name):
            continue
        if all(w.isupper() for w in name) and _shouting(text, m.start(), m.end()):
            continue  # "SUCH AS": capitals all round
        start = offsets[i]
        value = text[start : m.end()]
        yield fact("company", text, start, m.end(), " ".join(value.split()), 0.8)


def _shouting(text: str, start: int, end: int) -> bool:
    around = text[max(0, start - 30) : start] + " " + text[end : end + 30]
    return re.search(r"\b[A-ZÆØÅÄÖ]{3,}\b", around) is not None


# --- colours ----------------------------------------------------------------------------------------------

_COLOR = rf"(?P<color>{alternation(COLORS)})"
_COLOR_RES: tuple[re.Pattern[str], ...] = (
    # "i svart", "in black", "fargen er hvit", "the colour is black"
    re.compile(
        rf"(?<!\w)(?:i|in|färgen|fargen|fargen\s+er|färgen\s+är|farven|farven\s+er|the\s+colou?r\s+is|"
        rf"colou?r|farge|färg|farve|farga|fargen\s+skal\s+være|i\s+fargen|i\s+färgen|i\s+farven)\s+{_COLOR}"
        rf"(?![\w-])(?!\s+(?:lys|lampe|lampa|light|skjerm|skärm|screen|led|tekst|text))",
        _I,
    ),
    # "vil ha svart", "vill ha svart", "want the black one", "bytte til svart", "change to black"
    re.compile(
        rf"(?<!\w)(?:vil\s+ha|vill\s+ha|vil\s+have|ville\s+ha|ønsker|önskar|ønsker\s+mig|want|wanted|prefer|"
        rf"(?:bytte|byte|byt|bytt|endre|ändra|ændre|change|switch|swap)\w*\s+(?:\w+\s+){{0,3}}?(?:til|till|to)|"
        rf"ha\s+den\s+i|have\s+it\s+in|get\s+it\s+in)\s+(?:(?:the|a|en|ein|ei|et|ett|den|det)\s+)?{_COLOR}"
        rf"(?![\w-])(?!\s+(?:lys|lampe|lampa|light|skjerm|skärm|screen|led))",
        _I,
    ),
    # "en svart en", "a black one", "svart farge"
    re.compile(
        rf"(?<!\w){_COLOR}\s+(?:farge|färg|farve|colou?r|one|variant|utgave|versjon|version)(?!\w)", _I
    ),
)


_LIGHT_BEFORE = re.compile(
    r"(?:lys\w*|blink\w*|lights?|lit|glows?|glowing|flash\w*|lamp\w*|lyst\w*|lyse|lampa\w*|led|skjerm\w*|"
    r"screen|skärm\w*|skærm\w*)\s+(?:\w+\s+)?$",
    _I,
)


def find_colors(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Colours a customer asks for or chooses, normalised to English."""
    for pattern in _COLOR_RES:
        for m in pattern.finditer(text):
            color = m.group("color")
            if color[:1].isupper() and re.search(
                r"(?<!\w)[A-ZÆØÅÄÖ]\w*\s+$", text[max(0, m.start() - 20) : m.start()]
            ):
                continue  # "Girl In Red": a title
            if _LIGHT_BEFORE.search(text, max(0, m.start() - 25), m.start()):
                continue  # "blinker i rødt": a lamp's colour, not the product's
            yield fact("color", text, m.start("color"), m.end("color"), COLORS[color.lower()], 0.7)
