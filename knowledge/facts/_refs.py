"""References a conversation carries besides orders: case, return and invoice numbers, organisation numbers,
pickup and discount codes, and an id sent on its own as a reply.

A reference comes after its label ("saksnummer SAK-21877", "sagsnr. SAK-21610", "ärende 4411",
"returnummer R-48276004-1", "RMA 88231", "fakturanummer 20250311"), the label never part of the value; a
bare ``SAK-21533``-shaped token (2-4 capitals, a dash, 4+ digits) is a case number with a lower confidence,
or a return or invoice number when a word of returning or invoicing stands before it in the sentence.
Organisation numbers need a label ("org.nr 923 456 781", "CVR 38124567", "organisationsnummer
556123-4567") or the Norwegian VAT form ("NO 923 456 781 MVA"); they are never phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, alnum_upper, digits, fact
from knowledge.facts._ids import code_shaped, luhn_valid
from knowledge.facts._lexicon import PAYMENT_BRANDS
from knowledge.facts._phone import normalize_phone
from knowledge.text.lexicons import alternation, words

_I = re.IGNORECASE
_FILLER = (
    r"(?:[\s:#.=(-]|\b(?:nr|no|num|number|nummer|nummeret|numret|id|ref|is|er|är|was|var|mitt|min|mit|my|"
    r"mi|din|your|ditt)\b)*?"
)
_ID = (
    r"#?(?P<id>(?=[\w-]*\d)[^\W\d_]{0,5}[-/]?\d[A-Za-z0-9-]{2,28}[A-Za-z0-9])(?![\w@-])"
    r"(?!\s?(?:kr\b|nok|sek|dkk|eur|usd|,-|:-|€|\$|dollars?|euros?|kroner|kronor))"
)
_CASE_WORDS = (
    "saksnummer", "saksnummeret", "saksnr", "saks-nr", "sak", "saka", "saken", "sagsnummer", "sagsnummeret",
    "sagsnr", "sags-nr", "sag", "sagen", "ärende", "ärendet", "ärendenummer", "ärendenumret", "ärendenr",
    "ärende-id", "case", "case number", "case no", "case id", "case ref", "case reference", "ticket",
    "ticket number", "ticket no", "ticket id", "ticketnummer", "ticketnr", "support ticket", "henvendelse",
    "henvendelsesnummer", "reklamasjonssak", "reklamasjonsnummer", "reklamasjonsnr", "reklamationsnummer",
    "reklamationsnr", "reklamationssag", "reklamationsärende", "garantisak", "garantisag", "garantiärende",
    "claim", "claim number", "claim no", "claim id", "servicesak", "servicesag", "serviceärende",
    "serviceordre", "reparasjonsnummer", "reparationsnummer", "verkstedordre",
)  # fmt: skip
_RETURN_WORDS = (
    "returnummer", "returnummeret", "returnumret", "returnr", "retur-nr", "retur", "returen", "returnering",
    "returneringen", "returneringsnummer", "returneringsnumret", "return", "return number", "return no",
    "return id", "return reference", "return ref", "rma", "rma-nummer", "rma-nr", "rma number", "rma no",
    "returordre", "returordren", "returorder", "returordern", "retursak", "retursag", "returärende",
)  # fmt: skip
_INVOICE_WORDS = (
    "faktura", "fakturaen", "fakturan", "fakturanummer", "fakturanummeret", "fakturanumret", "fakturanr",
    "faktura-nr", "fakturanr.", "invoice", "invoice number", "invoice no", "invoice id", "invoice ref",
    "kreditnota", "kreditnotanummer", "kreditnota-nr", "credit note", "credit note number",
)  # fmt: skip


_REFERENCE_WORDS = (
    "ref", "ref.", "referanse", "referansen", "referens", "referensen", "reference", "referencen",
    "referansenr", "referensnummer", "referencenummer", "pir", "pir-nummer", "pir-nr", "pir-referanse",
    "pir reference", "file reference", "bagasjereferanse", "bagagereferens",
)  # fmt: skip


def _keyword_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/])(?:{alternation(words)})(?![\w/]){_FILLER}{_ID}", _I)


_LABELLED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("case_number", _keyword_re(_CASE_WORDS)),
    ("return_number", _keyword_re(_RETURN_WORDS)),
    ("invoice_number", _keyword_re(_INVOICE_WORDS)),
    ("reference", _keyword_re(_REFERENCE_WORDS)),
)
_SHAPE_RE = re.compile(r"(?<![\w/-])(?P<id>(?P<prefix>[A-ZÆØÅÄÖ]{1,4})-\d{4,12}(?:-\d{1,3})?)(?![\w/-])")
_NOT_REFERENCE_PREFIXES = frozenset(
    {"ISO", "EN", "NS", "SS", "DS", "IEC", "RFC", "CE", "UN", "SARS", "COVID", "HTTP", "NO", "SE", "DK", "FI"}
)
_NEAR_RETURN = re.compile(r"(?<!\w)(?:retur\w*|return\w*|rma)(?!\w)", _I)
_NEAR_INVOICE = re.compile(r"(?<!\w)(?:faktura\w*|invoice\w*|kreditnota\w*|credit\s+note)(?!\w)", _I)
_NEAR_CASE = re.compile(
    r"(?<!\w)(?:sak|saka|saken|saks\w*|sag|sagen|sags\w*|ärende\w*|case|ticket\w*|reklam\w*|claim\w*|"
    r"garanti\w*|henvendelse\w*)(?!\w)",
    _I,
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def find_references(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Case, return and invoice numbers after their label, and ``SAK-21533``-shaped tokens."""
    for kind, pattern in _LABELLED:
        for m in pattern.finditer(text):
            raw = m.group("id")
            enough = sum(ch.isdigit() for ch in raw) >= 4 or kind == "reference" and code_shaped(raw)
            if not enough or _YEAR.fullmatch(raw) or _looks_like_date(raw):
                continue
            yield fact(kind, text, m.start("id"), m.end("id"), alnum_upper(raw), 0.9)
    for m in _SHAPE_RE.finditer(text):
        prefix = m.group("prefix")
        if prefix in _NOT_REFERENCE_PREFIXES:
            continue
        sentence = text[max(0, m.start() - 60) : m.start()]
        sentence = re.split(r"[.!?\n]\s", sentence)[-1]
        near_kind, conf = _kind_near(sentence, prefix)
        if near_kind is not None:
            yield fact(near_kind, text, m.start("id"), m.end("id"), alnum_upper(m.group("id")), conf)


