"""History events (JSONL, one event a line): parsing and validation.

The format is DESIGN.md's "History events"::

    {"customer": {"id", "name"?, "email"?, "phone"?, "handles"?: {"facebook"|"instagram"|"x"|...: str},
                  "language"?, "verified"?: bool},
     "conversation"?: {"id", "channel", "subject"?, "status"?, "sla_due_at"?},
     "message"?: {"id"?, "role": "customer"|"agent"|"bot"|"note", "text", "at"},
     "order"?: {"id", "status"?, "items"?, "placed_at"?, "updated_at"?, ...},
     "appointment"?: {"id", "at", "subject"?, "status"?, "place"?, "window_end"?, ...}}

Orders carry what the customer's situation is built from (all optional, kept in the order's metadata; see
``docs/situation.md``): ``carrier``, ``tracking``, ``eta``, ``delivered_at``, ``pickup_point``,
``shipping_address``, ``total``, ``currency``, ``payment``, ``replacement_for`` (the order it replaces) and
``refund`` (``{"amount", "currency"?, "status"?: "initiated"|"paid"|"failed", "at"?, "expected_by"?,
"method"?}``). An appointment (a visit, an installation, a pickup time) is stored with the customer.

``customer.verified`` says whether the source proved who the customer is. Left out, it is the channel's
default: ``widget`` events are unverified (an anonymous visitor; the company's server signs the id of a
logged-in one and sends ``"verified": true``), every other channel and an event without a conversation
(orders, profiles from the company's systems) are verified. An unverified block never merges into another
customer: see the trust section of :mod:`knowledge.history.identity`.

Fields we do not know are kept (``extra``) and stored as metadata. A line that is not valid becomes a
:class:`~knowledge.documents.Rejection` with its line number and the reason; the other lines still parse.
Lines are bounded before they are parsed (:class:`~knowledge.limits.Limits`: bytes a line, JSON nesting,
handles a customer), and a time outside what can be stored in UTC (year 1 or 9999 with an offset) is an
invalid line, not a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from knowledge.documents import Rejection
from knowledge.errors import InputError
from knowledge.limits import Limits, too_deep

# Kept in step with assistant.types.CHANNELS (knowledge/ does not import assistant/).
CHANNELS: tuple[str, ...] = ("email", "chat", "phone", "sms", "facebook", "instagram", "x", "widget")
ROLES: tuple[str, ...] = ("customer", "agent", "bot", "note")
LANGUAGES: tuple[str, ...] = ("nb", "nn", "sv", "da", "en")
_LANGUAGE_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "swe": "sv", "dan": "da", "eng": "en"}
_HANDLE_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram"}
_HANDLE_KIND = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
RESERVED_KINDS = frozenset({"email", "phone", "external_id"})

Channel = Literal["email", "chat", "phone", "sms", "facebook", "instagram", "x", "widget"]
Role = Literal["customer", "agent", "bot", "note"]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range in UTC") from None


class _Block(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, coerce_numbers_to_str=True)

    @property
    def extras(self) -> dict[str, Any]:
        """Fields the format does not name, as given."""
        return dict(self.model_extra or {})


class CustomerBlock(_Block):
    id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    handles: dict[str, str] = Field(default_factory=dict)
    language: str | None = None
    # Has the source proven who this is? None: the channel's default (see ``Event.is_verified``).
    verified: bool | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        if value is None or not value:
            return None
        code = value.lower().replace("_", "-").split("-")[0]
        code = _LANGUAGE_ALIASES.get(code, code)
        if code not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return code

    @field_validator("handles")
    @classmethod
    def _handles(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        limits = (info.context or {}).get("limits") or Limits()
        if len(value) > limits.handles:
            raise ValueError(
                f"{len(value):,} handles; at most {limits.handles} a customer (SVAR_MAX_HANDLES)"
            )
        out: dict[str, str] = {}
        for raw_kind, handle in value.items():
            kind = _HANDLE_ALIASES.get(raw_kind.strip().lower(), raw_kind.strip().lower())
            if not _HANDLE_KIND.match(kind) or kind in RESERVED_KINDS:
                raise ValueError(f"{raw_kind!r} is not a handle kind (use e.g. facebook, instagram, x)")
            if len(handle) > 300:
                raise ValueError(f"the {kind} handle is longer than 300 characters")
            out[kind] = handle
        return out


class ConversationBlock(_Block):
    id: str = Field(min_length=1, max_length=200)
    channel: Channel
    subject: str | None = None
    status: Literal["open", "closed"] | None = None
    sla_due_at: datetime | None = None

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in CHANNELS:
            return value.strip().lower()
        if isinstance(value, str):
            raise ValueError(f"unknown channel {value!r}; use one of {', '.join(CHANNELS)}")
        return value

    @field_validator("sla_due_at")
    @classmethod
    def _tz(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


class MessageBlock(_Block):
    id: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role
    text: str = Field(min_length=1)
    at: datetime

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("at")
    @classmethod
    def _tz(cls, value: datetime) -> datetime:
        out = _utc(value)
        assert out is not None
        return out


class OrderBlock(_Block):
    id: str = Field(min_length=1, max_length=200)
    status: str | None = Field(default=None, max_length=50)
    items: list[Any] | None = None
    placed_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("placed_at", "updated_at")
    @classmethod
    def _tz(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


class AppointmentBlock(_Block):
    """A booked time with the customer (installation, repair pickup, a call back)."""

    id: str = Field(min_length=1, max_length=200)
    at: datetime
    subject: str | None = Field(default=None, max_length=300)
    status: Literal["booked", "done", "cancelled", "missed"] | None = None
    place: str | None = Field(default=None, max_length=300)
    window_end: datetime | None = None

    @field_validator("at", "window_end")
    @classmethod
    def _tz(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


UNVERIFIED_CHANNELS = frozenset({"widget"})  # channels whose customer block is a claim unless signed


class Event(_Block):
    """One line of a history file."""

    customer: CustomerBlock
    conversation: ConversationBlock | None = None
    message: MessageBlock | None = None
    order: OrderBlock | None = None
    appointment: AppointmentBlock | None = None

    def is_verified(self) -> bool:
        """Whether the event's customer block is proven: ``customer.verified`` when given, else the channel's
        default — ``widget`` is unverified (an anonymous visitor types what they like; the company's server
        must sign the id and say ``"verified": true``), every other channel and an event without a
        conversation (a company system: orders, profiles) is verified."""
        if self.customer.verified is not None:
            return self.customer.verified
        return not (self.conversation is not None and self.conversation.channel in UNVERIFIED_CHANNELS)

    @model_validator(mode="after")
    def _message_needs_conversation(self) -> Event:
        if self.message is not None and self.conversation is None:
            raise ValueError("a message needs a conversation with an id and a channel")
        return self


@dataclass(frozen=True)
class ParsedLine:
    """A valid event and the line it came from."""

    line: int
    event: Event


def describe(exc: ValidationError) -> str:
    """A short, readable reason from a pydantic validation error ("message.at: Field required")."""
    parts = []
    for error in exc.errors()[:3]:
        loc = ".".join(str(p) for p in error["loc"])
        msg = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "literal_error" and loc.endswith("role"):
            msg = f"must be one of {', '.join(ROLES)}"
        elif error["type"] == "literal_error" and loc.endswith("channel"):
            msg = f"unknown channel {error.get('input')!r}; use one of {', '.join(CHANNELS)}"
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = len(exc.errors()) - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_event(raw: str, limits: Limits | None = None) -> Event:
    """Parse one JSONL line into an :class:`Event`.

    Args:
        raw: the line.
        limits: nesting and handle limits (defaults: :class:`Limits`).

    Raises:
        ValueError: the line is not JSON, not an object, or not a valid event; the message says why.
    """
    limits = limits or Limits()
    deep = too_deep(raw, limits)
    if deep:
        raise ValueError(f"not valid JSON: {deep}")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply to parse") from None
    if not isinstance(data, dict):
        raise ValueError("an event must be a JSON object")
    try:
        return Event.model_validate(data, context={"limits": limits})
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


def _lines(fh: Any, max_bytes: int) -> Iterator[bytes | None]:
    """The file's lines; a line longer than ``max_bytes`` is skipped unread and yielded as None."""
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            return
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
            yield None
            continue
        yield raw


def read_events(path: Path, limits: Limits | None = None) -> Iterator[ParsedLine | Rejection]:
    """Each non-blank line of ``path`` as a :class:`ParsedLine`, or a :class:`Rejection` saying why not.

    Args:
        path: a JSONL file of history events.
        limits: line, nesting and handle limits (defaults: :class:`Limits`).

    Raises:
        InputError: the file does not exist or is not a file.
    """
    limits = limits or Limits()
    if not path.exists():
        raise InputError("no such file", source=str(path))
    if not path.is_file():
        raise InputError("not a file (give a JSONL file of history events)", source=str(path))
    with path.open("rb") as fh:
        for number, raw in enumerate(_lines(fh, limits.event_bytes), start=1):
            if raw is None:
                yield Rejection(
                    f"{path}:{number}",
                    f"line is longer than {limits.event_bytes:,} bytes (SVAR_MAX_EVENT_BYTES); not read",
                )
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield Rejection(f"{path}:{number}", "not UTF-8 text")
                continue
            if not line.strip():
                continue
            try:
                yield ParsedLine(number, parse_event(line, limits))
            except ValueError as exc:
                yield Rejection(f"{path}:{number}", str(exc))
