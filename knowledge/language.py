"""Language detection for the languages Svar serves: nb, nn, sv, da and en.

Lingua (``lingua-language-detector``) ships its models in the wheel, so detection is offline. It is the
only widely used detector that tells Norwegian bokmål from nynorsk. The detector is built lazily and
cached per process: building is cheap, but the first detection loads the n-gram models (about a second).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

SUPPORTED = ("nb", "nn", "sv", "da", "en")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.BOKMAL, Language.NYNORSK, Language.SWEDISH, Language.DANISH, Language.ENGLISH
    ).build()


def _code(name: str) -> str:
    return {"BOKMAL": "nb", "NYNORSK": "nn", "SWEDISH": "sv", "DANISH": "da", "ENGLISH": "en"}[name]


# Function words that only one of the four Nordic languages writes this way (English needs no help).
# Lingua's n-gram models mix up bokmål, nynorsk and Danish on short messages ("Hvor lang tid tar det?" is
# Norwegian: Danish says "tager"); each marker word is evidence for its language. A word two languages
# share is no evidence and must be in both lists (or in neither).
_MARKERS: dict[str, frozenset[str]] = {
    "nb": frozenset(
        "hva hvem hvilken hvilke mye noe noen dere gjøre ennå enda hun vennlig kunne ble mitt fortsatt "
        "pleier dager feil".split()
    ),
    "nn": frozenset(
        "eg ikkje kva korleis kvar kven me dykk dykkar frå berre noko nokon nokre mykje heiter vere ein eit "
        "kjem gjere pengane sidan enno òg hjå vart vore kvifor helsing heile dei deira teke tek ho høyrer "
        "meldinga".split()
    ),
    "da": frozenset(
        "hvad mig dig sig nu efter meget noget nogen tager bliver jer hej tak fået købt købe gøre endnu sker "
        "spørgsmål venlig mit slet lige forkert forkerte plejer dage stadig".split()
    ),
    "sv": frozenset(
        "jag inte vad hur och är mig dig sig från också hej tack köpte köpa någon något mycket nu efter "
        "varför gör gjort fortfarande bara skickade fråga vänliga hälsningar".split()
    ),
}
_MARKER_WEIGHT = 0.6  # share of the score the marker words decide when a text has any


def detect_language_scores(text: str) -> dict[str, float]:
    """Return a score (0-1, summing to 1) for each supported language; empty when the text has no words.

    Lingua's confidences are sharp and, between bokmål, nynorsk and Danish, often wrong on short texts;
    when the text has distinctive function words, their shares decide most of the score.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return {}
    values = _detector().compute_language_confidence_values(text[:2000])
    lingua = {_code(v.language.name): float(v.value) for v in values}
    hits = {
        code: sum(1 for w in words if w in markers and not _shared(w, code))
        for code, markers in _MARKERS.items()
    }
    total_hits = sum(hits.values())
    if total_hits == 0:
        return lingua
    return {
        code: (1 - _MARKER_WEIGHT) * lingua.get(code, 0.0) + _MARKER_WEIGHT * hits.get(code, 0) / total_hits
        for code in set(lingua) | set(hits)
    }


def _shared(word: str, code: str) -> bool:
    """True when ``word`` is a marker of another language too (then it tells nothing)."""
    return any(word in markers for other, markers in _MARKERS.items() if other != code)


def detect_language(text: str, default: str | None = None, *, min_words: int = 1) -> str | None:
    """Detect the language of ``text`` among nb, nn, sv, da and en.

    Args:
        text: any text.
        default: returned when the text is too short or has no words.
        min_words: fewer words than this returns ``default``.

    Returns:
        An ISO 639-1 code ("nb", "nn", "sv", "da", "en") or ``default``.
    """
    if len(_WORD.findall(text)) < min_words:
        return default
    scores = detect_language_scores(text)
    if not scores:
        return default
    return max(scores, key=lambda k: scores[k])


def normalize_language(code: str | None) -> str | None:
    """Map common spellings ("no", "nob", "nno", "swe", "en-GB") to our codes; unknown codes pass through."""
    if not code:
        return None
    c = code.strip().lower().replace("_", "-").split("-")[0]
    aliases = {
        "no": "nb",
        "nob": "nb",
        "nno": "nn",
        "swe": "sv",
        "se": "sv",
        "dan": "da",
        "dk": "da",
        "eng": "en",
    }
    return aliases.get(c, c)