# Any "<something>nummer / -nr / number" label before an id names a reference of the company's own kind
# ("rammenummer WTU4471982K", "kvitteringsnummer 5540-2218", "polisenummer 7702-118834", "regnr EL 48213",
# "kontonr 3201 44 87761", "membership number GYM-448120"): a compound (Nordic) or a two-word (English)
# label, as general as the language's way to name a number. Labels of contact details, places and
# identities have their own extractors (phones, postcodes, national ids) and are skipped.
_NUMBER_LABEL = re.compile(
    r"(?<![\w/.-])(?P<label>[^\W\d_]{2,}[-.]?(?:nummer|nummeret|numret|numer|nr|no)"
    r"|[^\W\d_]{3,}\s+(?:number|no|nr|nummer|numret|id)|[^\W\d_]{3,}-?id)\.?(?![\w])"
    r"(?:[\s:#=(]|\b(?:er|är|is|was|var|mitt|min|mit|my|mi|ditt|din|your)\b)*?"
    r"(?P<id>(?:(?-i:[A-ZÆØÅÄÖ]{1,6})[ -]?)?\d[\dA-Za-z]*(?:[ ./-][\dA-Za-z]*\d[\dA-Za-z]*){0,4})(?![\w@])",
    _I,
)
_NOT_NUMBER_LABELS = re.compile(
    r"^(?:tele\w*|tlf\w*|mobil\w*|phone|mobile|cell|fax\w*|post\w*|zip|hus\w*|house|gate\w*|street|"
    r"person\w*|fødsel\w*|fødsels\w*|födelse\w*|social|org\w*|cvr\w*|vat|mva\w*|moms\w*|kort\w*|card|"
    r"credit|iban|bank|swift|pin|ordre\w*|order\w*|best[ie]ll\w*|sporing\w*|spårning\w*|tracking|"
    r"sak\w*|sag\w*|ärende\w*|case|ticket\w*|retur\w*|return|rma\w*|faktura\w*|invoice|serie\w*|serial|"
    r"versjon\w*|version\w*|model\w*|modell\w*|side\w*|page|sid\w*|rom\w*|room|bord\w*|table|"
    r"item|vare\w*|artikkel\w*|artikel\w*)",
    _I,
)


