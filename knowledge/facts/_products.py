"""Products: a brand and a model ("Sony WH-1000XM5", "Nordlys Vista 55", "Aura ANC"), a bare model ("min
AX3000"), a screen size ("65 inch TV") and the names of the workspace's own catalogue.

A well-known brand may take any model; a model that mixes letters and digits ("AX3000", "5G") makes any
capitalised name before it a product. A plain number ("Vista 55") or an acronym ("Aura ANC") is a model only
where a product is spoken of: in brackets, after a determiner, a possessive, a count or a verb of buying,
or before a product noun ("Aura ANC headphones"); otherwise "Under 18", "Section 8" and "Bring AS" would be
products too. Label words and verbs are never part of the value ("Kjøpte Nordlys AX3000" -> "Nordlys
AX3000", "Returnummer R-48301556-1" is no product).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, fact, squash
from knowledge.facts._entities import LEADING_JUNK, UP
from knowledge.facts._lexicon import (
    CARRIERS,
    MONTHS,
    NORDIC_CITIES,
    NOT_BRANDS,
    NOT_MODEL_ACRONYMS,
    NOT_NAMES,
    NOT_PRODUCT_HEADS,
    PAYMENT_BRANDS,
    PRODUCT_BRANDS,
    PRODUCT_DETERMINERS,
    PRODUCT_NOUNS,
    PRODUCT_VERBS,
    WEEKDAYS,
)
from knowledge.text.lexicons import words as lexicon_words
from knowledge.text.numbers import all_number_words

_BRAND_TOKEN = rf"(?:[{UP}][^\W\d_]*(?:[-&+][^\W\d_]+)*|[a-z]{{1,2}}[{UP}][^\W\d_]*)"
# A model: letters (in hyphenated groups: "X-T5") and digits, maybe a decimal ("Primo 5.0"), or an acronym.
_MODEL_TOKEN = r"(?:[A-Za-z]*(?:-[A-Za-z]+)*-?\d[\w-]*(?:[.,]\d{1,2}(?![\d.,]\d))?|[A-Z]{2,4}(?![\w-]))"
_MODEL_TAIL = (
    r"(?:Pro|Max|Plus|Mini|Ultra|Lite|Air|SE|FE|XL|Edge|Neo|Series|Gen\s?\d"
    r"|\d{1,4}\s?(?:GB|TB)(?!\w)|\d{1,4}[A-Za-z]*|[A-Z]{1,3}\d+\w*"
    rf"|[{UP}][a-zæøåäöü]{{2,}}(?![\w-]))"
)
_PRODUCT_RE = re.compile(
    rf"(?<![\w-])(?P<brand>{_BRAND_TOKEN}(?:[ \t]+{_BRAND_TOKEN}){{0,2}})[ \t]+(?P<model>{_MODEL_TOKEN})"
    rf"(?P<tail>(?:[ \t]+{_MODEL_TAIL})*)(?![\w-])"
)
# A model on its own: letters then digits ("AX3000", "S23"), maybe a capitalised word ("AX3000 Satellitt").
_BARE_MODEL_RE = re.compile(
    rf"(?<![\w-])(?P<model>[A-Z]{{1,4}}\d{{2,5}}[A-Z]{{0,2}})(?P<tail>(?:[ \t]+{_MODEL_TAIL})*)(?![\w-])"
)
_SCREEN_RE = re.compile(
    r"(?<![\w.,])(?P<size>\d{2,3})[ \t]?-?[ \t]?(?:inch|in\.|tommer|tommers|tomme|tum|tums|\"|”|″)"
    r"(?:[ \t]+[^\W\d_]+)?[ \t]+(?P<noun>tv(?:-?en|:n|'en)?|television|skjerm|skjermen|skärm|skærm|screen"
    r"|monitor)(?!\w)",
    re.IGNORECASE,
)
_ID_SHAPE = re.compile(r"[A-Za-z]{0,4}-?\d{5,}(?:-\d+)?|[A-Z]{1,4}-\d{4,}(?:-\d{1,3})?")
_LABEL_END = re.compile(
    r"(?:nummer|nummeret|numret|numre|nr|no|id|kode|koden|kod|code|number|ref|referanse|referens)$", re.I
)
_LOWER_RUN = re.compile(r"[^\W\d_A-Z]{3,}")
_ORDINAL = re.compile(r"\d{1,4}(?:st|nd|rd|th|e|a|de|te|ste|nde|ne)", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:%|kr\b|,-|:-|år|ar\b|years?|days?|dager|dagar|dage|døgn|dygn|timer|timmar|hours?|min|"
    r"minutter|minuter|minutes|uker|veker|veckor|uger|weeks?|måneder|månader|månedar|months?|mnd|prosent|"
    r"procent|percent|stk|st\b|pcs|ganger|gonger|gånger|gange|times|personer|people|persons)",
    re.IGNORECASE,
)
# Verbs of arriving, working and failing: after them a name and a number is a thing ("Vista 50 kom i går").
_STATE_VERB_AFTER = re.compile(
    r"[ \t]+(?:kom|kommer|kjem|kam|er|är|var|vart|blev|ble|blei|har|hadde|hade|havde|fungerer|fungerar|"
    r"funkar|virker|virkar|lader|laddar|is|was|has|had|works|worked|stopped|keeps|won't|doesn't|isn't|wasn't|"
    r"gikk|gick|gjekk|sluttet|slutta|slutade|stoppet|stoppa|viser|visar|syner|lyser|blinker|blinkar|"
    r"mangler|manglar|saknar|arrived|came|broke|died|døde|dog|startet|starter|startar|går|henger|"
    r"hänger|hænger|fryser|krasjer|kraschar|ankom|leveres|levereras|blir|bliver|vart)(?!\w)",
    re.IGNORECASE,
)
_PAST_MORPHOLOGY = re.compile(r"(?:te|de|et|ed|ade|dde|tte)$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n(]|[^\w\s,'\"-])\s*$")
_STOP = NOT_BRANDS | NOT_PRODUCT_HEADS | LEADING_JUNK


def find_products(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Product models, screen sizes and the catalogue's product names."""
    yield from _catalogue(text, ctx.products)
    for m in _PRODUCT_RE.finditer(text):
        found = _branded(text, m)
        if found is not None:
            yield found
    for m in _BARE_MODEL_RE.finditer(text):
        model = m.group("model")
        if model in NOT_MODEL_ACRONYMS or not _in_product_context(text, m.start(), m.end(), strong=True):
            continue
        end = _tail_end(m)
        yield fact("product", text, m.start(), end, squash(text[m.start() : end]), 0.6)
    for m in _SCREEN_RE.finditer(text):
        yield fact("product", text, m.start(), m.end(), squash(m.group(0)), 0.6)
    yield from _named_after_noun(text)
    yield from _named_after_verb(text)
    yield from _brand_led(text)


