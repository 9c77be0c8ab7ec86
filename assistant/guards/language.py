"""The language guard: a reply must be written in the customer's language, bokmål and nynorsk told apart.

Detection is :func:`knowledge.language.detect_language_scores` (Lingua, offline), which gives a confidence
per language for nb, nn, sv, da and en. Before detecting, the framing that says nothing about the
language of the answer is removed: greeting and sign-off lines ("Hei Kari," is nynorsk and bokmål alike),
the team name, URLs, e-mail addresses and numbers.

Short texts are uncertain: Lingua gives "Hei Kari!" to nynorsk and splits "Pakker til hentested ligger
klare i 14 dager." evenly between bokmål and Danish. So the guard stays quiet below ``min_words`` words,
and flags only when the detected language leads the customer's by at least ``margin`` (0.3) in
confidence: a close call between neighbours is not a finding. A paragraph of at least 12 words that is
clearly (margin 0.5) in another language is flagged too, which catches a reply that greets in Norwegian
and then pastes an English passage. There is no automatic fix: translating needs a model.
"""

from __future__ import annotations

import re

from assistant.channels import has_sign_off, is_stock_sentence
from assistant.types import GuardFinding
from knowledge.language import SUPPORTED, detect_language_scores

__all__ = ["check_language", "language_matches", "reply_language"]

MIN_WORDS = 6
MARGIN = 0.3
_PARAGRAPH_WORDS = 12
_PARAGRAPH_MARGIN = 0.5

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"[\d*]+(?:[ .,:/-][\d*]+)*")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_LEADING_GREETING = re.compile(
    r"^\s*(?:[Hh]ei|[Hh]ej|[Hh]i|[Hh]ello|[Hh]allo|[Hh]allå|[Hh]ey|[Dd]ear|[Kk]jære|[Kk]ære|[Kk]ära)"
    r"(?:\s+[A-ZÆØÅÄÖ][\w'’-]*){0,2}\s*[,!.:]"
)
_NAMES = {
    "nb": "Norwegian bokmål",
    "nn": "Norwegian nynorsk",
    "sv": "Swedish",
    "da": "Danish",
    "en": "English",
}


def _body(text: str) -> str:
    """The text without greeting/sign-off/team lines, URLs, e-mail addresses and numbers."""
    lines = text.replace("\r\n", "\n").split("\n")
    if has_sign_off(text):
        # drop the sign-off line and everything after it (the team name, a signature)
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].strip() and has_sign_off(lines[i]):
                lines = lines[:i]
                break
    kept = [line for line in lines if not (line.strip() and is_stock_sentence(line.strip()))]
    body = _LEADING_GREETING.sub(" ", "\n".join(kept), count=1)
    body = _EMAIL.sub(" ", _URL.sub(" ", body))
    return _DIGITS.sub(" ", body)


def _verdict(text: str, language: str, min_words: int, margin: float) -> tuple[str, float, float] | None:
    """(detected, its score, the customer's language's score) when ``text`` is clearly in another language."""
    if len(_WORD.findall(text)) < min_words:
        return None
    scores = detect_language_scores(text)
    if not scores:
        return None
    top = max(scores, key=lambda k: scores[k])
    if top == language:
        return None
    if scores[top] - scores.get(language, 0.0) < margin:
        return None
    return top, scores[top], scores.get(language, 0.0)


def reply_language(text: str, *, min_words: int = MIN_WORDS) -> str | None:
    """The language a reply is written in, or ``None`` when the text is too short to tell.

    Greetings, sign-offs, URLs and numbers are ignored (see the module docstring).
    """
    body = _body(text)
    if len(_WORD.findall(body)) < min_words:
        return None
    scores = detect_language_scores(body)
    return max(scores, key=lambda k: scores[k]) if scores else None


def language_matches(
    text: str, language: str, *, min_words: int = MIN_WORDS, margin: float = MARGIN
) -> bool | None:
    """Whether a reply is in ``language``: True, False, or ``None`` when it cannot be told.

    ``None`` for a language the detector does not know, or a text too short to judge. A text whose
    detected language leads the customer's by less than ``margin`` counts as a match.
    """
    if language not in SUPPORTED:
        return None
    body = _body(text)
    if len(_WORD.findall(body)) < min_words:
        return None
    return _verdict(body, language, min_words, margin) is None


def check_language(
    text: str, language: str, *, min_words: int = MIN_WORDS, margin: float = MARGIN
) -> list[GuardFinding]:
    """Flag a reply, or a paragraph of it, that is clearly not in the customer's language (severity "warn").

    Args:
        text: the reply.
        language: the customer's language (nb, nn, sv, da or en); any other code is not checked.
        min_words: texts with fewer words (framing removed) are not judged.
        margin: how far the detected language must lead the customer's, in Lingua confidence.

    Returns:
        One finding per foreign paragraph when other paragraphs are in the customer's language, else at
        most one finding for the whole reply (or one per foreign paragraph when the whole is not clear).
    """
    if language not in SUPPORTED:
        return []
    body = _body(text)
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if _WORD.search(p)]
    foreign: list[GuardFinding] = []
    for paragraph in paragraphs:
        verdict = _verdict(
            paragraph, language, max(min_words, _PARAGRAPH_WORDS), max(margin, _PARAGRAPH_MARGIN)
        )
        if verdict is not None:
            top, p, _ = verdict
            foreign.append(
                GuardFinding(
                    guard="language",
                    severity="warn",
                    message=f"a paragraph is in {_NAMES[top]} ({p:.2f}), not in {_NAMES[language]}",
                    span=" ".join(paragraph.split())[:200],
                )
            )
    if foreign and len(foreign) < len(paragraphs):  # some of it is in the right language: point at the rest
        return foreign
    whole = _verdict(body, language, min_words, margin)
    if whole is not None:
        top, p, q = whole
        return [
            GuardFinding(
                guard="language",
                severity="warn",
                message=(
                    f"the reply is in {_NAMES[top]} ({p:.2f}), not in the customer's "
                    f"{_NAMES[language]} ({q:.2f})"
                ),
            )
        ]
    return foreign
