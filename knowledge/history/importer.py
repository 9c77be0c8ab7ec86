"""Import history events: relational store first (the truth), then the history vector index.

For each valid event, in file order: resolve the customer (:mod:`knowledge.history.identity`), store the
profile's facts, upsert the order, the conversation and the message, and extract the message's facts
(:mod:`knowledge.history.factstore`). New, changed and moved messages are then embedded and upserted into
the workspace's history collection, and the whole import commits as one transaction.

Re-importing a file changes nothing: customers and identities are found again, conversations, orders and
messages are keyed by their ids (a message without an id by a hash of conversation, role, time and text),
an unchanged message is neither rewritten nor embedded, and facts are unique per customer.

A line that is not a valid event, or whose event contradicts what is stored (a conversation or an order
that belongs to another customer), is reported with its line number and skipped; with ``strict=True`` any
such line aborts the import and nothing is written. Each event is applied inside a savepoint: one that
fails in an unexpected way is rolled back alone and reported, and its neighbours are imported. A message
text longer than the limit (``SVAR_MAX_MESSAGE_CHARS``) is truncated, with a warning naming the line.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.cleaning import clean_message_text
from knowledge.db.engine import sessions_lock
from knowledge.db.history_models import Conversation, Customer, Fact, Message, Order
from knowledge.db.models import utcnow
from knowledge.documents import Rejection
from knowledge.embedders import Embedder
from knowledge.errors import InputError
from knowledge.history.events import (
    AppointmentBlock,
    ConversationBlock,
    Event,
    MessageBlock,
    OrderBlock,
    ParsedLine,
    read_events,
)
from knowledge.history.factstore import (
    message_facts,
    store_message_facts,
    store_order_facts,
    store_profile_facts,
)
from knowledge.history.identity import Match, match_customer, resolve_customer
from knowledge.history.vectors import history_index, message_rows, write_vectors
from knowledge.limits import Limits
from knowledge.locale import workspace_locale
from knowledge.masking import mask_identifier, mask_json, mask_message_facts, mask_sensitive
from knowledge.progress import NoProgress, Progress
from knowledge.workspaces import get_workspace

log = logging.getLogger("svar.history")
_SHOWN = 20  # bad lines quoted in a strict-mode error


@dataclass
class HistoryReport:
    """What a history import did."""

    source: str
    lines: int = 0  # non-blank lines read
    events: int = 0  # events imported
    customers_added: int = 0
    merged: list[str] = field(default_factory=list)  # "fb:123 -> cus_1": customers merged into another
    identities_added: int = 0
    conversations_added: int = 0
    messages_added: int = 0
    messages_updated: int = 0
    messages_unchanged: int = 0
    orders_added: int = 0
    orders_updated: int = 0
    facts_added: int = 0
    vectors_written: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "events": self.events,
            "rejected": len(self.rejected),
            "customers_added": self.customers_added,
            "customers_merged": len(self.merged),
            "identities_added": self.identities_added,
            "conversations_added": self.conversations_added,
            "messages_added": self.messages_added,
            "messages_updated": self.messages_updated,
            "messages_unchanged": self.messages_unchanged,
            "orders_added": self.orders_added,
            "orders_updated": self.orders_updated,
            "facts_added": self.facts_added,
            "vectors_written": self.vectors_written,
        }


class _Conflict(Exception):
    """An event that contradicts the stored history."""


def message_key(conversation_id: str, message: MessageBlock) -> str:
    """A message's id: the given one, else ``h:`` + a hash of conversation, role, time and text."""
    if message.id:
        return message.id
    payload = json.dumps(
        [conversation_id, message.role, message.at.isoformat(), message.text], ensure_ascii=False
    )
    return "h:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def _content_hash(role: str, channel: str, at: str, text: str, meta: dict[str, Any]) -> str:
    payload = json.dumps([role, channel, at, text, meta], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class HistoryImporter:
    """Writes history events into the relational store and the workspace's history collection."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        chroma: Any,
        embedder: Embedder,
        *,
        limits: Limits | None = None,
    ) -> None:
        self.sessions = sessions
        self.chroma = chroma
        self.embedder = embedder
        self.limits = limits or Limits()

    def ingest(
        self,
        path: str | Path,
        workspace: str,
        progress: Progress | None = None,
        *,
        strict: bool = False,
    ) -> HistoryReport:
        """Import a JSONL file of history events into ``workspace``.

        Args:
            path: the file.
            workspace: workspace name (created when missing).
            progress: reports each phase (reading, importing, embedding).
            strict: import nothing when any line is bad.

        Returns:
            What was imported, and each rejected line with its number and reason.

        Raises:
            InputError: the file cannot be read, or ``strict`` and a line is bad (the message lists them).
        """
        progress = progress or NoProgress()
        file = Path(path)
        report = HistoryReport(source=str(file))
        parsed = self._read(file, report, progress)
        if strict and report.rejected:
            raise _strict_error(report.rejected)
        if not parsed:
            return report
        with sessions_lock(self.sessions), self.sessions.begin() as session:
            ws = get_workspace(session, workspace)
            assert ws is not None
            index = history_index(session, self.chroma, ws, self.embedder.identity)
            to_embed: set[int] = set()
            progress.start("Importing events", len(parsed))
            for item in parsed:
                where = f"{file}:{item.line}"
                try:
                    with session.begin_nested():
                        to_embed |= self._apply(session, ws.id, item.event, report, where)
                except _Conflict as exc:
                    report.rejected.append(Rejection(where, str(exc)))
                    if strict:
                        raise _strict_error(report.rejected) from None
                except (SQLAlchemyError, ArithmeticError, RecursionError, ValueError) as exc:
                    log.warning("history event at %s could not be imported: %r", where, exc)
                    reason = str(exc).splitlines()[0][:200] if str(exc) else ""
                    report.rejected.append(
                        Rejection(where, f"could not be imported ({type(exc).__name__}: {reason})")
                    )
                    if strict:
                        raise _strict_error(report.rejected) from None
                progress.advance()
            progress.finish()
            session.flush()
            report.vectors_written = write_vectors(
                index, self.embedder, message_rows(session, sorted(to_embed)), progress
            )
        return report

    def _read(self, file: Path, report: HistoryReport, progress: Progress) -> list[ParsedLine]:
        if file.is_file():
            progress.start("Reading events", _count_lines(file))
        parsed: list[ParsedLine] = []
        for item in read_events(file, self.limits):
            report.lines += 1
            if isinstance(item, Rejection):
                report.rejected.append(item)
            else:
                parsed.append(item)
            progress.advance()
        progress.finish()
        return parsed

    def _apply(self, session: Session, ws_id: int, ev: Event, report: HistoryReport, where: str) -> set[int]:
        """Apply one event; returns the message pks whose vectors must be (re)written."""
        if ev.message is not None and len(ev.message.text) > self.limits.message_chars:
            report.warnings.append(
                Rejection(
                    where,
                    f"message text of {len(ev.message.text):,} characters truncated to "
                    f"{self.limits.message_chars:,} (SVAR_MAX_MESSAGE_CHARS)",
                )
            )
            ev.message.text = ev.message.text[: self.limits.message_chars]
        ev = _masked_customer(ev)
        country = workspace_locale(session, ws_id).country  # national phone numbers read in it
        match = match_customer(session, ws_id, ev.customer, country, verified=ev.is_verified())
        _check_conflicts(session, ws_id, ev, match)
        res = resolve_customer(session, ws_id, ev.customer, match)
        customer = res.customer
        report.events += 1
        report.customers_added += res.created
        report.identities_added += res.identities_added
        report.merged.extend(f"{other} -> {customer.external_id}" for other in res.merged)
        report.warnings.extend(Rejection(where, w) for w in res.warnings)
        extras = mask_json(ev.extras)
        target = "message" if ev.message else "order" if ev.order else "customer"
        _merge_meta(
            customer,
            mask_json(ev.customer.extras) | ({"event": extras} if extras and target == "customer" else {}),
        )
        report.facts_added += store_profile_facts(session, ws_id, customer.id, ev.customer.name, res.keys)
        if ev.order is not None:
            self._order(session, ws_id, customer, ev.order, extras if target == "order" else {}, report)
        if ev.appointment is not None:
            _appointment(customer, ev.appointment)
        to_embed = set(res.moved_messages)
        if ev.conversation is not None:
            conv = self._conversation(session, ws_id, customer, ev.conversation, report)
            if ev.message is not None:
                pk = self._message(session, customer, conv, ev.message, extras, report)
                if pk is not None:
                    to_embed.add(pk)
        return to_embed

    def _conversation(
        self,
        session: Session,
        ws_id: int,
        customer: Customer,
        block: ConversationBlock,
        report: HistoryReport,
    ) -> Conversation:
        conv = session.scalar(
            select(Conversation).where(
                Conversation.workspace_id == ws_id, Conversation.external_id == block.id
            )
        )
        meta = mask_json(block.extras)
        if conv is None:
            conv = Conversation(
                workspace_id=ws_id,
                customer_id=customer.id,
                external_id=block.id,
                channel=block.channel,
                subject=mask_json(block.subject),
                status=block.status or "open",
                sla_due_at=block.sla_due_at,
                meta=meta,
            )
            session.add(conv)
            session.flush()
            report.conversations_added += 1
            return conv
        if block.subject and conv.subject != mask_json(block.subject):
            conv.subject = mask_json(block.subject)
        if block.status and conv.status != block.status:
            conv.status = block.status
        if block.sla_due_at and conv.sla_due_at != block.sla_due_at:
            conv.sla_due_at = block.sla_due_at
        _merge_meta(conv, meta)
        return conv

    def _message(
        self,
        session: Session,
        customer: Customer,
        conv: Conversation,
        block: MessageBlock,
        event_extras: dict[str, Any],
        report: HistoryReport,
    ) -> int | None:
        """Store one message and its facts; returns its pk when its vector must be written."""
        key = message_key(conv.external_id, block)
        meta = mask_json(block.extras) | ({"event": event_extras} if event_extras else {})
        text = clean_message_text(block.text)
        digest = _content_hash(block.role, conv.channel, block.at.isoformat(), text, meta)
        msg = session.scalar(
            select(Message).where(Message.workspace_id == conv.workspace_id, Message.external_id == key)
        )
        _touch_times(conv, block)
        if msg is not None and msg.content_hash == digest:
            report.messages_unchanged += 1
            return None
        masked, facts = message_facts(text, role=block.role, language=customer.language)
        masked, facts = mask_message_facts(text, masked, facts)
        if msg is None:
            msg = Message(
                workspace_id=conv.workspace_id,
                customer_id=customer.id,
                conversation_id=conv.id,
                external_id=key,
                role=block.role,
                channel=conv.channel,
                text=masked,
                at=block.at,
                content_hash=digest,
                meta=meta,
            )
            session.add(msg)
            session.flush()
            report.messages_added += 1
        else:
            msg.role, msg.text, msg.at, msg.content_hash, msg.meta = (
                block.role,
                masked,
                block.at,
                digest,
                meta,
            )
            session.execute(delete(Fact).where(Fact.message_id == msg.id))
            report.messages_updated += 1
        report.facts_added += store_message_facts(session, customer.id, msg, facts)
        return msg.id

    def _order(
        self,
        session: Session,
        ws_id: int,
        customer: Customer,
        block: OrderBlock,
        event_extras: dict[str, Any],
        report: HistoryReport,
    ) -> None:
        order = session.scalar(
            select(Order).where(Order.workspace_id == ws_id, Order.external_id == block.id)
        )
        meta = mask_json(block.extras) | ({"event": event_extras} if event_extras else {})
        stamp = block.updated_at or block.placed_at
        if order is None:
            order = Order(
                workspace_id=ws_id,
                customer_id=customer.id,
                external_id=block.id,
                status=block.status,
                items=mask_json(block.items or []),
                placed_at=block.placed_at,
                updated_at=stamp,
                meta=meta,
            )
            session.add(order)
            session.flush()
            report.orders_added += 1
        elif stamp is None or order.updated_at is None or stamp >= order.updated_at:
            changed = _merge_meta(order, meta)
            new = {
                "status": block.status,
                "items": mask_json(block.items) if block.items is not None else None,
                "placed_at": block.placed_at,
                "updated_at": stamp,
            }
            for attr, value in new.items():
                if value is not None and getattr(order, attr) != value:
                    setattr(order, attr, value)
                    changed = True
            report.orders_updated += changed
        report.facts_added += store_order_facts(session, order)


def _count_lines(file: Path) -> int:
    """Lines in ``file``, counted in fixed-size blocks (a huge line is never held in memory)."""
    count = 0
    last = b"\n"
    with file.open("rb") as fh:
        while block := fh.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _check_conflicts(session: Session, ws_id: int, ev: Event, match: Match) -> None:
    """Refuse an event that would put a stored conversation, message or order under another customer."""
    owners = set(match.owners)
    if ev.order is not None:
        order = session.scalar(
            select(Order).where(Order.workspace_id == ws_id, Order.external_id == ev.order.id)
        )
        if order is not None and order.customer_id not in owners:
            raise _Conflict(f"order {ev.order.id!r} belongs to another customer")
    if ev.conversation is None:
        return
    conv = session.scalar(
        select(Conversation).where(
            Conversation.workspace_id == ws_id, Conversation.external_id == ev.conversation.id
        )
    )
    if conv is not None and conv.customer_id not in owners:
        raise _Conflict(f"conversation {ev.conversation.id!r} belongs to another customer")
    if conv is not None and conv.channel != ev.conversation.channel:
        raise _Conflict(
            f"conversation {ev.conversation.id!r} is on channel {conv.channel!r}, "
            f"not {ev.conversation.channel!r}"
        )
    if ev.message is not None:
        key = message_key(ev.conversation.id, ev.message)
        stored = session.scalar(
            select(Conversation.external_id)
            .join(Message, Message.conversation_id == Conversation.id)
            .where(Message.workspace_id == ws_id, Message.external_id == key)
        )
        if stored is not None and stored != ev.conversation.id:
            raise _Conflict(f"message {key!r} already belongs to conversation {stored!r}")


def _masked_customer(ev: Event) -> Event:
    """The event with card, IBAN and national-id numbers masked in the customer's id, name and handles."""
    c = ev.customer
    update: dict[str, Any] = {
        "id": mask_identifier(c.id),
        "name": mask_sensitive(c.name) if c.name else c.name,
        "handles": {k: mask_identifier(v) for k, v in c.handles.items()},
    }
    if all(getattr(c, k) == v for k, v in update.items()):
        return ev
    return ev.model_copy(update={"customer": c.model_copy(update=update)})


def _touch_times(conv: Conversation, block: MessageBlock) -> None:
    if conv.started_at is None or block.at < conv.started_at:
        conv.started_at = block.at
    if conv.last_message_at is None or block.at > conv.last_message_at:
        conv.last_message_at = block.at


def _appointment(customer: Customer, block: AppointmentBlock) -> None:
    """Store (or update) an appointment in the customer's metadata, under ``appointments`` by id."""
    current = dict(customer.meta or {})
    booked = dict(current.get("appointments") or {})
    booked[block.id] = mask_json(block.model_dump(mode="json", exclude_none=True))
    if current.get("appointments") != booked:
        customer.meta = {**current, "appointments": booked}
        customer.updated_at = utcnow()


def _merge_meta(row: Customer | Conversation | Order, extra: dict[str, Any]) -> bool:
    """Merge ``extra`` into ``row.meta``; returns whether anything changed."""
    current = dict(row.meta or {})
    if all(current.get(k) == v for k, v in extra.items()):
        return False
    row.meta = {**current, **extra}
    if isinstance(row, Customer):
        row.updated_at = utcnow()
    return True


def _strict_error(rejected: list[Rejection]) -> InputError:
    lines = [str(r) for r in rejected[:_SHOWN]]
    if len(rejected) > _SHOWN:
        lines.append(f"... and {len(rejected) - _SHOWN} more")
    noun = "line is" if len(rejected) == 1 else "lines are"
    return InputError(
        f"{len(rejected)} {noun} invalid; nothing was imported (--strict):\n" + "\n".join(lines)
    )