# A well-known brand in any case and the model words after it ("VW Golf", "Skoda Octavia", "Tesla Model Y",
# "samsung galaxy s23", "iphone 14 pro"): capitalised words, words with digits, model tails, or a lower-case
# word right before one with digits. Brands that are also common words ("watch", "switch") need a model with
# a digit.
_BRAND_WORD_RE = re.compile(r"(?<![\w-])[^\W\d_][\w-]*")
_COMMON_WORD_BRANDS = frozenset({"watch", "switch", "echo", "golf"})
_TAIL_WORDS = frozenset({"pro", "max", "plus", "mini", "ultra", "lite", "air", "se", "fe", "xl", "model"})


def _brand_led(text: str) -> Iterator[ExtractedFact]:
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[\w-]+", text)]
    for i, (start, _, word) in enumerate(tokens):
        low = word.lower()
        if low not in PRODUCT_BRANDS:
            continue
        taken = 0
        j = i + 1
        while (
            j < len(tokens) and taken < 3 and re.fullmatch(r"[ \t]+", text[tokens[j - 1][1] : tokens[j][0]])
        ):
            w = tokens[j][2]
            nxt = tokens[j + 1][2] if j + 1 < len(tokens) else ""
            if any(c.isdigit() for c in w) and len(w) <= 6:
                pass
            elif (
                w.lower() in _TAIL_WORDS
                or (w[0].isupper() and _plausible_name(w))
                or (w.isupper() and len(w) <= 3)
            ):
                pass
            elif w.islower() and len(w) >= 3 and any(c.isdigit() for c in nxt) and w not in _STOP:
                pass
            else:
                break
            taken += 1
            j += 1
        if not taken:
            continue
        model = text[tokens[i + 1][0] : tokens[j - 1][1]]
        if low in _COMMON_WORD_BRANDS and not any(c.isdigit() for c in model):
            continue
        if _UNIT_AFTER.match(text, tokens[j - 1][1]) and model.isdigit():
            continue  # "Volvo 10 år": a number of years, not a model
        end = tokens[j - 1][1]
        yield fact("product", text, start, end, squash(text[start:end]), 0.55)


