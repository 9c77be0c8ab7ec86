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
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, fact
from knowledge.facts._lexicon import (
    MONTH_FULL,
    MONTHS,
    RELATIVE_DAYS,
    WEEKDAY_AFTER,
    WEEKDAY_BEFORE,
    WEEKDAY_EN,
    WEEKDAYS,
)
from knowledge.text.lexicons import alternation
from knowledge.text.numbers import number_words

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
_CLOCK_BEFORE_DAY = re.compile(r"(?:kl\.?|klokka|klokken|klockan)\s*\d{1,2}(?:[:.]\d\d)?\s*$", _I)
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
        if _CLOCK_BEFORE_DAY.search(text, max(0, m.start() - 20), m.start()):
            continue  # "fra kl. 9 til 11.": the end of a time window, not the 11th
        rel = (m.group("rel") or "").lower()
        when = (
            " next month" if rel in {"next", "neste", "nästa", "næste"} else " of this month" if rel else ""
        )
        start = m.start("day") if (m.group("lead") or "").lower() not in {"the", "den"} else m.start()
        yield fact("date", text, start, m.end(), f"day {day}{when}", 0.75)
    for m in _WEEK_RE.finditer(text):
        yield fact("date", text, m.start(), m.end(), f"week {int(m.group('week'))}", 0.8)
    yield from _relative_dates(text)


# A week by its number ("uke 14", "veke 29", "vecka 14", "uge 7", "week 32"): the Nordic way to name a week.
_WEEK_RE = re.compile(
    r"(?<![\w-])(?:uke|uka|veke|veka|vecka|veckan|uge|ugen|week)\s*(?:nr\.?\s*|nummer\s+)?"
    r"(?P<week>[1-9]|[1-4]\d|5[0-3])(?![\d.,:/]\d|\d|\w)",
    _I,
)


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


@lru_cache(maxsize=1)
def _hour_words() -> tuple[dict[str, int], dict[str, int]]:
    """English and Nordic hour words (1-12); Nordic "ett", "ein", "en" ... read as one o'clock."""
    en = {k: v for k, v in number_words("en").items() if 1 <= v <= 12}
    nordic = {
        k: v
        for lang in ("nb", "nn", "sv", "da")
        for k, v in number_words(lang, articles=True).items()
        if 1 <= v <= 12
    }
    return en, nordic


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


@lru_cache(maxsize=1)
def _time_res() -> tuple[re.Pattern[str], ...]:
    en, nordic = _hour_words()
    hour_en = rf"(?P<h>[0-2]?\d|{alternation(en)})"
    hour_nordic = rf"(?P<h>[0-2]?\d|{alternation(nordic)})"
    return (
        # half past 4 in the evening, 11 in the morning, quarter past 2 in the afternoon, 1:30 pm
        re.compile(
            rf"(?<!\w)(?:(?P<q>{alternation(_PAST_TO)})\s+)?{hour_en}(?::(?P<m>[0-5]\d))?(?:\s+o'clock)?"
            rf"\s+(?:in\s+the|at)\s+{_PERIOD}(?!\w)",
            _I,
        ),
        # morning 11, afternoon 12:30, evening 7:30
        re.compile(rf"(?<!\w){_PERIOD}\s+(?P<h>[0-2]?\d)(?::(?P<m>[0-5]\d))?(?![\d:]|\.\d|\w)", _I),
        # 4:30 pm, 18:00, 7 pm, six pm, 9 o'clock
        re.compile(rf"(?<![\w:.]){hour_en}(?::(?P<m>[0-5]\d))?\s?(?:{_AMPM}|(?P<oc>o'clock))", _I),
        re.compile(r"(?<![\w:.,/-])(?P<h>[0-2]?\d):(?P<m>[0-5]\d)(?![\d:]|\.\d)"),
        # kl. 14:30, klokka 9, klockan 14.30, kl 9
        re.compile(
            rf"(?<!\w)(?:kl\.?|klokka|klokken|klockan|kloka|klokkeslett)\s*(?:(?P<qn>{alternation(_NORDIC_OFFSET)})\s+)?"
            rf"{hour_nordic}(?:[:.](?P<m>[0-5]\d))?(?![\d:]|\.\d|\w)(?:\s+{_NORDIC_PERIOD})?",
            _I,
        ),
        # halv fem, kvart over tre på ettermiddagen
        re.compile(
            rf"(?<!\w)(?P<qn>{alternation(_NORDIC_OFFSET)})\s+{hour_nordic}(?!\w|:)(?:\s+{_NORDIC_PERIOD})?",
            _I,
        ),
        re.compile(r"(?<!\w)(?P<noon>noon|midday|midnight|midnatt|midnat|middag)(?!\w)", _I),
    )


