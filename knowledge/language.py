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


def detect_language_scores(text: str) -> dict[str, float]:
    """Return a confidence (0-1) for each supported language; empty when the text has no words."""
    if len(_WORD.findall(text)) == 0:
        return {}
    values = _detector().compute_language_confidence_values(text[:2000])
    return {_code(v.language.name): float(v.value) for v in values}


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