_PHONE_REGIONS = ("NO", "SE", "DK", "FI", "IS")
_POSSESSIVES = frozenset(
    "mitt mit min mi my your ditt din dit hans hennes hendes our vårt vores vort deres dykkar".split()
)


def _last_word(text: str) -> str:
    parts = text.split()
    return parts[-1] if parts else ""


def find_labelled_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """An id after any label that names a number ("polisenummer 7702-118834"): a ``labelled_number``."""
    for m in _NUMBER_LABEL.finditer(text):
        label = m.group("label").lower().replace("-", "").replace(".", "")
        if _NOT_NUMBER_LABELS.match(label):
            continue
        raw = m.group("id").rstrip(" ./-")
        if sum(ch.isdigit() for ch in raw) < 4 or _YEAR.fullmatch(raw) or _looks_like_date(raw):
            continue
        head = re.sub(r"[\s.-]*(?:nummeret|nummer|numret|numer|number|nr|no|id)$", "", label)
        if (
            (head in _POSSESSIVES or head in PAYMENT_BRANDS or _last_word(head) in words("phone_qualifiers"))
            and raw[:1].isdigit()
            and any(normalize_phone(raw, region) for region in _PHONE_REGIONS)
        ):
            continue  # "Swish-nummer 073-612 88 40", "mit nummer er 31 45 67 89", "rätt nummer": a phone
        yield fact("labelled_number", text, m.start("id"), m.start("id") + len(raw), alnum_upper(raw), 0.75)


# A flight number: an airline's two-character designator and one to four digits ("DY 604", "SK1417",
# "D8 2871"), after a word for flight in the same sentence ("flyget SK 1417", "flight BA 765 from").
_FLIGHT_RE = re.compile(
    r"(?<![\w-])(?:fly|flyet|flyene|flyget|flyg|flygning|flygningen|flygninga|flyvning|flyvningen|flyafgang|"
    r"flyavgang|flygavgång|flight|flighten|flights|avgang|afgang|avgång|departure)(?![\w-])"
    r"[^.!?\n]{0,30}?(?<![\w-])(?P<id>(?-i:[A-Z]{2}|[A-Z]\d|\d[A-Z])[ ]?\d{1,4}(?-i:[A-Z])?)(?![\w-])",
    _I,
)


