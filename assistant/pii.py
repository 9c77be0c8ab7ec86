"""Mask personal identifiers before text leaves for an external model.

:func:`mask_pii` masks

- national identity numbers (Norwegian fødselsnummer and D-/H-numbers, Swedish personnummer and
  samordningsnummer, Danish CPR), with :func:`knowledge.facts.mask_national_ids`: the same checks (dates,
  check digits, separators or a keyword before bare numbers) the fact extractor uses, so what we store as
  a known ``national_id`` and what we mask agree;
- payment card numbers: 13 to 19 digits, optionally grouped by spaces or hyphens, passing the Luhn check.

Every digit but the last four becomes ``*`` and separators stay, as on a receipt: the model can still
say "the card ending in 1111" and an agent can tell two numbers apart, but the number is gone. Order
numbers, phone numbers and amounts are kept; the model needs them to answer.
"""

from __future__ import annotations

import re

from knowledge.facts import luhn_valid, mask_digits, mask_national_ids

__all__ = ["mask_card_numbers", "mask_pii"]

_CARD = re.compile(r"(?<![\d*-])\d(?:[ -]?\d){12,18}(?![\d-])")


def _mask_card(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return raw
    return mask_digits(raw)


def mask_card_numbers(text: str) -> str:
    """Mask payment card numbers (13-19 digits passing Luhn), keeping the last four digits."""
    return _CARD.sub(_mask_card, text)


def mask_pii(text: str) -> str:
    """Mask payment card numbers and national identity numbers in ``text``.

    Args:
        text: any text that is about to leave for an external model.

    Returns:
        The text, as long as before, with every digit of each identifier but the last four replaced by ``*``.
    """
    if not text:
        return text
    return mask_national_ids(mask_card_numbers(text))
