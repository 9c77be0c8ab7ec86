"""Payment data and national identity numbers are never stored or shown in clear.

:func:`find_sensitive` finds, with checks rather than shapes alone:

- **payment card numbers**: 13-19 digits, optionally grouped by spaces or hyphens, passing the Luhn check
  with a length the card scheme issues (:func:`card_number_valid`);
- **card security codes**: 3-4 digits after a label (``CVC 123``, ``CVV: 123``, ``CVC2``, "security
  code", ``sikkerhetskode``, ``säkerhetskod``, ``kontrolcifre`` ...);
- **IBANs**: a country code, two check digits and 11-30 letters or digits (grouped by four or not), passing
  the ISO 13616 mod-97 check;
- **Nordic national identity numbers** in every written form: Norwegian fødselsnummer and D-/H-numbers
  (11 digits with valid check digits, also written ``150385-10190`` or ``150385 10190``), Swedish
  personnummer (10 or 12 digits with ``-`` or ``+``, Luhn), Danish CPR (``DDMMYY-XXXX``), Finnish HETU
  (``DDMMYY-NNNC`` with its century sign and mod-31 check character), and bare numbers after a keyword
  (:func:`knowledge.facts.mask_national_ids`).

:func:`mask_sensitive` masks them keeping the text's length, so spans found in the original stay valid:
cards, IBANs and national ids keep their last four characters (an IBAN its country code too), a security
code is masked whole. :func:`mask_identifier` is for ids and handles, which must stay distinct: the masked
number gets a short keyed digest, so two customers whose ids differ only in masked digits never merge.
:func:`sensitive_facts` turns cards and IBANs into facts with masked values, so a masked card number is
still a known payment card.

The history importer masks every message, profile, order and metadata string before it is stored or
embedded, and the knowledge indexer masks documents before they are chunked and embedded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge import facts as _facts
from knowledge.facts import ExtractedFact, luhn_valid, mask_national_ids
from knowledge.facts._ids import fodselsnummer_valid, personnummer_valid
from knowledge.facts._memo import memoized

__all__ = [
    "SensitiveSpan",
    "card_number_valid",
    "hetu_valid",
    "iban_valid",
    "find_sensitive",
    "mask_identifier",
    "mask_json",
    "mask_message_facts",
    "masked_facts",
    "mask_sensitive",
    "mask_value",
    "sensitive_facts",
]

_CARD = re.compile(r"(?<![\d*])\d(?:[ -]?\d){12,18}(?!\d)")
_CVC_LABEL = (
    r"cvc2?|cvv2?|cid|csc|cvn|card\s+(?:verification|security)\s+(?:code|value|number)|security\s+code"
    r"|sikkerhetskode(?:n)?|sikkerheitskode(?:n)?|kontrollsiffer(?:et|ene)?|kontrollkode(?:n)?"
    r"|säkerhetskod(?:en)?|kontrollsiffr(?:an|or)|verifieringskod(?:en)?"
    r"|sikkerhedskode(?:n)?|kontrolcifre(?:ne)?|kontrolkode(?:n)?"
)
_CVC = re.compile(
    rf"(?<!\w)(?:{_CVC_LABEL})(?!\w)\s*(?:(?:is|er|är|=|:|#|nr\.?|no\.?)\s*)*[\"'«“]?(?P<code>\d{{3,4}})(?!\d)",
    re.IGNORECASE,
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])(?P<iban>[A-Za-z]{2}\d{2}(?:(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?"
    r"|[A-Za-z0-9]{11,30}))(?![A-Za-z0-9])"
)
_NO_SEP = re.compile(r"(?<!\d)(\d{6})[ .-](\d{5})(?!\d)")
_NO_BARE = re.compile(r"(?<!\d)(\d{11})(?!\d)")
_SE = re.compile(r"(?<!\d)((?:19|20)?\d{6})([-+])(\d{4})(?!\d)")
_SE_12 = re.compile(r"(?<!\d)((?:19|20)\d{10})(?!\d)")
_HETU = re.compile(r"(?<![\dA-Za-z])(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![\dA-Za-z])")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_DIGEST_KEY = b"svar:masked-identifier:v1"


@dataclass(frozen=True)
class SensitiveSpan:
    """A number that must not be stored or shown: its kind and ``text[start:end]``."""

    kind: str  # "payment_card", "card_security_code", "iban", "national_id"
    start: int
    end: int


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def iban_valid(value: str) -> bool:
    """Whether ``value`` (spaces allowed) is an IBAN with a correct ISO 13616 mod-97 check."""
    s = value.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def hetu_valid(value: str) -> bool:
    """Whether ``value`` is a Finnish personal identity code (HETU) with a valid date and check character."""
    m = _HETU.fullmatch(value.upper())
    if not m:
        return False
    day, month = int(m.group(1)[:2]), int(m.group(1)[2:4])
    if not _valid_date(2000, month, day):
        return False
    return _HETU_CHECK[int(m.group(1) + m.group(3)) % 31] == m.group(4)


def card_number_valid(digits: str) -> bool:
    """Whether a string of 13-19 digits is a payment card number: Luhn, with a length its scheme issues.

    Visa (4: 13, 16, 19 digits), Mastercard (51-55, 2221-2720: 16), American Express (34, 37: 15), Diners
    (30, 36, 38, 39: 14-19), JCB (35: 16-19), Discover, UnionPay and Maestro (6, 50, 56-58: 12-19). A
    parcel's 18-digit SSCC that happens to pass Luhn is not a card.
    """
    n = len(digits)
    if not 13 <= n <= 19 or not digits.isdigit() or not luhn_valid(digits):
        return False
    if digits[0] == "4":
        return n in (13, 16, 19)
    if digits[:2] in ("34", "37"):
        return n == 15
    if "51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720":
        return n == 16
    if digits[:2] in ("30", "36", "38", "39"):
        return 14 <= n <= 19
    if digits[:2] == "35":
        return 16 <= n <= 19
    return digits[0] == "6" or digits[:2] in ("50", "56", "57", "58")


def _payment_spans(text: str) -> Iterator[SensitiveSpan]:
    for m in _IBAN.finditer(text):
        raw = m.group("iban")
        while raw and not iban_valid(raw) and " " in raw:  # grouped: the last group may be another word
            raw = raw[: raw.rfind(" ")]
        if iban_valid(raw):
            yield SensitiveSpan("iban", m.start("iban"), m.start("iban") + len(raw))
    for m in _CARD.finditer(text):
        if card_number_valid(re.sub(r"\D", "", m.group(0))):
            yield SensitiveSpan("payment_card", m.start(), m.end())
    for m in _CVC.finditer(text):
        yield SensitiveSpan("card_security_code", m.start("code"), m.end("code"))


def _national_spans(text: str) -> Iterator[SensitiveSpan]:
    for m in _HETU.finditer(text):
        if hetu_valid(m.group(0)):
            yield SensitiveSpan("national_id", m.start(), m.end())
    for pattern in (_NO_SEP, _NO_BARE):
        for m in pattern.finditer(text):
            if fodselsnummer_valid(re.sub(r"\D", "", m.group(0))):
                yield SensitiveSpan("national_id", m.start(), m.end())
    for m in _SE.finditer(text):
        if personnummer_valid(m.group(1) + m.group(3)):
            yield SensitiveSpan("national_id", m.start(), m.end())
    for m in _SE_12.finditer(text):
        if personnummer_valid(m.group(1)):
            yield SensitiveSpan("national_id", m.start(), m.end())
    national = mask_national_ids(text)  # keyword-led and DK forms, as the fact extractor sees them
    if len(national) != len(text):
        return
    i = 0
    while i < len(text):
        if national[i] == text[i]:
            i += 1
            continue
        j = i
        while j < len(text) and (national[j] != text[j] or text[j] in " -+"):
            j += 1
        while j < len(text) and text[j].isdigit():
            j += 1
        yield SensitiveSpan("national_id", i, j)
        i = j


def find_sensitive(text: str) -> list[SensitiveSpan]:
    """Every payment card, security code, IBAN and national identity number in ``text``, in order.

    Args:
        text: any text.

    Returns:
        Non-overlapping spans (a number found by an earlier, stricter check wins).
    """
    found: list[SensitiveSpan] = []
    for span in (*_payment_spans(text), *_national_spans(text)):
        if span.end > span.start and not any(span.start < s.end and s.start < span.end for s in found):
            found.append(span)
    return sorted(found, key=lambda s: s.start)


def mask_value(raw: str, kind: str) -> str:
    """One found number masked by its kind (a security code whole; else all but the last four)."""
    if kind == "card_security_code":
        return "*" * len(raw)
    keep_head = 2 if kind == "iban" else 0
    keep_tail = 4
    alnum = [i for i, ch in enumerate(raw) if ch.isalnum()]
    shown = set(alnum[:keep_head]) | set(alnum[-keep_tail:])
    return "".join(ch if (i in shown or not ch.isalnum()) else "*" for i, ch in enumerate(raw))


def mask_sensitive(text: str) -> str:
    """``text`` with every card, security code, IBAN and national id masked; the length is kept.

    Args:
        text: any text about to be stored, embedded or shown.

    Returns:
        The masked text: ``**** **** **** 1111``, ``CVC ***``, ``NO** **** ***7 947``, ``******-*0190``.
    """
    if not text:
        return text
    out = text
    for span in find_sensitive(text):
        out = out[: span.start] + mask_value(text[span.start : span.end], span.kind) + out[span.end :]
    return out


def mask_identifier(value: str) -> str:
    """An id or handle with any sensitive number masked and a short keyed digest of it appended.

    Two ids that differ only in their masked digits stay distinct, and the same id always masks the same
    way, so lookups by the clear id still find the customer.
    """
    spans = find_sensitive(value)
    if not spans:
        return value
    digest = hashlib.blake2b(value.encode("utf-8"), key=_DIGEST_KEY, digest_size=4).hexdigest()
    return f"{mask_sensitive(value)}~{digest}"


def mask_json(value: Any) -> Any:
    """``value`` with :func:`mask_sensitive` applied to every string inside it (dict keys stay)."""
    if isinstance(value, str):
        return mask_sensitive(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value


def sensitive_facts(text: str) -> list[ExtractedFact]:
    """Payment cards and IBANs in ``text`` as facts with masked values (``payment_card``, ``iban``).

    A masked value is still known: the repeat-ask guard must not ask for a card the customer already gave.
    """
    out = []
    for span in find_sensitive(text):
        if span.kind in ("payment_card", "iban"):
            masked = mask_value(text[span.start : span.end], span.kind)
            normalized = re.sub(r"[\s-]", "", masked).upper()
            out.append(ExtractedFact(span.kind, masked, normalized, span.start, span.end, 0.95))
    return out


def mask_message_facts(
    original: str, text: str, facts: list[ExtractedFact]
) -> tuple[str, list[ExtractedFact]]:
    """Mask a message's text and facts (spans index ``original``; ``text`` may already be partly masked).

    A fact whose span the masking touched is dropped, unless it is a national id (already masked), a card or
    IBAN (added here, masked), or a clause ("tried", "promise"), kept in its masked form.

    Returns:
        The masked text (same length) and the facts, every value masked.
    """
    masked = mask_sensitive(text)
    spans = find_sensitive(original)
    out: list[ExtractedFact] = []
    for f in facts:
        touched = any(f.start < s.end and s.start < f.end for s in spans)
        if touched and f.kind != "national_id":
            if f.kind not in ("tried", "promise"):
                continue
            value = masked[f.start : f.end]
            f = ExtractedFact(f.kind, value, value.casefold(), f.start, f.end, f.confidence)
        out.append(
            ExtractedFact(
                f.kind, mask_sensitive(f.value), mask_sensitive(f.normalized), f.start, f.end, f.confidence
            )
        )
    return masked, [*out, *sensitive_facts(original)]


@memoized
def masked_facts(
    text: str, *, language: str | None = None, role: str = "customer", products: Iterable[str] = ()
) -> list[ExtractedFact]:
    """The facts of a message as :func:`knowledge.facts.extract_facts` reads them, masked as
    :func:`mask_message_facts` masks them, kept per text (a stored message is read on every request about
    its customer; what it states does not change).

    Args:
        text: the message.
        language: its language, when known.
        role: its writer's role (the rules differ by role).
        products: product names to recognise.

    Returns:
        The facts, every value masked.
    """
    found = _facts.extract_facts(text, language=language, role=role, products=tuple(products))
    return mask_message_facts(text, text, found)[1]