def find_flight_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Flight numbers after a word for flight in their sentence."""
    for m in _FLIGHT_RE.finditer(text):
        raw = m.group("id")
        yield fact("flight_number", text, m.start("id"), m.end("id"), alnum_upper(raw), 0.8)


def _kind_near(before: str, prefix: str) -> tuple[str | None, float]:
    """The kind of a bare reference from the words before it in its sentence, then from its prefix."""
    near = [
        (m.start(), kind)
        for kind, pattern in (
            ("return_number", _NEAR_RETURN),
            ("invoice_number", _NEAR_INVOICE),
            ("case_number", _NEAR_CASE),
        )
        for m in pattern.finditer(before)
    ]
    if near:
        return max(near)[1], 0.75
    if prefix in {"R", "RMA", "RET", "RT"}:
        return "return_number", 0.55
    if prefix in {"F", "INV", "FAK", "FA"}:
        return "invoice_number", 0.55
    if len(prefix) >= 2:
        return "case_number", 0.5
    return None, 0.0


def _looks_like_date(raw: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}", raw) is not None


# --- organisation numbers ---------------------------------------------------------------------------------

_ORG_WORDS = (
    "org.nr", "org. nr", "org nr", "org.-nr", "org-nr", "orgnr", "org.nummer", "orgnummer", "org. nummer",
    "org nummer", "organisasjonsnummer", "organisasjonsnummeret", "organisasjonsnr", "organisationsnummer",
    "organisationsnumret", "organisationsnr", "org.no", "org. no", "org no", "foretaksnummer",
    "føretaksnummer", "företagsnummer", "cvr", "cvr-nr", "cvr nr", "cvr-nummer", "cvr-nummeret",
    "cvr nummer", "cvrnr", "se-nr", "se-nummer", "company number", "company no", "company reg",
    "company registration number", "registration number", "reg. no", "reg.nr", "business id",
    "vat number", "vat no", "vat-nr", "vat nr", "momsreg.nr", "momsregistreringsnummer", "mva-nummer",
    "mva-nr", "mva nr", "y-tunnus", "organization number", "organisation number", "org number",
)  # fmt: skip
_ORG_NUMBER = (
    r"(?P<country>NO|SE|DK)?\s?(?P<num>\d{3}[ .]?\d{3}[ .]?\d{3}(?!\d)|\d{6}-?\d{4}(?!\d)|"
    r"\d{2}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}(?!\d)|\d{8}(?!\d))(?P<tail>\s?MVA\b|01\b)?"
)
_ORG_RE = re.compile(
    rf"(?<![\w])(?P<kw>{alternation(_ORG_WORDS)})(?![\w])(?:[\s:#.=-]|\b(?:er|är|is|es|var|was)\b)*?{_ORG_NUMBER}",
    _I,
)
_NO_VAT_RE = re.compile(r"(?<![\w])NO\s?(?P<num>\d{3}\s?\d{3}\s?\d{3})\s?MVA(?![\w])")


def _org_country(keyword: str, number: str) -> str:
    kw = keyword.lower()
    if kw.startswith(("cvr", "se-")):
        return "DK"
    if "tion" in kw or "företag" in kw or len(number) == 10:
        return "SE"
    if len(number) == 8:
        return "DK"
    return "NO"


def org_number_valid(number: str, country: str) -> bool:
    """Whether a Norwegian (mod 11), Swedish (Luhn) or Danish CVR (mod 11) number has a valid check digit."""
    d = [int(c) for c in number]
    if country == "NO" and len(d) == 9:
        check = 11 - sum(a * b for a, b in zip(d[:8], (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
        return (0 if check == 11 else check) == d[8]
    if country == "SE" and len(d) == 10:
        return luhn_valid(number)
    if country == "DK" and len(d) == 8:
        return sum(a * b for a, b in zip(d, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0
    return False


def find_org_numbers(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Organisation numbers after a label, and Norwegian VAT numbers ("NO 923 456 781 MVA")."""
    for m in _ORG_RE.finditer(text):
        number = digits(m.group("num"))
        country = _org_country(m.group("kw"), number)
        conf = 0.95 if org_number_valid(number, country) else 0.8
        yield fact("org_number", text, m.start("num"), m.end("num"), number, conf)
    for m in _NO_VAT_RE.finditer(text):
        number = digits(m.group("num"))
        conf = 0.95 if org_number_valid(number, "NO") else 0.7
        yield fact("org_number", text, m.start("num"), m.end("num"), number, conf)


# --- codes and lone ids -----------------------------------------------------------------------------------

