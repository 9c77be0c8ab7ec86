"""The injection guard: knowledge is data, and an instruction planted in it never reaches a customer.

A sentence is an injection when it

- **addresses the assistant** rather than the customer: "ignore all previous instructions", "disregard the
  above", "you are now ...", "from now on you ...", "system prompt", "developer mode", role markers
  (``[system]``, ``<|im_start|>``, ``### Instruction``), in English, bokmål, nynorsk, Swedish and Danish;
- **asks the reader to disclose** a credential, a code or card data (full card number, CVC/CVV, PIN,
  password, one-time or verification code, BankID, login details) — unless the sentence says *not* to
  ("we will never ask for your PIN");
- **sends the reader to a contact that is not the company's**: an e-mail address or a URL whose domain is
  not on the workspace's allowlist, or a phone number not on its list of contacts (phones are judged only
  when such a list is configured), in a sentence that tells the reader to send, contact, call, visit or
  click.

:func:`check_injection` returns one finding (severity "block") per such sentence, for the agent;
:func:`redact_injection` removes the sentences. :func:`find_injections` gives the sentences with their
spans, which the knowledge indexer uses to list suspicious documents with file and line at ingest.
:class:`InjectionGuard` is the same as one object holding the allowlists.

Patterns only: no model, no network. A planted sentence phrased unlike all of these is caught by none of
them; the link, secrets and privacy guards still apply to it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from assistant.types import GuardFinding

__all__ = [
    "Injection",
    "InjectionGuard",
    "check_injection",
    "domain_allowed",
    "find_injections",
    "redact_injection",
]

_I = re.IGNORECASE

_PREVIOUS = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|system|all(?:\s+the)?|any|your"
    r"|tidligere|foregående|forrige|ovenstående|ovanstående|overstående|føregåande|tidlegare|tidigare"
    r"|föregående|alle|alla|dine|dina|dine|dei|de)"
)
_RULES = (
    r"(?:instructions?|prompts?|rules|directions|directives|guidelines|messages|context|commands|orders"
    r"|instruksjon(?:er|ene)?|instruksar|instruksane|instruktion(?:er|erna|erne)?|anvisning(?:ar|er|arna)?"
    r"|regler|reglene|reglane|reglerna|reglerne|beskjeder|beskjedar|meldinger|kommandoer|ordre)"
)
_ADDRESSING = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|skip|neglect|ignorer(?:e)?|ignorera|se\s+bort\s+fra"
    r"|se\s+bort\s+frå|bortse\s+från|glem|gløym|glöm)\b(?:\W+\w+){0,3}?\W+"
    + _PREVIOUS
    + r"\b(?:\W+\w+){0,2}?\W+"
    + _RULES
    + r"\b"
    r"|\b(?:ignore|disregard|forget|ignorer|ignorera|glem|glöm|gløym)\s+(?:everything|all|alt|allt|alt\s+det)"
    r"\s+(?:above|before|previously|said|ovenfor|over|ovan|før|innan|tidligere|tidigare|tidlegare)\b"
    r"|\byou\s+are\s+now\s+(?:an?\s+|the\s+|my\s+|in\s+)?(?:\w+\s+){0,2}?(?:assistant|ai|bot|model|chatbot"
    r"|character|persona|pirate|hacker|dan|unrestricted|unfiltered|jailbroken|evil|free\s+from|no\s+longer"
    r"|developer|admin)"
    r"|\bfrom\s+now\s+on,?\s+(?:you\s+(?:will|must|should|shall|are|have|can)\s+(?:\w+\s+){0,2}?(?:respond"
    r"|answer|reply|act|ignore|only|always|never|obey|follow|no\s+restrictions|comply|bypass)|(?:respond|answer"
    r"|reply|act|ignore|obey)\b)"
    r"|\byou\s+(?:must|will)\s+now\s+(?:act|behave|respond|answer|ignore|obey)"
    r"|\bdu\s+(?:er|är)\s+(?:nå|no|nu)\s+(?:en\s+|ein\s+|ett\s+|et\s+|eit\s+)?(?:\w+\s+){0,2}?(?:assistent"
    r"|ki\b|ai\b|bot|modell|chatbot|pirat|hacker|uten\s+regler|utan\s+regler|uden\s+regler|utan\s+begräns"
    r"|uten\s+begrens|uden\s+begræns|fri\s+fra|fri\s+från)"
    r"|\b(?:fra\s+nå\s+av|frå\s+no\s+av|fra\s+nu\s+af|från\s+och\s+med\s+nu|från\s+nu)\s*,?\s*(?:skal|ska"
    r"|vil|må|måste|skall)\s+du\s+(?:\w+\s+){0,2}?(?:svare|svara|svar|ignorere|ignorera|alltid|aldri|aldrig"
    r"|bare|kun|bara|oppføre|opptre|agere|lyde|lyda|adlyde|følge|följa)"
    r"|^\W*(?:system|assistant|ai|bot)\s*(?:\([^)]*\))?\s*:|#{2,}\s*end\s+of\s+(?:user\s+)?(?:input|prompt)"
    r"|\b(?:instructions|rules|guidelines|directions)\s+you\s+(?:were|have\s+been|got)\s+given\b"
    r"|\byour\s+(?:rules|guidelines|instructions|restrictions|safety\s+\w+)\s+(?:have|has)\s+(?:changed|been)"
    r"|\bpretend\s+(?:you\s+are|to\s+be|that\s+you)\b|\bact\s+as\s+(?:an?\s+)?(?:\w+\s+)?(?:ai|model|assistant"
    r"|chatbot|bot|llm|dan)\b|\b(?:with\s+)?no\s+(?:content\s+)?(?:policy|policies|filters|restrictions|limits)\s+"
    r"(?:and|to|or)\b|\bsafety\s+(?:protocols?|checks|guidelines|filters|restrictions)\s+(?:are\s+|were\s+)?"
    r"(?:disabled|off|lifted|suspended|not\s+meant)|\bskip\s+(?:all\s+)?(?:the\s+)?safety\b"
    r"|\b(?:important|attention|reminder|note)\s+(?:for|to)\s+(?:the\s+)?(?:ai|assistant|llm|model|bot|agents?"
    r"|ai\s+\w+\s+agents?)\b|\bfor\s+ai\s+(?:\w+\s+)?agents\b"
    r"|\b(?:save|store|write|add)\b[^.!?\n]{0,40}\b(?:to|in|into)\s+your\s+(?:long-term\s+)?memory\b"
    r"|\bfor\s+all\s+future\s+(?:tasks|turns|replies|responses|conversations|reports)\b"
    r"|\b(?:call|invoke|run|execute)\s+(?:the\s+)?[a-z]+_[a-z_]+\b"
    r"|\brepeat\s+the\s+(?:words|text|lines|message)\s+above\b"
    r"|\b(?:ki|ai)-?(?:en|agenter|agentar|assistenten)?\s*:\s*(?:ignorer|ignorera|glem|glöm|svar|du)\b"
    r"|\bsystem\s*-?\s*prompt\w*|\bsystemledetekst\w*|\bsystemmelding\w*|\bsystemmeddelande\w*"
    r"|\bdeveloper\s+mode\b|\butviklermodus\b|\butvecklarläge\b|\bjailbreak\w*|\bDAN\s+mode\b"
    r"|\bnew\s+instructions?\s*:|\bnye\s+instruksjoner\s*:|\bnya\s+instruktioner\s*:|\bnye\s+instruktioner\s*:"
    r"|\b(?:reveal|print|show|repeat|output)\s+(?:your|the)\s+(?:system\s+)?(?:instructions|prompt|rules)\b"
    r"|\b(?:as\s+an?\s+)?(?:ai|llm|language\s+model|chatbot|ai\s+assistant)\s*[,:]\s*(?:you|ignore|always|never)\b"
    r"|\b(?:note|message|instruction)\s+(?:to|for)\s+(?:the\s+)?(?:ai|assistant|llm|model|bot|chatbot)\b"
    r"|\b(?:til|for|till)\s+(?:ki-?en|ai-?en|assistenten|modellen|boten|chatboten|chatbotten)\s*:"
    r"|\[\s*(?:system|inst|/inst)\s*\]|<\|?\s*(?:im_start|im_end|system|assistant)\s*\|?>|^\s*#{2,}\s*(?:instruction|system)\b",
    _I | re.M,
)

_DISCLOSE_VERB = (
    r"(?:send(?!\s+(?:you|deg|dig|dere|er)\b)|sende|sendt|skicka|give|gi|giv|provide|share|del|dela|dele|tell|fortell|fortæl|berätta|reply\s+with"
    r"|respond\s+with|forward|videresend|e-?mail\s+(?:us|it|them|your|the)|mejla|maila"
    r"|disclose|oppgi|opgiv|uppge|ange|angi|lämna|oplys|ask\s+(?:the\s+)?(?:customer|user)\s+for"
    r"|be\s+(?:kunden|brukeren)\s+om|be\s+kunden|spør\s+(?:kunden|om)|fråga\s+(?:kunden|efter)|bed\s+kunden)"
)
_SECRET_OBJECT = (
    r"(?:(?:full|complete|whole|entire|hele|heile|hela|fulle|fullstendige|fullständiga)\s+)?"
    r"(?:card\s*(?:number|details|data|info\w*)|credit\s*card|debit\s*card|cvc2?|cvv2?|security\s+code"
    r"|pin(?:\s*code)?|pin-?kode\w*|pinkod\w*|password\w*|passcode|passord\w*|lösenord\w*|adgangskode\w*"
    r"|kodeord\w*|one-?time\s+(?:code|password)|otp|verification\s+code|engangskode\w*|engångskod\w*"
    r"|verifi\w*kod\w*|bekreftelseskode\w*|sikkerhetskode\w*|säkerhetskod\w*|sikkerhedskode\w*"
    r"|bankid|bank\s*id|mitid|nemid|login\s+(?:details|credentials)|credentials|innloggings\w*|inloggnings\w*"
    r"|kortnummer\w*|kortnumret|kortdetaljer\w*|kortopplysning\w*|kortuppgifter\w*|kortoplysning\w*"
    r"|kortinformasjon\w*|kortinformation\w*|utløpsdato\w*|utgångsdatum\w*|udløbsdato\w*|expiry\s+date"
    r"|2fa\s+code|two-factor\s+code|sms-?kode\w*|sms-?kod\w*)"
)
_DISCLOSE = re.compile(rf"\b{_DISCLOSE_VERB}\b(?:[^.!?\n]{{0,80}}?)\b{_SECRET_OBJECT}", _I)
_NEGATED = re.compile(
    r"\b(?:never|not|don'?t|do\s+not|no\s+one|nobody|won'?t|will\s+not|aldri|aldrig|ikke|ikkje|inte|ingen|"
    r"ingenting|aldrei|avoid|unngå|undvik|undgå)\b",
    _I,
)
_CONTACT_VERB = re.compile(
    r"\b(?:send|sende|skicka|e-?mail|mail|mejla|maila|write|skriv|skrive|contact|kontakt\w*|reach|call|ring"
    r"\w*|phone|text|sms|visit|besøk\w*|besök\w*|gå\s+til|gå\s+till|go\s+to|click|klikk\w*|klicka|open|åpne"
    r"|öppna|åbn|log\s*in|logg\s+inn|logga\s+in|log\s+ind|reply|svar\w*|forward|videresend|follow|følg)\b",
    _I,
)
_EMAIL = re.compile(r"[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+", _I)
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ()-]{6,}\d(?!\w)")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s|$)|\n")


@dataclass(frozen=True)
class Injection:
    """A sentence that must not reach a customer: why, and where (``text[start:end]``)."""

    reason: str  # "addresses the assistant" | "asks for credentials or card data" | "foreign contact"
    sentence: str
    start: int
    end: int
    detail: str = ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def domain_allowed(host_or_url: str, allowed_domains: Iterable[str], *, site: bool = False) -> bool:
    """Whether a host (or a URL's host) is one of ``allowed_domains`` or a subdomain of one.

    With ``site=True`` (e-mail domains) a parent of an allowed host counts too: ``kundeservice@nordlys.no``
    is the company's when its help center is ``hjelp.nordlys.no``.
    """
    host = _host(host_or_url) if ("/" in host_or_url or ":" in host_or_url) else host_or_url.lower()
    host = host.removeprefix("www.").rstrip(".")
    for domain in allowed_domains:
        d = domain.lower().strip().removeprefix("www.").rstrip(".")
        if d and (host == d or host.endswith("." + d)):
            return True
        if site and d and "." in host and d.endswith("." + host):
            return True
    return False


def _local(url: str) -> bool:
    """A link to a device or intranet (``http://192.168.1.1``, ``localhost``): not a contact."""
    host = _host(url)
    if host == "localhost" or (host and "." not in host):
        return True
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _foreign_contact(
    sentence: str, allowed_domains: Sequence[str] | None, allowed_phones: Sequence[str] | None
) -> str | None:
    """The first contact in ``sentence`` not on the allowlists (None: none, or no list to judge by)."""
    if not _CONTACT_VERB.search(sentence):
        return None
    if allowed_domains is not None:
        for m in _EMAIL.finditer(sentence):
            if not domain_allowed(m.group("domain").rstrip("."), allowed_domains, site=True):
                return m.group(0)
        for m in _URL.finditer(sentence):
            if _EMAIL.search(m.group(0)) or _local(m.group(0)):
                continue
            if not domain_allowed(m.group(0).rstrip(".,;:!?"), allowed_domains):
                return m.group(0).rstrip(".,;:!?")
    if allowed_phones:
        known = {_digits(p)[-8:] for p in allowed_phones if len(_digits(p)) >= 6}
        for m in _PHONE.finditer(sentence):
            digits = _digits(m.group(0))
            if 8 <= len(digits) <= 15 and digits[-8:] not in known:
                return m.group(0)
    return None


def _sentences(text: str) -> Iterable[tuple[int, int]]:
    """Sentence spans: a sentence ends at ``.!?`` before a space or the end (not inside a URL), or a line."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.end()].strip():
            yield start, m.end()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def find_injections(
    text: str,
    *,
    allowed_domains: Sequence[str] | None = None,
    allowed_phones: Sequence[str] | None = None,
) -> list[Injection]:
    """Every sentence of ``text`` that addresses the assistant, asks for secrets or names a foreign contact.

    Args:
        text: a draft reply or a knowledge document.
        allowed_domains: the workspace's domains (e-mail addresses and links to them are the company's);
            ``None``: links and e-mail addresses are not judged.
        allowed_phones: the workspace's phone numbers; ``None`` or empty: phone numbers are not judged.

    Returns:
        The sentences, in order, each with its reason.
    """
    found: list[Injection] = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        m = _ADDRESSING.search(sentence)
        if m:
            found.append(Injection("addresses the assistant", sentence.strip(), start, end, m.group(0)))
            continue
        m = _DISCLOSE.search(sentence)
        if m and not _NEGATED.search(sentence):
            found.append(
                Injection("asks for credentials or card data", sentence.strip(), start, end, m.group(0))
            )
            continue
        contact = _foreign_contact(sentence, allowed_domains, allowed_phones)
        if contact:
            found.append(Injection("foreign contact", sentence.strip(), start, end, contact))
    return found


_MESSAGES = {
    "addresses the assistant": "an instruction to the assistant from the knowledge or the draft was removed",
    "asks for credentials or card data": "a request for credentials, codes or card data was removed",
    "foreign contact": "a contact that is not the company's was removed",
}


def check_injection(
    text: str,
    *,
    allowed_domains: Sequence[str] | None = None,
    allowed_phones: Sequence[str] | None = None,
) -> list[GuardFinding]:
    """Flag every injected sentence in a draft (severity "block"; :func:`redact_injection` removes them).

    Args:
        text: the draft reply.
        allowed_domains: the workspace's domains; ``None`` leaves links and e-mail addresses unjudged.
        allowed_phones: the workspace's phone numbers; ``None`` leaves phone numbers unjudged.

    Returns:
        One finding per sentence, its span the sentence (shortened) for the agent to see.
    """
    return [
        GuardFinding(
            guard="injection",
            severity="block",
            message=f"{_MESSAGES[i.reason]} ({i.detail.strip()[:60]})",
            span=i.sentence[:200],
        )
        for i in find_injections(text, allowed_domains=allowed_domains, allowed_phones=allowed_phones)
    ]


def redact_injection(
    text: str,
    *,
    allowed_domains: Sequence[str] | None = None,
    allowed_phones: Sequence[str] | None = None,
) -> str:
    """``text`` without its injected sentences (see :func:`find_injections`); the rest is kept as it was."""
    out = text
    for i in reversed(find_injections(text, allowed_domains=allowed_domains, allowed_phones=allowed_phones)):
        keep_newline = "\n" if out[i.start : i.end].endswith("\n") else ""
        out = out[: i.start] + keep_newline + out[i.end :]
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r"\n{3,}", "\n\n", out)
    return "\n".join(line.rstrip() for line in out.split("\n")).strip()


@dataclass(frozen=True)
class InjectionGuard:
    """The injection guard as one object: the allowlists are given once, ``check`` and ``fix`` per draft."""

    allowed_domains: tuple[str, ...] | None = None
    allowed_phones: tuple[str, ...] = field(default_factory=tuple)
    name: str = "injection"

    def check(self, text: str) -> list[GuardFinding]:
        """Findings for ``text`` (see :func:`check_injection`)."""
        return check_injection(text, allowed_domains=self.allowed_domains, allowed_phones=self.allowed_phones)

    def fix(self, text: str) -> str:
        """``text`` without its injected sentences (see :func:`redact_injection`)."""
        return redact_injection(
            text, allowed_domains=self.allowed_domains, allowed_phones=self.allowed_phones
        )

    def apply(self, text: str) -> tuple[str, list[GuardFinding]]:
        """The fixed text and the findings, marked fixed."""
        findings = self.check(text)
        if not findings:
            return text, []
        return self.fix(text), [f.model_copy(update={"fixed": True}) for f in findings]
