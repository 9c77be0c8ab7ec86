"""Offline extraction of known facts from customer messages and agent notes, in nb, nn, sv, da and en.

The product promise is that a customer never has to repeat information. Every message is scanned with
typed patterns, small lexicons and ``phonenumbers`` (no model, no network) for order, tracking, case,
return and invoice numbers, e-mail addresses, phone numbers, addresses, products (also from the workspace's
own catalogue), serial numbers, account ids, organisation numbers, national identity numbers (masked),
companies, payment methods, amounts, dates, times and time windows, counts, colours, codes, what the
customer already tried, what the company promised, the places, people and venues a conversation carries,
and the names, ages and breeds of the animals and family members a customer speaks for.

Each extractor proposes candidates; a span of text belongs to one fact only, decided by kind (a national id
before an order number before a phone number ...) and then by length. Clauses ("tried", "promise") may
overlap the facts inside them. Facts of the same kind and normalized value are merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from knowledge.facts._base import FACT_KINDS, Context, ExtractedFact, digits, fold
from knowledge.facts._commerce import find_colors, find_companies, find_payment_methods
from knowledge.facts._dependants import find_dependants
from knowledge.facts._entities import find_addresses, find_names
from knowledge.facts._ids import (
    find_account_ids,
    find_emails,
    find_national_ids,
    find_order_numbers,
    find_serial_numbers,
    find_tracking_numbers,
    luhn_valid,
    mask_digits,
    mask_national_ids,
)
from knowledge.facts._memo import memoized
from knowledge.facts._narrative import find_promises, find_tried
from knowledge.facts._phone import find_phones, normalize_phone
from knowledge.facts._products import find_products
from knowledge.facts._quantity import find_amounts, find_counts
from knowledge.facts._refs import (
    find_bare_numbers,
    find_codes,
    find_flight_numbers,
    find_labelled_numbers,
    find_last_digits,
    find_lone_reference,
    find_org_numbers,
    find_references,
)
from knowledge.facts._when import find_dates, find_times
from knowledge.language import detect_language
from knowledge.spans import SpanSet

__all__ = [
    "FACT_KINDS",
    "luhn_valid",
    "mask_digits",
    "ExtractedFact",
    "extract_facts",
    "fold",
    "mask_national_ids",
    "normalize_phone",
]

Extractor = Callable[[str, Context], Iterable[ExtractedFact]]

# In priority order: when two candidates overlap, the earlier extractor's wins.
_EXCLUSIVE: tuple[Extractor, ...] = (
    find_national_ids,
    find_emails,
    find_tracking_numbers,
    find_order_numbers,
    find_serial_numbers,
    find_account_ids,
    find_references,
    find_org_numbers,
    find_codes,
    find_flight_numbers,
    find_addresses,
    find_labelled_numbers,
    find_last_digits,
    find_dependants,
    find_dates,
    find_times,
    find_amounts,
    find_phones,
    find_payment_methods,
    find_companies,
    find_products,
    find_counts,
    find_colors,
    find_lone_reference,
    find_bare_numbers,
    find_names,
)
_CLAUSES: tuple[Extractor, ...] = (find_tried, find_promises)
_ID_KINDS = frozenset(
    {
        "order_number", "tracking_number", "serial_number", "account_id", "national_id", "case_number",
        "return_number", "invoice_number", "org_number", "code", "reference", "flight_number",
    }
)  # fmt: skip


@memoized
def extract_facts(
    text: str,
    *,
    language: str | None = None,
    role: str = "customer",
    products: Iterable[str] = (),
) -> list[ExtractedFact]:
    """Extract the facts a message states, so that nobody has to ask for them again.

    Args:
        text: one message or note.
        language: "nb", "nn", "sv", "da" or "en"; None detects it (patterns of every language run anyway,
            the language only picks the default phone region, the currency of "kr" and such).
        role: who wrote it: "customer", "agent", "bot" or "note". "tried" comes from customers and notes,
            promises from agents, bots and notes (and from customers who report one).
        products: the workspace's product names (from its orders and knowledge titles); each is found
            case-insensitively as a whole word and normalised to the catalogue's spelling.

    Returns:
        Facts in text order, one per kind and normalized value, with spans into ``text``.
    """
    if not text.strip():
        return []
    if language is None:
        language = detect_language(text, default=None, min_words=2)
    names = (products,) if isinstance(products, str) else products
    ctx = Context(language=language, role=role, products=tuple(names))
    kept: list[ExtractedFact] = []
    taken = SpanSet()  # the spans of ``kept``: an overlap test that does not scan every fact kept
    for extractor in _EXCLUSIVE:
        candidates = sorted(extractor(text, ctx), key=lambda f: (f.start - f.end, -f.confidence))
        for candidate in candidates:
            if candidate.end > candidate.start and not taken.overlaps(candidate.start, candidate.end):
                kept.append(candidate)
                taken.append((candidate.start, candidate.end))
    kept = list(_drop_ids_as_phones(kept))
    for extractor in _CLAUSES:
        kept.extend(_longest_first(extractor(text, ctx)))
    return _dedupe(sorted(kept, key=lambda f: (f.start, -f.end)))


def _drop_ids_as_phones(facts: list[ExtractedFact]) -> Iterator[ExtractedFact]:
    """A number given as an order (or other) id is never also a phone number, wherever it appears."""
    ids = {digits(f.normalized) for f in facts if f.kind in _ID_KINDS}
    ids.discard("")
    for f in facts:
        phone_digits = digits(f.value)
        if f.kind == "phone" and any(
            phone_digits == i or (len(i) >= 7 and phone_digits.endswith(i)) for i in ids
        ):
            continue
        yield f


def _longest_first(facts: Iterable[ExtractedFact]) -> list[ExtractedFact]:
    kept: list[ExtractedFact] = []
    taken = SpanSet()
    for f in sorted(facts, key=lambda f: f.start - f.end):
        if not taken.overlaps(f.start, f.end):
            kept.append(f)
            taken.append((f.start, f.end))
    return kept


def _dedupe(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    """Keep the first fact of each (kind, folded normalized value), with the highest confidence seen."""
    best: dict[tuple[str, str], ExtractedFact] = {}
    order: list[tuple[str, str]] = []
    for f in facts:
        key = (f.kind, fold(f.normalized) or f.normalized)
        if key not in best:
            best[key] = f
            order.append(key)
        elif f.confidence > best[key].confidence:
            first = best[key]
            best[key] = ExtractedFact(
                first.kind, first.value, first.normalized, first.start, first.end, f.confidence
            )
    return [best[k] for k in order]