_CODE_WORDS = (
    "code", "the code", "pickup code", "pick-up code", "collection code", "door code", "locker code",
    "discount code", "promo code", "voucher code", "gift card code", "kode", "koden", "hentekode",
    "hentekoden", "hentekoda", "portkode", "portkoden", "dørkode", "dørkoden", "rabattkode", "rabattkoden",
    "kampanjekode", "kampanjekoden", "kod", "koden", "hämtkod", "hämtkoden", "hämtningskod",
    "upphämtningskod", "upphämtningskoden", "portkod", "portkoden", "rabattkod", "rabattkoden",
    "kampanjkod", "kampanjkoden", "afhentningskode", "afhentningskoden", "dørkoden", "rabatkode",
    "rabatkoden", "error code", "feilkode", "feilkoden", "felkod", "felkoden", "fejlkode", "fejlkoden",
)  # fmt: skip
_CODE_RE = re.compile(
    rf"(?<![\w-])(?:{alternation(_CODE_WORDS)})(?![\w-])"
    r"(?:[\s:#=(]|\b(?:is|er|är|was|var|med|no|nr|min|mi|mitt|my|din|your)\b)*?"
    r"(?P<code>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,14}[A-Za-z0-9])(?![\w@.,:-]\d|[\w@-])"
    r"(?!\s?(?:kr\b|nok|sek|dkk|eur|usd|,-|:-|€|\$|%|dager|dagar|days))",
    _I,
)
_NOT_CODE_HEADS = frozenset(
    {
        "zip", "postal", "post", "area", "country", "dialing", "dialling", "tax", "source", "qr", "bar",
        "penal", "civil", "vehicle", "security", "access", "verification", "otp", "sms", "bank", "swift",
        "iban", "sort", "pin", "activation", "aktiverings", "engangs", "bekreftelses",
    }
)  # fmt: skip
_LONE_RE = re.compile(
    r"^\W*(?:(?:hei|hej|hi|hello|hey|hallo|heisann)\W+)?(?:(?:it's|det er|det är|her|här|here)\s+)?"
    r"#?(?P<id>(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9][A-Za-z0-9/-]{3,30}[A-Za-z0-9])"
    r"[\s.!]*(?:(?:takk|tack|tak|thanks|thank you|ty)\W*)?$",
    _I,
)


def find_codes(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Pickup, door, discount and error codes after their label (no PINs or passwords)."""
    for m in _CODE_RE.finditer(text):
        code = m.group("code")
        before = re.findall(r"[\w-]+", text[max(0, m.start() - 20) : m.start()])
        if len(code) < 4 or _looks_like_date(code) or (before and before[-1].lower() in _NOT_CODE_HEADS):
            continue
        yield fact("code", text, m.start("code"), m.end("code"), code.upper(), 0.8)


def find_lone_reference(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """A message that is only an id ("48317702", "AX3K2409C1174"): a reply to "what is your order number?"."""
    if len(text) > 60:
        return
    m = _LONE_RE.match(text.strip())
    if m is None:
        return
    raw = m.group("id")
    if sum(ch.isdigit() for ch in raw) < 4 or _looks_like_date(raw) or "/" in raw and raw.count("/") > 1:
        return
    if re.fullmatch(r"\+?\d{2,4}(?:-\d{2,4}){2,3}", raw):
        return  # "925-827-3700": a phone number in another country's format
    offset = text.index(text.strip())
    start = offset + m.start("id")
    yield fact("reference", text, start, start + len(raw), alnum_upper(raw), 0.5)


# --- numbers without a label -----------------------------------------------------------------------------
# The last digits of a card or an account, given instead of the whole ("kortet som slutter på 4417", "my
# card ending 5521"): the words before them are lexicon data (``last_digits``).
@lru_cache(maxsize=1)
def _last_digits_re() -> re.Pattern[str]:
    cues = alternation(words("last_digits"))
    return re.compile(
        rf"(?<![\w-])(?:{cues})\s*:?\s+(?P<digits>\d{{2,6}})(?![\d,.]?\d)(?!\s*(?:kr|%|,-))", _I
    )


def find_last_digits(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """The last digits of a card, an account or a number ("ender på 3391"): a ``last_digits`` value."""
    for m in _last_digits_re().finditer(text):
        yield fact("last_digits", text, m.start("digits"), m.end("digits"), m.group("digits"), 0.75)


# A long run of digits that no other extractor claimed (not a phone, date, amount, order or account
# number): an identifier of some kind the customer gives without a label ("chip 578097810012345", "the
# IMEI ... is 353918056472881" when the label is not one of ours). Eight digits at least, so that years,
# postcodes and times stay out.
_BARE_NUMBER = re.compile(r"(?<![\w.,/-])\d{8,20}(?![\w.,/-]?\d)")


def find_bare_numbers(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Long digit runs without a label, from customers and notes: a ``number``."""
    if ctx.role not in {"customer", "note"}:
        return
    for m in _BARE_NUMBER.finditer(text):
        yield fact("number", text, m.start(), m.end(), m.group(0), 0.55)
