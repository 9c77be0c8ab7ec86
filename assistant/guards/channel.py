"""The channel guard: a reply must fit the channel it goes out on (see :mod:`assistant.channels`).

:func:`check_channel` flags

- a reply longer than the channel allows (SMS 306 characters = two segments, X 280, ...);
- an e-mail without a greeting or without a sign-off;
- markdown markup (bold, headings, ``[label](url)``, code, tables) where the channel shows it raw, and any
  link where the channel takes none (SMS, phone);
- an image (``![x](url)``, ``<img>``) on any channel, and a link to a domain that is not on the workspace's
  allowlist (``allowed_domains``, see :mod:`assistant.links`) on any channel;
- internal links in social DMs: a link is public when its host is one of the company's public help-center
  domains (``ChannelStyles.public_domains``) or it points at a knowledge document's URL; anything else is
  internal. A link to an intranet-looking host (``localhost``, ``*.local``, ``*.internal``, ``*.corp``,
  a private IP, a dotless host) is internal on every channel;
- sending the customer to another channel ("call us", "ring oss", "ring os", "send us an email",
  "skicka ett mejl till oss") unless a cited passage says that is the way (it names the channel and gives
  the number or address, or says the same itself).

:func:`fit_channel` is the fix: it strips disallowed links and markup, joins paragraphs on channels that
take one block of text, adds a missing e-mail greeting and sign-off, and trims to the limit at a sentence
boundary (at a word, with "…", only when even the first sentence is too long).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from assistant.channels import (
    ChannelStyle,
    ChannelStyles,
    greeting,
    has_greeting,
    has_sign_off,
    is_public_url,
    is_stock_sentence,
    sign_off,
)
from assistant.guards.injection import domain_allowed
from assistant.types import GuardFinding, Passage

__all__ = [
    "Link",
    "Redirect",
    "check_channel",
    "find_links",
    "find_markdown",
    "find_redirects",
    "fit_channel",
    "strip_markdown",
]

_I = re.IGNORECASE
Severity = Literal["info", "warn", "block"]
_MD_LINK = re.compile(r"!?\[(?P<label>[^\]\n]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<img\b[^>]*>", _I)
_BARE_URL = re.compile(r"(?<![\w/@])(?:https?://|www\.)[^\s<>()\[\]\"']+", _I)
_TRAILING = ".,;:!?»”'\""

_MARKUP: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bold", re.compile(r"\*\*(?=\S)[^*\n]+?\*\*|__(?=\S)[^_\n]+?__")),
    ("italic", re.compile(r"(?<![\w*])\*(?=[^\s*])[^*\n]+?(?<=[^\s*])\*(?![\w*])")),
    ("heading", re.compile(r"^[ \t]*#{1,6}[ \t]+\S", re.M)),
    ("link", _MD_LINK),
    ("code", re.compile(r"`[^`\n]+`")),
    ("table", re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)),
)

_REDIRECTS: dict[str, re.Pattern[str]] = {
    "phone": re.compile(
        r"\b(?:call\s+(?:us|our\s+(?:customer\s+service|support|team)|customer\s+service)|give\s+us\s+a\s+"
        r"(?:call|ring)|phone\s+us|ring\s+us|contact\s+us\s+(?:by|via|on\s+the)\s+(?:phone|telephone)"
        r"|ring\s+(?:oss|os|til\s+oss|till\s+oss|til\s+os|kundeservice|kundservice|kundtjänst|vår\s+"
        r"kundeservice|vår\s+kundservice)"
        r"|(?:kontakt|kontakta|ta\s+kontakt\s+med)\s+(?:oss|os)\s+(?:på|per|via)\s+telefon(?:en)?)\b",
        _I,
    ),
    "email": re.compile(
        r"\b(?:send\s+us\s+an?\s+e-?mail|e-?mail\s+us|drop\s+us\s+an?\s+e-?mail|write\s+to\s+us\s+at"
        r"|contact\s+us\s+(?:by|via)\s+e-?mail"
        r"|send\s+(?:oss|os)\s+(?:en|ein)\s+(?:e-?post|e-?mail|mail)"
        r"|send\s+(?:en|ein)\s+(?:e-?post|e-?mail)\s+til\s+(?:oss|os)"
        r"|skriv\s+til\s+(?:oss|os)\s+på\s+(?:e-?post|e-?mail|mail)"
        r"|(?:kontakt|kontakta)\s+(?:oss|os)\s+(?:på|per|via)\s+(?:e-?post|e-?mail|mail|mejl)"
        r"|skicka\s+(?:ett\s+|en\s+)?(?:mejl|mail|e-?post(?:meddelande)?|e-?brev)\s+till\s+oss"
        r"|(?:mejla|maila)\s+oss)\b",
        _I,
    ),
}
_CHANNEL_WORDS: dict[str, re.Pattern[str]] = {
    "phone": re.compile(r"\b(?:ring\w*|call\w*|telefon\w*|phone|tlf|callback)\b", _I),
    "email": re.compile(r"\b(?:e-?post\w*|e-?mail\w*|mejl\w*|mail\w*)\b", _I),
}
_CONTACT: dict[str, re.Pattern[str]] = {
    "phone": re.compile(r"\+?\d[\d ()-]{6,}\d"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}
_INTERNAL_SUFFIXES = (".local", ".internal", ".intranet", ".corp", ".lan", ".localdomain", ".intern", ".home")


@dataclass(frozen=True)
class Link:
    """A link in a text: the URL, its label (Markdown links) and its span."""

    url: str
    label: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Redirect:
    """A sentence that sends the customer to another channel ("phone" or "email")."""

    kind: str
    span: str
    start: int
    end: int


def find_links(text: str) -> list[Link]:
    """Every link in ``text``: Markdown ``[label](url)`` links and bare ``http(s)://``/``www.`` URLs."""
    links: list[Link] = []
    for m in _MD_LINK.finditer(text):
        links.append(Link(m.group("url"), m.group("label"), m.start(), m.end()))
    for m in _BARE_URL.finditer(text):
        if any(link.start <= m.start() < link.end for link in links):
            continue
        url = m.group(0).rstrip(_TRAILING)
        links.append(Link(url, None, m.start(), m.start() + len(url)))
    return sorted(links, key=lambda link: link.start)


