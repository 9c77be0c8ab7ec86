"""Those a customer speaks for: animals and family members, their names, ages and breeds.

A customer tells about a pet or a child in passing ("Hunden vår, Bamse, har halta", "sønnen min Oskar (4)",
"Our cat Mochi was spayed", "ein labrador på 35 kilo", "Hun er en 3 år gammel golden retriever"). The
words for animals and family members, and the breeds, are lexicon data of each language
(``dependants``: ``hunden = animal``, ``sønnen = relative``, ``labrador = breed``); the rules are few:

* a capitalised name right after such a word, with or without a possessive and a comma between ("min katt
  Sixten", "Vores hund Bella", "en kat, Mis,"), or after the word and a verb of naming ("morfar hedder Poul
  Jensen") is a ``pet_name`` (animals and breeds) or a ``relative_name`` (family members);
* a number in brackets after that name is an ``age`` ("Oskar (4)"), and a breed in brackets a breed;
* a breed named anywhere is a ``breed``;
* an age is a number of years said of someone: with "old/gammel/gammal" after it ("3 år gammel", "a
  9-year-old"), after "er/är/is" ("han er 8 år"), or after "på/of" when an animal or family member was just
  named ("et barn på 2 år", "ein border collie på fire år"); not a duration ("i ett år", "for 2 år siden").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, fact, squash
from knowledge.facts._lexicon import NOT_NAMES
from knowledge.text.lexicons import LANGUAGES, alternation, entries
from knowledge.text.numbers import number_alternation

_I = re.IGNORECASE
_UP = "A-ZÆØÅÄÖÜÉ"
_POSSESSIVES = (
    "min", "mitt", "mi", "mine", "vår", "vårt", "våre", "vores", "vor", "mit", "my", "our", "hans", "hennes",
    "hendes", "his", "her", "the", "ein", "en", "ei", "et", "ett", "a", "an", "vesle", "lille", "lilla",
    "little", "gamle", "old", "nye", "new",
)  # fmt: skip
_NAMING = r"(?:heter|heiter|hedder|hette|heitte|is\s+called|was\s+called|called|named|som\s+heter)"


@dataclass(frozen=True)
class _Patterns:
    named: re.Pattern[str]  # "<noun> [poss][,] Name [(paren)]"
    naming: re.Pattern[str]  # "<noun> heter Name Surname"
    breed: re.Pattern[str]
    age: re.Pattern[str]
    nouns: dict[str, str]  # word -> animal / relative / breed


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    nouns: dict[str, str] = {}
    for lang in LANGUAGES:
        for word, cls in entries(lang, "dependants"):
            if cls in ("animal", "relative", "breed"):
                nouns.setdefault(word, cls)
    noun = alternation(nouns)
    poss = alternation(_POSSESSIVES)
    name = rf"(?-i:[{_UP}][a-zæøåäöüéè]+(?:-[{_UP}][a-zæøåäöüéè]+)?)"
    named = re.compile(
        rf"(?<![\w-])(?P<noun>{noun})(?:\s+(?:{poss}))?(?:\s*,)?\s+(?P<name>{name})(?![\w-])"
        rf"(?:\s*\((?P<paren>[^()\n]{{1,24}})\))?",
        _I,
    )
    naming = re.compile(
        rf"(?<![\w-])(?P<noun>{noun})\s+{_NAMING}\s+(?P<name>{name}(?:[ \t]+{name})?)(?![\w-])",
        _I,
    )
    breeds = alternation(w for w, c in nouns.items() if c == "breed")
    breed = re.compile(rf"(?<![\w-])(?P<breed>{breeds})(?![\w-])", _I)
    number = rf"(?:\d{{1,2}}|{number_alternation(articles=False)})"
    age = re.compile(
        rf"(?<![\w,.-])(?P<age>{number}(?:\s*-\s*|\s+)(?:år|years?|yrs?|year)(?:\s*-\s*old)?)"
        rf"(?P<old>\s+(?:gammel|gammal|gamal|gamle|gammelt|gamalt|old|gammel\w*))?(?![\w-])"
        rf"|(?<![\w-])(?P<aring>{number}-?(?:åring|åriga|åringen|årig|årige))(?![\w-])",
        _I,
    )
    return _Patterns(named, naming, breed, age, nouns)


# What a number of years follows when it is an age ("han er 8 år", "a girl of 7"), and what makes it a span
# of time instead ("i ett år", "for 2 år siden", "in 3 years").
_AGE_BEFORE = re.compile(
    r"(?:^|\s)(?:er|är|is|are|was|blir|blei|fyller|fylte|fyld|fylder|turned|turns)\s+$", _I
)
_OF_BEFORE = re.compile(r"(?:^|\s)(?:på|of)\s+$", _I)
_NOT_AGE_AFTER = re.compile(
    r"\s*(?:siden|sidan|sedan|ago|senere|seinare|senare|later|til|till|tilbake)\b", _I
)


def _kind(noun_class: str) -> str:
    return "relative_name" if noun_class == "relative" else "pet_name"


def find_dependants(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Names, ages and breeds of the animals and family members a customer speaks for."""
    if ctx.role not in {"customer", "note"}:
        return
    p = _patterns()
    for m in p.named.finditer(text):
        name = m.group("name")
        if name.lower() in NOT_NAMES or name.lower() in p.nouns:
            continue
        cls = p.nouns.get(squash(m.group("noun")).lower(), "animal")
        yield fact(_kind(cls), text, m.start("name"), m.end("name"), name, 0.7)
        paren = m.group("paren")
        if paren:
            inner = paren.strip()
            if inner.isdigit() and len(inner) <= 2:
                yield fact("age", text, m.start("paren"), m.end("paren"), inner, 0.7)
    for m in p.naming.finditer(text):
        cls = p.nouns.get(squash(m.group("noun")).lower(), "animal")
        yield fact(_kind(cls), text, m.start("name"), m.end("name"), squash(m.group("name")), 0.7)
    for m in p.breed.finditer(text):
        yield fact("breed", text, m.start("breed"), m.end("breed"), squash(m.group("breed")).lower(), 0.7)
    yield from _ages(text, p)


def _ages(text: str, p: _Patterns) -> Iterator[ExtractedFact]:
    for m in p.age.finditer(text):
        if m.group("aring"):
            yield fact("age", text, m.start("aring"), m.end("aring"), m.group("aring"), 0.7)
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        if _NOT_AGE_AFTER.match(text, m.end()):
            continue
        said_of = m.group("old") or "-old" in m.group("age").lower() or _AGE_BEFORE.search(before)
        if not said_of and _OF_BEFORE.search(before):
            recent = re.split(r"[.!?\n]", before)[-1].lower()
            said_of = any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", recent) for n in p.nouns)
        if said_of:
            end = m.end("old") if m.group("old") else m.end("age")
            yield fact("age", text, m.start("age"), end, squash(text[m.start("age") : end]), 0.7)