# A name after a verb of buying or ordering ("bestilt Ventoline inhalator", "ordered Otrivin nasal spray"),
# or after a determiner that follows a verb of having or being ("Vi har en BeSafe iZi Flex S", "Det er en
# Christiania ladcykel", "fikk en ny Dyson"), and a name coordinated with such a product ("Paracet og
# Nasonex"): the verb says a thing is spoken of, the capitals which one. A bare "har"/"have" before a name
# is not enough ("har Premium", "har Ola på tråden").
_BUYING = frozenset(
    {
        "bestilt", "bestilte", "bestille", "beställde", "beställt", "köpte", "köpt", "kjøpte", "kjøpt",
        "købte", "købt", "tinga", "tingte", "ordered", "bought", "purchased", "order",
    }
)  # fmt: skip
_HAVING = frozenset(
    {
        "har", "have", "has", "had", "hadde", "hade", "havde", "fikk", "fekk", "fick", "fik", "got", "own",
        "eier", "eig", "äger", "ejer", "er", "är", "is", "was", "var", "bruker", "brukar", "använder",
        "bruger", "use", "received",
    } | _BUYING
)  # fmt: skip
_INDEFINITE = frozenset({"a", "an", "en", "ein", "ei", "et", "eit", "ett", "ny", "nytt", "nye", "new"})
_NAME_WORD = rf"(?:[{UP}][\w-]*|[a-z]{{1,2}}[{UP}][\w-]*|\d[\w.-]*)"
_NAME_RUN_RE = re.compile(rf"(?<![\w-])[{UP}][\w-]*(?:[ \t]+{_NAME_WORD}){{0,4}}(?![\w-])")
_COORDINATED_RE = re.compile(rf"[ \t]+(?:og|och|and|&)[ \t]+(?P<name>[{UP}][\w-]+)(?![\w-])")


def _named_after_verb(text: str) -> Iterator[ExtractedFact]:
    for m in _NAME_RUN_RE.finditer(text):
        words = m.group(0).split()
        offsets = [m.start() + w.start() for w in re.finditer(r"\S+", m.group(0))]
        i = 0
        while i < len(words) and words[i].lower() in (_BUYING | _STOP | NOT_NAMES | PRODUCT_VERBS):
            i += 1  # "Bestilte Paracet": a sentence's first verb is no part of the name
        if i == len(words):
            continue
        before = re.findall(r"[\w'-]+", text[max(0, offsets[i] - 40) : offsets[i]])[-3:]
        if re.search(r"[.!?;:\n]\s*$", text[max(0, offsets[i] - 3) : offsets[i]]) and i == 0:
            continue
        low = [w.lower() for w in before]
        if i > 0 and words[i - 1].lower() in _BUYING:
            pass
        elif low and low[-1] in _BUYING:
            pass
        elif (
            len(low) >= 2
            and low[-1] in _INDEFINITE
            and (low[-2] in _HAVING or (len(low) == 3 and low[-2] in _INDEFINITE and low[-3] in _HAVING))
        ):
            pass
        elif low and low[-1] in _INDEFINITE and re.search(r"[^\W\d_],\s+\S+\s+$", text[: offsets[i]]):
            pass  # an apposition: "min nye bil, en Skoda Enyaq,"
        else:
            continue
        name_words = words[i:]
        while name_words and name_words[-1].lower().strip(".,") in (_STOP | NOT_NAMES):
            name_words.pop()
        if not name_words or not _plausible_name(name_words[0]):
            continue
        start = offsets[i]
        end = offsets[i + len(name_words) - 1] + len(name_words[-1])
        name = squash(text[start:end])
        noun = _KIND_NOUN_RE.match(text, end)
        if noun is not None and noun.group("noun").lower() not in lexicon_words("function_words"):
            # "en Christiania ladcykel,": the noun after the name says what it is; the name stays the value
            # (the name alone, below, stays when the word after it is taken by another fact: "yesterday")
            yield fact("product", text, start, noun.end("noun"), name, 0.55)
        yield fact("product", text, start, end, name, 0.55)
        co = _COORDINATED_RE.match(text, m.end())
        if co is not None and _plausible_name(co.group("name")):
            yield fact("product", text, co.start("name"), co.end("name"), co.group("name"), 0.5)
    for m in _COORDINATED_BEFORE_RE.finditer(text):
        if _plausible_name(m.group("first")) and _BUYING & {w.lower() for w in m.group("verb").split()}:
            yield fact("product", text, m.start("first"), m.end("first"), m.group("first"), 0.5)