def find_markdown(text: str) -> list[tuple[str, str]]:
    """Markdown markup in ``text`` as (kind, matched text) pairs; list bullets are plain text, not markup."""
    return [(kind, m.group(0)) for kind, pattern in _MARKUP for m in pattern.finditer(text)]


def _intranet(url: str) -> bool:
    host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
    if not host:
        return False
    if host == "localhost" or "." not in host or host.endswith(_INTERNAL_SUFFIXES):
        return True
    if host.startswith(("intranet.", "intra.", "internal.", "wiki.internal", "confluence.", "jira.")):
        return True
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def find_redirects(text: str, cited: Sequence[Passage] = (), channel: str | None = None) -> list[Redirect]:
    """Places where the reply sends the customer to another channel and no cited passage says to.

    Args:
        text: the reply.
        cited: the passages the reply cites; a redirect they make themselves (or back with the channel's
            number or address) is allowed.
        channel: the conversation's channel; "send us an email" on e-mail is not another channel.
    """
    found: list[Redirect] = []
    for kind, pattern in _REDIRECTS.items():
        if channel == kind:
            continue
        if any(
            pattern.search(p.text) or (_CHANNEL_WORDS[kind].search(p.text) and _CONTACT[kind].search(p.text))
            for p in cited
        ):
            continue
        found.extend(Redirect(kind, m.group(0), m.start(), m.end()) for m in pattern.finditer(text))
    return sorted(found, key=lambda r: r.start)


def _known_urls(cited: Sequence[Passage], known_urls: Sequence[str]) -> list[str]:
    return [*known_urls, *(p.url for p in cited if p.url)]


def _internal(
    url: str,
    style: ChannelStyle,
    styles: ChannelStyles,
    known: Sequence[str],
    allowed_domains: Sequence[str] | None = None,
) -> bool:
    if _intranet(url):
        return True
    public = [*styles.public_domains, *(allowed_domains or ())]  # the workspace's allowlist is public
    return style.links == "public" and not is_public_url(url, public, known)


def _foreign(url: str, allowed_domains: Sequence[str] | None) -> bool:
    """A link to a domain that is not on the workspace's allowlist (None: no allowlist to judge by)."""
    return allowed_domains is not None and not domain_allowed(url, allowed_domains)


