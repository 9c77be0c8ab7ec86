"""A workspace's opening hours: when people answer, so a handoff outside them says when they will.

A workspace declares one opening interval per weekday, in its own time zone::

    {"timezone": "Europe/Oslo",
     "mon": "08:00-20:00", "tue": "08:00-20:00", "wed": "08:00-20:00", "thu": "08:00-20:00",
     "fri": "08:00-18:00", "sat": "10:00-16:00", "sun": null}

A day left out (or ``null``) is closed; ``"00:00-24:00"`` is open all day. With no opening hours declared,
people are always there (the default). A customer handed over while it is open gets an answer within the
channel's answer-time goal; one handed over while it is closed gets it by the next opening plus the goal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.errors import InputError

__all__ = ["DAYS", "OpeningHours", "parse_opening_hours"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)\s*$")


@dataclass(frozen=True)
class OpeningHours:
    """One opening interval (minutes after local midnight, start < end) per weekday (0 = Monday)."""

    timezone: str
    days: Mapping[int, tuple[int, int]]

    def as_dict(self) -> dict[str, Any]:
        """The declaration as written (``{"timezone", "mon": "08:00-20:00", ...}``; closed days null)."""
        out: dict[str, Any] = {"timezone": self.timezone}
        for i, day in enumerate(DAYS):
            span = self.days.get(i)
            out[day] = None if span is None else f"{_hhmm(span[0])}-{_hhmm(span[1])}"
        return out

    def is_open(self, at: datetime) -> bool:
        """Whether people are there at ``at``."""
        local = _aware(at).astimezone(ZoneInfo(self.timezone))
        span = self.days.get(local.weekday())
        minute = local.hour * 60 + local.minute
        return span is not None and span[0] <= minute < span[1]

    def next_opening(self, at: datetime) -> datetime | None:
        """``None`` when open at ``at``; else when it next opens (UTC). Never open: ``None`` as well."""
        if not self.days or self.is_open(at):
            return None
        zone = ZoneInfo(self.timezone)
        local = _aware(at).astimezone(zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            span = self.days.get(day.weekday())
            if span is None:
                continue
            opens = datetime.combine(day, time(span[0] // 60, span[0] % 60), tzinfo=zone)
            if opens > local:
                return opens.astimezone(UTC)
        return None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def parse_opening_hours(data: Mapping[str, Any]) -> OpeningHours:
    """Read a declaration (format in the module docstring).

    Args:
        data: ``{"timezone": IANA name, "<mon..sun>": "HH:MM-HH:MM" or null}``.

    Returns:
        The opening hours.

    Raises:
        InputError: an unknown key or time zone, or an interval that is not ``HH:MM-HH:MM`` with the start
            before the end; the message says which and what to write.
    """
    unknown = sorted(set(data) - {"timezone", *DAYS})
    if unknown:
        raise InputError(f"unknown key(s) in opening hours: {', '.join(unknown)}; use timezone and mon..sun")
    zone = data.get("timezone")
    if not isinstance(zone, str) or not zone.strip():
        raise InputError("opening hours need a 'timezone' (an IANA name like Europe/Oslo)")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {zone!r} in opening hours; use an IANA name like Europe/Oslo"
        ) from None
    days: dict[int, tuple[int, int]] = {}
    for i, day in enumerate(DAYS):
        value = data.get(day)
        if value is None:
            continue
        match = _INTERVAL.match(value) if isinstance(value, str) else None
        if match is None:
            raise InputError(f"opening hours for {day}: {value!r} is not HH:MM-HH:MM (or null for closed)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end > 24 * 60 or start >= end:
            raise InputError(f"opening hours for {day}: {value!r} must open before it closes (at most 24:00)")
        days[i] = (start, end)
    return OpeningHours(timezone=zone, days=days)