# "Bestilte Paracet og Nasonex": the first of two coordinated names right after a verb of buying.
_COORDINATED_BEFORE_RE = re.compile(
    rf"(?<![^\W\d_])(?P<verb>[^\W\d_]+)[ \t]+(?P<first>[{UP}][\w-]+)[ \t]+(?:og|och|and|&)[ \t]+[{UP}]"
)


_KIND_NOUN_RE = re.compile(r"[ \t]+(?P<noun>[^\W\d_A-Z]{4,})(?=[ \t]*(?:[,.;:!?()]|$))")


def _plausible_name(word: str) -> bool:
    low = word.lower().strip(".,")
    return (
        len(low) >= 3
        and low not in _STOP
        and low not in NOT_NAMES
        and low not in NORDIC_CITIES
        and low not in MONTHS
        and low not in WEEKDAYS
        and low not in CARRIERS
        and low not in PAYMENT_BRANDS
    )


# A name in brackets right after a noun ("et epletre (Aroma, 2 meter)", "køkken (model Vesterhavet, hvid
# mat)", "takfärg (Alcro Bestå, kulör ...)") or in quotes after one ("boka «Fjellet og fjorden»"): the
# noun says what kind of thing it is, the name which one.
_BRACKETED_NAME_RE = re.compile(
    rf"(?<![\w-])(?P<noun>[^\W\d_A-Z{UP}][^\W\d_]*)[ \t]+\([ \t]*"
    rf"(?:(?i:model|modell|modellen|modellen|type|typ|sort|sorten|variety|brand|merke|märke|mærke)[ \t:]+)?"
    rf"(?P<name>[{UP}][^\W\d_]+(?:[ \t]+[{UP}][^\W\d_]+){{0,2}}(?:[ \t]+[^\W\d_A-Z{UP}]{{3,}})?"
    rf"(?:[ \t]+{_MODEL_TOKEN}(?:[ \t]?(?:cm|mm|m|kg|g|l|ml|mg|tommer|tum|inch|\"))?)?)"
    rf"[ \t]*(?:[,)]|[ \t]+(?:i|in|med|with|på|from|fra|från|frå)[ \t])"
)
# A medicine and its strength ("Lisinopril 10 mg", "Paracet 500 mg", "Ventoline 0,1 mg/dose").
_DOSE_RE = re.compile(
    rf"(?<![\w-])(?P<name>[{UP}][^\W\d_]{{2,}}(?:[ \t]+[{UP}][^\W\d_]+)?[ \t]+\d+(?:[.,]\d+)?[ \t]?"
    r"(?:mg|mcg|µg|ml|g|IE|IU|mmol)(?:/\w+)?)(?![\w])"
)
_QUOTED_NAME_RE = re.compile(
    rf"(?<![\w-])(?P<noun>[^\W\d_A-Z{UP}][^\W\d_]*)[ \t]+[«“\"](?P<name>[{UP}][^»”\"\n]{{1,50}}?)[»”\"]"
)
_SAYING = frozenset(
    {
        "seier", "sier", "sa", "sagt", "säger", "sade", "siger", "sagde", "says", "said", "står", "stod",
        "viser", "visar", "syner", "shows", "showed", "skriver", "skriv", "skrev", "writes", "wrote",
        "heter", "heiter", "hedder", "called", "named", "kalt", "kallad", "kaldet", "meldingen", "meldinga",
        "message", "beskjed", "beskjeden", "teksten", "text", "knappen", "button", "knap", "menyen", "menu",
    }
)  # fmt: skip


