"""Phone numbers, found and validated with ``phonenumbers`` and normalised to E.164.

The default region comes from the language (nb/nn -> NO, sv -> SE, da -> DK, en -> GB); the other Nordic
regions are tried after it, so a Swedish number in a Norwegian message is still found. A bare run of
digits ("48213977") is only a phone number when a word like "tlf", "mobil" or "call" stands before it:
order numbers and amounts are digit runs too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from knowledge.facts._base import Context, ExtractedFact, fact
from knowledge.spans import SpanSet

REGIONS: dict[str, str] = {"nb": "NO", "nn": "NO", "sv": "SE", "da": "DK", "en": "GB"}
_FALLBACK = ("NO", "SE", "DK", "GB")
_KEYWORD_RE = re.compile(
    r"\b(?:tlf|tel|telefon\w*|mobil\w*|mob|nummer|numret|nummeret|nr|phone|number|call|ring\w*|reach|"
    r"sms|text|whatsapp|cell|ringe|ringa|kontakt\w*|contact|nås|nåes|treffes|träffas)\b[^\d\n]{0,25}$",
    re.IGNORECASE,
)
_MORE_DIGITS = re.compile(r"[ \t]?\d")
_SEPARATED = re.compile(r"\d[\s().-]+\d")


def normalize_phone(raw: str, default_region: str = "NO") -> str | None:
    """Normalise a phone number to E.164 ("912 34 567" -> "+4791234567").

    Args:
        raw: the number as written, with or without a country code.
        default_region: ISO 3166 region used when the number has no country code.

    Returns:
        The E.164 form, or None when the number is not a valid phone number.
    """
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phones(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Phone numbers in ``text``, normalised to E.164."""
    first = REGIONS.get(ctx.language or "", "NO")
    regions = (first, *(r for r in _FALLBACK if r != first))
    taken = SpanSet()
    for rank, region in enumerate(regions):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            start, end = match.start, match.end
            if taken.overlaps(start, end) or _MORE_DIGITS.match(text, end):
                continue  # "07700" of "07700 900 412": a part of a longer number
            raw = match.raw_string
            international = raw.lstrip("(").startswith(("+", "00"))
            keyword = _KEYWORD_RE.search(text[max(0, start - 40) : start]) is not None
            separated = _SEPARATED.search(raw) is not None
            if not (international or keyword or separated):
                continue
            if rank > 0 and not (international or keyword):
                continue  # a formatted number valid only in another region: too likely something else
            conf = 0.95 if international else 0.85 if keyword else 0.75
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            taken.append((start, end))
            yield fact("phone", text, start, end, e164, conf)
    # A number the metadata does not (yet) know as assigned, but shaped like one of the region's and
    # written as a phone number: after "+" or a word like "mobile". Number plans change faster than
    # libraries, and fictional ranges (Ofcom's 07700 900xxx) are real customers' test numbers too.
    possible = (
        match for region in regions
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    )  # fmt: skip
    for match in possible:
        start, end = match.start, match.end
        if taken.overlaps(start, end) or len(re.sub(r"\D", "", match.raw_string)) < 8:
            continue
        international = match.raw_string.lstrip("(").startswith(("+", "00"))
        keyword = _KEYWORD_RE.search(text[max(0, start - 40) : start]) is not None
        if not (international or keyword):
            continue
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        taken.append((start, end))
        yield fact("phone", text, start, end, e164, 0.7)