def _hour(raw: str) -> int | None:
    low = raw.lower()
    if low.isdigit():
        return int(low)
    en, nordic = _hour_words()
    return en.get(low, nordic.get(low))


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


def find_times(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Clock times, normalised to "HH:MM", and time windows ("after 14:00", "10:00-12:00", "morning")."""
    yield from find_time_windows(text, ctx)
    for pattern in _time_res():
        for m in pattern.finditer(text):
            clock = _clock(m.groupdict())
            if clock is None:
                continue
            yield fact("time", text, m.start(), m.end(), clock, 0.85)


# --- time windows ----------------------------------------------------------------------------------------

_KL = r"(?:(?P<kl{n}>kl\.?|klokka|klokken|klockan|kloka)\s*)?"
_CLOCK = r"(?P<h{n}>[0-2]?\d)(?:[:.](?P<m{n}>[0-5]\d))?(?:\s?(?P<ap{n}>[ap]\.?m\.?|[ap]m\b))?"
_AFTER_WORDS = {
    "etter": "after", "efter": "after", "after": "after", "fra": "from", "från": "from", "frå": "from",
    "from": "from", "før": "before", "føre": "before", "före": "before", "innan": "before",
    "before": "before", "until": "before", "till": "before", "til": "before", "by": "before",
    "senest": "before", "seinast": "before", "senast": "before", "innen": "before", "inom": "before",
    "inden": "before",
}  # fmt: skip
_WINDOW_AFTER_RE = re.compile(
    rf"(?<!\w)(?P<rel>{alternation(_AFTER_WORDS)})\s+{_KL.format(n='')}{_CLOCK.format(n='')}"
    r"(?![\d:]|[.,]\d|\w)",
    _I,
)
_WINDOW_BETWEEN_RE = re.compile(
    rf"(?<!\w)(?P<lead>mellom|mellan|mellem|between|fra|från|frå|from)?\s*{_KL.format(n='1')}"
    rf"{_CLOCK.format(n='1')}\s*(?:og|och|and|til|till|to|–|—|-)\s*{_KL.format(n='2')}{_CLOCK.format(n='2')}"
    r"(?![\d:]|[.,]\d|\w)",
    _I,
)
# After a bare hour only words that leave it a time: "efter 14", "mellom 10 og 12 i morgen"; not "14 dagar".
_FOLLOW_OK = re.compile(
    r"\s*(?:$|[.,!?;:)\n]|(?:og|and|och|eller|or|i|on|på|om|hvis|if|men|but|så|so|then|da|då|please|takk|"
    r"tack|tak|thanks|today|tomorrow|idag|imorgen|imorgon|i\s+dag|i\s+morgen|i\s+morgon|o'clock|"
    r"[ap]\.?m\.?|ish|or\s+so|ca|cirka|hver|every|alle|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|måndag|tisdag|lördag|söndag|tysdag|laurdag|"
    r"sundag|formiddag\w*|ettermiddag\w*|eftermiddag\w*|förmiddag\w*|morning|afternoon|evening|kveld\w*|"
    r"kväll\w*|aften\w*)(?!\w))",
    _I,
)
_PERIODS: dict[str, str] = {
    "formiddag": "morning", "formiddagen": "morning", "förmiddag": "morning", "förmiddagen": "morning",
    "føremiddag": "morning", "føremiddagen": "morning", "ettermiddag": "afternoon",
    "ettermiddagen": "afternoon", "eftermiddag": "afternoon", "eftermiddagen": "afternoon",
    "kvelden": "evening", "kvällen": "evening", "aftenen": "evening", "morgenen": "morning",
    "morgonen": "morning", "morning": "morning", "afternoon": "afternoon",
    "evening": "evening", "lunsj": "midday", "lunch": "midday", "lunchtid": "midday", "lunsjtid": "midday",
}  # fmt: skip
_PERIOD_RE = re.compile(
    r"(?<!\w)(?:(?P<lead>i|på|om|in\s+the|this|tomorrow|today|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"i\s+morgen|i\s+morgon|imorgen|imorgon|i\s+dag|idag|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|"
    r"søndag|måndag|tisdag|lördag|söndag|tysdag|laurdag|sundag|til|till|rundt|kring|omkring|around|by|"
    r"before|after|før|etter|efter|före|innan|inden|innen|inom)\s+)?"
    rf"(?P<period>{alternation(_PERIODS)})(?!\w)",
    _I,
)
_CLOCK_AFTER = re.compile(r"\s*(?:at\s+|kl\.?\s*|klokka\s+|klockan\s+)?\d", _I)
_CLOCK_BEFORE = re.compile(
    r"(?:\d|half\s+past\s+\w+|quarter\s+(?:past|to)\s+\w+|o'clock|[ap]\.?m\.?)\s*(?:o'clock\s*)?$", _I
)
_GREETING_BEFORE = re.compile(r"(?:god|goda|gode|good|godt)\s+$", _I)


def _window_clock(h: str, m: str | None, ap: str | None) -> str | None:
    return _clock({"h": h, "m": m, "ap": ap})


def find_time_windows(text: str, _ctx: Context) -> Iterator[ExtractedFact]:
    """Time windows: "etter kl. 15", "efter 14", "after 2 pm", "mellom 10 og 12", "onsdag formiddag"."""
    yield from _after_before(text)
    yield from _between(text)
    yield from _periods(text)


def _after_before(text: str) -> Iterator[ExtractedFact]:
    for m in _WINDOW_AFTER_RE.finditer(text):
        explicit = bool(m.group("kl") or m.group("m") or m.group("ap"))
        rel = _AFTER_WORDS[m.group("rel").lower()]
        if not explicit:
            hour = int(m.group("h"))
            if m.group("rel").lower() not in {"etter", "efter", "før", "före", "innan"}:
                continue  # "til 12", "after 18", "innen 2": too often a count or an age
            if not 6 <= hour <= 23 or not _FOLLOW_OK.match(text, m.end()):
                continue
        clock = _window_clock(m.group("h"), m.group("m"), m.group("ap"))
        if clock is not None:
            yield fact("time", text, m.start(), m.end(), f"{rel} {clock}", 0.8)


def _between(text: str) -> Iterator[ExtractedFact]:
    for m in _WINDOW_BETWEEN_RE.finditer(text):
        if not (m.group("lead") or m.group("kl1")):
            continue
        explicit = bool(m.group("kl1") or m.group("m1") or m.group("ap1") or m.group("ap2"))
        if not explicit and not _FOLLOW_OK.match(text, m.end()):
            continue
        h1, h2 = int(m.group("h1")), int(m.group("h2"))
        ap2 = m.group("ap2")
        first = _window_clock(m.group("h1"), m.group("m1"), m.group("ap1") or (ap2 if h1 <= h2 else None))
        if h2 < h1 and h2 <= 12 and not ap2:
            h2 += 12  # "from 9 to 5"
        second = _window_clock(str(h2), m.group("m2"), ap2)
        if first is None or second is None or (not explicit and not (6 <= h1 <= 23)):
            continue
        yield fact("time", text, m.start(), m.end(), f"{first}-{second}", 0.8)


def _periods(text: str) -> Iterator[ExtractedFact]:
    for m in _PERIOD_RE.finditer(text):
        period = m.group("period").lower()
        lead = (m.group("lead") or "").lower()
        if period in {"morning", "afternoon", "evening", "lunch", "morgenen", "morgonen"} and not lead:
            continue  # "Good morning", "lunch": no time window on their own
        if _GREETING_BEFORE.search(text, max(0, m.start() - 6), m.start()):
            continue
        if _CLOCK_AFTER.match(text, m.end()) or _CLOCK_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "3:30 in the afternoon", "kl 10 på formiddagen": the clock time says it all
        if lead == "i" and period in {"morning", "afternoon", "evening"}:
            continue
        start = m.start() if lead in {"i", "på", "om"} or lead.startswith("in") else m.start("period")
        yield fact("time", text, start, m.end(), _PERIODS[period], 0.7)
