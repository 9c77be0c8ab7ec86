"""The secrets guard: a reply must never carry keys, tokens, passwords or identity numbers.

Found with patterns (no network, no model):

- API keys and tokens by their documented shapes: OpenAI ``sk-...``, Anthropic ``sk-ant-...``, AWS access
  key ids ``AKIA``/``ASIA...`` and ``aws_secret_access_key = ...``, GitHub ``ghp_``/``gho_``/``ghs_``/
  ``ghu_``/``ghr_``/``github_pat_``, Slack ``xox?-``, Google ``AIza...``, Stripe ``sk_live_``/``rk_live_``,
  JSON Web Tokens (``eyJ...``), ``Bearer`` tokens in an Authorization header;
- PEM private-key blocks (``-----BEGIN ... PRIVATE KEY-----``);
- a password, PIN or passphrase written out after its label ("password: hunter2", "passord er
  Sommer2024!", "lösenord: ..."): the value must look like one (a digit, a symbol or mixed case), so that
  "Passord: minst 8 tegn" and "the password is not stored" stay quiet;
- payment card numbers (Luhn), card security codes ("CVC 123"), IBANs (mod-97) and national identity
  numbers (fødselsnummer, personnummer, CPR, HETU, in every written form) via
  :func:`knowledge.masking.find_sensitive`: the same checks that mask them before anything is stored.

Every finding has severity "block": a reply with one of these must not go out as it is.
:func:`redact_secrets` returns the text with keys, tokens and passwords replaced by ``[REDACTED]`` and
identity, card and IBAN numbers masked to their last four characters (security codes whole), as everywhere
else in Svar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import GuardFinding
from knowledge.masking import find_sensitive, mask_sensitive, mask_value

__all__ = ["REDACTED", "SecretMatch", "check_secrets", "find_secrets", "redact_secrets"]

REDACTED = "[REDACTED]"
_SENSITIVE_KINDS = {
    "payment_card": "payment card number",
    "card_security_code": "card security code",
    "iban": "IBAN",
    "national_id": "national identity number",
}
_KIND_OF = {v: k for k, v in _SENSITIVE_KINDS.items()}
_MASKED = frozenset(_KIND_OF)

_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "private key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"
        ),
    ),
    ("API key", re.compile(r"(?<![\w-])sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    (
        "AWS access key id",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}(?![A-Z0-9])"),
    ),
    (
        "AWS secret key",
        re.compile(r"(?i)aws_?secret_?access_?key\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{30,}[\"']?"),
    ),
    ("GitHub token", re.compile(r"(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("Slack token", re.compile(r"(?<![\w])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"(?<![\w])AIza[0-9A-Za-z_-]{35}")),
    ("Stripe key", re.compile(r"(?<![\w])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}")),
    (
        "JSON web token",
        re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    ("bearer token", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{20,}=*")),
)

_PASSWORD_LABEL = (
    r"passwords?|passcode|passphrase|pass\s*word|pwd|passwd|pin(?:\s*code|kode)?|"
    r"passord(?:et)?|adgangskode(?:n)?|kodeord(?:et)?|lösenord(?:et)?|losenord|engangskode(?:n)?|"
    r"api[\s_-]?key|secret|token|hemmelighet|hemlighet"
)
_PASSWORD = re.compile(
    rf"\b(?:{_PASSWORD_LABEL})\b(?:\s+(?:is|er|är|=|:)|\s*[:=])\s*[\"'«“]?(?P<value>[^\s\"'»”]{{4,}})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SecretMatch:
    """A secret in a text: what it is and where (``text[start:end]`` is the part to redact)."""

    kind: str
    start: int
    end: int
    value: str


def _looks_secret(value: str) -> bool:
    """A password-like value: has a digit or a symbol, or mixes case after its first letter."""
    core = value.rstrip(".,;:!?)")
    if len(core) < 4 or core.startswith(REDACTED) or set(core) <= {"*"}:
        return False
    if any(ch.isdigit() for ch in core) or re.search(r"[^\w]", core):
        return True
    return any(ch.isupper() for ch in core[1:]) and any(ch.islower() for ch in core)


def find_secrets(text: str) -> list[SecretMatch]:
    """Every secret in ``text``, in order; overlapping matches are reported once."""
    found: list[SecretMatch] = []

    def add(kind: str, start: int, end: int) -> None:
        if end > start and not any(start < m.end and m.start < end for m in found):
            found.append(SecretMatch(kind, start, end, text[start:end]))

    for kind, pattern in _TOKEN_PATTERNS:
        for m in pattern.finditer(text):
            add(kind, m.start(), m.end())
    for m in _PASSWORD.finditer(text):
        value = m.group("value")
        if _looks_secret(value):
            end = m.start("value") + len(value.rstrip(".,;:!?)"))
            add("password", m.start("value"), end)
    for span in find_sensitive(text):
        add(_SENSITIVE_KINDS[span.kind], span.start, span.end)
    return sorted(found, key=lambda m: m.start)


def _shown(match: SecretMatch) -> str:
    """How a finding shows a secret: numbers masked (see :mod:`knowledge.masking`), anything else redacted."""
    if match.kind in _MASKED:
        return mask_value(match.value, _KIND_OF[match.kind])
    return f"{match.kind}: {REDACTED}"


def check_secrets(text: str) -> list[GuardFinding]:
    """Flag every secret in ``text`` (severity "block"); the span is shown redacted, never in full.

    Args:
        text: a draft reply (or any text about to be shown or sent).

    Returns:
        One finding per secret.
    """
    return [
        GuardFinding(
            guard="secrets",
            severity="block",
            message=f"the reply contains a {m.kind}; remove it before sending",
            span=_shown(m),
        )
        for m in find_secrets(text)
    ]


def redact_secrets(text: str) -> str:
    """``text`` with keys, tokens, private keys and passwords replaced by ``[REDACTED]``, and national
    identity and card numbers masked to their last four digits (``*******1234``)."""
    out = mask_sensitive(text)
    if len(out) != len(text):  # the masker keeps the length; never trust offsets otherwise
        out = text
    for m in reversed(find_secrets(out)):
        if m.kind in _MASKED:
            continue
        out = out[: m.start] + REDACTED + out[m.end :]
    return out
