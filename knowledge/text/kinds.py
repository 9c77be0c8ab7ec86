"""The one vocabulary of kinds that facts, value spans and the guards' asks share.

A kind names what a piece of text is: the built-in fact kinds (``order_number``, ``email``, ``phone``,
``address``, ``product``, ``date``, ``count``, ``tried``, ``promise`` ...), role-qualified kinds that refine
one of them (``origin`` and ``destination`` are places, ``end_date`` and ``duration`` dates, ``party_size``
a count, ``price_range`` an amount, ``name`` the customer's own person name), kinds qualified by what
they are about (``category:food``, ``quantity:room``: see :mod:`knowledge.text.qualified`), and the
workspace's own fields, whose kind is the field's name (a field is a kind of its own family).

:func:`family` gives the broad kind; :func:`accepts` says which value kinds answer a question about a kind
("where are you going?" takes a destination, an address or a venue; "which order?" an order, reference or
invoice number).
"""

from __future__ import annotations

__all__ = ["FACT_KINDS", "ROLES", "family", "accepts", "answers", "is_builtin"]

# The built-in fact kinds (see knowledge.facts).
FACT_KINDS: tuple[str, ...] = (
    "order_number", "tracking_number", "email", "phone", "address", "product", "serial_number",
    "account_id", "national_id", "amount", "date", "time", "count", "tried", "promise", "place", "person",
    "venue", "case_number", "return_number", "invoice_number", "payment_method", "company", "org_number",
    "color", "code", "reference", "labelled_number", "flight_number", "pet_name", "relative_name", "breed",
    "age", "last_digits", "number",
)  # fmt: skip
# ``number``: a long digit run given without a label; ``last_digits``: the end of a card's or account's
# number ("slutter på 4417"). Like ``labelled_number`` they answer no question about a built-in kind.
# ``labelled_number``: an id after any label that names a number ("polisenummer 7702-118834"), a kind of the
# company's own (policy, membership, frame numbers); it answers no question about a built-in kind.

# Role-qualified kinds and the kind they refine.
ROLES: dict[str, str] = {
    "end_date": "date",
    "duration": "date",
    "end_time": "time",
    "origin": "place",
    "destination": "place",
    "party_size": "count",
    "quantity": "count",
    "rooms": "count",
    "price": "amount",
    "price_range": "amount",
    "name": "person",
    "recipient": "person",
    "model": "product",
    "size": "size",
    "attachment": "attachment",
    "choice": "choice",
    "deictic_place": "place",
    "deictic_destination": "place",
}

# Which value kinds answer a question about a kind (default: the kind itself).
_ACCEPTS: dict[str, frozenset[str]] = {
    "order_number": frozenset({"order_number", "reference", "invoice_number"}),
    "date": frozenset({"date"}),
    "end_date": frozenset({"end_date", "duration"}),
    "duration": frozenset({"duration", "end_date"}),
    "place": frozenset({"place", "destination", "origin", "deictic_place", "deictic_destination", "venue"}),
    "destination": frozenset({"destination", "deictic_destination", "address", "venue"}),
    "address": frozenset({"address"}),
    "origin": frozenset({"origin"}),
    "time": frozenset({"time"}),
    "end_time": frozenset({"end_time"}),
    "quantity": frozenset({"quantity", "party_size"}),
    "product": frozenset({"product", "model"}),
    "choice": frozenset({"choice"}),
}


def family(kind: str) -> str:
    """The broad kind of a kind: ``origin`` and ``destination`` are places, ``end_date`` a date, ...

    The family of a person kind is ``name`` for the guards' purposes only when it is the customer's own;
    both stay persons here. A workspace field is its own family.
    """
    kind = kind.split(":", 1)[0]  # "quantity:room" is a count, "category:food" a category
    if kind in ("name", "recipient"):
        return "name"
    if kind == "model":
        return "model"
    return ROLES.get(kind, kind)


def accepts(kind: str) -> frozenset[str]:
    """The value kinds that answer a question about ``kind``."""
    return _ACCEPTS.get(kind, frozenset({kind}))


def answers(ask_kind: str, value_kind: str) -> bool:
    """Whether a value of ``value_kind`` answers a question about ``ask_kind``.

    A question qualified by what it is about ("what kind of food?": ``category:food``; "how many rooms?":
    ``quantity:room``) takes only values about the same thing; an unqualified one ("any preference?") any
    value of its kind.
    """
    if value_kind in accepts(ask_kind):
        return True
    ask_base, _, ask_noun = ask_kind.partition(":")
    value_base, _, value_noun = value_kind.partition(":")
    if ask_noun:
        return value_kind == ask_kind
    # "Any preference?" takes any kind named ("Italian food"); a bare "How many?" no count of other things.
    return ask_base == "category" and value_base == "category" and bool(value_noun)


def is_builtin(kind: str) -> bool:
    """True for a fact kind or a role-qualified kind; False for a workspace field's own kind."""
    base = kind.split(":", 1)[0]
    return base in FACT_KINDS or base in ROLES or base in ("category", "quantity")
