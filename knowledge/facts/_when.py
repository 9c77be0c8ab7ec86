"""Dates and times, absolute and relative, in nb, nn, sv, da and en.

A date's normalized value is ISO 8601 when it is absolute ("2025-03-12", or "--03-12" without a year) and
a canonical English phrase when it is relative ("tomorrow", "next friday", "day 12 of this month"): there is
no reference date offline, so relative dates are named, not resolved. Times normalise to 24-hour "HH:MM".
Day-first order is assumed for numeric dates ("12/3" is the 12th of March), as in all five languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from knowledge.facts._base import Context, ExtractedFact, alternation, fact
from knowledge.facts._lexicon import (
    MONTH_FULL,
    MONTHS,
    NUMBER_WORDS,
    RELATIVE_DAYS,
    WEEKDAY_AFTER,
    WEEKDAY_BEFORE,
    WEEKDAY_EN,
    WEEKDAYS,
)

_I = re.IGNORECASE
_MONTH = rf"(?P<mname>{alternation(MONTHS)})\.?(?!\w)"
_MONTH_FULL = rf"(?P<mname>{alternation(MONTH_FULL)})(?!\w)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|\.|:e|:a|:te|e)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"

_ISO_RE = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d{2})-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?![\d-])")
_NUMERIC_RE = re.compile(
    r"(?<![\d/.,-])(?P<day>[0-3]?\d)(?P<sep>[./])(?P<month>[01]?\d)(?:(?P=sep)(?P<year>(?:19|20)?\d{2}))?"
    r"(?P<end>\.)?(?![\d/]|[.,]\d)"
)
_DAY_MONTH_RE = re.compile(
    rf"(?<![\w.,])(?:(?:the|den|d\.)\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?", _I
)
_MONTH_DAY_RE = re.compile(
    rf"(?<!\w){_MONTH_FULL}\s+(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:.]\d|\w)(?:,?\s+{_YEAR})?",
    _I,
)
_DAY_ONLY_RE = re.compile(
    r"(?<!\w)(?:(?P<lead>the|den|on|until|till|til|from|by|before|after|fra|från|innen|inom|senest)\s+)?"
    r"(?P<day>[0-3]?\d)(?P<suffix>st|nd|rd|th|:e|:a|:te|\.)(?!\w|\d)(?!\s+(?:floor|time|place|grade|row|"
    r"generation|edition|anniversary|birthday|year|attempt|etasje|gang|gangen|våning|gången|sal|plass))"
    r"(?:\s+(?:of\s+)?(?P<rel>this|next|denne|neste|nästa|næste|denna|i denne|i denna)\s+"
    r"(?P<unit>month|måned|måneden|månad|månaden|måned|mnd))?",
    _I,
)
_RELATIVE_RE = re.compile(rf"(?<!\w)(?P<rel>{alternation(RELATIVE_DAYS)})(?!\w)", _I)
_WEEKDAY_RE = re.compile(
    rf"(?<!\w)(?:(?P<before>{alternation(WEEKDAY_BEFORE)})\s+)?(?P<wd>{alternation(WEEKDAYS)})"
    rf"(?P<past>s)?(?!\w)(?:\s+(?P<after>{alternation(WEEKDAY_AFTER)})(?!\w))?",
    _I,
)
_PAST_WEEKDAY_LEAD = re.compile(r"(?:^|\s)i\s+$", _I)


def _iso(year: int | None, month: int, day: int) -> str | None:
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return y + 2000 if y < 100 else y


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def find_dates(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Absolute and relative dates."""
    for m in _ISO_RE.finditer(text):
        iso = _iso(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso:
            yield fact("date", text, m.start(), m.end(), iso, 0.95)
    for m in _NUMERIC_RE.finditer(text):
        if not m.group("year") and m.group("sep") == "." and not m.group("end"):
            continue  # "12.3" is a decimal number; "12.3." and "12.03.2025" are dates
        iso = _iso(_year(m.group("year")), int(m.group("month")), int(m.group("day")))
        if iso:
            end = m.end() if m.group("year") else m.end("month")
            yield fact("date", text, m.start(), end, iso, 0.8 if m.group("year") else 0.6)
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for m in pattern.finditer(text):
            if pattern is _MONTH_DAY_RE and m.group("mname") == "may":
                continue  # "may 12" in lower case is the verb
            iso = _iso(_year(m.group("year")), MONTHS[m.group("mname").lower()], int(m.group("day")))
            if iso:
                end = m.end() - 1 if m.group(0).endswith(".") and not m.group("year") else m.end()
                yield fact("date", text, m.start(), end, iso, 0.9)
    for m in _DAY_ONLY_RE.finditer(text):
        day = int(m.group("day"))
        numeric_suffix = m.group("suffix") in {".", ":e", ":a", ":te"}
        if not 1 <= day <= 31 or (numeric_suffix and m.group("lead") is None):
            continue
        if m.group("lead") is None and m.group("unit") is None:
            continue  # "4th floor": an ordinal alone is not a date
        rel = (m.group("rel") or "").lower()
        when = (
            " next month" if rel in {"next", "neste", "nästa", "næste"} else " of this month" if rel else ""
        )
        start = m.start("day") if (m.group("lead") or "").lower() not in {"the", "den"} else m.start()
        yield fact("date", text, start, m.end(), f"day {day}{when}", 0.75)
    yield from _relative_dates(text)


def _relative_dates(text: str) -> Iterator[ExtractedFact]:
    for m in _RELATIVE_RE.finditer(text):
        yield fact("date", text, m.start(), m.end(), RELATIVE_DAYS[squash_lower(m.group("rel"))], 0.85)
    for m in _WEEKDAY_RE.finditer(text):
        wd = WEEKDAY_EN[WEEKDAYS[m.group("wd").lower()]]
        mod: str | None = None
        start = m.start()
        if m.group("past"):
            if not _PAST_WEEKDAY_LEAD.search(text[max(0, m.start("wd") - 3) : m.start("wd")]):
                continue
            mod, start = "last", m.start("wd") - 2  # "i fredags": last Friday
        elif m.group("after"):
            mod = WEEKDAY_AFTER[squash_lower(m.group("after"))]
        if m.group("before") and not m.group("past"):
            mod = WEEKDAY_BEFORE[squash_lower(m.group("before"))] or mod
        normalized = f"{mod} {wd}" if mod else wd
        yield fact("date", text, start, m.end(), normalized, 0.8)


def squash_lower(value: str) -> str:
    return " ".join(value.lower().split())


# --- times -----------------------------------------------------------------------------------------------

_EN_NUM = {k: v for k, v in NUMBER_WORDS["en"].items() if 1 <= v <= 12}
_NORDIC_NUM = {
    k: v for lang in ("nb", "nn", "sv", "da") for k, v in NUMBER_WORDS[lang].items() if 1 <= v <= 12
}
_NORDIC_NUM.update({"ett": 1, "eitt": 1, "ein": 1, "en": 1, "et": 1, "eit": 1})
_HOUR_EN = rf"(?P<h>[0-2]?\d|{alternation(_EN_NUM)})"
_HOUR_NORDIC = rf"(?P<h>[0-2]?\d|{alternation(_NORDIC_NUM)})"
_AMPM = r"(?P<ap>[ap]\.m\.|[ap]\s?m\b)"
_PERIOD = r"(?P<period>morning|afternoon|evening|night)"
_PAST_TO = {
    "half past": 30, "quarter past": 15, "quarter to": -15, "ten past": 10, "ten to": -10,
    "twenty past": 20, "twenty to": -20, "five past": 5, "five to": -5, "twenty-five past": 25,
}  # fmt: skip
_NORDIC_OFFSET = {
    "halv": -30, "kvart over": 15, "kvart på": -15, "kvart i": -15, "kvart över": 15, "kvart yver": 15,
    "ti over": 10, "ti på": -10, "tio över": 10, "tio i": -10, "fem over": 5, "fem på": -5,
}  # fmt: skip
_NORDIC_PERIOD = (
    r"(?P<period>(?:på|om|i)\s+(?:ettermiddagen|ettermiddag|eftermiddagen|kvelden|kveld|kvällen|kväll|"
    r"aftenen|aften|natta|natten)|em\b\.?|e\.m\.|på morgonen|om morgenen|på morgenen|fm\b\.?|f\.m\.)"
)

_LATER = re.compile(r"afternoon|evening|etter|efter|kv|aften|^em|^e\.m", _I)
_NIGHT = re.compile(r"night|natt", _I)

_TIME_RES: tuple[re.Pattern[str], ...] = (
    # half past 4 in the evening, 11 in the morning, quarter past 2 in the afternoon, 1:30 in the afternoon
    re.compile(
        rf"(?<!\w)(?:(?P<q>{alternation(_PAST_TO)})\s+)?{_HOUR_EN}(?::(?P<m>[0-5]\d))?(?:\s+o'clock)?"
        rf"\s+(?:in\s+the|at)\s+{_PERIOD}(?!\w)",
        _I,
    ),
    # morning 11, afternoon 12:30, evening 7:30
    re.compile(rf"(?<!\w){_PERIOD}\s+(?P<h>[0-2]?\d)(?::(?P<m>[0-5]\d))?(?![\d:]|\.\d|\w)", _I),
    # 4:30 pm, 18:00, 7 pm, six pm, 9 o'clock
    re.compile(rf"(?<![\w:.]){_HOUR_EN}(?::(?P<m>[0-5]\d))?\s?(?:{_AMPM}|(?P<oc>o'clock))", _I),
    re.compile(r"(?<![\w:.,/-])(?P<h>[0-2]?\d):(?P<m>[0-5]\d)(?![\d:]|\.\d)"),
    # kl. 14:30, klokka 9, klockan 14.30, kl 9
    re.compile(
        rf"(?<!\w)(?:kl\.?|klokka|klokken|klockan|kloka|klokkeslett)\s*(?:(?P<qn>{alternation(_NORDIC_OFFSET)})\s+)?"
        rf"{_HOUR_NORDIC}(?:[:.](?P<m>[0-5]\d))?(?![\d:]|\.\d|\w)(?:\s+{_NORDIC_PERIOD})?",
        _I,
    ),
    # halv fem, kvart over tre på ettermiddagen
    re.compile(
        rf"(?<!\w)(?P<qn>{alternation(_NORDIC_OFFSET)})\s+{_HOUR_NORDIC}(?!\w|:)(?:\s+{_NORDIC_PERIOD})?", _I
    ),
    re.compile(r"(?<!\w)(?P<noon>noon|midday|midnight|midnatt|midnat|middag)(?!\w)", _I),
)


def _hour(raw: str) -> int | None:
    low = raw.lower()
    if low.isdigit():
        return int(low)
    return _EN_NUM.get(low, _NORDIC_NUM.get(low))


def _clock(groups: dict[str, str | None]) -> str | None:
    """The "HH:MM" of one time match, or None when it is no valid time."""
    g = {k: v or "" for k, v in groups.items()}
    if g.get("noon"):
        return "00:00" if g["noon"].lower().startswith("midn") else "12:00"
    hour = _hour(g.get("h", ""))
    if hour is None:
        return None
    minute = int(g["m"]) if g.get("m") else 0
    for key, offsets in (("q", _PAST_TO), ("qn", _NORDIC_OFFSET)):
        if g.get(key):
            offset = offsets[squash_lower(g[key])]
            hour, minute = (hour, offset) if offset > 0 else (hour - 1, 60 + offset)
    hour = hour + 24 if hour < 0 else hour
    ap = g.get("ap", "").lower()
    period = g.get("period", "").lower()
    if (ap.startswith("p") or _LATER.search(period)) and hour < 12:
        hour += 12
    elif ap.startswith("a") and hour == 12:
        hour = 0
    elif _NIGHT.search(period) and 6 <= hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def find_times(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Clock times, normalised to "HH:MM"."""
    for pattern in _TIME_RES:
        for m in pattern.finditer(text):
            clock = _clock(m.groupdict())
            if clock is None:
                continue
            yield fact("time", text, m.start(), m.end(), clock, 0.85)
