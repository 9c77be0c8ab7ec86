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
- **cancel or change**: what the order's status allows, and the delivery address on the order;
- **invoice**: the order's amount, or that a cancelled order is not to be paid;
- **appointment**: the booked time, date and place;
- **troubleshooting**: when the customer has already tried things, thanks for that and the next step (a
  warranty replacement) instead of the steps again;
- complaint or an unrecognised question: the status of the customer's one open order, if they have one;
- any type: an overdue promise (or refund) is apologised for, followed by what happens next and when the
  customer hears back; a promise not yet due is repeated.

Macros are data (``prompts/macros/<lang>.yaml`` and ``policy.yaml``); a workspace can override any key
(:func:`load_macros` ``overrides``). Nothing here invents a fact: a sentence whose placeholders the situation
cannot fill is left out.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from assistant.channels import ChannelStyles, response_time_promise
from assistant.types import DraftRequest
from knowledge.facts import fold
from knowledge.history.situation import OrderState, Situation

__all__ = ["Composition", "Macros", "compose", "load_macros"]

_LANGS = ("nb", "nn", "sv", "da", "en")
_ADDRESS_CUE = re.compile(r"adress\w*|adresse\w*|address\w*|flytt\w*|moved|move\b", re.IGNORECASE)
_NOT_RECEIVED = re.compile(
    r"ikke fått|ikkje fått|inte fått|ikke fået|not (?:received|got)|haven't (?:received|got)|ingen har sett"
    r"|finner ikke|finn ikkje|hittar inte|kan ikke finde|can't find",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)")


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


@dataclass
class Composition:
    """What the situation says for one request."""

    lines: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # situation items: order:<id>, refund:<id>, promise:<n> ...
    needs_knowledge: bool = True  # the situation does not answer the question by itself
    apology: bool = False  # an overdue promise or refund was acknowledged (a response time follows)

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
    """The order the message is about: one it names, else the likeliest for the request type."""
    named = _named_order(situation, text)
    if named is not None or not situation.orders:
        return named
    orders = situation.orders  # newest first
    if request_type == "refund":
        with_refund = [o for o in orders if o.refund is not None]
        done = [o for o in orders if (o.status or "").lower() in ("cancelled", "returned")]
        candidates = with_refund or done
        return candidates[0] if candidates else None
    if request_type in ("where_is_order", "delivery_time", "cancel_change"):
        return next((o for o in orders if o.open), orders[0])
    if request_type == "return_exchange":
        return next((o for o in orders if (o.status or "").lower() in ("delivered", "collected")), orders[0])
    return orders[0]


def _order_status(w: _Writer, c: Composition, order: OrderState) -> bool:
    """The order's status as sentences; whether a status was stated."""
    status = (order.status or "").lower()
    item = f"order:{order.id}"
    if status in ("shipped", "in_transit", "dispatched", "sent"):
        said = c.add(
            w.m.fill("order.shipped", order=order.id, carrier=order.carrier, tracking=order.tracking)
            or w.m.fill("order.shipped_plain", order=order.id),
            item,
        )
        c.add(w.m.fill("order.eta", eta=w.date(order.eta)), item)
        if order.pickup_point:
            c.add(w.m.fill("order.pickup_point", pickup_point=order.pickup_point), item)
        elif order.shipping_address:
            c.add(w.m.fill("order.address", address=order.shipping_address), item)
    elif status in ("ready_for_pickup", "ready", "awaiting_pickup"):
        said = c.add(
            w.m.fill("order.ready_for_pickup", order=order.id, pickup_point=order.pickup_point), item
        )
    elif status in ("collected", "picked_up"):
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
    elif status == "processing" or status in ("new", "paid", "confirmed", "pending"):
        said = c.add(w.m.fill("order.processing", order=order.id), item)
    elif status == "cancelled":
        said = c.add(w.m.fill("order.cancelled", order=order.id), item)
    elif status == "returned":
        said = c.add(w.m.fill("order.returned", order=order.id), item)
    else:
        said = False
    if said and order.tracking and status not in ("shipped", "in_transit", "dispatched", "sent", "cancelled"):
        c.add(w.m.fill("order.tracking", tracking=order.tracking), item)
    if said and order.replacement and order.replacement_for:
        c.add(w.m.fill("order.replacement", original=order.replacement_for), item)
    return said


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
            said = c.add(
                w.m.fill(
                    "refund.initiated",
                    amount=amount,
                    order=refund.order_id,
                    expected=w.date(refund.expected_by),
                )
                or w.m.fill("refund.initiated_plain", amount=amount, order=refund.order_id),
                item,
            )
        if refund.overdue and not c.apology:
            c.lines.insert(0, w.m.fill("refund.overdue", expected=w.date(refund.expected_by)) or "")
            c.apology = True
        c.needs_knowledge = not said
        return
    if order is not None:  # a cancelled or returned order without refund details: say where it stands
        _order_status(w, c, order)
        return
    replacement = next((o for o in w.s.orders if o.replacement), None)
    if replacement is not None and not any(o.refund for o in w.s.orders):
        c.add(w.m.fill("refund.replacement_chosen", order=replacement.id), f"order:{replacement.id}")
        _order_status(w, c, replacement)
        c.needs_knowledge = False


