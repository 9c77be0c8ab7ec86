"""Situation sentences for a draft: like a helpdesk's macros, per request type and language.

:func:`compose` reads the request's situation (:mod:`knowledge.history.situation`) and its request type
(:mod:`assistant.intent`) and returns the sentences that state where the customer's matter stands, which
situation items they used, and whether the knowledge base must still answer the question:

- **where is my order / delivery time**: the order's status, carrier, tracking, ETA, pickup point or
  address, and that it is a free replacement; a parcel already collected is said to be collected; a parcel
  marked delivered that the customer has looked for is followed up with the carrier (no "check your
  mailbox" again);
- **refund**: the refund's amount and date, or when it is expected, or that it failed; when the customer
  chose a replacement instead, that no refund is on its way and which order the replacement is;
- **return or exchange**: the return deadline computed from the delivery date (``return_days`` of the
  policy), plus the knowledge base's how-to;
- **cancel or change**: what the order's status allows, and the delivery address on the order; an order
  already delivered gets its return deadline, a cancelled or returned one where its refund is;
- **invoice**: the order's amount and when the invoice is due, or that a cancelled order is not to be paid;
- **appointment**: the booked time, date and place; with none ahead, that the one of the last two weeks
  was held; asked to move or cancel it, the knowledge base's rules for that follow;
- **troubleshooting**: when the customer has already tried things, thanks for that and the next step (a
  warranty replacement) instead of the steps again;
- **return or exchange** of an order already returned: that the return arrived and the refund's state;
- complaint or an unrecognised question: the status of the customer's one open order, if they have one (a
  complaint with no open order: the newest order placed or delivered in the last 45 days); a complaint, or
  a question of another type that also complains ("where is it? not okay"), is acknowledged first ("I'm
  sorry about this."), unless an overdue promise's apology already does it;
- **where is my order** with no order open: an order delivered in the last 14 days ("delivered, but not
  here") or one whose items the message names; an order delivered long ago is not the one asked after;
- any type: an overdue promise (or refund) is apologised for, quoting what we promised (an agent's or
  bot's words; an internal note is not quoted) and naming the order it most likely concerns, followed by
  what happens next and when the customer hears back; a promise not yet due is repeated;
- a **hypothetical** question ("what if I cancel?", "hvis jeg returnerer den, når får jeg pengene?") is not
  answered with the customer's situation (a refund already under way is not the refund of a return not yet
  made): only a broken promise is still acknowledged, and the knowledge base answers.

Macros are data (``prompts/macros/<lang>.yaml`` and ``policy.yaml``); a workspace can override any key
(:func:`load_macros` ``overrides``). Nothing here invents a fact: a sentence whose placeholders the situation
cannot fill is left out.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from assistant.channels import ChannelStyles, response_time_promise
from assistant.types import DraftRequest
from knowledge.facts import fold
from knowledge.history.situation import COLLECTED, DELIVERED, IN_TRANSIT, NOT_SHIPPED, OrderState, Situation

__all__ = [
    "REPLY_PLACEHOLDERS",
    "Composition",
    "Macros",
    "compose",
    "load_macros",
    "load_macros_file",
    "parse_macros",
]

_LANGS = ("nb", "nn", "sv", "da", "en")
_ADDRESS_CUE = re.compile(r"adress\w*|adresse\w*|address\w*|flytt\w*|moved|move\b", re.IGNORECASE)
_NOT_RECEIVED = re.compile(
    r"ikke fått|ikkje fått|inte fått|ikke fået|not (?:received|got)|haven't (?:received|got)|ingen har sett"
    r"|finner ikke|finn ikkje|hittar inte|kan ikke finde|can't find"
    r"|ikke (?:kommet|her)\b|ikkje (?:kome|komme|her)\b|inte (?:kommit|här)\b|ikke (?:kommet|nået) frem"
    r"|not (?:here|arrived)|hasn't (?:arrived|come)|has not (?:arrived|come)",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_CONTACT = re.compile(
    r"get\w* back|call\w*|contact\w*|hear|reply|replies|answer\w*|update\w*|news|let you know|ring\w*"
    r"|kontakt\w*|hør\w*|høyr\w*|hör\w*|svar\w*|återkomm\w*|vend\w* tilbage|tilbakemelding\w*|besked\w*"
    r"|beskjed\w*|oppdater\w*|uppdater\w*|opdater\w*|nyhet\w*|nytt\b|nyt\b|besk\w*|melding\w*|meddel\w*",
    re.IGNORECASE,
)
_INVOICE = re.compile(r"faktura|invoice|lasku|rechnung", re.IGNORECASE)
# A question about what would happen if the customer did something ("what if I cancel?", "hva skjer hvis jeg
# sier opp", "viss eg sender tilbake ..., kor lang tid"): the help center's rules answer it, not the state of
# the customer's current orders (a refund already on its way is not the refund of a return not yet made).
_HYPOTHETICAL = re.compile(
    r"\b(?:hva|kva|vad|hvad|what)\s+(?:skjer|skjer det|hender|händer(?: det)?|sker(?: der)?|happens"
    r"|would happen|will happen)\s+(?:hvis|om|viss|dersom|ifall|if)\b"
    r"|\b(?:what|hva|kva|hvad)\s+(?:if|om|hvis|viss)\s+(?:i|jeg|eg|jag|vi|we)\b"
    r"|(?:^|[.!?]\s+|,\s*)(?:og\s+|and\s+|men\s+|but\s+)?(?:hvis|dersom|viss|om|ifall|if)\s+(?:jeg|eg|jag|i|vi|we)\s+"
    r"(?!(?:har\s+(?:forst\w*|förstått|skjønt|misforst\w*)|kan|kunne|can|could|får|may|might"
    r"|husk\w*|minns|mind\w*|remember\w*|forst\w*|understand\w*)\b)\w+",
    re.IGNORECASE,
)
# Asking to move, cancel or change a booked time: the help center's rules for that follow the booked time.
_MOVE_APPOINTMENT = re.compile(
    r"flytt\w*|endr\w*|avbestill\w*|avlys\w*|omboka|boka om|byt\w* tid|ändra\w*|avboka\w*|rykke\w*"
    r"|ændr\w*|aflys\w*|ombook\w*|\bmove\b|moving|reschedul\w*|postpone\w*|cancel\w*|change\w*",
    re.IGNORECASE,
)


def hypothetical(text: str) -> bool:
    """Whether ``text`` asks what would happen if the customer did something (answered by the help center's
    rules, not by the customer's situation)."""
    return bool(_HYPOTHETICAL.search(text))


@dataclass(frozen=True)
class Macros:
    """One language's macro sentences and the policy values they use."""

    language: str
    text: Mapping[str, Any]
    policy: Mapping[str, Any]

    def get(self, key: str) -> str | None:
        node: Any = self.text
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node if isinstance(node, str) else None

    def fill(self, key: str, **values: str | None) -> str | None:
        """The macro ``key`` with its placeholders filled; None when it needs a value that is missing."""
        template = self.get(key)
        if template is None:
            return None
        needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if any(not values.get(name) for name in needed if not name.endswith("_part")):
            return None
        return template.format(**{k: values.get(k) or "" for k in needed})


def _deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = (
            _deep_merge(out[key], value)
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping)
            else value
        )
    return out


