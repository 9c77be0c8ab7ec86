"""The reply language: which language Svar answers a customer in, and why.

A language belongs to the customer more than to one message: a short message ("ja, den lyser orange") is
read together with their earlier messages, and a near tie between close languages (bokmål, nynorsk,
Danish) is broken by those messages, then by the profile, then by the workspace's language, then by the
workspace's country (``NO`` bokmål, ``SE`` Swedish, ``DK`` Danish, ...). A decision such a prior made, or
a best guess, is ``unsure``: "Hvor ligger Benin?" is bokmål and Danish alike, and with no prior at all the
detector's lean decides, said as such rather than as a detection.

A message in a language Svar does not serve is answered wholly in one supported language (the profile's,
the earlier messages', the workspace's, its country's, else English) and flagged: never in a mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.types import GuardFinding, Suggestion
from knowledge.language import (
    SUPPORTED,
    country_language,
    detect_language_scores,
    normalize_language,
    unsupported_language,
)

__all__ = ["LanguageDecision", "decide_language", "flag_unsupported"]

AMBIGUOUS_MARGIN = 0.2  # language scores closer than this are a tie
# Bokmål, nynorsk and Danish share most short words, and Lingua's order among them is a guess on a short
# message ("Hvem vant Krimkrigen?" leans Danish): there, a wider margin counts as a tie, so the earlier
# messages, the profile or the workspace's language decide.
NEIGHBOURS = frozenset({"nb", "nn", "da"})
NEIGHBOUR_MARGIN = 0.5
SHORT_MESSAGE_WORDS = 12  # below this, the customer's earlier messages weigh in ...
CLEAR_SCORE = 0.7  # ... unless the message alone is this clear
FALLBACK = "en"


@dataclass(frozen=True)
class LanguageDecision:
    """The language to reply in.

    ``code`` is always a supported language. ``supported`` is False when the customer wrote in a language
    Svar does not serve (``detected`` then names it); ``reason`` says how the choice was made; ``unsure`` is
    True when the message alone did not decide (a near tie or too few words, decided by a prior or a guess).
    """

    code: str
    confidence: float
    supported: bool = True
    reason: str = ""
    detected: str | None = None
    unsure: bool = False


def decide_language(
    message: str,
    earlier_customer_text: str = "",
    profile_language: str | None = None,
    workspace_default: str | None = None,
    *,
    country: str | None = None,
) -> LanguageDecision:
    """Decide the language to reply in.

    Args:
        message: the customer's latest message.
        earlier_customer_text: the customer's earlier messages, joined (the last 1,500 characters count).
        profile_language: the language on the customer's profile, if any.
        workspace_default: the workspace's default language, if any.
        country: the workspace's (or channel's) country, ISO 3166 alpha-2, if any: the last prior.

    Returns:
        The decision, with a confidence (0-1), a reason and whether it is unsure.
    """
    profile = normalize_language(profile_language)
    default = normalize_language(workspace_default)
    national = country_language(country)
    earlier = earlier_customer_text[-1500:]
    foreign = unsupported_language(message)
    if foreign is not None:
        before = _clear_language(earlier)
        code, why = next(
            (
                (c, w)
                for c, w in (
                    (profile, "profile"),
                    (before, "earlier messages'"),
                    (default, "workspace default"),
                    (national, "workspace country's"),
                )
                if c in SUPPORTED
            ),
            (FALLBACK, "fallback"),
        )
        return LanguageDecision(
            code,
            foreign.confidence,
            supported=False,
            reason=f"the message is in {foreign.code}, which Svar does not serve; "
            f"replying in the {why} language ({code})",
            detected=foreign.code,
        )
    scores = detect_language_scores(message)
    prior_scores = _prior_scores(earlier) if len(earlier.split()) >= 5 else {}
    words = len(message.split())
    if prior_scores and words < SHORT_MESSAGE_WORDS and max(scores.values(), default=0.0) < CLEAR_SCORE:
        weight = words / (words + min(len(earlier.split()), 2 * SHORT_MESSAGE_WORDS))
        scores = {
            k: weight * scores.get(k, 0.0) + (1 - weight) * prior_scores.get(k, 0.0)
            for k in set(scores) | set(prior_scores)
        }
    ranked = sorted(scores, key=lambda k: -scores[k])
    prior = _clear_top(prior_scores, len(earlier.split()))
    priors = (
        (prior, "earlier messages"),
        (profile, "profile"),
        (default, "workspace default"),
        (national, "workspace country"),
    )
    if ranked:
        top = ranked[0]
        close = [k for k in ranked if scores[top] - scores[k] < _margin(top, k, words)]
        if len(close) == 1 and (words >= 3 or prior_scores):
            return LanguageDecision(top, scores[top], reason="detected")
        for candidate, why in priors:
            if candidate in close:
                return LanguageDecision(
                    candidate, scores[candidate], reason=f"near tie broken by the {why}", unsure=True
                )
        if words >= 3:
            return LanguageDecision(top, scores[top], reason="detected, near tie", unsure=True)
    for candidate, why in priors:
        if candidate in SUPPORTED:
            return LanguageDecision(candidate, 0.0, reason=f"message too short; from the {why}", unsure=True)
    if ranked:
        top = ranked[0]
        guess = _more_common(top, [k for k in ranked if scores[top] - scores[k] < AMBIGUOUS_MARGIN])
        return LanguageDecision(guess, scores[guess], reason="message too short; best guess", unsure=True)
    return LanguageDecision(FALLBACK, 0.0, reason="no words to detect; fallback", unsure=True)


def flag_unsupported(suggestions: list[Suggestion], decision: LanguageDecision) -> list[Suggestion]:
    """Mark every suggestion with the reason when the customer wrote in a language Svar does not serve.

    The reply stays wholly in ``decision.code`` (never a mix); the finding tells the agent why, so they can
    answer in the customer's own language themselves.

    Args:
        suggestions: the guarded suggestions.
        decision: the language decision of the request.

    Returns:
        The suggestions, each with a "language" finding (severity "warn") when the language is unsupported.
    """
    if decision.supported:
        return suggestions
    finding = GuardFinding(guard="language", severity="warn", message=decision.reason)
    return [s.model_copy(update={"guard_findings": [*s.guard_findings, finding]}) for s in suggestions]


def _more_common(top: str, close: list[str]) -> str:
    """The guess for a message of one or two words that nothing else decides: bokmål over nynorsk when
    they score within :data:`AMBIGUOUS_MARGIN` ("Hei igjen?", "ok takk" are written alike in both), as
    bokmål is the written standard of most Norwegians (about 87%)."""
    return "nb" if top == "nn" and "nb" in close else top


def _clear_top(scores: dict[str, float], words: int) -> str | None:
    """The top language of ``scores`` when it leads the next by a clear margin (earlier messages that are
    themselves a near tie say nothing: they must not flip a message that leans the other way)."""
    ranked = sorted(scores, key=lambda k: -scores[k])
    if not ranked:
        return None
    if len(ranked) > 1 and scores[ranked[0]] - scores[ranked[1]] < _margin(ranked[0], ranked[1], words):
        return None
    return ranked[0]


def _clear_language(text: str) -> str | None:
    """The language of a customer's earlier messages when they say it clearly (five words, score 0.7)."""
    if len(text.split()) < 5:
        return None
    scores = _prior_scores(text)
    top = max(scores, key=lambda k: scores[k]) if scores else None
    return top if top is not None and scores[top] >= CLEAR_SCORE else None


def _margin(top: str, other: str, words: int) -> float:
    """How far ``top`` must lead ``other`` to be a clear choice."""
    if words < SHORT_MESSAGE_WORDS and {top, other} <= NEIGHBOURS:
        return NEIGHBOUR_MARGIN
    return AMBIGUOUS_MARGIN


@lru_cache(maxsize=4096)  # the same stored messages come back on every request about a customer
def _kept_scores(text: str) -> tuple[tuple[str, float], ...]:
    return tuple(detect_language_scores(text).items())


def _prior_scores(earlier: str) -> dict[str, float]:
    """The language scores of the customer's earlier messages (kept per text: a pure function of it)."""
    return dict(_kept_scores(earlier))
