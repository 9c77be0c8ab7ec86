"""Language detection for the languages Svar serves (nb, nn, sv, da and en), and for those it does not.

Lingua (``lingua-language-detector``) ships its models in the wheel, so detection is offline. It is the
only widely used detector that tells Norwegian bokmål from nynorsk. Its n-gram models mix up bokmål,
nynorsk and Danish on short messages ("Hvor lang tid tar det?" is Norwegian: Danish says "tager"), so
marker words correct it (see :func:`detect_language_scores`). The markers are data, three files per
language in ``knowledge/lexicons/<lang>/``: ``markers.txt`` (function words and frequent forms bokmål and
Danish spell differently: "fikk/fik", "mot/mod", "uke/uge"), ``spellings.txt`` (word shapes for the other
words: "-sjon/-tion", "-het/-heden", "-øy/-øj", final "-kk", "-leg/-lig") and ``openers.txt`` (a question
opening "Når ...?" is Norwegian: Danish asks "Hvornår ...?"). A word several
languages write the same way is in each of their lists: it says nothing between them and counts against
the others ("hvor" is bokmål or Danish, not nynorsk; "me", English and nynorsk for "we", tells neither).

A language Svar does not serve is recognised in two steps (:func:`unsupported_language`): a broad Lingua
detector in low-accuracy mode (about thirty languages spoken by customers in the Nordics; it loads in about
a second, and alone it reads "Hvor ble Bach født?" as German) names a candidate, and a high-accuracy
detector of our five languages plus that candidate must confirm it. Detectors are built lazily and cached
per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

SUPPORTED = ("nb", "nn", "sv", "da", "en")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_MARKER_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)  # a hyphened word ("e-post") is one
_MARKER_WEIGHT = 0.6  # share of the score the marker words decide when a text has any ...
_MARKER_DENSITY = 0.4  # ... and at least this share of its words are marker words (less: proportionally less)
# Double definiteness ("den kulturelle kapitalen", "det nye huset"): a determiner, an adjective and a noun
# with its definite ending. Norwegian and Swedish write it; Danish drops the ending
# ("den kulturelle kapital").
_DOUBLE_DEFINITE = re.compile(
    r"\b(?:den|det|de|dei)\s+[^\W\d_]{2,}[ea]\s+[^\W\d_]{2,}(?:en|et|ene|a|na|ane|arna|erna)\b", re.IGNORECASE
)
_DOUBLE_DEFINITE_OWNERS = {"nb": 1 / 3, "nn": 1 / 3, "sv": 1 / 3}
# A possessive after its definite noun ("pakken min", "passordet mitt", "pakka mi") is Norwegian: Danish and
# Swedish put it first ("min pakke", "mitt lösenord").
_POSTPOSED_POSSESSIVE = re.compile(
    r"\b[^\W\d_]{2,}(?:en|et|a|ene|ane|na)\s+(?:min|mi|mitt|mine|din|di|ditt|dine|vår|vårt|våre|dykkar)\b",
    re.IGNORECASE,
)
_NORWEGIAN = {"nb": 0.5, "nn": 0.5}
# Letters only some of our languages write: "ä", "ö" only Swedish; "æ", "ø" all but Swedish (and English).
_LETTER_OWNERS = (("äö", {"sv": 1.0}), ("æø", {"nb": 1 / 3, "nn": 1 / 3, "da": 1 / 3}))
_CLOSEST = frozenset({"nb", "da"})  # the pair Lingua confuses most on short texts
_FOREIGN_MIN_WORDS = 2  # a single word ("kiitos", "ok") is never enough to call a language unsupported
_SCREEN_MIN_SCORE = 0.3  # the broad (low-accuracy) detector's confidence that makes a language a candidate
_FOREIGN_MIN_SCORE = 0.8  # the candidate's confidence against ours, in high-accuracy mode, to call it ...
_FOREIGN_MIN_LEAD = 3.0  # ... or at least 0.5 and this many times our best language's ...
_FOREIGN_MAX_MARKERS = 0.5  # ... in a text where fewer than this share of the words are our marker words
# Letters none of our five languages write ("ð" Icelandic, "ß" German, "ł" Polish, "õ" Estonian ...): with
# one of them, words our languages share with the candidate ("mig", "inn") do not count against it.
_FOREIGN_LETTERS = frozenset("ðþßłąęśźżćńõñçőűšžčřěůığş")

# Lingua names of the languages the broad detector knows besides ours (ISO 639-1 code for each).
_OTHER_LANGUAGES = {
    "GERMAN": "de",
    "FINNISH": "fi",
    "DUTCH": "nl",
    "FRENCH": "fr",
    "SPANISH": "es",
    "ITALIAN": "it",
    "PORTUGUESE": "pt",
    "POLISH": "pl",
    "ESTONIAN": "et",
    "LITHUANIAN": "lt",
    "LATVIAN": "lv",
    "ICELANDIC": "is",
    "RUSSIAN": "ru",
    "UKRAINIAN": "uk",
    "ARABIC": "ar",
    "SOMALI": "so",
    "TURKISH": "tr",
    "PERSIAN": "fa",
    "URDU": "ur",
    "VIETNAMESE": "vi",
    "THAI": "th",
    "CHINESE": "zh",
    "TAGALOG": "tl",
}
_OURS = {"BOKMAL": "nb", "NYNORSK": "nn", "SWEDISH": "sv", "DANISH": "da", "ENGLISH": "en"}


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in _OURS)).build()


@lru_cache(maxsize=1)
def _broad_detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, n) for n in [*_OURS, *_OTHER_LANGUAGES]]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


@lru_cache(maxsize=len(_OTHER_LANGUAGES))
def _against_ours(name: str) -> LanguageDetector:
    """A high-accuracy detector for our five languages and one other (loaded only when it is a candidate)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in [*_OURS, name])).build()


