"""Language-specific word lists as data files: ``knowledge/lexicons/<lang>/<name>.txt``.

One entry a line; ``#`` starts a comment; blank lines are skipped. A line ``word = value`` gives the word a
value (number words: ``fire = 4``). Files are read on first use and cached; nothing is read at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("nb", "nn", "sv", "da", "en")
ROOT = Path(__file__).resolve().parent.parent / "lexicons"

__all__ = ["LANGUAGES", "ROOT", "alternation", "entries", "words", "values"]


@lru_cache(maxsize=256)
def entries(language: str, name: str) -> tuple[tuple[str, str], ...]:
    """The (word, value) entries of one lexicon; value is "" when the line gives none.

    Args:
        language: "nb", "nn", "sv", "da" or "en".
        name: the lexicon's file name without ``.txt``.

    Returns:
        Entries in file order; empty when the language has no such lexicon.
    """
    path = ROOT / language / f"{name}.txt"
    if language not in LANGUAGES or not path.is_file():
        return ()
    out: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, value = line.partition("=")
        out.append((word.strip().lower(), value.strip()))
    return tuple(out)


@lru_cache(maxsize=256)
def words(name: str, languages: tuple[str, ...] = LANGUAGES) -> frozenset[str]:
    """The words of lexicon ``name`` in ``languages`` (every language by default)."""
    return frozenset(w for lang in languages for w, _ in entries(lang, name))


def values(name: str, language: str) -> dict[str, str]:
    """Lexicon ``name`` of one language as a word -> value mapping."""
    return dict(entries(language, name))


def alternation(items: Iterable[str]) -> str:
    """A regex alternation of ``items`` (words or phrases of a lexicon), longest first so that a prefix never
    wins; a space matches any run of spaces."""
    unique = sorted({w for w in items if w}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)
