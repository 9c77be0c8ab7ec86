"""Channel styles as data: how a reply looks on each channel, and the stock phrases of the five languages.

A :class:`ChannelStyle` says how long a reply may be, whether it opens with a greeting and closes with a
sign-off, whether it may have paragraphs, markdown and links, and how many sentences it should have.
:class:`ChannelStyles` holds one style per channel together with what a company configures: its team name
(signed under e-mails), its public help-center domains (the only links allowed in social DMs besides the
knowledge documents' own URLs) and the response time each channel promises in holding replies.

Stock phrases (greetings, sign-offs, "we are looking into it", response-time promises) are written out for
nb, nn, sv, da and en; any other language code falls back to English. The drafters use them to frame a
reply, and the grounding guard treats them as framing, not as claims that need a source.

Sizes: an SMS segment holds 160 GSM-7 characters alone and 153 when concatenated (a 7-character header),
so two segments hold 306 characters: the most an SMS reply may have. X is held to its classic 280.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

__all__ = [
    "CHANNEL_STYLES",
    "DEFAULT_RESPONSE_TIMES",
    "LinkPolicy",
    "ChannelStyle",
    "ChannelStyles",
    "ResponseTime",
    "first_name",
    "get_style",
    "greeting",
    "has_greeting",
    "has_sign_off",
    "holding_text",
    "is_public_url",
    "is_stock_sentence",
    "read_more",
    "response_time_promise",
    "sign_off",
    "stock_phrases",
    "team_name",
    "thanks",
]

#: "any": every link may go out; "public": only links to the company's public help center or to a
#: knowledge document (social DMs); "none": no links at all (SMS, phone).
LinkPolicy = Literal["any", "public", "none"]


@dataclass(frozen=True)
class ChannelStyle:
    """How a reply is shaped on one channel.

    Attributes:
        channel: the channel name (``email``, ``chat``, ``phone``, ``sms``, ``facebook``, ``instagram``,
            ``x``, ``widget``).
        max_chars: the most characters a reply may have, or ``None`` for no hard limit.
        segment_chars: the size of one segment where the channel bills by segment (SMS: 160), else ``None``.
        greeting: the reply opens with a greeting ("Hei Kari,").
        sign_off: the reply closes with a sign-off and the team name.
        paragraphs: blank-line paragraphs and list lines are fine; otherwise one block of plain sentences.
        markdown: markdown markup (bold, headings, ``[label](url)``) is rendered by the channel.
        links: which links may be sent (see :data:`LinkPolicy`).
        target_sentences: the (fewest, most) sentences of answer text a full reply should have.
        social: a social-media direct message (Facebook, Instagram, X).
    """

    channel: str
    max_chars: int | None
    segment_chars: int | None = None
    greeting: bool = True
    sign_off: bool = False
    paragraphs: bool = False
    markdown: bool = False
    links: LinkPolicy = "any"
    target_sentences: tuple[int, int] = (2, 4)
    social: bool = False


#: The built-in styles, one per channel of :data:`assistant.types.CHANNELS`.
CHANNEL_STYLES: Mapping[str, ChannelStyle] = {
    "email": ChannelStyle(
        "email", max_chars=None, greeting=True, sign_off=True, paragraphs=True, target_sentences=(2, 6)
    ),
    "chat": ChannelStyle("chat", max_chars=1000, greeting=True, paragraphs=True, target_sentences=(2, 4)),
    "widget": ChannelStyle(
        "widget", max_chars=1000, greeting=False, paragraphs=True, markdown=True, target_sentences=(2, 4)
    ),
    "phone": ChannelStyle("phone", max_chars=600, greeting=False, links="none", target_sentences=(1, 3)),
    "sms": ChannelStyle(
        "sms", max_chars=306, segment_chars=160, greeting=True, links="none", target_sentences=(1, 2)
    ),
    "facebook": ChannelStyle(
        "facebook", max_chars=1000, greeting=True, links="public", target_sentences=(2, 3), social=True
    ),
    "instagram": ChannelStyle(
        "instagram", max_chars=1000, greeting=True, links="public", target_sentences=(2, 3), social=True
    ),
    "x": ChannelStyle(
        "x", max_chars=280, greeting=True, links="public", target_sentences=(1, 2), social=True
    ),
}


@dataclass(frozen=True)
class ResponseTime:
    """When a customer on a channel hears back after a holding reply.

    This is what a holding reply *says*; the answer-time goal a person is held to (the desk's time left,
    the widget's "a person answers within N minutes") is configured once per channel in the API's
    ``DeskSettings`` (``SVAR_DESK_*``).

    Attributes:
        hours: "within this many hours"; ignored when ``handover`` is set.
        handover: a colleague takes over the live conversation shortly (chat, widget).
    """

    hours: int = 24
    handover: bool = False


#: Defaults: e-mail and phone within 24 hours, chat and widget hand over to a colleague, social DMs within
#: one hour, SMS within four hours.
DEFAULT_RESPONSE_TIMES: Mapping[str, ResponseTime] = {
    "email": ResponseTime(hours=24),
    "phone": ResponseTime(hours=24),
    "chat": ResponseTime(handover=True),
    "widget": ResponseTime(handover=True),
    "facebook": ResponseTime(hours=1),
    "instagram": ResponseTime(hours=1),
    "x": ResponseTime(hours=1),
    "sms": ResponseTime(hours=4),
}


@dataclass(frozen=True)
class ChannelStyles:
    """The channel styles and what a company configures about them.

    Args:
        team_name: signed under e-mails; ``None`` signs with "Customer service" in the reply's language.
        public_domains: host names of the company's public help center (``hjelp.nordlys.example``); links
            to them, or to their subdomains, are allowed in social DMs.
        response_times: per channel, overrides of :data:`DEFAULT_RESPONSE_TIMES`.
        styles: per channel, overrides of :data:`CHANNEL_STYLES`.
    """

    team_name: str | None = None
    public_domains: tuple[str, ...] = ()
    response_times: Mapping[str, ResponseTime] = field(default_factory=dict)
    styles: Mapping[str, ChannelStyle] = field(default_factory=dict)

    def style(self, channel: str) -> ChannelStyle:
        """The style of ``channel``; an unknown channel gets the chat style under its own name."""
        found = self.styles.get(channel) or CHANNEL_STYLES.get(channel)
        return found if found is not None else replace(CHANNEL_STYLES["chat"], channel=channel)

    def response_time(self, channel: str) -> ResponseTime:
        """When a customer on ``channel`` hears back; unknown channels get the e-mail promise."""
        return (
            self.response_times.get(channel)
            or DEFAULT_RESPONSE_TIMES.get(channel)
            or DEFAULT_RESPONSE_TIMES["email"]
        )

    def is_public_url(self, url: str, known_urls: Sequence[str] = ()) -> bool:
        """Whether ``url`` is a public help-center link or a knowledge document's URL (see module doc)."""
        return is_public_url(url, self.public_domains, known_urls)


def get_style(channel: str) -> ChannelStyle:
    """The built-in style of ``channel`` (unknown channels get the chat style)."""
    return ChannelStyles().style(channel)


def _norm_url(url: str) -> str:
    parts = urlsplit(url.strip().rstrip(".,;:!?)"))
    host = (parts.hostname or "").lower()
    return f"{host}{parts.path.rstrip('/')}".lower()


def is_public_url(url: str, public_domains: Sequence[str], known_urls: Sequence[str] = ()) -> bool:
    """A link is public when its host is (a subdomain of) a public domain, or it points at a known URL.

    Args:
        url: the link as written (``https://...`` or ``www....``).
        public_domains: the company's public help-center host names.
        known_urls: URLs of the knowledge documents (a link to one of them, or below it, is public).
    """
    candidate = url if "://" in url else f"https://{url}"
    host = (urlsplit(candidate).hostname or "").lower()
    if host and any(host == d.lower() or host.endswith("." + d.lower()) for d in public_domains if d):
        return True
    target = _norm_url(candidate)
    for known in known_urls:
        if not known:
            continue
        base = _norm_url(known if "://" in known else f"https://{known}")
        if base and (target == base or target.startswith(base + "/")):
            return True
    return False


# --------------------------------------------------------------------------------------------------------
# Stock phrases

_LANGS = ("nb", "nn", "sv", "da", "en")

_HELLO = {"nb": "Hei", "nn": "Hei", "sv": "Hej", "da": "Hej", "en": "Hi"}
_SIGN_OFF = {
    "nb": "Vennlig hilsen",
    "nn": "Helsing",
    "sv": "Vänliga hälsningar",
    "da": "Venlig hilsen",
    "en": "Kind regards",
}
_TEAM = {
    "nb": "Kundeservice",
    "nn": "Kundeservice",
    "sv": "Kundservice",
    "da": "Kundeservice",
    "en": "Customer service",
}
_THANKS = {
    "nb": "Takk for meldingen din.",
    "nn": "Takk for meldinga di.",
    "sv": "Tack för ditt meddelande.",
    "da": "Tak for din besked.",
    "en": "Thank you for your message.",
}
_CHECKING = {
    "nb": "Vi sjekker dette nærmere, slik at du får et riktig svar.",
    "nn": "Vi sjekkar dette nærare, slik at du får eit riktig svar.",
    "sv": "Vi undersöker det här närmare så att du får ett korrekt svar.",
    "da": "Vi undersøger det nærmere, så du får et korrekt svar.",
    "en": "We are looking into this so that we can give you a correct answer.",
}
_HANDOVER = {
    "nb": "En kollega tar over samtalen om kort tid.",
    "nn": "Ein kollega tek over samtalen om kort tid.",
    "sv": "En kollega tar över samtalet inom kort.",
    "da": "En kollega overtager samtalen om lidt.",
    "en": "A colleague will take over the conversation shortly.",
}
_WITHIN = {
    "nb": "Du hører fra oss innen {n} {unit}.",
    "nn": "Du høyrer frå oss innan {n} {unit}.",
    "sv": "Du hör av oss inom {n} {unit}.",
    "da": "Du hører fra os inden for {n} {unit}.",
    "en": "You will hear from us within {n} {unit}.",
}
_READ_MORE = {"nb": "Les mer", "nn": "Les meir", "sv": "Läs mer", "da": "Læs mere", "en": "Read more"}
_HOURS = {
    "nb": ("time", "timer"),
    "nn": ("time", "timar"),
    "sv": ("timme", "timmar"),
    "da": ("time", "timer"),
    "en": ("hour", "hours"),
}


def _lang(language: str | None) -> str:
    return language if language in _LANGS else "en"


def first_name(name: str | None) -> str | None:
    """The first name of a customer's name ("Kari Nordmann" → "Kari", "Nordmann, Kari" → "Kari").

    Returns ``None`` for an empty name or one that looks like an e-mail address or a handle.
    """
    if not name:
        return None
    name = name.strip()
    if "," in name:
        name = name.split(",", 1)[1].strip() or name.split(",", 1)[0].strip()
    if not name or "@" in name or any(ch.isdigit() for ch in name):
        return None
    first = name.split()[0]
    return first if re.match(r"^[^\W\d_][\w'’.-]*$", first) else None


def greeting(language: str | None, name: str | None = None, *, channel: str = "email") -> str:
    """The opening line: "Hei Kari," on e-mail, "Hei Kari!" elsewhere; without a name "Hei,"/"Hei!".

    Args:
        language: the reply's language.
        name: the customer's name (only the first name is used), when known.
        channel: e-mail greetings end with a comma (the text follows on a new line).
    """
    lang = _lang(language)
    given = first_name(name)
    base = f"{_HELLO[lang]} {given}" if given else _HELLO[lang]
    return base + ("," if channel == "email" else "!")


def team_name(language: str | None, configured: str | None = None) -> str:
    """The team name to sign with: the configured one, or "Customer service" in the reply's language."""
    return configured.strip() if configured and configured.strip() else _TEAM[_lang(language)]


def sign_off(language: str | None, team: str | None = None) -> str:
    """The closing lines: "Vennlig hilsen\\nKundeservice" (the team name on its own line)."""
    return f"{_SIGN_OFF[_lang(language)]}\n{team_name(language, team)}"


def response_time_promise(language: str | None, response: ResponseTime) -> str:
    """One sentence saying when the customer hears back ("Du hører fra oss innen 24 timer.")."""
    lang = _lang(language)
    if response.handover:
        return _HANDOVER[lang]
    n = max(1, int(response.hours))
    singular, plural = _HOURS[lang]
    return _WITHIN[lang].format(n=n, unit=singular if n == 1 else plural)


def holding_text(
    language: str | None,
    channel: str,
    *,
    name: str | None = None,
    styles: ChannelStyles | None = None,
) -> str:
    """A holding reply: honest that we are checking, and when the customer will hear back.

    It states nothing about the question itself, so it needs no source. On e-mail it has a greeting,
    paragraphs and a sign-off; on other channels it is one short block (with a greeting where the channel
    greets).

    Args:
        language: the customer's language.
        channel: the conversation's channel (decides the shape and the promised response time).
        name: the customer's name, when known.
        styles: the channel configuration; ``None`` uses the defaults.
    """
    styles = styles or ChannelStyles()
    style = styles.style(channel)
    lang = _lang(language)
    promise = response_time_promise(lang, styles.response_time(channel))
    if channel == "phone":
        return f"{_CHECKING[lang]} {promise}"
    body = f"{_THANKS[lang]} {_CHECKING[lang]} {promise}"
    parts = [greeting(lang, name, channel=channel)] if style.greeting else []
    if style.paragraphs and style.sign_off:
        return "\n\n".join([*parts, body, sign_off(lang, styles.team_name)])
    return " ".join([*parts, body])


def read_more(language: str | None, url: str) -> str:
    """A line pointing at a help-center page: "Les mer: https://..."."""
    return f"{_READ_MORE[_lang(language)]}: {url}"


def thanks(language: str | None) -> str:
    """The thanks for the customer's message ("Takk for meldingen din.") in the reply's language."""
    return _THANKS[_lang(language)]


def stock_phrases(language: str | None = None) -> tuple[str, ...]:
    """The fixed stock sentences of a language (of all five when ``None``): framing, not claims."""
    langs = _LANGS if language is None else (_lang(language),)
    phrases: list[str] = []
    for lang in langs:
        phrases += [_THANKS[lang], _CHECKING[lang], _HANDOVER[lang]]
    return tuple(phrases)


_GREETING_RE = re.compile(
    r"^\s*(?:hei(?:sann|a)?|hallo|hallå|hej(?:sa|san)?|hi|hello|hey|dear|kjære|kære|kära|god\s+(?:morgen|dag"
    r"|kveld|eftermiddag|aften)|goddag|god\s+morgon|good\s+(?:morning|afternoon|evening))\b",
    re.IGNORECASE,
)
_SIGN_OFF_RE = re.compile(
    r"^\s*(?:(?:med\s+)?venn?lig(?:e|st)?\s+hilsen?|mvh|(?:venleg\s+)?helsing|(?:med\s+)?vänlig(?:a)?\s+"
    r"hälsning(?:ar)?|hälsningar|(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|regards|sincerely"
    r"|yours\s+sincerely|(?:beste\s+)?hilsen?|bästa\s+hälsningar)\b",
    re.IGNORECASE,
)


def has_greeting(text: str) -> bool:
    """Whether ``text`` opens with a greeting ("Hei Kari,", "Hej!", "Dear John") in any language."""
    return bool(_GREETING_RE.match(text))


def has_sign_off(text: str) -> bool:
    """Whether one of the last three lines of ``text`` is a sign-off ("Vennlig hilsen", "Kind regards")."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return any(_SIGN_OFF_RE.match(line) for line in lines[-3:])


def is_stock_sentence(sentence: str, language: str | None = None) -> bool:
    """Whether a sentence is framing rather than a claim about the question.

    True for a greeting line, a sign-off line, a team-name line, a :func:`read_more` line, one of
    :func:`stock_phrases`, and a
    response-time promise that states nothing else ("Du hører fra oss innen 24 timer."). The grounding
    guard exempts these.
    """
    s = " ".join(sentence.split())
    if not s:
        return True
    without_links = re.sub(r"(?:https?://|www\.)\S+", "", s).strip(" :.")
    if without_links != s.strip(" :.") and without_links.casefold() in {
        label.casefold() for label in _READ_MORE.values()
    }:
        return True
    bare = s.rstrip(".!?,:")
    if _GREETING_RE.match(s) and len(bare.split()) <= 3:
        return True
    if _SIGN_OFF_RE.match(s) and len(bare.split()) <= 4:
        return True
    if bare.casefold() in {t.casefold() for t in _TEAM.values()}:
        return True
    langs = _LANGS if language is None else (_lang(language), "en")
    if any(s.casefold() == p.casefold() for lang in langs for p in stock_phrases(lang)):
        return True
    return any(_within_sentence(lang, s) for lang in langs)


def _within_sentence(lang: str, sentence: str) -> bool:
    """Whether ``sentence`` is exactly this language's promise for some number of hours."""
    template = re.escape(_WITHIN[lang]).replace(r"\{n\}", r"\d+").replace(r"\{unit\}", r"\w+")
    return re.fullmatch(template, sentence, re.IGNORECASE) is not None