def _code(name: str) -> str:
    return _OURS.get(name) or _OTHER_LANGUAGES[name]


def _lexicon(name: str) -> dict[str, list[str]]:
    """The entries of ``knowledge/lexicons/<lang>/<name>`` and the languages that list each."""
    owners: dict[str, list[str]] = {}
    root = resources.files("knowledge") / "lexicons"
    for code in SUPPORTED:
        text = (root / code / name).read_text(encoding="utf-8")
        for line in text.splitlines():
            entry = line.split("#", 1)[0].strip().lower()
            if entry and code not in owners.setdefault(entry, []):
                owners[entry].append(code)
    return owners


def _shares(codes: list[str] | set[str]) -> dict[str, float]:
    return {code: 1 / len(codes) for code in codes}


@lru_cache(maxsize=1)
def markers() -> dict[str, dict[str, float]]:
    """Each marker word and the share of its evidence per language (1.0 when one language owns it).

    Read from ``knowledge/lexicons/<lang>/markers.txt`` (one word a line, ``#`` comments).
    """
    return {word: _shares(codes) for word, codes in _lexicon("markers.txt").items()}


@dataclass(frozen=True)
class _Spellings:
    """Spelling patterns (``spellings.txt``) as one regular expression per language, and question openers."""

    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    openers: dict[str, dict[str, float]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _spellings() -> _Spellings:
    by_code: dict[str, list[str]] = {}
    for glob, codes in _lexicon("spellings.txt").items():
        regex = ".*".join(re.escape(part) for part in glob.split("*"))
        for code in codes:
            by_code.setdefault(code, []).append(regex)
    patterns = {code: re.compile("|".join(f"(?:{r})" for r in regexes)) for code, regexes in by_code.items()}
    openers = {word: _shares(codes) for word, codes in _lexicon("openers.txt").items()}
    return _Spellings(patterns, openers)


_FOLD = str.maketrans({"å": "a", "ä": "a", "æ": "ae", "ö": "o", "ø": "o"})


def _folds(word: str) -> set[str]:
    """How ``word`` is written without the Nordic letters: "på" -> "pa", "fået" -> "faet" and "faaet"."""
    return {word.translate(_FOLD), word.replace("å", "aa").translate(_FOLD)} - {word}


@lru_cache(maxsize=1)
def folded_markers() -> dict[str, dict[str, float]]:
    """Marker words as typed on a keyboard without å, ä, æ, ö, ø ("ar" for "är", "hvornaar" for "hvornår").

    A folded form that is itself a marker word ("for", "man") is left out: the word as written counts.
    """
    table = markers()
    owners: dict[str, set[str]] = {}
    for word, codes in _lexicon("markers.txt").items():
        for folded in _folds(word):
            if folded not in table:
                owners.setdefault(folded, set()).update(codes)
    return {word: _shares(codes) for word, codes in owners.items()}


def _word_owners(text: str) -> list[tuple[str, dict[str, float]]]:
    """Each word of ``text`` that tells something about its language, with its share per language.

    A marker word (``markers.txt``) counts as listed; a question's first word listed in ``openers.txt`` counts
    for those languages only ("Når ...?" is bokmål or nynorsk: Danish asks "Hvornår ...?"); any other word
    counts for the languages whose spelling patterns (``spellings.txt``) it matches, if any. A word typed
    without the Nordic letters counts as the marker words it folds from (:func:`folded_markers`). A phrase
    with double definiteness ("den kulturelle kapitalen") counts for bokmål, nynorsk and Swedish, one with a
    possessive after its noun ("pakken min") for bokmål and nynorsk; any other word with "ä" or "ö" counts
    for Swedish, with "æ" or "ø" for bokmål, nynorsk and Danish.
    """
    table = markers()
    folded = folded_markers()
    spellings = _spellings()
    words = [w.lower() for w in _MARKER_WORD.findall(text) if len(w) > 1]
    question = text.rstrip().endswith("?")
    out: list[tuple[str, dict[str, float]]] = []
    for i, word in enumerate(words):
        if i == 0 and question and word in spellings.openers:
            out.append((word, spellings.openers[word]))
        elif word in table:
            out.append((word, table[word]))
        elif word in folded:
            out.append((word, folded[word]))
        else:
            codes = {code for code, regex in spellings.patterns.items() if regex.fullmatch(word)}
            if codes:
                out.append((word, _shares(codes)))
            else:
                out.extend((word, own) for chars, own in _LETTER_OWNERS if not set(chars).isdisjoint(word))
    out.extend((m.group(0), _DOUBLE_DEFINITE_OWNERS) for m in _DOUBLE_DEFINITE.finditer(text))
    out.extend((m.group(0), _NORWEGIAN) for m in _POSTPOSED_POSSESSIVE.finditer(text))
    return out


def marker_evidence(text: str) -> dict[str, float]:
    """The marker words and spellings of ``text``, summed per language (a shared one split between them)."""
    hits: dict[str, float] = {}
    for _, owners in _word_owners(text):
        for code, share in owners.items():
            hits[code] = hits.get(code, 0.0) + share
    return hits


def detect_language_scores(text: str) -> dict[str, float]:
    """Return a score (0-1, summing to 1) for each supported language; empty when the text has no words.

    Lingua's confidences are sharp and, between bokmål, nynorsk and Danish, often wrong on short texts.
    Marker words and spellings (:func:`_word_owners`) correct them in two ways: the words that tell bokmål
    from Danish decide most of the score (each split between the languages that write it, weight 0.6), so
    "vant" (bokmål) or "nådde" (bokmål, nynorsk) outweigh Lingua's lean; and every marker word, shared or
    not, counts against the languages that do not write it (a language writing none of a text's marker
    words keeps half its score). Both count fully when at least 40% of the words are marker words,
    proportionally less below that. A word bokmål and Danish share ("hvor") thus leaves their order to
    Lingua and only rules out the languages that do not write it.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return {}
    values = _detector().compute_language_confidence_values(text[:2000])
    scores = {_code(v.language.name): float(v.value) for v in values}
    found = [owners for _, owners in _word_owners(text)]
    if not found:
        return scores
    own: dict[str, float] = {}
    for owners in found:
        if len(owners) > 1 and _CLOSEST <= owners.keys():
            continue  # says nothing between bokmål and Danish: their order stays Lingua's
        for code, share in owners.items():
            own[code] = own.get(code, 0.0) + share
    # a text where marker words are rare (a name, "the Beatles", in a Norwegian sentence) trusts them less
    density = min(1.0, len(found) / (_MARKER_DENSITY * len(words)))
    weight = _MARKER_WEIGHT * density
    if own:
        total = sum(own.values())
        scores = {
            code: (1 - weight) * scores.get(code, 0.0) + weight * own.get(code, 0) / total
            for code in SUPPORTED
        }
    coverage = {code: sum(1 for owners in found if code in owners) / len(found) for code in SUPPORTED}
    scores = {code: scores.get(code, 0.0) * (1 - 0.5 * density * (1 - coverage[code])) for code in SUPPORTED}
    norm = sum(scores.values()) or 1.0
    return {code: value / norm for code, value in scores.items()}


@dataclass(frozen=True)
class ForeignLanguage:
    """A language Svar does not serve, as detected: ISO 639-1 code and the broad detector's confidence."""

    code: str
    confidence: float


def unsupported_language(text: str) -> ForeignLanguage | None:
    """The language of ``text`` when it is clearly one Svar does not serve (German, Finnish, ...), else None.

    Clearly means: at least two words, a broad low-accuracy detector puts an unsupported language first
    (at least 0.3: on three words it is unsure even of Finnish), a high-accuracy detector of that language
    against ours gives it at least 0.8 (or at least 0.5 and three times our best language: a short message
    splits the rest between our five), and fewer than half of the words are marker words of our languages
    (``markers.txt``), unless the text has a letter none of them writes ("ð", "ß", "ł").

    Args:
        text: a customer's message.

    Returns:
        The detected language, or ``None`` when the text is in a supported language or too short to tell.
    """
    if len(_WORD.findall(text)) < _FOREIGN_MIN_WORDS:
        return None
    sample = text[:2000]
    values = _broad_detector().compute_language_confidence_values(sample)
    if not values or values[0].language.name in _OURS or float(values[0].value) < _SCREEN_MIN_SCORE:
        return None
    name = values[0].language.name
    confirmed = {
        v.language.name: float(v.value)
        for v in _against_ours(name).compute_language_confidence_values(sample)
    }
    score = confirmed.get(name, 0.0)
    ours = max((v for n, v in confirmed.items() if n in _OURS), default=0.0)
    if score < _FOREIGN_MIN_SCORE and not (score >= 0.5 and score >= _FOREIGN_MIN_LEAD * ours):
        return None
    foreign_letters = not _FOREIGN_LETTERS.isdisjoint(sample.lower())
    words = [w.lower() for w in _WORD.findall(sample)]
    ours_words = sum(1 for w in words if w in markers() or w in folded_markers())
    if not foreign_letters and ours_words >= _FOREIGN_MAX_MARKERS * len(words):
        return None
    return ForeignLanguage(_code(name), round(score, 3))


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


# The language most customers of a business in each country write (a prior, never a detection).
_COUNTRY_LANGUAGES = {
    "NO": "nb",
    "SE": "sv",
    "DK": "da",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "CA": "en",
    "AU": "en",
    "NZ": "en",
}


def country_language(country: str | None) -> str | None:
    """The supported language most customers in ``country`` (ISO 3166 alpha-2) write, if there is one.

    Norway gives bokmål (nynorsk customers say so in their words), Sweden Swedish, Denmark Danish, the
    English-speaking countries English; Finland, Iceland and any other country give None.
    """
    return _COUNTRY_LANGUAGES.get(country.strip().upper()) if country else None


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