def _finding(severity: Severity, message: str, span: str | None = None) -> GuardFinding:
    return GuardFinding(guard="channel", severity=severity, message=message, span=span)


def check_channel(
    text: str,
    channel: str,
    language: str | None = None,
    *,
    cited: Sequence[Passage] = (),
    styles: ChannelStyles | None = None,
    known_urls: Sequence[str] = (),
    allowed_domains: Sequence[str] | None = None,
) -> list[GuardFinding]:
    """Check that a reply fits its channel (see the module docstring for what is flagged).

    Args:
        text: the reply.
        channel: the conversation's channel.
        language: the reply's language (unused by the checks themselves; kept for a uniform guard call).
        cited: the passages the reply cites: their URLs are public, and they may send the customer to
            another channel.
        styles: the channel configuration (public domains, styles); ``None`` uses the defaults.
        known_urls: more URLs of knowledge documents that count as public.
        allowed_domains: the workspace's link allowlist (:mod:`assistant.links`); a link elsewhere is
            flagged on every channel. ``None``: not judged.

    Returns:
        The findings, all severity "warn"; :func:`fit_channel` fixes length, links, markup, greeting and
        sign-off.
    """
    del language  # the patterns cover all five languages at once
    styles = styles or ChannelStyles()
    style = styles.style(channel)
    known = _known_urls(cited, known_urls)
    findings: list[GuardFinding] = []
    if style.max_chars is not None and len(text) > style.max_chars:
        extra = f" ({style.max_chars // style.segment_chars} segments)" if style.segment_chars else ""
        findings.append(
            _finding("warn", f"{len(text)} characters; {channel} allows {style.max_chars}{extra}")
        )
    if style.sign_off:
        if not has_greeting(text):
            findings.append(_finding("warn", f"a reply on {channel} should open with a greeting"))
        if not has_sign_off(text):
            findings.append(_finding("warn", f"a reply on {channel} should close with a sign-off"))
    if not style.markdown:
        for kind, span in find_markdown(text):
            findings.append(_finding("warn", f"{kind} markup is shown raw on {channel}", span))
    for m in _IMAGE.finditer(text):
        findings.append(_finding("warn", "images are not sent to customers", m.group(0)))
    for link in find_links(text):
        if text[link.start] == "!":
            continue
        if style.links == "none":
            findings.append(_finding("warn", f"no links on {channel}", link.url))
        elif _foreign(link.url, allowed_domains):
            findings.append(_finding("warn", "link to a domain not on the workspace's allowlist", link.url))
        elif _internal(link.url, style, styles, known, allowed_domains):
            where = "a social DM" if style.social else channel
            findings.append(_finding("warn", f"internal link in {where}", link.url))
    for redirect in find_redirects(text, cited, channel):
        findings.append(
            _finding(
                "warn",
                f"sends the customer to {redirect.kind} although no cited passage says so",
                redirect.span,
            )
        )
    return findings


# --------------------------------------------------------------------------------------------------------
# The fix


def strip_markdown(text: str, *, keep_links: bool = True) -> str:
    """Plain text from Markdown: ``[label](url)`` → "label (url)" (or "label"), emphasis, heading marks,
    code ticks and table pipes removed; list bullets stay."""

    def link(m: re.Match[str]) -> str:
        label, url = m.group("label").strip(), m.group("url")
        if not keep_links:
            return label
        return url if not label or label == url else f"{label} ({url})"

    out = _MD_LINK.sub(link, text)
    out = re.sub(r"\*\*(?=\S)([^*\n]+?)\*\*|__(?=\S)([^_\n]+?)__", lambda m: m.group(1) or m.group(2), out)
    out = re.sub(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])", r"\1", out)
    out = re.sub(r"^[ \t]*#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", r"\1", out, flags=re.M)
    out = re.sub(r"`([^`\n]+)`", r"\1", out)
    out = re.sub(
        r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$\n?", "", out, flags=re.M
    )

    def row(m: re.Match[str]) -> str:
        cells = [c.strip() for c in m.group(0).strip().strip("|").split("|") if c.strip()]
        return cells[0] + (": " + ", ".join(cells[1:]) if len(cells) > 1 else "") if cells else ""

    return re.sub(r"^[ \t]*\|.*\|[ \t]*$", row, out, flags=re.M)


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[\"'«“(\[]?[A-ZÆØÅÄÖÜÉ])")


