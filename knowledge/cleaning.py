"""Cleaning of untrusted text: invisible and control characters are removed and flagged.

Knowledge documents and customer messages are data, never instructions. Text that a person cannot see
(zero-width characters, Unicode tag characters, bidirectional overrides, control characters) is a common
way to smuggle instructions into a model's context, so we strip it and record that we did.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad"
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
_TAG_RE = re.compile("[\U000e0000-\U000e007f]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


@dataclass
class Cleaned:
    """Cleaned text and the names of what was removed."""

    text: str
    flags: list[str] = field(default_factory=list)


def clean_text(text: str, *, strip_html_comments: bool = True) -> Cleaned:
    """Remove invisible and control characters (and HTML comments) and normalise whitespace.

    Args:
        text: untrusted text.
        strip_html_comments: also remove ``<!-- ... -->`` (Markdown and plain text may carry them).

    Returns:
        The cleaned text (NFC, single spaces, at most one blank line in a row) and flags naming what was
        removed: ``zero_width``, ``bidi_controls``, ``tag_chars``, ``control_chars``, ``html_comment``.
    """
    flags: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for name, pattern in (
        ("html_comment", _HTML_COMMENT_RE if strip_html_comments else None),
        ("zero_width", _ZERO_WIDTH_RE),
        ("bidi_controls", _BIDI_RE),
        ("tag_chars", _TAG_RE),
        ("control_chars", _CONTROL_RE),
    ):
        if pattern is None:
            continue
        text, n = pattern.subn("", text)
        if n:
            flags.append(name)
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_LINES_RE.sub("\n\n", text).strip()
    return Cleaned(text=text, flags=flags)
