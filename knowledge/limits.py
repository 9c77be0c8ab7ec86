"""Input limits: the largest message, document, event, line, field, nesting and counts Svar accepts.

Every text path is bounded by one of these before any costly work starts, so a hostile or broken input
costs at most a bounded amount of work and is reported with its place. The defaults fit real support
traffic with a wide margin; each is a setting (``SVAR_MAX_<NAME>``, see ``assistant.settings``).

Over a limit:

- a message given to the service raises :class:`~knowledge.errors.LimitError` (CLI exit 2, HTTP 413);
- a knowledge file, record or CSV cell is rejected with its file and line; the rest of the source loads;
- a history line is rejected with its line number unread; a message text inside a valid line is truncated
  to ``message_chars`` and the truncation is reported as a warning with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.errors import LimitError

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
# Elements that never nest or are often left open (the parser closes them itself).
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd tr td th option"
    " thead tbody tfoot colgroup rp rt optgroup".split()
)


@dataclass(frozen=True)
class Limits:
    """Maximum sizes and counts. Field names match the settings ``SVAR_MAX_<NAME>``."""

    message_chars: int = 20_000  # a customer message (service request or history event text)
    document_chars: int = 2_000_000  # one knowledge document's text
    file_bytes: int = 200_000_000  # one knowledge file read into memory (CSV/JSONL collections)
    event_bytes: int = 1_000_000  # one line of a history file
    line_chars: int = 2_500_000  # one line (record) of a knowledge JSONL file
    csv_field_chars: int = 2_000_000  # one CSV cell
    json_depth: int = 32  # nesting of JSON objects/arrays (and YAML front matter)
    handles: int = 20  # social handles of one customer in one event
    headings: int = 2_000  # headings in one document
    html_depth: int = 512  # nesting of HTML elements (parsing cost grows with depth times size)

    def check_message(self, text: str, *, what: str = "the message") -> None:
        """Raise :class:`LimitError` when ``text`` is longer than ``message_chars``."""
        if len(text) > self.message_chars:
            raise LimitError(
                f"{what} is {len(text):,} characters; the limit is {self.message_chars:,} "
                "(shorten it, or raise SVAR_MAX_MESSAGE_CHARS)"
            )


def json_depth(text: str, stop_at: int | None = None) -> int:
    """The deepest nesting of ``[``/``{`` in a JSON text, in one linear pass (strings skipped).

    Args:
        text: JSON text (need not be valid).
        stop_at: return as soon as this depth is reached.

    Returns:
        The maximum depth (0 for a scalar).
    """
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest >= stop_at:
                    return deepest
        else:
            depth = max(0, depth - 1)
    return deepest


def too_deep(text: str, limits: Limits) -> str | None:
    """A reason when ``text`` nests deeper than ``limits.json_depth``, else None."""
    if text.count("[") + text.count("{") <= limits.json_depth:
        return None
    if json_depth(text, stop_at=limits.json_depth + 1) > limits.json_depth:
        return f"nested more than {limits.json_depth} levels deep (SVAR_MAX_JSON_DEPTH)"
    return None


def html_depth(html: str, stop_at: int | None = None) -> int:
    """An estimate of the deepest element nesting of an HTML text, in one linear pass.

    Void elements and those whose end tag may be left out are not counted, so the estimate errs low.
    """
    depth = deepest = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _FLAT:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if stop_at is not None and deepest >= stop_at:
                return deepest
    return deepest