def _remove_links(text: str, drop: set[str]) -> str:
    """Remove the links whose URL is in ``drop``.

    A Markdown link keeps its label ("Se [returskjemaet](url)" → "Se returskjemaet"). A sentence with a
    bare URL to drop goes as a whole: it exists to point at the link ("Les mer her: https://...", "You
    find the form at https://..."), and without it it would dangle.
    """

    def md(m: re.Match[str]) -> str:
        return m.group("label") if m.group("url") in drop else m.group(0)

    def has_dropped(sentence: str) -> bool:
        return any(m.group(0).rstrip(_TRAILING) in drop for m in _BARE_URL.finditer(sentence))

    lines: list[str] = []
    for line in text.split("\n"):
        new = _MD_LINK.sub(md, line)
        if has_dropped(new):
            indent = new[: len(new) - len(new.lstrip())]
            kept = [x for x in _SENTENCE_SPLIT.split(new.strip()) if not has_dropped(x)]
            if not kept:
                continue
            new = indent + " ".join(kept)
        lines.append(new)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_block(text: str) -> str:
    """Join lines into one block of sentences: list items and lines without an end become sentences."""
    pieces: list[str] = []
    for line in text.split("\n"):
        stripped = re.sub(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+", "", line).strip()
        if not stripped:
            continue
        if stripped[-1] not in ".!?:…,;" and not _BARE_URL.search(stripped.split()[-1]):
            stripped += "."
        pieces.append(stripped)
    return " ".join(pieces)


_SENTENCE_STOP = re.compile(r"[.!?…][\"')\]»”]*(?=\s|$)")


def _trim(text: str, limit: int) -> str:
    """The longest prefix of whole sentences within ``limit``; a word cut with "…" if none says anything."""
    if len(text) <= limit:
        return text
    best = ""
    for m in _SENTENCE_STOP.finditer(text):
        if m.end() > limit:
            break
        best = text[: m.end()]
    head_is_framing = all(is_stock_sentence(s) for s in re.split(r"(?<=[.!?])\s+", best.strip()) if s)
    if best.strip() and not head_is_framing:
        return best.rstrip()
    cut = text[: max(limit - 1, 0)]
    if cut.rfind(" ") > limit // 2:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"


def fit_channel(
    text: str,
    channel: str,
    language: str | None = None,
    *,
    styles: ChannelStyles | None = None,
    cited: Sequence[Passage] = (),
    known_urls: Sequence[str] = (),
    customer_name: str | None = None,
    allowed_domains: Sequence[str] | None = None,
) -> str:
    """Make a reply fit its channel: drop disallowed links and markup, shape, and trim to the limit.

    Args:
        text: the reply.
        channel: the conversation's channel.
        language: the reply's language (for a greeting or sign-off that has to be added on e-mail).
        styles: the channel configuration; ``None`` uses the defaults.
        cited: the passages the reply cites (their URLs stay in social DMs).
        known_urls: more knowledge-document URLs that may stay in social DMs.
        customer_name: used in a greeting that has to be added.
        allowed_domains: the workspace's link allowlist; links elsewhere are removed. ``None``: kept.

    Returns:
        The fitted reply; a reply that already fits comes back unchanged.
    """
    styles = styles or ChannelStyles()
    style = styles.style(channel)
    known = _known_urls(cited, known_urls)
    out = _IMAGE.sub("", text).strip()  # no images in customer-facing text, on any channel
    drop = {
        link.url
        for link in find_links(out)
        if style.links == "none"
        or _foreign(link.url, allowed_domains)
        or _internal(link.url, style, styles, known, allowed_domains)
    }
    if drop:
        out = _remove_links(out, drop)
    if not style.markdown and find_markdown(out):
        out = strip_markdown(out, keep_links=style.links != "none")
    if not style.paragraphs:
        out = _one_block(out)
    if style.sign_off:
        if not has_greeting(out):
            out = f"{greeting(language, customer_name, channel=channel)}\n\n{out}"
        if not has_sign_off(out):
            out = f"{out}\n\n{sign_off(language, styles.team_name)}"
    if style.max_chars is not None:
        out = _trim(out, style.max_chars)
    return out
