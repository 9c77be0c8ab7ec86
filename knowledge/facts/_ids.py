"""Identifiers: e-mail addresses, order, tracking, serial and customer numbers, and national identity numbers.

Order, serial and customer numbers are found after a keyword ("ordrenummer", "beställning", "S/N",
"kundenr."); tracking numbers also by their shape (UPS ``1Z...``, UPU S10 ``RR123456785NO`` with its check
digit, GS1 SSCC ``00...``, ``JJFI...``; an 18-digit SSCC without its check digit right only near a carrier
or a word of tracking), and a number given for "my parcel" ("pakka mi 48309273"). National identity numbers
(Norwegian fødselsnummer with its two mod-11 check digits, Swedish personnummer with its Luhn digit, Danish
CPR with a valid birth date) are only ever returned masked: every digit but the last four becomes ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from knowledge.facts._base import Context, ExtractedFact, alnum_upper, digits, fact
from knowledge.spans import SpanSet
from knowledge.text.lexicons import alternation

# What may stand between a keyword and its id: "ordre nr. 123", "order number is #123", "nummeret mitt er 12".
_FILLER = (
    r"(?:[\s:#.=(-]|\b(?:nr|no|num|number|nummer|nummeret|numret|id|ref|is|er|är|was|var|mitt|min|mit|"
    r"my)\b)*?"
)
_ID = (
    r"#?(?P<id>(?=[A-Za-z0-9-]*\d)[A-Za-z]{0,5}[-/]?\d[A-Za-z0-9-]{2,28}[A-Za-z0-9]|\d{4})(?![\w@-])"
    r"(?!\s?(?:kr\b|nok|sek|dkk|eur|usd|,-|:-|€|\$|dollars?|euros?|kroner|kronor))"
)
_DATE_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}")

_ORDER_WORDS = (
    "order", "order number", "order no", "order nr", "order id", "order ref", "order reference",
    "booking reference", "booking number", "booking ref", "booking no", "reservation number",
    "confirmation number", "ordre", "ordrenummer", "ordrenr", "ordre-nr", "ordreid", "ordre-id",
    "ordrenummeret", "ordren", "ordrer", "bestilling", "bestillingen", "bestillingsnummer", "bestillingsnr",
    "bestillingsnummeret", "tinging", "tingingsnummer", "tingingsnummeret", "ordernummer", "ordernr",
    "ordernumret", "ordern", "beställning", "beställningen", "beställningsnummer", "beställningsnumret",
    "bokning", "bokningsnummer", "bokningen", "bookingnummer", "bookingnummeret", "bookingreferanse",
    "referansenummer", "ordrebekræftelse", "booking", "bookingen", "bookingnr", "booking-nr", "bokningsnr",
    "bokningsnumret", "bokningsnummret", "bookingnummer", "reservasjon", "reservasjonsnummer", "reservation",
    "reservationsnummer", "reservationen", "bestillingsnr", "tingingsnr", "leieavtale", "leieavtalen",
    "leieavtalenummer", "leigeavtale", "leigeavtalen", "hyresavtal", "hyresavtalet", "lejeaftale",
    "lejeaftalen", "lejekontrakt", "rental agreement", "rental number", "rental", "kvittering",
    "kvitteringen", "kvitteringsnummer", "kvitteringsnr", "kvitto", "kvittot", "kvittonummer", "kvittering",
    "receipt", "receipt number", "receipt no", "billettnummer", "biljettnummer", "billetnummer",
    "ticket number", "confirmation", "bekreftelsesnummer", "bekräftelsenummer", "bekræftelsesnummer",
)  # fmt: skip
_TRACKING_WORDS = (
    "tracking", "tracking number", "tracking no", "tracking id", "tracking code", "track and trace",
    "track & trace", "waybill", "awb", "consignment number", "parcel number", "shipment number",
    "sporingsnummer", "sporingsnr", "sporingsnummeret", "sporing", "sporingskode", "sendingsnummer",
    "sendingsnr", "sendingsnummeret", "sendingsnummer", "kollinummer", "kollinr", "kolli-id", "kolli",
    "pakkenummer", "pakkenr", "forsendelsesnummer", "forsendelsesnr", "forsendelsen", "sendinga",
    "spårningsnummer", "spårningsnumret", "spårningsnr", "spårnings-id", "kollinumret", "sändningsnummer",
    "försändelsenummer", "pakkenummeret", "trackingnummer", "trackingnummeret", "track-and-trace",
    "sporinga", "sporingen", "sporingslenka", "sporingslenke", "sporingslenken", "sporingsnummeret mitt",
    "spårning", "spårningen", "spårningslänk", "spårnings-nr", "sendingsnummeret", "sendingsnr.",
    "forsendelsesnummeret", "trackingnummeret", "tracking-nummer", "tracking link", "tracking code",
    "kollinummer", "kollinumret", "kolli-nr", "kollinr", "pakkenummeret", "pakkenr.", "stregkode",
    "shipment", "consignment", "sendingsnummeret",
)  # fmt: skip
# "pakka mi 48309273", "my parcel 12345678": a number the customer gives for a parcel (order or tracking).
_PARCEL_WORDS = (
    "pakka", "pakka mi", "pakken", "pakken min", "pakke", "min pakke", "mi pakke", "pakken min",
    "paketet", "paketet mitt", "mitt paket", "paket", "pakken", "pakke", "min pakke", "my parcel",
    "my package", "the parcel", "the package", "parcel", "package", "forsendelsen", "sendinga",
    "sendingen", "forsendelsen min", "sändningen", "försändelsen",
)  # fmt: skip
_SERIAL_WORDS = (
    "serial", "serial number", "serial no", "s/n", "sn", "s.n.", "serienummer", "serienr", "serie-nr",
    "serienummeret", "serienumret", "ser.nr", "ser. nr", "imei", "imei-nummer", "imei-nummeret",
)  # fmt: skip
_ACCOUNT_WORDS = (
    "customer id", "customer number", "customer no", "customer nr", "customer #", "customer ref",
    "client id", "client number", "account number", "account no", "account id", "account #",
    "member id", "member number", "membership number", "membership no", "subscriber number",
    "kundenummer", "kundenr", "kunde-nr", "kunde nr", "kundenummeret", "kunde-id", "kundeid", "kunde id",
    "kundnummer", "kundnr", "kund-nr", "kundnumret", "kund-id", "kundid", "medlemsnummer", "medlemsnr",
    "medlemsnummeret", "medlemsnumret", "abonnementsnummer", "abonnentnummer", "abonnemangsnummer",
    "avtalenummer", "avtalsnummer", "aftalenummer", "kontraktsnummer", "kundenummeret mitt",
)  # fmt: skip


def _keyword_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/])(?:{alternation(words)})(?![\w/]){_FILLER}{_ID}", re.IGNORECASE)


_ORDER_RE = _keyword_re(_ORDER_WORDS)
_TRACKING_KW_RE = _keyword_re(_TRACKING_WORDS)
_SERIAL_RE = _keyword_re(_SERIAL_WORDS)
_ACCOUNT_RE = _keyword_re(_ACCOUNT_WORDS)
_PARCEL_RE = re.compile(
    rf"(?<![\w/])(?:{alternation(_PARCEL_WORDS)})(?![\w/])[\s:#(]*(?:(?:nr|no|number|nummer)\.?\s*)?"
    rf"(?P<id>\d{{5,20}})(?![\w@-])(?!\s?(?:kr\b|nok|sek|dkk|eur|usd|,-|:-|€|\$))",
    re.IGNORECASE,
)
_CARRIER_NEAR = re.compile(
    r"(?<!\w)(?:bring|posten|postnord|dhl|gls|ups|fedex|budbee|helthjem|instabox|schenker|dao|airmee|"
    r"porterbuddy|dpd|sporing\w*|spårning\w*|tracking|track|kolli\w*|sending\w*|sändning\w*|forsendelse\w*|"
    r"pakke\w*|pakka|paket\w*|parcel|package)(?!\w)",
    re.IGNORECASE,
)
_HASH_ORDER_RE = re.compile(r"(?<![\w&])#(?P<id>[A-Za-z]{0,4}-?\d{5,14})(?![\w-])")
_SN_SHAPE_RE = re.compile(r"(?<![\w-])(?P<id>SN-?(?=[A-Z0-9]*\d)[A-Z0-9]{6,20})(?![\w-])")

_UPS_RE = re.compile(
    r"(?<![\w])(?P<id>1Z\s?[0-9A-Z]{3}\s?[0-9A-Z]{3}\s?[0-9A-Z]{2}\s?[0-9A-Z]{4}\s?[0-9A-Z]{4})(?!\w)"
)
_S10_RE = re.compile(r"(?<![\w])(?P<id>[A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}\s?[A-Z]{2})(?!\w)")
_SSCC_RE = re.compile(r"(?<![\w])(?P<id>(?:\(00\)\s?|00)?\d{18})(?![\w])")
_JJ_RE = re.compile(r"(?<![\w])(?P<id>(?:JJ[A-Z]{2}|JVGL|GM)\d{10,22})(?![\w])")

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}(?![\w@])")

_NATIONAL_WORDS = (
    "fødselsnummer", "fødselsnr", "fødselsnummeret", "fnr", "f.nr", "d-nummer", "personnummer",
    "personnr", "personnumret", "person-nr", "samordningsnummer", "cpr", "cpr-nr", "cpr-nummer",
    "cpr nr", "personal number", "national id", "national identity number", "social security number",
    "ssn", "id-nummer", "personnummeret",
)  # fmt: skip
_NATIONAL_KW_RE = re.compile(rf"(?<!\w)(?:{alternation(_NATIONAL_WORDS)})(?!\w)", re.IGNORECASE)
_NO_RE = re.compile(r"(?<![\d-])(\d{6}) ?(\d{5})(?![\d-])")
_SE_RE = re.compile(r"(?<![\d-])((?:19|20)?\d{6})([-+ ]?)(\d{4})(?![\d-])")
_DK_RE = re.compile(r"(?<![\d-])(\d{6})(-?)(\d{4})(?![\d-])")
_ANY_NATIONAL_RE = re.compile(r"(?<![\d-])\d{6,8}[-+ ]?\d{4,5}(?![\d-])")


def find_emails(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """E-mail addresses, normalised to lower case."""
    for m in _EMAIL_RE.finditer(text):
        value = m.group(0).rstrip(".")
        yield fact("email", text, m.start(), m.start() + len(value), value.lower(), 0.98)


def _keyword_ids(
    kind: str, pattern: re.Pattern[str], text: str, confidence: float
) -> Iterator[ExtractedFact]:
    for m in pattern.finditer(text):
        raw = m.group("id")
        if not (sum(ch.isdigit() for ch in raw) >= 3 or code_shaped(raw)) or _DATE_SHAPE.fullmatch(raw):
            continue
        yield fact(kind, text, m.start("id"), m.end("id"), alnum_upper(raw), confidence)


def code_shaped(raw: str) -> bool:
    """A booking-code shape: 5-10 letters and digits, at least two of each ("KX7R2P", "HB4T9Q").

    Airline and travel bookings (PNRs) and many booking systems give such codes; after a label they are an
    id even with only two digits.
    """
    core = raw.replace("-", "")
    letters = sum(ch.isalpha() for ch in core)
    numbers = sum(ch.isdigit() for ch in core)
    return core.isalnum() and 5 <= len(core) <= 10 and letters >= 2 and numbers >= 2


def find_order_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Order and booking numbers after a keyword, and ``#12345``-style references."""
    yield from _keyword_ids("order_number", _ORDER_RE, text, 0.92)
    for m in _PARCEL_RE.finditer(text):
        raw = m.group("id")
        kind = "tracking_number" if len(raw) >= 10 else "order_number"
        yield fact(kind, text, m.start("id"), m.end("id"), raw, 0.6)
    for m in _HASH_ORDER_RE.finditer(text):
        yield fact("order_number", text, m.start("id"), m.end("id"), alnum_upper(m.group("id")), 0.6)