def _return(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if order is None:
        return
    days = int(w.m.policy.get("return_days") or 0)
    start = order.delivered_at or (
        order.placed_at if (order.status or "").lower() in ("delivered", "collected") else None
    )
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
    if status in ("processing", "new", "paid", "confirmed", "pending"):
        c.add(w.m.get("cancel.processing"))
        if _ADDRESS_CUE.search(w.request.message.text):
            c.add(w.m.fill("cancel.address", address=order.shipping_address), f"order:{order.id}")
    elif status in ("shipped", "in_transit", "dispatched", "sent"):
        c.add(w.m.get("cancel.shipped"))
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


def _appointment(w: _Writer, c: Composition) -> None:
    upcoming = [a for a in w.s.appointments if a.upcoming]
    if not upcoming:
        return
    a = upcoming[0]
    subject = (a.subject or "").strip()
    subject = subject[:1].lower() + subject[1:] if subject and not subject[:2].isupper() else subject
    place = w.m.fill("appointment.place_part", place=a.place) if a.place else ""
    said = c.add(
        w.m.fill(
            "appointment.upcoming", subject=subject, date=w.date(a.at), time=w.time(a.at), place_part=place
        ),
        f"appointment:{a.id}",
    )
    c.needs_knowledge = not said


def _troubleshooting(w: _Writer, c: Composition, order: OrderState | None) -> None:
    if not w.s.tried:
        return
    c.add(w.m.get("troubleshooting.ack"), "tried")
    if order is not None:
        c.add(
            w.m.fill("troubleshooting.escalate", product=w.product(order), order=order.id)
            or w.m.get("troubleshooting.escalate_plain"),
            f"order:{order.id}",
        )
    else:
        c.add(w.m.get("troubleshooting.escalate_plain"))
    c.needs_knowledge = False


def _promises(w: _Writer, c: Composition, styles: ChannelStyles) -> None:
    overdue = w.s.overdue_promises
    if overdue and not c.apology:
        p = overdue[-1]
        n = w.s.promises.index(p)
        due = p.due.date() if p.due is not None else None  # dues are kept as the end of a UTC day
        line = w.m.fill("promise.overdue", due=w.date(due)) or w.m.get("promise.overdue_plain")
        if line:
            c.lines.insert(0, line)
            c.used.append(f"promise:{n}")
            c.apology = True
    if c.apology:
        case = w.s.case_numbers[-1] if w.s.case_numbers else None
        case_part = w.m.fill("promise.case_part", case=case) if case else ""
        nxt = (w.m.get("promise.next") or "").format(case_part=case_part or "")
        if case:
            c.used.append(f"case:{case}")
        respond = response_time_promise(w.m.language, styles.response_time(w.request.channel))
        c.lines.append(f"{nxt} {respond}".strip())
        return
    for n, p in enumerate(w.s.promises):
        if p.state == "pending" and p.due is not None:
            c.add(w.m.fill("promise.pending", due=w.date(p.due.date())), f"promise:{n}")
            break


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
        return c
    w = _Writer(request, situation, macros)
    kind = request.request_type
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
        # no recognised question: the customer's one open order is most likely what they write about
        open_orders = [o for o in situation.orders if o.open]
        if len(open_orders) == 1 and _order_status(w, c, open_orders[0]):
            c.needs_knowledge = False  # a knowledge quote would answer a question we did not recognise
    _promises(w, c, styles or ChannelStyles())
    c.lines = [line for line in c.lines if line]
    if c.apology and kind in ("complaint", "other"):
        c.needs_knowledge = False
    return c
