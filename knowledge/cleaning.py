"""Cleaning of untrusted text: what a reader would not see is removed and flagged.

Knowledge documents and customer messages are data, never instructions. Text that a person cannot see is
a common way to smuggle instructions into a model's context, so one cleaner removes it from every source
format and records that it did:

- **HTML** (HTML files, and raw HTML inside Markdown, CSV, JSONL and plain text): parsed with
  BeautifulSoup, CSS read with tinycss2 (inline ``style`` and the page's ``<style>`` rules, matched with
  soupsieve). Dropped: ``<script>``, ``<style>``, ``<template>``, ``<noscript>``, frames and objects,
  comments, the ``hidden`` attribute, ``aria-hidden="true"``, ``<input type=hidden>``, screen-reader-only
  classes, and CSS that hides: ``display:none``, ``visibility:hidden|collapse``, ``opacity:0``, a font size
  of at most 1px, text colour equal to the background colour (the page is white unless a background is
  set) or ``transparent``, off-screen positioning (``position:absolute|fixed`` with a large negative
  offset, ``text-indent``/margins far off screen), a zero ``height``/``width``/``max-height`` with
  ``overflow:hidden``, ``clip: rect(0 ...)`` / ``clip-path: inset(50%)``, and ``transform: scale(0)``.
- **Characters**: zero-width and format characters (Unicode category Cf: zero-width space/joiners, word
  joiner, soft hyphen, BOM), bidirectional controls (U+200E/F, U+202A-202E, U+2066-2069, U+061C), tag
  characters (U+E0000-E007F), variation selectors (U+FE00-FE0F, U+E0100-E01EF), fillers that render as
  nothing (U+034F, U+115F, U+1160, U+3164, U+FFA0, U+17B4/5, U+180B-180F), and control characters.

:func:`clean_text` is the knowledge cleaner; :func:`clean_message_text` applies the same character
normalisation to a customer message (a message is not HTML: its angle brackets stay).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import tinycss2
from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from bs4.element import NavigableString

__all__ = ["Cleaned", "clean_message_text", "clean_text", "visible_text"]

_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000\u2800]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# something a browser would read as markup: a tag with a known shape, a closing tag, or a comment
_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|/[a-zA-Z][a-zA-Z0-9-]*\s*>|!--)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>", re.I)

_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad")
_FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0\u17b4\u17b5\u180b\u180c\u180d\u180f")


def _char_kind(ch: str) -> str | None:
    """The flag under which ``ch`` is removed, or None to keep it."""
    if ch in "\n\t":
        return None
    code = ord(ch)
    if ch in _BIDI:
        return "bidi_controls"
    if ch in _ZERO_WIDTH:
        return "zero_width"
    if 0xE0000 <= code <= 0xE007F:
        return "tag_chars"
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or ch in _FILLERS:
        return "invisible_chars"
    category = unicodedata.category(ch)
    if category == "Cc":
        return "control_chars"
    if category == "Cf":
        return "invisible_chars"
    return None


@dataclass
class Cleaned:
    """Cleaned text and the names of what was removed."""

    text: str
    flags: list[str] = field(default_factory=list)


def _clean_chars(text: str, flags: list[str]) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for ch in text:
        kind = _char_kind(ch)
        if kind is None:
            out.append(ch)
        elif kind not in flags:
            flags.append(kind)
    text = unicodedata.normalize("NFC", "".join(out))
    text = "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


def clean_text(text: str, *, strip_html_comments: bool = True, markup: bool = True) -> Cleaned:
    """Remove what a reader would not see and normalise whitespace.

    Args:
        text: untrusted text (Markdown, plain text, a CSV cell or a JSONL field; raw HTML inside it is
            read the way a browser renders it).
        strip_html_comments: also remove ``<!-- ... -->``.
        markup: read HTML tags in the text (off for text that is already the visible text of a page).

    Returns:
        The cleaned text (NFC, single spaces, at most one blank line in a row) and flags naming what was
        removed: ``html_comment``, ``hidden_html``, ``script``, ``zero_width``, ``bidi_controls``,
        ``tag_chars``, ``invisible_chars``, ``control_chars``.
    """
    flags: list[str] = []
    if markup and _LOOKS_HTML.search(text):
        visible = visible_text(text, markdown=True)
        text, flags = visible.text, list(visible.flags)
    elif strip_html_comments:
        text, n = _HTML_COMMENT_RE.subn("", text)
        if n:
            flags.append("html_comment")
    return Cleaned(text=_clean_chars(text, flags), flags=flags)


def clean_message_text(text: str) -> str:
    """A customer message with invisible, bidi-control and control characters removed (NFC, tidy spaces).

    Args:
        text: the message as it came in.

    Returns:
        The text a person reading the message sees; angle brackets and HTML-looking text are kept.
    """
    return _clean_chars(text, [])


# --------------------------------------------------------------------------------------------------------
# HTML: what a browser shows

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "svg",
    "head", "canvas", "audio", "video", "math",
)  # fmt: skip
_HIDDEN_CLASSES = frozenset(
    {"hidden", "sr-only", "visually-hidden", "d-none", "screen-reader-text", "invisible"}
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    {"p", "div", "li", "tr", "section", "article", "br", "table", "ul", "ol", "dd", "dt", "pre", "blockquote",
     "header", "footer", "main", "aside", "nav", "details", "summary", "figure", "figcaption", "hr", "form"}
)  # fmt: skip
_NAMED_COLORS = {
    "white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "whitesmoke": (245, 245, 245), "snow": (255, 250, 250),
    "ivory": (255, 255, 240), "ghostwhite": (248, 248, 255), "floralwhite": (255, 250, 240),
}  # fmt: skip
_PAGE = (255, 255, 255)  # a page with no background is white
_NUMBER = re.compile(r"^\s*(-?\d*\.?\d+)\s*([a-z%]*)\s*$")
_OFF_SCREEN_PX = -500.0
Style = dict[str, str]


def _declarations(css: str) -> Style:
    style: Style = {}
    for decl in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            style[decl.lower_name] = tinycss2.serialize(decl.value).strip().lower()
    return style


def _stylesheet_rules(soup: BeautifulSoup) -> Iterator[tuple[str, Style]]:
    for sheet in soup.find_all("style"):
        for rule in tinycss2.parse_stylesheet(sheet.get_text(), skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule":
                yield (
                    tinycss2.serialize(rule.prelude).strip(),
                    _declarations(tinycss2.serialize(rule.content)),
                )


def _computed_styles(soup: BeautifulSoup) -> dict[int, Style]:
    """Each element's declared style (the page's rules in order, then its inline ``style``), by id()."""
    styles: dict[int, Style] = {}
    for selector, decls in _stylesheet_rules(soup):
        try:
            matched = soup.select(selector)
        except Exception:  # noqa: BLE001 - soupsieve does not support every selector (pseudo-elements)
            continue
        for el in matched:
            styles.setdefault(id(el), {}).update(decls)
    for el in soup.find_all(style=True):
        style = el.get("style")
        if isinstance(style, str):
            styles.setdefault(id(el), {}).update(_declarations(style))
    return styles


def _length_px(value: str | None) -> float | None:
    """A CSS length in px (em/rem at 16px, pt at 4/3 px, % of 16px for font sizes); None if unknown."""
    if value is None:
        return None
    m = _NUMBER.match(value.replace("!important", ""))
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    factor = {"": 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "%": 0.16, "vh": 8.0, "vw": 12.0}
    return number * factor[unit] if unit in factor else None


def _color(value: str | None) -> tuple[int, int, int] | None | str:
    """An RGB triple, "transparent", or None when not determinable."""
    if not value:
        return None
    v = value.replace("!important", "").strip()
    if v in _NAMED_COLORS:
        return _NAMED_COLORS[v]
    if v == "transparent":
        return "transparent"
    if v.startswith("#"):
        h = v[1:]
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        if len(h) in (6, 8) and all(c in "0123456789abcdef" for c in h):
            if len(h) == 8 and h[6:] == "00":
                return "transparent"
            return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
        return None
    m = re.match(r"rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)", v)
    if m:
        alpha = m.group(4)
        if alpha is not None and float(alpha.rstrip("%")) == 0:
            return "transparent"
        r, g, b = (int(float(x)) for x in m.group(1, 2, 3))
        return r, g, b
    return None


def _background(style: Style) -> tuple[int, int, int] | None | str:
    if "background-color" in style:
        return _color(style["background-color"])
    if "background" in style:
        return _color(style["background"].split()[0]) if style["background"].split() else None
    return None


def _css_hidden(style: Style) -> bool:
    """Whether these declarations alone hide an element."""
    get = style.get
    if get("display", "").startswith("none") or get("visibility", "").startswith(("hidden", "collapse")):
        return True
    opacity = _length_px(get("opacity"))
    if opacity is not None and opacity <= 0.05:
        return True
    size = _length_px(get("font-size"))
    if size is not None and size <= 1.0:
        return True
    if get("position", "").startswith(("absolute", "fixed")):
        for side in ("left", "top", "right", "bottom"):
            offset = _length_px(get(side))
            if offset is not None and offset <= _OFF_SCREEN_PX:
                return True
    for prop in ("text-indent", "margin-left", "margin-top"):
        offset = _length_px(get(prop))
        if offset is not None and offset <= _OFF_SCREEN_PX:
            return True
    if get("overflow", "").startswith(("hidden", "clip")) or get("overflow-y", "").startswith("hidden"):
        for prop in ("height", "max-height", "width", "max-width"):
            extent = _length_px(get(prop))
            if extent is not None and extent <= 1.0:
                return True
    clip = get("clip", "").replace(",", " ")
    if re.match(r"rect\(\s*0(?:px)?\s+0(?:px)?\s+0(?:px)?\s+0(?:px)?\s*\)", clip):
        return True
    if get("clip-path", "").startswith(("inset(50%", "inset(100%", "circle(0")):
        return True
    return bool(re.search(r"scale[xy]?\(\s*0(?:\.0*)?\s*[,)]", get("transform", "")))


def _attr_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if tag.name == "input" and str(tag.get("type", "")).lower() == "hidden":
        return True
    return any(c in _HIDDEN_CLASSES for c in list(tag.get("class") or []))


def _hide(root: Tag, styles: dict[int, Style], flags: list[str]) -> None:
    """Remove every hidden element under ``root``; colour and background are inherited down the tree."""
    stack: list[tuple[Tag, object, object]] = [(root, None, _PAGE)]
    while stack:
        node, color, background = stack.pop()
        for child in list(node.children):
            if not isinstance(child, Tag):
                continue
            style = styles.get(id(child), {})
            own_bg = _background(style)
            bg = own_bg if own_bg is not None and own_bg != "transparent" else background
            fg = _color(style.get("color")) if "color" in style else color
            same = fg is not None and (fg == "transparent" or (bg is not None and fg == bg))
            if _attr_hidden(child) or _css_hidden(style) or (same and child.get_text(strip=True)):
                _flag(flags, "hidden_html")
                child.decompose()
                continue
            stack.append((child, fg, bg))


def _drop_invisible(soup: BeautifulSoup, flags: list[str]) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
        _flag(flags, "html_comment")
    styles = _computed_styles(soup)
    for tag in soup.find_all(_DROP_TAGS):
        if tag.name == "script":
            _flag(flags, "script")
        elif tag.name not in ("head", "style") and tag.get_text(strip=True):
            _flag(flags, "hidden_html")
        tag.decompose()
    _hide(soup, styles, flags)


def _text_of(node: Tag) -> str:
    """Visible text with Markdown-style headings, so chunking can split on them."""
    for block in node.find_all(_BLOCKS):
        block.insert_after("\n")
    parts: list[str] = []
    for el in node.descendants:
        if isinstance(el, Tag):
            if el.name in _HEADINGS:
                parts.append("\n\n" + "#" * _HEADINGS[el.name] + " " + el.get_text(" ", strip=True) + "\n\n")
            elif el.name in _BLOCKS:
                parts.append("\n")
        elif isinstance(el, NavigableString) and not isinstance(
            el, Comment | CData | Declaration | Doctype | ProcessingInstruction
        ):
            if any(isinstance(p, Tag) and p.name in _HEADINGS for p in el.parents):
                continue
            parts.append(str(el))
    return "".join(parts)


def visible_text(markup: str, *, markdown: bool = False) -> Cleaned:
    """The text of ``markup`` that a browser shows, with headings as Markdown ``#`` lines.

    Args:
        markup: an HTML page, or Markdown/plain text with raw HTML in it.
        markdown: the markup is Markdown: autolinks (``<https://...>``) are kept as URLs.

    Returns:
        The visible text (not yet whitespace-normalised: :func:`clean_text` does that) and flags naming
        what was dropped (``html_comment``, ``script``, ``hidden_html``).
    """
    if markdown:
        markup = _AUTOLINK.sub(r"\1", markup)
    soup = BeautifulSoup(markup, "html.parser")
    flags: list[str] = []
    _drop_invisible(soup, flags)
    body = soup.body or soup
    return Cleaned(text=_text_of(body), flags=flags)


def _flag(flags: list[str], name: str) -> None:
    if name not in flags:
        flags.append(name)