def find_serial_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Serial numbers and IMEIs after a keyword, and ``SN-...`` tokens."""
    yield from _keyword_ids("serial_number", _SERIAL_RE, text, 0.9)
    for m in _SN_SHAPE_RE.finditer(text):
        yield fact("serial_number", text, m.start("id"), m.end("id"), alnum_upper(m.group("id")), 0.75)


def find_account_ids(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Customer, member and subscriber numbers after a keyword."""
    yield from _keyword_ids("account_id", _ACCOUNT_RE, text, 0.9)


def s10_valid(code: str) -> bool:
    """Whether a UPU S10 item id ("RR123456785NO") has a correct check digit."""
    serial = digits(code)
    if len(serial) != 9:
        return False
    total = sum(int(d) * w for d, w in zip(serial[:8], (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return check == int(serial[8])


def gs1_valid(number: str) -> bool:
    """Whether a GS1 number (SSCC, GTIN) has a correct mod-10 check digit."""
    body, check = number[:-1], int(number[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def find_tracking_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Parcel tracking numbers: after a keyword, or by a carrier's shape."""
    for m in _TRACKING_KW_RE.finditer(text):
        raw = m.group("id")
        if len(alnum_upper(raw)) >= 8 and sum(ch.isdigit() for ch in raw) >= 6:
            yield fact("tracking_number", text, m.start("id"), m.end("id"), alnum_upper(raw), 0.9)
    for m in _UPS_RE.finditer(text):
        yield fact("tracking_number", text, m.start("id"), m.end("id"), alnum_upper(m.group("id")), 0.95)
    for m in _S10_RE.finditer(text):
        ok = s10_valid(m.group("id"))
        yield fact(
            "tracking_number",
            text,
            m.start("id"),
            m.end("id"),
            alnum_upper(m.group("id")),
            0.95 if ok else 0.6,
        )
    for m in _SSCC_RE.finditer(text):
        number = digits(m.group("id"))
        sscc = number[2:] if len(number) == 20 else number
        near = _CARRIER_NEAR.search(text, max(0, m.start() - 80), min(len(text), m.end() + 80)) is not None
        if len(number) == 20 or gs1_valid(sscc) or near:
            conf = 0.95 if gs1_valid(sscc) else 0.8 if len(number) == 20 else 0.7
            yield fact("tracking_number", text, m.start("id"), m.end("id"), number, conf)
    for m in _JJ_RE.finditer(text):
        yield fact("tracking_number", text, m.start("id"), m.end("id"), m.group("id"), 0.9)


# --- national identity numbers -------------------------------------------------------------------------


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def fodselsnummer_valid(number: str) -> bool:
    """Whether an 11-digit Norwegian fødselsnummer (or D-/H-number) has a valid date and check digits."""
    if len(number) != 11 or not number.isdigit():
        return False
    d = [int(c) for c in number]
    day, month = int(number[0:2]), int(number[2:4])
    day = day - 40 if day > 40 else day  # D-number
    month = month - 40 if 40 < month <= 52 else month - 80 if month > 80 else month  # H-number, test ids
    if not _valid_date(2000, month, day):  # 2000 is a leap year: 29.02 allowed
        return False
    k1 = 11 - sum(a * b for a, b in zip(d[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2), strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(a * b for a, b in zip(d[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 == d[9] and k2 == d[10]


def luhn_valid(number: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def personnummer_valid(number: str) -> bool:
    """Whether a Swedish personnummer (10 or 12 digits) has a valid date and Luhn digit."""
    ten = number[-10:]
    if len(ten) != 10 or not ten.isdigit():
        return False
    month, day = int(ten[2:4]), int(ten[4:6])
    day = day - 60 if day > 60 else day  # samordningsnummer
    return _valid_date(2000, month, day) and luhn_valid(ten)


def cpr_date_valid(number: str) -> bool:
    """Whether a Danish CPR number starts with a valid DDMMYY date (CPR has had no check digit since 2007)."""
    return len(number) == 10 and number.isdigit() and _valid_date(2000, int(number[2:4]), int(number[0:2]))


def mask_digits(raw: str) -> str:
    """Replace every digit but the last four with ``*``, keeping separators."""
    keep = 4
    out = []
    for ch in reversed(raw):
        if ch.isdigit():
            out.append(ch if keep > 0 else "*")
            keep -= 1
        else:
            out.append(ch)
    return "".join(reversed(out))


def _keyword_country(text: str, start: int) -> str | None:
    """The country named by a national-id keyword just before ``start`` ("personnummer" -> SE), if any."""
    found = list(_NATIONAL_KW_RE.finditer(text[max(0, start - 40) : start]))
    if not found:
        return None
    word = found[-1].group(0).lower()
    if word.startswith(("cpr",)):
        return "DK"
    if word.startswith(("fødsel", "fnr", "f.nr", "d-num")):
        return "NO"
    if word.startswith(("person", "samord")):
        return "SE"
    return "XX"


def _national_candidates(text: str) -> Iterator[tuple[int, int, str, float]]:
    """(start, end, country, confidence) of each national id: checked numbers first, then keyword-led ones."""
    for m in _NO_RE.finditer(text):
        if fodselsnummer_valid(m.group(1) + m.group(2)):
            yield m.start(), m.end(), "NO", 0.95
    for m in _SE_RE.finditer(text):
        explicit = bool(m.group(2)) or len(m.group(1)) == 8 or _keyword_country(text, m.start()) is not None
        if explicit and personnummer_valid(m.group(1) + m.group(3)):
            yield m.start(), m.end(), "SE", 0.95
    for m in _DK_RE.finditer(text):
        keyword = _keyword_country(text, m.start())
        if (m.group(2) or keyword == "DK") and cpr_date_valid(m.group(1) + m.group(3)):
            yield m.start(), m.end(), "DK", 0.85
    for m in _ANY_NATIONAL_RE.finditer(text):
        country = _keyword_country(text, m.start())
        if country is not None:
            yield m.start(), m.end(), country, 0.6


def find_national_ids(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """National identity numbers, masked: the value keeps its separators, normalized is ``CC:****1234``."""
    taken = SpanSet()
    for start, end, country, conf in _national_candidates(text):
        if taken.overlaps(start, end):
            continue
        taken.append((start, end))
        raw = text[start:end]
        number = digits(raw)
        normalized = f"{country}:{'*' * (len(number) - 4)}{number[-4:]}"
        yield ExtractedFact("national_id", mask_digits(raw), normalized, start, end, conf)


def mask_national_ids(text: str) -> str:
    """Mask national identity numbers (NO, SE, DK) in free text, keeping only their last four digits.

    Args:
        text: any text, e.g. a customer message about to be sent to an external model.

    Returns:
        The text with the same length, each national id's other digits replaced by ``*``.
    """
    ctx = Context(language=None, role="customer")
    out = text
    for f in find_national_ids(text, ctx):
        out = out[: f.start] + f.value + out[f.end :]
    return out