def _named_after_noun(text: str) -> Iterator[ExtractedFact]:
    for pattern in (_BRACKETED_NAME_RE, _QUOTED_NAME_RE):
        for m in pattern.finditer(text):
            noun = m.group("noun").lower()
            name = m.group("name").strip()
            first = name.split()[0].lower().strip(".,")
            if noun in _SAYING or noun in PRODUCT_VERBS or noun in _STOP or len(noun) < 3:
                continue
            if first in _STOP or first in NOT_NAMES or first in MONTHS or first in WEEKDAYS:
                continue
            if name.lower() in NORDIC_CITIES or _LABEL_END.search(first):
                continue
            yield fact("product", text, m.start("name"), m.start("name") + len(name), squash(name), 0.55)
    for m in _DOSE_RE.finditer(text):
        first = m.group("name").split()[0].lower()
        if first not in _STOP and first not in NOT_NAMES and first not in PRODUCT_VERBS:
            yield fact("product", text, m.start("name"), m.end("name"), squash(m.group("name")), 0.65)


def _brand_words(text: str, m: re.Match[str]) -> tuple[list[str], int] | None:
    """The brand's words without leading labels, function words and verbs, and where they start."""
    brand_start = m.start("brand")
    words = m.group("brand").split()
    offsets = [brand_start + w.start() for w in re.finditer(r"\S+", m.group("brand"))]
    i = 0
    while i < len(words) and _not_brand_word(text, words[i], offsets[i], lone=len(words) - i == 1):
        i += 1
    if i == len(words):
        return None
    words = words[i:]
    lowered = [w.lower() for w in words]
    if any(w in NOT_PRODUCT_HEADS or w in MONTHS or w in WEEKDAYS or _LABEL_END.search(w) for w in lowered):
        return None
    return words, offsets[i]


def _branded(text: str, m: re.Match[str]) -> ExtractedFact | None:
    """A product from a brand-and-model match, or None when the words are no product."""
    brand = _brand_words(text, m)
    if brand is None:
        return None
    words, start = brand
    lowered = [w.lower() for w in words]
    model = m.group("model")
    if _long_numeric_model(text, start, m.end("model"), model, words):
        return fact("product", text, start, m.end("model"), squash(text[start : m.end("model")]), 0.6)
    if _no_model(model):
        return None  # "1900-tallet" is a word, "R-48301556-1" an id, "11th" an ordinal
    known = any(w in PRODUCT_BRANDS for w in lowered) or any(
        w[:1].islower() and any(c.isupper() for c in w) for w in words
    )
    mixed = any(ch.isalpha() for ch in model) and any(ch.isdigit() for ch in model)
    acronym = model.isalpha()
    end = _tail_end(m)
    if known:
        if not mixed and not acronym and len(model) > 5:
            return None  # a long number after a word is an id, not a model
        conf = 0.85
    elif mixed:
        if len(words) == 1 and words[0].isupper() and len(words[0]) <= 2:
            return None
        conf = 0.7
    elif acronym:
        if model in NOT_MODEL_ACRONYMS or len(words) > 1 or words[0].isupper():
            return None
        if not _in_product_context(text, start, end, strong=True):
            return None
        conf = 0.6
    else:
        if len(model) > 4 or (len(model) == 4 and model[:2] in {"19", "20"}):
            return None  # a year or an id, not a model
        if _UNIT_AFTER.match(text, m.end("model")):
            return None
        several = _several_names(words)
        state = _STATE_VERB_AFTER.match(text, end) is not None  # "Vista 50 kom i går med ripe"
        if not (several or state or _in_product_context(text, start, end, strong=False)):
            return None
        conf = 0.6
    return fact("product", text, start, end, squash(text[start:end]), conf)