@lru_cache(maxsize=16)
def _shipped(name: str) -> dict[str, Any]:
    data = yaml.safe_load(resources.files("prompts").joinpath("macros", name).read_text("utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"prompts/macros/{name} must be a mapping")
    return data


def load_macros(language: str, overrides: Mapping[str, Any] | None = None) -> Macros:
    """The shipped macros of ``language`` (English for an unknown one), with a workspace's overrides.

    Args:
        language: nb, nn, sv, da or en.
        overrides: ``{"policy": {...}, "<lang>": {...}}`` merged key by key over the shipped files.
    """
    lang = language if language in _LANGS else "en"
    overrides = overrides or {}
    text = _deep_merge(_shipped(f"{lang}.yaml"), overrides.get(lang) or {})
    policy = _deep_merge(_shipped("policy.yaml"), overrides.get("policy") or {})
    return Macros(language=lang, text=text, policy=policy)


#: Placeholders a workspace's ``replies`` templates may use (filled from the situation; a template whose
#: placeholder the situation cannot fill is left out).
REPLY_PLACEHOLDERS = frozenset(
    {"order", "status", "carrier", "tracking", "eta", "product", "pickup_point", "address", "amount", "case"}
)
_POLICY_KEYS = {"return_days", "timezone"}


def parse_macros(data: Any, *, source: str | None = None) -> dict[str, Any]:
    """A workspace's macros, validated: ``{"policy": {...}, "<lang>": {...}}``.

    A language's mapping overrides any shipped key (``order.shipped``, ``refund.paid`` …; the keys of
    ``prompts/macros/<lang>.yaml``) and may add ``replies: {<request type>: "template"}``: the company's own
    reply for a request type, with placeholders from :data:`REPLY_PLACEHOLDERS`. ``policy`` takes
    ``return_days`` (0-365) and ``timezone`` (an IANA name).

    Raises:
        InputError: anything else, with what to fix.
    """
    from knowledge.errors import InputError

    if not isinstance(data, Mapping) or not data:
        raise InputError("expected a mapping of languages (nb, nn, sv, da, en) and 'policy'", source=source)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "policy":
            out["policy"] = _parse_policy(value, source)
            continue
        if key not in _LANGS:
            raise InputError(
                f"unknown key {key!r}; use a language ({', '.join(_LANGS)}) or 'policy'", source=source
            )
        if not isinstance(value, Mapping):
            raise InputError(f"{key!r} must be a mapping of macro keys to sentences", source=source)
        _check_replies(value.get("replies"), key, source)
        _check_templates(value, key, source)
        out[key] = dict(value)
    return out


def _parse_policy(value: Any, source: str | None) -> dict[str, Any]:
    from zoneinfo import ZoneInfoNotFoundError

    from knowledge.errors import InputError

    if not isinstance(value, Mapping):
        raise InputError("'policy' must be a mapping", source=source)
    unknown = set(value) - _POLICY_KEYS
    if unknown:
        raise InputError(
            f"unknown policy key(s) {sorted(unknown)}; use {sorted(_POLICY_KEYS)}", source=source
        )
    days = value.get("return_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365):
        raise InputError("policy.return_days must be a whole number of days, 0-365", source=source)
    zone = value.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(f"policy.timezone {zone!r} is not a known time zone", source=source) from None
    return dict(value)


def _check_replies(replies: Any, lang: str, source: str | None) -> None:
    from assistant.intent import REQUEST_TYPES
    from knowledge.errors import InputError

    if replies is None:
        return
    if not isinstance(replies, Mapping):
        raise InputError(f"{lang}.replies must map request types to templates", source=source)
    for kind, template in replies.items():
        if kind not in REQUEST_TYPES:
            raise InputError(
                f"{lang}.replies: unknown request type {kind!r}; use one of {', '.join(REQUEST_TYPES)}",
                source=source,
            )
        extra = _placeholders(template, f"{lang}.replies.{kind}", source) - REPLY_PLACEHOLDERS
        if extra:
            raise InputError(
                f"{lang}.replies.{kind}: unknown placeholder(s) {sorted(extra)}; "
                f"use {sorted(REPLY_PLACEHOLDERS)}",
                source=source,
            )


def _placeholders(template: Any, where: str, source: str | None) -> set[str]:
    from knowledge.errors import InputError

    if not isinstance(template, str) or not template.strip():
        raise InputError(f"{where} must be a non-empty sentence", source=source)
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError as exc:
        raise InputError(f"{where}: {exc} (write a literal brace as {{{{ or }}}})", source=source) from None


def _check_templates(node: Mapping[str, Any], where: str, source: str | None) -> None:
    from knowledge.errors import InputError

    for k, v in node.items():
        path = f"{where}.{k}"
        if isinstance(v, Mapping):
            _check_templates(v, path, source)
        elif isinstance(v, list):
            if not all(isinstance(x, str) for x in v):
                raise InputError(f"{path} must be a list of words", source=source)
        else:
            _placeholders(v, path, source)


def load_macros_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a workspace macros YAML file (see :func:`parse_macros`).

    Raises:
        InputError: the file is missing, not YAML, or not valid macros.
    """
    from knowledge.errors import InputError

    p = Path(path)
    if not p.is_file():
        raise InputError("macros file not found", source=str(p))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid YAML: {exc}", source=str(p)) from None
    return parse_macros(data, source=str(p))


@dataclass
class Composition:
    """What the situation says for one request."""

    lines: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # situation items: order:<id>, refund:<id>, promise:<n> ...
    needs_knowledge: bool = True  # the situation does not answer the question by itself
    apology: bool = False  # an overdue promise or refund was acknowledged (a response time follows)
    follow_up: bool = False  # a person takes the case further (its number and a response time follow)

    def add(self, line: str | None, *items: str) -> bool:
        if not line:
            return False
        if line not in self.lines:
            self.lines.append(line)
        for item in items:
            if item not in self.used:
                self.used.append(item)
        return True


class _Writer:
    def __init__(self, request: DraftRequest, situation: Situation, macros: Macros) -> None:
        self.request = request
        self.s = situation
        self.m = macros
        self.zone = ZoneInfo(str(macros.policy.get("timezone") or "Europe/Oslo"))

    # -- formatting ------------------------------------------------------------------------------------
    def date(self, value: date | datetime | None) -> str | None:
        if value is None:
            return None
        day = value.astimezone(self.zone).date() if isinstance(value, datetime) else value
        months = self.m.text.get("months") or []
        month = months[day.month - 1] if len(months) == 12 else str(day.month)
        return str(self.m.get("date") or "{day}.{month}").format(day=day.day, month=month)

    def time(self, value: datetime) -> str:
        clock = value.astimezone(self.zone).strftime("%H:%M")
        return str(self.m.get("time") or "{time}").format(time=clock)

    def amount(self, value: float | None, currency: str | None) -> str | None:
        if value is None:
            return None
        whole = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
        if self.m.language == "en":
            return f"{(currency or '').upper()} {whole}".strip()
        whole = whole.replace(",", " ").replace(".", ",") if value != int(value) else whole.replace(",", " ")
        unit = "kr" if (currency or "").upper() in ("NOK", "SEK", "DKK", "") else (currency or "")
        return f"{whole} {unit}".strip()

    @staticmethod
    def product(order: OrderState) -> str | None:
        return _PAREN.sub("", order.items[0]).strip() if order.items else None


def _named_order(situation: Situation, text: str) -> OrderState | None:
    folded = fold(text)
    return next((o for o in situation.orders if fold(o.id) and fold(o.id) in folded), None)


def _relevant_order(situation: Situation, request_type: str, text: str) -> OrderState | None:
    """The order the message is about: one it names, else the likeliest for the request type among the
    orders whose items the message mentions ("the TV box", "ruteren"), else among all of them."""
    named = _named_order(situation, text)
    if named is not None or not situation.orders:
        return named
    words = _words(text)
    mentioned = [o for o in situation.orders if _mentions_item(o, words)]
    if mentioned and len(mentioned) < len(situation.orders):
        found = _likeliest(mentioned, request_type)
        if found is not None:
            return found
    return _likeliest(situation.orders, request_type, situation.now if not mentioned else None)


#: A question where an order is, with no order open, is about a delivered one only when it arrived within
#: this time ("it says delivered, but it isn't here") or the message names its items: an order delivered
#: months ago is not the one a customer asks after (that one is missing from the history).
_JUST_DELIVERED = timedelta(days=14)


def _likeliest(orders: list[OrderState], request_type: str, now: datetime | None = None) -> OrderState | None:
    """The order of ``orders`` (newest first) a request of ``request_type`` is most likely about.

    With ``now`` (the message names none of the orders' items), a question where an order is, with none
    open, finds only an order delivered within :data:`_JUST_DELIVERED`.
    """
    if request_type == "refund":
        with_refund = [o for o in orders if o.refund is not None]
        done = [o for o in orders if (o.status or "").lower() in ("cancelled", "returned")]
        candidates = with_refund or done
        return candidates[0] if candidates else None
    if request_type in ("where_is_order", "delivery_time", "cancel_change"):
        found = next((o for o in orders if o.open), None)
        if found is not None or now is None or request_type == "cancel_change":
            return found or orders[0]
        newest = orders[0]
        when = newest.delivered_at or newest.updated_at or newest.placed_at
        return newest if when is not None and now - when <= _JUST_DELIVERED else None
    if request_type == "return_exchange":
        return next((o for o in orders if (o.status or "").lower() in ("delivered", "collected")), orders[0])
    return orders[0]


#: Words shorter than this are not compared with item names ("tv", "5g", "og" say too little).
_MIN_ITEM_WORD = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if len(w) >= _MIN_ITEM_WORD}


def _mentions_item(order: OrderState, words: set[str]) -> bool:
    """Whether a word of the message and a word of one of the order's item names are the same word, one
    inflected from the other ("ruteren" and "Ruter", "mesh-punktet" and "Mesh-punkt")."""
    names = _words(" ".join(_PAREN.sub("", item) for item in order.items))
    return any(a.startswith(b) or b.startswith(a) for a in words for b in names)


def _order_status(w: _Writer, c: Composition, order: OrderState) -> bool:
    """The order's status as sentences; whether a status was stated."""
    status = (order.status or "").lower()
    item = f"order:{order.id}"
    if status in IN_TRANSIT:
        said = c.add(
            w.m.fill("order.shipped", order=order.id, carrier=order.carrier, tracking=order.tracking)
            or w.m.fill("order.shipped_plain", order=order.id),
            item,
        )
        _eta(w, c, order, item)
        if order.pickup_point:
            c.add(w.m.fill("order.pickup_point", pickup_point=order.pickup_point), item)
        elif order.shipping_address:
            c.add(w.m.fill("order.address", address=order.shipping_address), item)
    elif status in ("ready_for_pickup", "ready", "awaiting_pickup"):
        said = c.add(
            w.m.fill("order.ready_for_pickup", order=order.id, pickup_point=order.pickup_point), item
        )
    elif status in COLLECTED:
        said = c.add(
            w.m.fill("order.collected", order=order.id, date=w.date(order.delivered_at or order.updated_at))
            or w.m.fill("order.collected_plain", order=order.id),
            item,
        )
    elif status == "delivered":
        said = c.add(
            w.m.fill("order.delivered", order=order.id, date=w.date(order.delivered_at))
            or w.m.fill("order.delivered_plain", order=order.id),
            item,
        )
    elif status in NOT_SHIPPED:
        said = c.add(w.m.fill("order.processing", order=order.id), item)
        _eta(w, c, order, item)
    elif status == "cancelled":
        said = c.add(w.m.fill("order.cancelled", order=order.id), item)
    elif status == "returned":
        said = c.add(w.m.fill("order.returned", order=order.id), item)
    else:
        said = False
    # a tracking number helps while the parcel travels or waits, not once the customer has collected it
    done = (*IN_TRANSIT, "cancelled", *COLLECTED)
    if said and order.tracking and status not in done:
        c.add(w.m.fill("order.tracking", tracking=order.tracking), item)
    if said and order.replacement and order.replacement_for:
        c.add(w.m.fill("order.replacement", original=order.replacement_for), item)
    return said


def _eta(w: _Writer, c: Composition, order: OrderState, item: str) -> None:
    """When the order is expected; an expected day already past is said to be late (and followed up), not
    promised again."""
    if order.eta is None:
        return
    if order.eta < w.s.now.astimezone(w.zone).date():
        eta = w.date(order.eta)
        c.add(
            w.m.fill("order.late", eta=eta, carrier=order.carrier) or w.m.fill("order.late_plain", eta=eta),
            item,
        )
        return
    c.add(w.m.fill("order.eta", eta=w.date(order.eta)), item)


def _where(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if order is None:
        return
    said = _order_status(w, c, order)
    if (
        (order.status or "").lower() == "delivered"
        and said
        and (w.s.tried or _NOT_RECEIVED.search(w.request.message.text))
    ):
        c.add(
            w.m.fill("order.trace", carrier=order.carrier, tracking=order.tracking)
            or w.m.fill("order.trace_plain", carrier=order.carrier),
            f"order:{order.id}",
        )
    c.needs_knowledge = not said


def _refund(w: _Writer, c: Composition, order: OrderState | None) -> None:
    refund = order.refund if order is not None else None
    if refund is not None:
        amount = w.amount(refund.amount, refund.currency)
        item = f"refund:{refund.order_id}"
        status = (refund.status or "").lower()
        if status == "paid":
            said = c.add(
                w.m.fill("refund.paid", amount=amount, order=refund.order_id, date=w.date(refund.at)), item
            )
        elif status == "failed":
            said = c.add(w.m.fill("refund.failed", amount=amount, order=refund.order_id), item)
        else:
            # an overdue refund is apologised for below: its missed date is not promised again
            expected = None if refund.overdue else w.date(refund.expected_by)
            said = c.add(
                w.m.fill("refund.initiated", amount=amount, order=refund.order_id, expected=expected)
                or w.m.fill("refund.initiated_plain", amount=amount, order=refund.order_id),
                item,
            )
        if refund.overdue and not c.apology:
            c.lines.insert(0, w.m.fill("refund.overdue", expected=w.date(refund.expected_by)) or "")
            c.apology = True
        c.needs_knowledge = not said
        return
    if order is not None:  # a cancelled or returned order without refund details: say where it stands
        status = (order.status or "").lower()
        if status == "cancelled" and _INVOICE.search(order.payment or ""):
            # paid by invoice and cancelled: the invoice goes, nothing was paid, so nothing is refunded
            if c.add(w.m.fill("refund.invoice_cancelled", order=order.id), f"order:{order.id}"):
                # nothing is refunded: the knowledge's refund times would contradict it
                c.needs_knowledge = False
                return
        _order_status(w, c, order)
        return
    replacement = next((o for o in w.s.orders if o.replacement), None)
    if replacement is not None and not any(o.refund for o in w.s.orders):
        c.add(w.m.fill("refund.replacement_chosen", order=replacement.id), f"order:{replacement.id}")
        _order_status(w, c, replacement)
        c.needs_knowledge = False


#: How long after it was placed or delivered an order is still "recent" for a complaint that names none.
_RECENT = timedelta(days=45)


def _recent(order: OrderState, now: datetime) -> bool:
    when = order.delivered_at or order.placed_at
    return when is not None and now - when <= _RECENT


def _return(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if order is None:
        return
    status = (order.status or "").lower()
    if status == "returned" or order.refund is not None:
        # the return (or a refund) has already happened: say so and where the money is, not the return
        # rules; "we received your return" only for an order that was returned (a cancelled one was not)
        if status == "returned":
            c.add(w.m.fill("order.returned", order=order.id), f"order:{order.id}")
        _refund(w, c, order)
        c.needs_knowledge = False
        return
    if status in (*NOT_SHIPPED, *IN_TRANSIT):
        # not arrived yet: there is nothing to return, but what its status allows (stop it, change it)
        _cancel(w, c, order)
        return
    days = int(w.m.policy.get("return_days") or 0)
    start = order.delivered_at or (order.placed_at if status in ("delivered", "collected") else None)
    if not days or start is None:
        return
    deadline = start.astimezone(w.zone).date() + timedelta(days=days)
    within = w.s.now.astimezone(w.zone).date() <= deadline
    key = "return.within" if within else "return.past"
    said = c.add(
        w.m.fill(key, days=str(days), order=order.id, deadline=w.date(deadline)), f"order:{order.id}"
    )
    c.needs_knowledge = within or not said  # how to return still comes from the knowledge


def _cancel(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if order is None:
        return
    said = _order_status(w, c, order)
    status = (order.status or "").lower()
    if status in NOT_SHIPPED:
        c.add(w.m.get("cancel.processing"))
        if _ADDRESS_CUE.search(w.request.message.text):
            c.add(w.m.fill("cancel.address", address=order.shipping_address), f"order:{order.id}")
    elif status in IN_TRANSIT:
        c.add(w.m.get("cancel.shipped"))
    elif status in DELIVERED:
        # it has arrived: what the customer can still do is return it, by the deadline of its delivery
        _return(w, c, order)
        return
    elif status in ("cancelled", "returned") and order.refund is not None:
        _refund(w, c, order)  # where the money of a cancelled or returned order is
    c.needs_knowledge = not said


def _invoice(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if order is None:
        return
    item = f"order:{order.id}"
    status = (order.status or "").lower()
    refund = order.refund
    if refund is not None and (refund.status or "").lower() == "paid":
        c.add(
            w.m.fill(
                "invoice.refunded",
                amount=w.amount(refund.amount, refund.currency),
                order=order.id,
                date=w.date(refund.at),
            ),
            item,
            f"refund:{order.id}",
        )
    elif status == "cancelled":
        c.add(w.m.fill("invoice.cancelled", order=order.id), item)
    else:
        total = order.total if order.total is not None else None
        c.add(w.m.fill("invoice.order", order=order.id, amount=w.amount(total, order.currency)), item)
        if order.invoice_due is not None:
            c.add(w.m.fill("invoice.due", due=w.date(order.invoice_due)), item)


def _appointment(w: _Writer, c: Composition) -> None:
    upcoming = [a for a in w.s.appointments if a.upcoming]
    # none ahead: the one just held ("is my bike done yet?"), unless it was cancelled
    recent = [
        a
        for a in w.s.appointments
        if not a.upcoming
        and a.at <= w.s.now
        and w.s.now - a.at <= timedelta(days=_RECENT_APPOINTMENT_DAYS)
        and (a.status or "").casefold() not in _NOT_HELD
    ]
    if not upcoming and not recent:
        return
    a = upcoming[0] if upcoming else max(recent, key=lambda x: x.at)
    subject = (a.subject or "").strip()
    subject = subject[:1].lower() + subject[1:] if subject and not subject[:2].isupper() else subject
    place = w.m.fill("appointment.place_part", place=a.place) if a.place else ""
    key = "appointment.upcoming" if upcoming else "appointment.done"
    said = c.add(
        w.m.fill(key, subject=subject, date=w.date(a.at), time=w.time(a.at), place_part=place),
        f"appointment:{a.id}",
    )
    # moving or cancelling it: the help center's rules for that (free until ..., a fee after) still answer
    c.needs_knowledge = not said or bool(upcoming and _MOVE_APPOINTMENT.search(w.request.message.text))


_RECENT_APPOINTMENT_DAYS = 14
_NOT_HELD = {"cancelled", "canceled", "no_show", "no-show", "missed", "booked"}


def _troubleshooting(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if not w.s.tried:
        return
    c.add(w.m.get("troubleshooting.ack"), "tried")
    if order is not None and order.replacement:
        # the customer already has a replacement: another one is not the next step, a person looks at it
        original = order.replacement_for or _replaced_order(w.s, order)
        c.add(
            w.m.fill(
                "troubleshooting.after_replacement",
                product=w.product(order),
                order=order.id,
                original=original,
            )
            or w.m.fill("troubleshooting.after_replacement_plain", order=order.id),
            f"order:{order.id}",
        )
        c.follow_up = True
        c.needs_knowledge = False
        return
    if order is not None:
        c.add(
            w.m.fill("troubleshooting.escalate", product=w.product(order), order=order.id)
            or w.m.get("troubleshooting.escalate_plain"),
            f"order:{order.id}",
        )
    else:
        c.add(w.m.get("troubleshooting.escalate_plain"))
    c.needs_knowledge = False


def _replaced_order(situation: Situation, replacement: OrderState) -> str | None:
    """The earlier order a replacement without ``replacement_for`` replaces: the newest earlier order that
    is not itself a replacement and shares its first item's name."""
    name = _PAREN.sub("", replacement.items[0]).strip().casefold() if replacement.items else ""
    placed = replacement.placed_at
    for o in situation.orders:
        if o is replacement or o.replacement or not o.items:
            continue
        if placed is not None and o.placed_at is not None and o.placed_at >= placed:
            continue
        if _PAREN.sub("", o.items[0]).strip().casefold() == name:
            return o.id
    return None


def _promises(w: _Writer, c: Composition, styles: ChannelStyles) -> None:
    overdue = w.s.overdue_promises
    if overdue and not c.apology:
        p = overdue[-1]
        n = w.s.promises.index(p)
        due = p.due.date() if p.due is not None else None  # dues are kept as the end of a UTC day
        what = _promised(p.text) if p.role in ("agent", "bot") else None  # a note is not quoted
        line = (
            w.m.fill("promise.overdue_what", due=w.date(due), what=what)
            or w.m.fill("promise.overdue", due=w.date(due))
            or w.m.get("promise.overdue_plain")
        )
        if line:
            c.lines.insert(0, line)
            c.used.append(f"promise:{n}")
            c.apology = True
    if c.apology or c.follow_up:
        case = w.s.case_numbers[-1] if w.s.case_numbers else None
        case_part = w.m.fill("promise.case_part", case=case) if case else ""
        nxt = (w.m.get("promise.next") or "").format(case_part=case_part or "")
        if case:
            c.used.append(f"case:{case}")
        respond = response_time_promise(w.m.language, styles.response_time(w.request.channel))
        c.lines.append(f"{nxt} {respond}".strip())
        return
    for n, p in enumerate(w.s.promises):
        # "you will hear from us by ..." repeats a promise to get back to the customer, not any other
        if p.state == "pending" and p.due is not None and _CONTACT.search(p.text):
            c.add(w.m.fill("promise.pending", due=w.date(p.due.date())), f"promise:{n}")
            break


#: A promise quoted in an apology is at most this long (a longer one is left to the agent to read).
_MAX_PROMISE_QUOTE = 160


def _promised(text: str) -> str | None:
    """The promise's own words, to quote in the apology for it (what we did not do), or None when too long."""
    what = " ".join(text.split()).strip(" .,;:")
    if not what or len(what) > _MAX_PROMISE_QUOTE:
        return None
    return what[:1].upper() + what[1:]


def _promise_order(w: _Writer, c: Composition) -> None:
    """After an apology for a promise, the order it most likely concerns (the one open order, else the one
    placed or delivered recently), when no sentence has named an order yet."""
    if not c.apology or any(u.startswith(("order:", "refund:", "appointment:")) for u in c.used):
        return
    candidates = [o for o in w.s.orders if o.open] or [o for o in w.s.orders if _recent(o, w.s.now)]
    if len(candidates) == 1:
        _order_status(w, c, candidates[0])


def _company_reply(w: _Writer, c: Composition, kind: str, order: OrderState | None) -> None:
    """The workspace's own reply for the request type (``replies.<type>``), filled from the situation; it
    answers instead of a knowledge quote."""
    if not w.m.get(f"replies.{kind}"):
        return
    values: dict[str, str | None] = {"case": w.s.case_numbers[-1] if w.s.case_numbers else None}
    if order is not None:
        refund = order.refund
        values.update(
            order=order.id,
            status=order.status,
            carrier=order.carrier,
            tracking=order.tracking,
            eta=w.date(order.eta),
            product=w.product(order),
            pickup_point=order.pickup_point,
            address=order.shipping_address,
            amount=(
                w.amount(refund.amount, refund.currency) if refund else w.amount(order.total, order.currency)
            ),
        )
    template = w.m.get(f"replies.{kind}") or ""
    items = [f"order:{order.id}"] if order is not None and "{order}" in template else []
    if c.add(w.m.fill(f"replies.{kind}", **values), *items):
        c.used.append(f"macro:{kind}")
        c.needs_knowledge = False


def compose(request: DraftRequest, macros: Macros, styles: ChannelStyles | None = None) -> Composition:
    """The situation's sentences for ``request`` (see the module docstring).

    Args:
        request: the draft request, with ``situation`` and ``request_type`` set by the service.
        macros: the macros of the reply's language (:func:`load_macros`).
        styles: channel styles (the response time said after an apology).

    Returns:
        The sentences, the situation items they used, and whether the knowledge base must still answer.
    """
    c = Composition()
    situation = request.situation
    if situation is None:
        if not macros.get(f"replies.{request.request_type}"):
            return c
        situation = Situation(now=datetime.now(UTC))  # no known customer: only the company's reply
    w = _Writer(request, situation, macros)
    kind = request.request_type
    if hypothetical(request.message.text):
        # "what if I ...": the help center answers; only a promise we broke is still acknowledged
        _promises(w, c, styles or ChannelStyles())
        c.lines = [line for line in c.lines if line]
        return c
    _by_type(w, c, kind)
    _promises(w, c, styles or ChannelStyles())
    _promise_order(w, c)
    sorry = w.m.get("complaint.sorry")
    complains = kind == "complaint" or w.request.complaint
    if complains and not c.apology and sorry and sorry not in c.lines:
        # a complaint, or a question that also complains ("where is it? not okay"), is acknowledged first
        # (an overdue promise's apology does it)
        c.lines.insert(0, sorry)
    c.lines = [line for line in c.lines if line]
    if c.apology and kind in ("complaint", "other"):
        c.needs_knowledge = False
    return c


def _by_type(w: _Writer, c: Composition, kind: str) -> None:
    """The sentences of the request type (and the workspace's own reply for it)."""
    situation, request = w.s, w.request
    order = _relevant_order(situation, kind, request.message.text)
    if kind in ("where_is_order",) or (kind == "delivery_time" and order is not None and order.open):
        _where(w, c, order)
    elif kind == "refund":
        _refund(w, c, order)
    elif kind == "return_exchange":
        _return(w, c, order)
    elif kind == "cancel_change":
        _cancel(w, c, order)
    elif kind == "invoice":
        _invoice(w, c, order)
    elif kind == "appointment":
        _appointment(w, c)
    elif kind == "troubleshooting":
        _troubleshooting(w, c, order)
    elif kind in ("complaint", "other"):
        # no recognised question: the customer's one open order is most likely what they write about; a
        # complaint with no open order is most likely about the newest recent one
        candidates = [o for o in situation.orders if o.open]
        if not candidates and kind == "complaint":
            candidates = [o for o in situation.orders if _recent(o, situation.now)][:1]
        if len(candidates) == 1 and _order_status(w, c, candidates[0]):
            c.needs_knowledge = False  # a knowledge quote would answer a question we did not recognise
    _company_reply(w, c, kind, order)