def _no_model(model: str) -> bool:
    return bool(_LOWER_RUN.search(model) or _ID_SHAPE.fullmatch(model) or _ORDINAL.fullmatch(model))


def _several_names(words: list[str]) -> bool:
    return len(words) > 1 and all(w[:1].isupper() and not w.isupper() for w in words)


def _long_numeric_model(text: str, start: int, end: int, model: str, words: list[str]) -> bool:
    """A five- or six-digit model after several capitalised words where a product is spoken of ("en Lego
    Technic 42143"); elsewhere such a number is an id."""
    return (
        _several_names(words)
        and model.isdigit()
        and len(model) in (5, 6)
        and _in_product_context(text, start, end, strong=True)
    )


def _not_brand_word(text: str, word: str, offset: int, *, lone: bool) -> bool:
    """Whether a leading word of a brand is a label, a function word or a sentence-initial verb."""
    low = word.lower().strip(".,")
    if low in _STOP or low in NOT_NAMES or low in PRODUCT_VERBS or _LABEL_END.search(low):
        return True
    if lone:
        return False
    at_start = _SENTENCE_START.search(text, max(0, offset - 3), offset) is not None or offset == 0
    return at_start and _PAST_MORPHOLOGY.search(low) is not None and len(low) >= 5


def _tail_end(m: re.Match[str]) -> int:
    """The end of a match without a trailing capitalised word that is no part of a model name."""
    tail = m.group("tail")
    if not tail:
        return m.end()
    pieces = list(re.finditer(r"\S+(?:\s?(?:GB|TB))?", tail))
    end = m.start("tail")
    for piece in pieces:
        word = piece.group(0)
        low = word.lower()
        if word[:1].isupper() and word[1:].islower() and word.isalpha() and len(word) > 2:
            if low in _STOP or low in NOT_NAMES or low in NORDIC_CITIES or low in MONTHS or low in WEEKDAYS:
                break
        end = m.start("tail") + piece.end()
    return end


def _in_product_context(text: str, start: int, end: int, *, strong: bool) -> bool:
    """Whether a product is spoken of around ``text[start:end]``.

    That is: brackets, a determiner, a possessive, a count or a verb of buying before it, or a product noun
    after it. ``strong`` wants more than a bare article.
    """
    before = text[max(0, start - 40) : start]
    if re.search(r"\([^()\n.!?]*$", before):
        return True  # inside brackets: "(progressive glass, innfatning Lindberg 9704)"
    after = re.match(r"[ \t]*([\w:'-]+)", text[end : end + 30])
    if after and after.group(1).lower() in PRODUCT_NOUNS:
        return True
    prev = re.findall(r"[\w'-]+", before)[-2:]
    if not prev or re.search(r"[.!?;:\n]\s*$", before):
        return False
    last = prev[-1].lower()
    first = prev[0].lower() if len(prev) == 2 else ""
    articles = {"a", "an", "the", "en", "ein", "ei", "et", "eit", "ett", "den", "det"}
    if last in PRODUCT_VERBS or last in all_number_words() or last.isdigit():
        return True
    if last in PRODUCT_DETERMINERS and (not strong or last not in articles):
        return True
    if last in PRODUCT_DETERMINERS and first in PRODUCT_VERBS:
        return True  # "kjøpt en Aura ANC"
    # a determiner and an adjective: "the over-ear Aura ANC", "en ny Vista 55"
    return bool(first) and first in PRODUCT_DETERMINERS and prev[-1].islower()


# --- the catalogue ----------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _catalogue_re(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    usable = sorted(
        {squash(n) for n in names if len(squash(n)) >= 3 and any(c.isalpha() for c in n)}, key=len
    )
    if not usable:
        return None
    canonical = {_key(n): n for n in usable}
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in reversed(usable))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), canonical


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _catalogue(text: str, products: Iterable[str]) -> Iterator[ExtractedFact]:
    """The workspace's own product names, case-insensitively, normalised to the catalogue's spelling."""
    compiled = _catalogue_re(tuple(products))
    if compiled is None:
        return
    pattern, canonical = compiled
    for m in pattern.finditer(text):
        name = canonical.get(_key(m.group(0)), squash(m.group(0)))
        yield fact("product", text, m.start(), m.end(), name, 0.95)
