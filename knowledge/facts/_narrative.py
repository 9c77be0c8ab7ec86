"""Clauses: what the customer already tried, and what the company promised.

A "tried" fact is a first-person or subjectless clause in the past: a verb of trying, restarting, resetting,
replacing, updating or reinstalling anywhere ("I restarted the router", "byttet kabel"), or any verb with a
past-participle or preterite form after a subject or "har/have" ("har sjekka med naboane", "jag tog bilder
på skärmen", "har spurgt naboerne og kigget i kælderen", "eg har teke bilete av esken"), except verbs that
tell what happened rather than what was done about it (ordered, got, waited ...). A step is also told by
what came of it (lexicons ``outcomes`` and ``test_conditions``): something that "didn't help" was tried
("new batteries didn't help"), and so was a test that worked under a condition ("works with another
cable"). Negated clauses and questions are skipped.

A "promise" is a commitment in an agent's, bot's or note's words: a first-person future or present-for-
future ("vi ringer deg på torsdag", "we will send a new one", "Da sjekker vi ..."), or a time frame the
company commits to ("du får fakturaen inden for 24 timer", "vi betalar tillbaka inom 2 bankdagar", "Det tar
1–3 virkedager"), but not the customer's obligations or the shop's policies ("returneres innen 30 dager",
"within 14 days of purchase"); or a customer reporting one ("you promised to call me"). The value is the
clause as written; a clause ends at a sentence's end (not at "3.2.1" or "kl. 14") or at "but".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from knowledge.facts._base import Context, ExtractedFact, fact, sentence_end, squash
from knowledge.facts._lexicon import NOT_TRIED_VERBS, PAST_IRREGULAR, RELATIVE_DAYS, WEEKDAYS
from knowledge.text.lexicons import LANGUAGES, alternation, entries, words

_I = re.IGNORECASE
_BUT = re.compile(r"\s(?:but|men|mais|however|although|men\s+det)\s|,\s(?:and\s+)?(?:but|men)\s")
_MAX_CLAUSE = 160

# Past forms of verbs of trying and fixing, after a subject ("I have ...", "jeg har ...", "kunden har ...").
_PAST_SAFE: tuple[str, ...] = (
    # en
    "tried", "restarted", "rebooted", "reinstalled", "uninstalled", "installed", "updated", "upgraded",
    "downgraded", "cleared", "deleted", "removed", "replaced", "changed", "swapped", "switched", "unplugged",
    "plugged", "reconnected", "disconnected", "turned", "power-cycled", "power cycled", "checked",
    "charged", "recharged", "re-paired", "repaired", "paired", "unpaired", "logged", "signed",
    "factory reset",
    "contacted", "called", "emailed", "tested", "rebooted", "flushed", "reseated", "cleaned", "wiped",
    "tightened", "re-entered", "attempted", "disabled", "enabled", "refreshed", "retried", "followed",
    # nb
    "prøvd", "prøvde", "forsøkt", "forsøkte", "startet", "restartet", "omstartet", "tilbakestilt",
    "tilbakestilte", "nullstilt", "nullstilte", "resatt", "resetta", "byttet", "skiftet", "oppdatert",
    "oppdaterte", "installert", "installerte", "reinstallert", "avinstallert", "slettet", "fjernet", "tømt",
    "tømte", "ladet", "koblet", "plugget", "sjekket", "kontrollert", "ringt", "ringte", "kontaktet", "testet",
    "skrudd", "skrudde", "slått", "logget", "rengjort", "restartet",
    # nn
    "prøvt", "freista", "starta", "omstarta", "restarta", "skifta", "sletta", "fjerna", "kopla", "lada",
    "sjekka", "ringde", "kontakta", "testa", "logga", "tilbakestilte", "oppdaterte",
    # sv
    "provat", "provade", "försökt", "försökte", "testat", "testade", "startat", "startade", "omstartat",
    "ändrat", "ändrade", "uppdaterat", "uppdaterade", "installerat", "installerade", "ominstallerat",
    "avinstallerat", "raderat", "raderade", "rensat", "rensade", "tömde", "återställt", "återställde",
    "nollställt", "kopplat", "kopplade", "laddat", "laddade", "kollat", "kollade", "kontrollerat", "ringt",
    "kontaktat", "stängt av", "stängde av", "loggat",
    # da
    "prøvet", "prøvede", "forsøgt", "forsøgte", "testede", "genstartet", "genstartede", "nulstillet",
    "nulstillede", "skiftede", "udskiftet", "udskiftede", "opdateret", "opdaterede", "installeret",
    "geninstalleret", "afinstalleret", "slettede", "ryddet", "tjekket", "tjekkede", "opladet", "ringet",
    "ringede", "slukket", "slukkede", "logget",
)  # fmt: skip
# Past forms that start a clause on their own in chat ("Restarted the router", "Byttet kabel"): only verbs
# that mean trying or fixing, since "Signed by ..." or "Startet en rekke ..." start sentences in prose too.
_PAST_CLAUSE_START: tuple[str, ...] = (
    "tried", "restarted", "rebooted", "reinstalled", "uninstalled", "updated", "upgraded", "cleared",
    "replaced", "swapped", "unplugged", "reconnected", "power-cycled", "power cycled", "factory reset",
    "retried", "prøvd", "forsøkt", "restartet", "omstartet", "tilbakestilt", "nullstilt", "byttet",
    "oppdatert", "reinstallert", "avinstallert", "tømt", "prøvt", "freista", "omstarta", "restarta",
    "provat", "försökt", "testat", "omstartat", "startat om", "uppdaterat", "ominstallerat",
    "avinstallerat", "rensat", "återställt", "nollställt", "prøvet", "forsøgt", "genstartet", "nulstillet",
    "udskiftet", "opdateret", "geninstalleret", "afinstalleret",
)  # fmt: skip
# Forms that are also infinitives or presents in a neighbouring language: only after a subject.
_PAST_AFTER_SUBJECT: tuple[str, ...] = (
    "reset", "bytt", "bytte", "byttede", "bytta", "skifte", "tömt", "sendt", "sendte", "skickat", "skickade",
    "returnert", "returnerat", "returneret", "sent", "returned",
)  # fmt: skip
_ADVERBS = (
    r"(?:\s+(?:already|also|even|just|again|allerede|alt|allereie|redan|også|ogso|óg|även|nettopp|nyss|"
    r"lige|faktisk|både|flere\s+ganger|fleire\s+gonger|flera\s+gånger|flere\s+gange|several\s+times|"
    r"multiple\s+times|tried\s+to|prøvd\s+å|prøvt\s+å|prøvet\s+at|provat\s+att|försökt\s+att|forsøkt\s+å|"
    r"forsøgt\s+at|tried))*"
)
_SUBJECT = r"(?:(?-i:I)|we|jeg|eg|jag|vi|me|æ|kunden|kunde|the\s+customer|customer)"
_AUX = r"(?:'ve|'d|\s+(?:have|has|had|har|hadde|hade|havde|did))?"
_PAST_AFTER_SUBJECT_SET = frozenset(_PAST_SAFE + _PAST_AFTER_SUBJECT)
_TRIED_SUBJECT_RE = re.compile(
    rf"(?<!\w){_SUBJECT}{_AUX}{_ADVERBS}\s+(?P<verb>{alternation(_PAST_SAFE + _PAST_AFTER_SUBJECT)})(?!\w)",
    _I,
)
_AFTER_CONJ = "|".join(f"(?<=\\s{w}\\s)" for w in ("and", "og", "och", "samt", "then", "så", "og så"))
_TRIED_START_RE = re.compile(
    rf"(?:^|(?<=[.!?\n:;(])|(?<=[.!?,:;)]\s)|(?<=\s[–—-]\s)|(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF])|"
    rf"(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF]\s)|{_AFTER_CONJ})\s*(?:(?:har|have|has|already|allerede|"
    rf"også|redan|alt)\s+)*(?P<verb>{alternation(_PAST_CLAUSE_START)})(?!\w)",
    _I,
)


# "..., and both charges have cleared": a conjunction followed by a new subject and its own finite verb
# starts another clause (a verb right after the conjunction continues the same subject's steps).
_NEW_CLAUSE = re.compile(
    r"\s(?:and|og|och|samt)\s+(?:[^\W\d_]+\s+){0,3}?(?:have|has|had|is|are|was|were|har|hadde|hade|havde|er"
    r"|var|är|ble|blev|vart|will|vil|ska|skal|kan|can)(?!\w)",
    re.IGNORECASE,
)


# What ends a reported step besides a sentence end: a dash before a comment ("i appen – virker heller ikke"),
# an emoji, or an outcome after a comma ("sjekka postkassa, ingenting", "..., samme problem").
_STEP_END = re.compile(
    r"\s[–—-]\s|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]|,\s*(?:ingenting|ingen\s+endring|inget|intet|ikke\s+noe"
    r"|ikkje\s+noko|nothing|no\s+change|no\s+luck|uten\s+hell|utan\s+hell|uden\s+held|samme\s+problem"
    r"|same\s+problem|samma\s+problem|same\s+thing|fortsatt|framleis|stadig|still)\b",
    re.IGNORECASE,
)


def _clause_end(text: str, start: int) -> int:
    end = sentence_end(text, start)
    m = _BUT.search(text, start, end)
    if m:
        end = m.start()
    m = _STEP_END.search(text, start, end)
    if m:
        end = m.start()
    m = _NEW_CLAUSE.search(text, start, end)
    if m and not _PAST_VERB_WORD.fullmatch(text[m.start() :].split()[1]):
        end = m.start()
    if end - start > _MAX_CLAUSE:
        cut = text.rfind(" ", start, start + _MAX_CLAUSE)
        end = cut if cut > start else start + _MAX_CLAUSE
    return end


_PAST_VERB_WORD = re.compile(r"[^\W\d_]{2,}(?:ed|et|at|te|de|a|t)", re.IGNORECASE)
# A chat clause with no subject that opens with an English past form and names what it was done to
# ("Checked with the neighbours", "Unscrewed the cover"): any verb, told as a step.
_EN_BARE_PAST = re.compile(
    r"(?:^|(?<=[.!?\n]\s)|(?<=[.!?\n]))\s*(?:(?:already|also|just|then)\s+)?(?P<verb>[A-Za-z]{3,}ed)\s+"
    r"(?:the|my|our|with|it|them|all|both|every|each|under|in|on|out|off|up|everything)(?!\w)",
    re.IGNORECASE,
)


def _is_question(text: str, start: int) -> bool:
    end = sentence_end(text, start)
    return end < len(text) and text[end] == "?" and _BUT.search(text, start, end) is None


# A clause that promises or agrees something is no attempt ("Vi lovede at sende en kreditnota", "Avtalt at
# vi ringer"), and in an agent's note "vi"/"we" is the company, not the customer.
_COMMITMENT = re.compile(
    r"(?<!\w)(?:promised|promise|lovet|lovte|lova|lovde|lovade|lovede|lover|lovar|avtalt|avtalte|avtala|"
    r"aftalt|aftalte|avtalat|avtalade|agreed|overenskommet|överenskommet)(?!\w)",
    re.IGNORECASE,
)
_COMPANY_SUBJECT = re.compile(r"^(?:vi|we|me)\b", re.IGNORECASE)


def find_tried(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """What the customer says they already tried (customer and note roles only), one fact per step."""
    for found in _find_tried(text, ctx):
        if _COMMITMENT.search(found.value):
            continue
        if ctx.role == "note" and _COMPANY_SUBJECT.match(found.value):
            continue
        yield from _steps(text, found, english=ctx.language == "en")


def _find_tried(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    if ctx.role not in {"customer", "note"}:
        return
    for pattern in (_TRIED_SUBJECT_RE, _TRIED_START_RE):
        for m in pattern.finditer(text):
            start = m.start()
            while start < len(text) and not text[start].isalnum():
                start += 1
            if _is_question(text, start):
                continue
            end = _clause_end(text, m.end("verb"))
            if end - m.end("verb") < 2 and pattern is _TRIED_START_RE:
                continue  # a lone past participle is not a clause
            yield fact("tried", text, start, end, squash(text[start:end]).lower(), 0.8)
    yield from _past_clauses(text, ctx)
    yield from _outcome_clauses(text)
    yield from _short_turn_step(text)
    for m in _EN_BARE_PAST.finditer(text):
        verb = m.group("verb").lower()
        if verb in NOT_TRIED_VERBS or verb in _NOT_VERBS or _is_question(text, m.start("verb")):
            continue
        end = _clause_end(text, m.end("verb"))
        yield fact("tried", text, m.start("verb"), end, squash(text[m.start("verb") : end]).lower(), 0.6)


# --- past clauses by their verb's form ------------------------------------------------------------------

_CLAUSE_STARTS = re.compile(
    r"(?:^|[.!?;:\n(•]|\s[–—-]\s|,\s|\s(?:og|and|och|samt|then|så|og\s+så|and\s+then|and\s+also|"
    r"og\s+også|och\s+även|plus)\s|[\U0001F300-\U0001FAFF\u2600-\u27BF])",
    re.IGNORECASE,
)
_TRIED_SUBJECTS = r"(?:(?-i:I)|we|jeg|eg|jag|vi|me|æ|kunden|kunde|the\s+customer|customer)"
_NOTE_SUBJECTS = r"(?:han|hun|ho|hon|he|she|they|dei|de)"
_HAVE = r"(?:har|have|has|had|hadde|hade|havde|hev|hafði|ha(?=\s+(?:redan|allerede|alt|också|även)\b))"
_ADVERB_LIST = (
    "already", "also", "even", "just", "again", "allerede", "alt", "allereie", "redan", "også", "ogso", "òg",
    "óg", "även", "nettopp", "nyss", "lige", "faktisk", "både", "first", "først", "först", "then", "så",
    "da", "då", "nå", "no", "nu", "now", "selv", "sjølv", "själv", "myself", "ourselves", "self", "bare",
    "berre", "bara", "kun", "only", "personally", "manually", "manuelt", "manuellt", "definitely",
    "obviously", "selvfølgelig", "sjølvsagt", "självklart", "naturligvis", "jo", "vel", "også", "in",
    "fact", "actually", "egentlig", "eigentleg", "egentligen", "ofte", "often", "several", "times",
    "flere", "fleire", "flera", "ganger", "gonger", "gånger", "gange", "probably", "trolig", "truleg",
    "troligen", "kanskje", "kanske", "måske", "maybe", "sikkert", "certainly", "endda", "endog", "tidligere",
    "tidlegare", "tidigare", "previously", "before", "earlier", "akkurat",
)  # fmt: skip
_ADVERBS_RE = rf"(?:(?:{alternation(_ADVERB_LIST)})(?!\w)\s+)*+"
_PAST_CLAUSE_RE = re.compile(
    rf"\s*(?:(?:og|and|och|samt|then|så|plus)\s+)?"
    rf"(?:(?P<subj>{_TRIED_SUBJECTS}|{_NOTE_SUBJECTS})(?!\w|['’](?!ve\b|d\b))(?P<aux>\s+{_HAVE}(?!\w)|'ve|’ve|'d|’d)?\s+"
    rf"|(?P<aux2>{_HAVE})(?!\w)\s+)?"
    rf"{_ADVERBS_RE}(?P<verb>[^\W\d_][\w'’-]*)",
    re.IGNORECASE,
)
_EN_PAST = re.compile(r"[a-z]{2,}ed$")
_NORDIC_PARTICIPLE = re.compile(r"[^\W\d_]{2,}(?:et|at|it|ad|a|t|dd|tt|te|de|ede|ade|dde|tte)$")
_NORDIC_PRETERITE = re.compile(r"[^\W\d_]{2,}(?:et|te|de|ede|ade|dde|tte|a)$")
_NOT_VERBS = frozenset(
    {
        "need", "feed", "seed", "bed", "red", "shed", "speed", "weed", "breed", "proceed", "succeed",
        "exceed", "indeed", "embed", "et", "ett", "eit", "en", "ein", "ei", "a", "an", "the", "it", "det",
        "den", "de",
        "ikke", "ikkje", "inte", "ej", "not", "never", "aldri", "aldrig", "no", "nei", "nej", "ja", "yes",
        "ska", "skal", "skall", "vil", "vill", "will", "would", "could", "should", "might", "must", "kan",
        "kunne", "kunde", "må", "måste", "bør", "burde", "får", "ingen", "ingenting", "nothing", "none",
        "problem", "problemer", "problems", "samma", "samme", "sama", "dette", "detta", "denne", "denna",
        "mitt", "mi", "min", "mine", "my", "our", "vår", "vårt", "hatt", "haft", "fortsatt", "fortfarande",
        "stadig", "framleis", "fremdeles", "still", "ennå", "enda", "endnu", "än", "ännu", "yet", "nett",
        "lenge", "länge", "længe", "snart", "soon", "mange", "många", "mye", "mycket", "meget", "mykje",
        "lita", "liten", "lille", "litet", "data", "rota", "tiltak", "inget", "intet", "noget", "något",
        "noko", "noe", "nokon", "nogen", "någon", "allt", "hele", "helt", "hela", "heile", "lite",
        "bra", "fint", "godt", "gott", "feil", "fel", "fejl", "rett", "rätt", "kontakt", "tilgang",
        "tillgång", "adgang", "tid", "time", "plass", "plats", "råd", "lyst", "fått", "nettet", "internett",
    }
)  # fmt: skip
_TRY_LEXICON = frozenset(
    {
        "tried", "restarted", "rebooted", "reinstalled", "uninstalled", "updated", "upgraded", "cleared",
        "replaced", "swapped", "unplugged", "reconnected", "power-cycled", "reset", "retried", "checked",
        "asked", "looked", "tested", "took", "put", "charged", "plugged", "switched", "turned", "followed",
        "prøvd", "prøvde", "prøvet", "prøvt", "forsøkt", "forsøkte", "forsøgt", "forsøgte", "restartet",
        "omstartet", "tilbakestilt", "nullstilt", "nulstillet", "byttet", "bytta", "skiftet", "skifta",
        "oppdatert", "opdateret", "sjekket", "sjekka", "tjekket", "tjekkede", "kollat", "kollade",
        "kontrollert", "kontrollerat", "spurt", "spurte", "spurgt", "spurgte", "frågat", "frågade",
        "koblet", "kopla", "kopplat", "kopplade", "testet", "testa", "testat", "testede", "genstartet",
        "startat", "provat", "försökt", "uppdaterat", "återställt", "nollställt", "freista",
    }
)  # fmt: skip


_LOOKED = {
    "sett": ("etter", "på", "igjennom", "gjennom"),
    "set": ("efter", "på", "igennem"),
    "så": ("etter", "efter", "på"),
    "såg": ("etter", "på"),
}


def _past_verb(verb: str, *, subject: bool, have: bool, english: bool, particle: str = "") -> bool:
    """Whether ``verb`` after a subject and/or "har/have" is the past form of an action verb.

    English takes "-ed" only in the present perfect ("I've unplugged it"): "I stayed there" is a story.
    """
    low = verb.lower().strip("'’-")
    if low in _TRY_LEXICON or low in _PAST_AFTER_SUBJECT_SET:
        return True
    if low in NOT_TRIED_VERBS or low in _NOT_VERBS or len(low) < 3:
        return low in _LOOKED and (have or subject) and particle in _LOOKED[low]
    if low in PAST_IRREGULAR:
        return subject or have
    if len(low) < 4:
        return False
    if english:
        return have and subject and _EN_PAST.fullmatch(low) is not None
    if have:
        return _NORDIC_PARTICIPLE.fullmatch(low) is not None
    return subject and _NORDIC_PRETERITE.fullmatch(low) is not None


# Past forms that tell what came to the customer, which ends a reported clause ("og fått referansen").
_HAPPENED = frozenset("fått fikk fekk fick fik fået got received mottok mottog modtog".split())
_NOTE_CUSTOMER = frozenset({"customer", "the customer", "kunden", "kunde", "kund"})
_THIRD_PERSON = frozenset({"han", "hun", "ho", "hon", "he", "she", "they", "dei", "de"})


def _opens_sentence(text: str, boundary: re.Match[str]) -> bool:
    """Whether a clause boundary starts a sentence or follows a greeting-like word or two ("Hei, har ...")."""
    mark = boundary.group(0).strip()
    if mark == ",":
        sentence = re.split(r"[.!?;:\n]", text[max(0, boundary.start() - 40) : boundary.start()])[-1]
        return len(sentence.split()) <= 2
    return not any(ch.isalpha() for ch in mark)  # not after "og", "and", "och"


def _past_clauses(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """First-person or subjectless clauses whose verb has a past form ("Har sjekka med naboane")."""
    for b in _CLAUSE_STARTS.finditer(text):
        m = _PAST_CLAUSE_RE.match(text, b.end())
        if m is None:
            continue
        subj = (m.group("subj") or "").lower()
        if subj in _THIRD_PERSON and (ctx.role != "note" or (subj == "de" and not m.group("aux"))):
            continue  # "han har byttet ..." in a note is the customer; "de" alone is also "the"
        aux = (m.group("aux") or m.group("aux2") or "").strip().lower()
        if not (subj or aux):
            continue  # a bare verb starts a clause only from the lexicon (_TRIED_START_RE)
        if not subj and not _opens_sentence(text, b):
            continue  # "..., som har sökt sig dit": a subjectless "har" only opens a sentence
        english = subj.split()[-1:] in (["i"], ["we"], ["customer"], ["he"], ["she"], ["they"])
        english = english or aux in {"have", "has", "had", "'ve", "’ve", "'d", "’d"}
        after = re.match(r"\s+(\w+)", text[m.end("verb") : m.end("verb") + 20])
        particle = after.group(1).lower() if after else ""
        if not _past_verb(
            m.group("verb"),
            subject=bool(subj),
            have=bool(aux) or (ctx.role == "note" and subj in _NOTE_CUSTOMER),
            english=english,
            particle=particle,
        ):
            continue
        start = m.start("subj") if subj else m.start("aux2")
        if _is_question(text, start):
            continue
        end = _clause_end(text, m.end("verb"))
        if end - m.end("verb") < 2:
            continue  # "Har sjekka." alone says too little
        yield fact("tried", text, start, end, squash(text[start:end]).lower(), 0.7)


# --- outcomes: what came of a step -----------------------------------------------------------------------
# The outcome phrases of each language are data (lexicon ``outcomes``: "hjalp ikke = failed", "works =
# works"), and so are the conditions that make a working outcome a test (lexicon ``test_conditions``).


@dataclass(frozen=True)
class _Outcomes:
    failed_at: re.Pattern[str]  # where a "failed" outcome starts (to bound the search before it)
    failed: re.Pattern[str]  # "<what> didn't help"
    failed_to: re.Pattern[str]  # "it didn't help to <what>"
    test: re.Pattern[str]  # a working outcome with a test condition, in either order


@lru_cache(maxsize=1)
def _outcomes() -> _Outcomes:
    failed = alternation(w for lang in LANGUAGES for w, v in entries(lang, "outcomes") if v == "failed")
    works = alternation(w for lang in LANGUAGES for w, v in entries(lang, "outcomes") if v == "works")
    conditions = alternation(words("test_conditions"))
    return _Outcomes(
        failed_at=re.compile(rf"(?<!\s)\s+(?:{failed})(?!\w)", _I),
        failed=re.compile(rf"(?P<what>[^\n.!?;,:()–—]{{3,80}}?)\s+(?P<neg>{failed})(?!\w)", _I),
        failed_to=re.compile(
            rf"(?<!\w)(?:det|it|that|dette|detta)\s+(?:{failed})\s+(?:å|att|at|to)\s+(?P<what>[^\n.!?;]{{3,80}})",
            _I,
        ),
        test=re.compile(
            rf"(?<!\w)(?:{conditions})(?!\w)[^\n.!?;]*?(?<!\w)(?:{works})(?!\w)"
            rf"|(?<!\w)(?:{works})(?!\w)[^\n.!?;]*?(?<!\w)(?:{conditions})(?!\w)",
            _I,
        ),
    )


_PRONOUN_ONLY = re.compile(
    r"(?:(?:men|but|og|and|och|så|so|,)\s+)*(?:det|it|that|this|dette|detta|den|ingenting|nothing|ingen|"
    r"none|dei|they|de|this\s+one|which|som|noe|något|noget|anything)",
    re.IGNORECASE,
)
_LEAD_JUNK = re.compile(r"^(?:(?:but|men|and|og|och|så|so|however)\s+)+", re.IGNORECASE)


def _failed_matches(text: str, outcomes: _Outcomes) -> Iterator[re.Match[str]]:
    """The "<what> didn't help" matches, found by running the pattern only on the 80 characters before each
    outcome (alone, it tries up to 80 lengths of ``what`` at every position of a long text)."""
    pos = 0
    for neg in outcomes.failed_at.finditer(text):
        if neg.end() <= pos:
            continue
        for m in outcomes.failed.finditer(text, max(pos, neg.start() - 80), min(len(text), neg.end() + 1)):
            yield m
            pos = m.end()


def _outcome_clauses(text: str) -> Iterator[ExtractedFact]:
    """Steps told by what came of them: the clause before a failed outcome ("new batteries didn't help"),
    the infinitive after one ("det hjalp ikke å bytte kabel"), and a test that worked under a condition
    ("works fine with another cable"). Outcomes and conditions are lexicon data of each language."""
    outcomes = _outcomes()
    for m in _failed_matches(text, outcomes):
        what = m.group("what")
        lead = _LEAD_JUNK.match(what.strip())
        start = m.start("what") + (len(what) - len(what.lstrip())) + (lead.end() if lead else 0)
        if _PRONOUN_ONLY.fullmatch(text[start : m.start("neg")].strip()) or _is_question(text, start):
            continue
        yield fact("tried", text, start, m.end(), squash(text[start : m.end()]).lower(), 0.65)
    for m in outcomes.failed_to.finditer(text):
        end = _clause_end(text, m.start("what"))
        yield fact("tried", text, m.start(), end, squash(text[m.start() : end]).lower(), 0.65)
    for m in outcomes.test.finditer(text):
        start = max(
            (b.end() for b in _SENTENCE_OR_CLAUSE.finditer(text, 0, m.start())),
            default=0,
        )
        while start < m.start() and not text[start].isalnum():
            start += 1
        if _is_question(text, start):
            continue
        end = _clause_end(text, m.end())
        yield fact("tried", text, start, end, squash(text[start:end]).lower(), 0.65)


_SENTENCE_OR_CLAUSE = re.compile(r"[.!?;:\n]\s|\n|,\s(?:og|and|och|men|but)\s|^")


# --- promises --------------------------------------------------------------------------------------------

_NOT_PROMISE = (
    r"(?:not|never|ikke|ikkje|inte|ej|ikk|aldri|aldrig|need|needs|have\s+to|has\s+to|require|måtte|må|"
    r"trenge|trenger|behøve|behöva|behöver|be|være|vere|vara|kunne|unfortunately|dessverre|dessvärre|"
    r"desværre|gjerne|gärna|gerne|like|ha|have|ask|spørre|spørja|fråga|spørge|bede|be\s+deg|be\s+dig|bitte)"
)
_PROMISE_VERBS = (
    # nb / nn / da / sv, present tense used as future by an agent ("vi ringer deg i morgen")
    "ringer", "sender", "refunderer", "erstatter", "returnerer", "kontakter", "tar kontakt", "kommer tilbake",
    "kjem tilbake", "følger opp", "følgjer opp", "sjekker", "sjekkar", "ordner", "ordnar", "krediterer",
    "bytter", "byter", "reparerer", "reparerar", "undersøker", "undersøkjer", "undersøger", "undersöker",
    "gir beskjed", "gjev beskjed", "giver besked", "sørger for", "sørgjer for", "ser til", "vender tilbage",
    "vender tilbake", "følger op", "tjekker", "skickar", "återbetalar", "ersätter", "kontaktar",
    "återkommer", "hör av oss", "hör av mig", "följer upp", "kollar", "krediterar", "tar hand om",
    "betaler tilbake", "betaler tilbage", "booker", "bokar", "kansellerer", "avbestiller", "annullerer",
)  # fmt: skip
_MODAL_ANY = (
    r"(?:skal|skall|ska|kommer\s+til\s+å|kjem\s+til\s+å|kommer\s+til\s+at|kommer\s+att|will|'ll|shall|"
    r"am\s+going\s+to|are\s+going\s+to|'m\s+going\s+to|'re\s+going\s+to|promise\s+to|lover\s+å|lovar\s+å|"
    r"lover\s+at|lovar\s+att|lovar\s+å)"
)
_PROMISE_AGENT_RE = re.compile(
    rf"(?<!\w)(?:(?P<subj>we|(?-i:I)|vi|jeg|eg|me|jag)(?:\s*{_MODAL_ANY}|\s+vil)(?:\s+(?:definitely|personally|also|"
    rf"then|now|immediately|gladly|straks|også|òg|då|så|da|nå|no|gjerne|helst|med\s+en\s+gang|med\s+ein\s+gong)"
    rf")*\s+(?!{_NOT_PROMISE}(?!\w))(?P<verb>[^\W\d_]+)"
    rf"|(?P<subj2>we|(?-i:I)|vi|jeg|eg|me|jag)\s+(?P<verb2>{alternation(_PROMISE_VERBS)})(?!\w)"
    rf"|(?P<you>you(?:'ll|\s+will)|du\s+vil|du\s+kommer\s+att|du\s+kommer\s+til\s+å|du\s+får)\s+"
    rf"(?P<verb3>receive|get|be\s+contacted|be\s+refunded|hear|få|motta|modtage|bli\s+kontaktet|"
    rf"høre|høyre|höra|høre\s+fra|tilsendt|bli\s+kontaktad|få\s+tilbake|pengene))",
    _I,
)
_PROMISE_REPORTED_RE = re.compile(
    r"(?<!\w)(?:(?:you|dere|du|ni|de|they|he|she)\s+(?:promised|lovet|lovte|lova|lovade|lovede|"
    r"said\s+you\s+would|said\s+you'd|told\s+me\s+you\s+would|sa\s+at\s+dere\s+skulle|sa\s+dere\s+skulle|"
    r"sade\s+att\s+ni\s+skulle)|(?-i:I)\s+(?:lovede|sagde\s+at\s+I\s+ville)|"
    r"(?:(?-i:I)|jeg|eg|jag)\s+(?:was\s+promised|was\s+told|ble\s+lovet|vart\s+lova|blev\s+lovad|fik\s+lovet|"
    r"fekk\s+lovnad\s+om|fikk\s+beskjed\s+om))(?!\w)",
    _I,
)
# In agents' and notes' words a bare "promised" / "lovet" is ours: "Lovet kunden å ringe torsdag".
_PROMISE_NOTE_RE = re.compile(
    r"(?<!\w)(?:promised|lovet|lovte|lova|lovde|lovade|lovede|avtalt|avtalte|avtala|aftalt|aftalte|avtalat"
    r"|avtalade|agreed|overenskommet|överenskommet)(?!\w)",
    _I,
)


def find_promises(text: str, ctx: Context) -> Iterator[ExtractedFact]:
    """Commitments the company made: in agent, bot and note text, or reported by the customer."""
    patterns = [_PROMISE_REPORTED_RE] if ctx.role == "customer" else [_PROMISE_AGENT_RE, _PROMISE_NOTE_RE]
    for pattern in patterns:
        for m in pattern.finditer(text):
            if (
                pattern is _PROMISE_AGENT_RE
                and m.group("subj")
                and m.group(0).lower().split()[1:2] == ["vil"]
            ):
                if (m.group("verb") or "").lower() not in _INFINITIVES:
                    continue  # nb/da "vil" is also "want": "jeg vil gjerne ha ..." is no promise
            if _is_question(text, m.start()):
                continue
            end = _clause_end(text, m.end())
            yield fact("promise", text, m.start(), end, squash(text[m.start() : end]).lower(), 0.75)
    if ctx.role != "customer":
        yield from _frame_promises(text)
        yield from _we_present_promises(text)


# --- promises by time frame and by first-person-plural present ------------------------------------------

_UNIT = (
    r"(?:timer|time|timar|timmar|timme|hours?|hrs?|minutter|minutt|minuter|minut|minutes?|mins?|dager|dagar|"
    r"dage|dag|days?|døgn|dygn|virkedager|virkedagar|virkedage|virkedag|vyrkedagar|vyrkedag|yrkedagar|"
    r"arbeidsdager|arbeidsdagar|arbetsdagar|arbetsdag|arbejdsdage|arbejdsdag|hverdage|hverdager|hverdag|"
    r"vardagar|vardag|bankdagar|bankdager|bankdage|bankdag|working\s+days?|business\s+days?|work\s+days?|"
    r"bank\s+days?|uker|uke|veker|veke|veckor|vecka|uger|uge|weeks?|måneder|månader|månadar|months?)"
)
_WORKING_UNIT = (
    r"(?:virkedager|virkedagar|virkedage|vyrkedagar|yrkedagar|arbeidsdager|arbeidsdagar|arbetsdagar|"
    r"arbejdsdage|hverdage|hverdager|vardagar|bankdagar|bankdager|bankdage|working\s+days|business\s+days|"
    r"work\s+days|bank\s+days)"
)
_AMOUNT_WORD = (
    r"(?:\d{1,3}(?:\s*[–-]\s*\d{1,3})?|en|ein|ei|ett|et|eitt|one|a|an|to|två|two|tre|three|fire|fyra|four|"
    r"fem|five|seks|sex|six|sju|syv|seven|ti|tio|ten|fjorten|fjórtan|fourteen|par|couple\s+of|few|noen|"
    r"nokre|några|nogle)"
)
_WHEN_WORDS = (
    rf"(?:{alternation(WEEKDAYS)}|{alternation(RELATIVE_DAYS)}|end\s+of\s+(?:the\s+)?(?:day|week|month)|"
    r"utgangen\s+av\s+\w+|slutten\s+av\s+\w+|slutet\s+av\s+\w+|udgangen\s+af\s+\w+|midnatt|midnat|midnight|"
    r"lunsj|lunch|frokost|kl\.?\s*\d|klokka\s*\d|klokken\s*\d|klockan\s*\d|\d{1,2}[./]\d{1,2}|\d{1,2}\.\s*\w+|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:januar\w*|februar\w*|mars|marts|march|april|mai|maj|may|juni|june|juli|"
    r"july|august\w*|september|oktober|october|november|desember|december))"
)
_FRAME_RE = re.compile(
    rf"(?<!\w)(?:(?:innen|innan|inom|inden(?:\s+for)?|within|senest|seinast|senast|no\s+later\s+than|"
    rf"ikke\s+senere\s+enn|i\s+løpet\s+av|i\s+løbet\s+af|i\s+løpet\s+av|under|in\s+the\s+(?:next|coming)|"
    rf"om|in)\s+(?:(?:de|dei|the)\s+)?(?:(?:neste|nästa|næste|kommende|kommande|next|coming)\s+)?"
    rf"{_AMOUNT_WORD}\s*{_UNIT}"
    rf"|(?:innen|innan|inom|inden|within|senest|seinast|senast|by|før|føre|före|before|until|no\s+later\s+than)"
    rf"\s+(?:(?:neste|nästa|næste|next|this|denne|denna|på|on|the)\s+)?{_WHEN_WORDS}"
    rf"|\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+{_WORKING_UNIT}"
    rf"|(?:i\s+løpet\s+av|i\s+løbet\s+af|i\s+laupet\s+av|under|during|in\s+the\s+course\s+of|later|senere|seinare|"
    rf"senare)\s+(?:dagen|dagens|uka|uken|veka|veckan|ugen|morgendagen|morgondagen|the\s+day|the\s+week|today|"
    rf"i\s+dag|idag))(?!\w)",
    re.IGNORECASE,
)
_NOT_COMMITMENT = re.compile(
    r"(?<!\w)(?:må|måste|must|have\s+to|has\s+to|need\s+to|needs\s+to|skal\s+du|ska\s+du|"
    r"(?:should|bør|burde|borde)(?!\s+(?:see|receive|get|hear|arrive|have|be|få|se|sjå|motta|høre|høyre|"
    r"höra|ha|komme|kome|komma|være|vere|vara))|"
    r"du\s+skal|du\s+ska|du\s+må|dere\s+må|you'll\s+need|you\s+need|husk|remember|please|vennligst|venligst|"
    r"vänligen|gjerne|gärna|gerne|can\s+be|could\s+be|may\s+be|kan\s+\w+(?:es|as|s)|kunne\s+\w+s|"
    r"you\s+can|du\s+kan|dere\s+kan|de\s+kan|ni\s+kan|you\s+have|du\s+har|dere\s+har|de\s+har|ni\s+har|"
    r"hvis|dersom|om\s+du|om\s+dere|om\s+ni|if|ifall|såfremt|gäller|gjelder|gjeld|gælder|applies|apply|"
    r"angrerett\w*|ångerrätt\w*|fortrydelsesret\w*|returrett\w*|right\s+of\s+withdrawal|"
    r"of\s+(?:the\s+)?(?:purchase|receipt|receiving|delivery|the\s+date|moving|buying)|"
    r"(?:etter|efter|fra|från|after|from)\s+(?:kjøp\w*|köp\w*|køb\w*|purchase|mottak\w*|mottagande\w*|"
    r"modtagelse\w*|levering\w*|leverans\w*|delivery|receipt|receiving)|"
    r"wait|vent|vente|vänta|venta|afvent|avvent|ble|blei|vart|blev|was|were|has\s+been|have\s+been|"
    r"had\s+been|har\s+vært|har\s+vore|har\s+varit|"
    r"har\s+været|usually|normally|normalt|vanligvis|vanligtvis|typically|typisk|pleier|brukar|plejer)(?!\w)",
    re.IGNORECASE,
)
_FRAME_CLAUSE_START = re.compile(
    r"(?:[.!?;:\n]\s*|,\s+(?:(?:og|and|och|men|but|så|so)\s+)?|\s(?:og|and|och|samt|men|but)\s+|^)",
    re.IGNORECASE,
)
_FRAME_CLAUSE_END = re.compile(r",\s+(?:og|and|och|men|but|så|so)\s|\s(?:but|men)\s", re.IGNORECASE)


_RELATIVE_TO = re.compile(r"\s+(?:of|prior\s+to|før|före|inför)(?!\w)", re.IGNORECASE)


def _frame_promises(text: str) -> Iterator[ExtractedFact]:
    """Clauses in which the company commits to a time frame ("Du får fakturaen inden for 24 timer")."""
    for m in _FRAME_RE.finditer(text):
        if _RELATIVE_TO.match(text, m.end()):
            continue  # "within 40 days of your birthday": a rule, not a commitment
        start = max((b.end() for b in _FRAME_CLAUSE_START.finditer(text, 0, m.start())), default=0)
        end = sentence_end(text, m.end())
        cut = _FRAME_CLAUSE_END.search(text, m.end(), end)
        end = cut.start() if cut else end
        clause = text[start:end]
        if not clause.strip() or _NOT_COMMITMENT.search(clause) or _NEGATION.search(clause):
            continue
        if _is_question(text, start):
            continue
        yield fact("promise", text, start, end, squash(clause).lower(), 0.65)


_PRESENT = re.compile(r"[^\W\d_]{2,}(?:er|ar|ér)$")
_NOT_PROMISE_PRESENT = frozenset(
    {
        "er", "har", "kan", "ser", "beklager", "beklagar", "forstår", "förstår", "håper", "hoppas", "tror",
        "ønsker", "önskar", "trenger", "treng", "behøver", "behöver", "anbefaler", "anbefalar",
        "rekommenderar", "mener", "meiner", "menar", "synes", "tycker", "takker", "takkar", "tackar",
        "gleder", "gleer", "heter", "heiter", "hedder", "ligger", "står", "mangler", "manglar", "saknar",
        "finner", "finn", "hører", "høyrer", "hör", "vet", "veit", "ved", "forklarer",
        "förklarar", "jobber", "jobbar", "arbeider", "arbetar", "arbejder", "bruker", "brukar", "bruger",
        "använder", "tilbyr", "tilbyder", "erbjuder", "selger", "sel", "säljer", "sælger",
        "mottar", "tar", "får", "gir", "gjev", "ger", "giver", "lar", "later",
        "venter", "ventar", "väntar", "skriver", "svarer", "svarar", "ber", "spør", "frågar",
        "spørger", "anser", "vurderer", "vurderar", "bekrefter", "bekräftar", "bekræfter", "registrerer",
        "registrerar", "noterer", "noterar", "kjenner", "känner", "kender", "kommer", "kjem",
    }
)  # fmt: skip
_WE_PRESENT_RE = re.compile(
    rf"(?<!\w)(?P<subj>vi|me)(?:\s+(?:{alternation(_ADVERB_LIST)}|straks|gjerne|med\s+en\s+gang|"
    rf"med\s+ein\s+gong))*\s+(?P<verb>[^\W\d_]+)(?!\w)"
    rf"|(?:^|(?<=[.!?,:;\n]\s)|(?<=[.!?,:;\n]))(?:(?:da|så|då|nå|no|nu|så\s+snart)\s+)?(?P<verb2>[^\W\d_]+)"
    rf"\s+(?:vi|me)(?!\w)",
    re.IGNORECASE,
)
_TIME_HINT = re.compile(
    rf"(?<!\w)(?:{_WHEN_WORDS}|formiddag\w*|ettermiddag\w*|eftermiddag\w*|förmiddag\w*|snarest|snarast|straks|"
    rf"så\s+snart|så\s+fort|as\s+soon\s+as|asap|med\s+en\s+gang|med\s+ein\s+gong|med\s+det\s+samme|"
    rf"i\s+løpet\s+av|i\s+løbet\s+af|under\s+dagen|later\s+today|senere\s+i\s+dag|seinare\s+i\s+dag|"
    rf"senare\s+idag|senare\s+i\s+dag|neste\s+uke|nästa\s+vecka|næste\s+uge|neste\s+veke|next\s+week)(?!\w)",
    re.IGNORECASE,
)


_WE_AND_RE = re.compile(
    r"(?<!\w)(?:vi|me)\s+[^.!?\n]{1,80}?\s(?:og|och|samt)\s+(?P<verb>[^\W\d_]+)(?!\w)", re.IGNORECASE
)


def _we_present_promises(text: str) -> Iterator[ExtractedFact]:
    """Our present tense with a time or a verb of service: "vi henter den torsdag", "Da sjekker vi om ..."."""
    for m in _WE_PRESENT_RE.finditer(text):
        verb = (m.group("verb") or m.group("verb2") or "").lower()
        if verb in _NOT_PROMISE_PRESENT and verb not in _SERVICE_PRESENT:
            continue
        if not _PRESENT.fullmatch(verb) and verb not in _SERVICE_PRESENT:
            continue
        start = m.start()
        if _is_question(text, start):
            continue
        end = _clause_end(text, m.end())
        clause = text[start:end]
        if _NEGATION.search(clause) or (verb not in _SERVICE_PRESENT and not _TIME_HINT.search(clause)):
            continue
        if _NOT_COMMITMENT.search(clause) and verb not in _SERVICE_PRESENT:
            continue
        yield fact("promise", text, start, end, squash(clause).lower(), 0.7)
    for m in _WE_AND_RE.finditer(text):  # "Vi har oprettet sag ... og sender en returlabel i dag"
        verb = m.group("verb").lower()
        if verb in _NOT_PROMISE_PRESENT or not (_PRESENT.fullmatch(verb) or verb in _SERVICE_PRESENT):
            continue
        end = _clause_end(text, m.end())
        clause = text[m.start("verb") : end]
        if _is_question(text, m.start()) or _NEGATION.search(clause) or _NOT_COMMITMENT.search(clause):
            continue
        if verb in _SERVICE_PRESENT or _TIME_HINT.search(clause):
            yield fact("promise", text, m.start("verb"), end, squash(clause).lower(), 0.65)


_SERVICE_PRESENT = frozenset(v for v in _PROMISE_VERBS if " " not in v and _PRESENT.fullmatch(v))
_NEGATION = re.compile(r"(?<!\w)(?:not|never|ikke|ikkje|inte|ej|aldri|aldrig|n't)(?!\w)", re.IGNORECASE)


_INFINITIVES = frozenset(
    {
        "ringe", "sende", "refundere", "erstatte", "returnere", "kontakte", "ta", "komme", "kome", "følge",
        "følgje", "sjekke", "ordne", "kreditere", "bytte", "reparere", "undersøke", "undersøge", "gi", "gje",
        "give", "sørge", "sørgje", "vende", "tjekke", "se", "sjå", "hjelpe", "hjælpe", "fikse", "booke",
        "kansellere", "avbestille", "afbestille", "behandle", "oppdatere", "opdatere", "betale", "levere",
        "hente", "sikre", "varsle", "informere", "undersøkje", "skaffe", "finne", "finde",
    }
)  # fmt: skip


# --- one step per fact -----------------------------------------------------------------------------------
# A clause names its steps without who did them: "Jeg har allerede sperret det i nettbanken" is the step
# "sperret det i nettbanken", and "Vi har latt han hvile og kjølt beinet med is" two steps ("latt han
# hvile", "kjølt beinet med is"). A coordinated verb of a past form starts the next step; one that tells what
# happened rather than what was done ("og fått referansen") ends the step and is dropped, and so is a
# comment on it ("and it's fine", ", didn't help").
_STEP_WORD = re.compile(r"[\w'’-]*\w", re.UNICODE)
_STEP_CONJ = frozenset({"og", "and", "och", "samt", "then", "plus", "og så", "and then", "så"})
# "took the lid off and scrubbed it": a step whose object is a pronoun stays with the step it refers to.
_STEP_OBJECT_PRONOUNS = frozenset(
    {"it", "them", "det", "den", "dem", "dei", "de", "him", "her", "henne", "honom"}
)
_STEP_PRONOUN = frozenset(
    {"it", "it's", "it’s", "that", "det", "den", "dette", "detta", "which", "som", "they"}
)
_STEP_LEADERS = frozenset(
    {"og", "and", "och", "samt", "then", "plus", "i", "we", "jeg", "eg", "jag", "vi", "me", "kunden", "kunde",
     "customer", "han", "hun", "ho", "hon", "he", "she", "they", "dei", "har", "have", "has", "had", "hadde",
     "hade", "havde", "hev", "i've", "i’ve", "we've", "we’ve", "i'd", "we'd", "ha", "æ", "a"}
    | set(_ADVERB_LIST)
)  # fmt: skip


def _past_form(word: str, english: bool = False) -> bool:
    """Whether a word has the shape or the lexicon entry of a past form (any verb, tried or not); in an
    English text only "-ed" and the listed forms ("boat" has a Nordic participle's shape)."""
    low = word.lower().strip("'’-")
    if english and not (low.endswith("ed") or low in PAST_IRREGULAR or low in _PAST_AFTER_SUBJECT_SET):
        return False
    if low in NOT_TRIED_VERBS:
        return True
    if low in _NOT_VERBS:
        return False
    return (
        low in _TRY_LEXICON
        or low in _PAST_AFTER_SUBJECT_SET
        or low in PAST_IRREGULAR
        or low in NOT_TRIED_VERBS
        or (len(low) >= 4 and (_EN_PAST.fullmatch(low) or _NORDIC_PARTICIPLE.fullmatch(low)) is not None)
    )


@lru_cache(maxsize=1)
def _failed_start() -> re.Pattern[str]:
    failed = alternation(w for lang in LANGUAGES for w, v in entries(lang, "outcomes") if v == "failed")
    return re.compile(rf"(?:{failed})(?!\w)", _I)


# A short chat turn that is one step without a subject ("og tatt ut og inn simkortet", "already reset
# network settings"): a past form first, after at most a conjunction or an adverb.
_SHORT_TURN_WORDS = 9
_SHORT_TURN_NOT_OBJECT = frozenset(
    "er is är var was were har has hadde hade mitt min mit my mi vår vårt vores our ikke ikkje inte not"
    " fra from från frå".split()
)


def _short_turn_step(text: str) -> Iterator[ExtractedFact]:
    line = text.strip()
    if not line or "\n" in line or len(line.split()) > _SHORT_TURN_WORDS or line.endswith("?"):
        return
    words = list(_STEP_WORD.finditer(text))
    i = 0
    while i < len(words) - 1 and words[i].group(0).lower() in _STEP_CONJ | set(_ADVERB_LIST):
        i += 1
    if i >= len(words) - 1:
        return  # a verb alone says too little
    verb = words[i].group(0)
    low = verb.lower()
    english = low.endswith("ed") or low in {"reset", "put", "set", "kept", "frozen", "taken", "done", "sent"}
    if not _past_verb(verb, subject=False, have=True, english=english):
        return
    if english and not (low.endswith("ed") or low in _PAST_AFTER_SUBJECT_SET or low in PAST_IRREGULAR):
        return
    if low in NOT_TRIED_VERBS:
        return
    listed = low in _TRY_LEXICON or low in _PAST_CLAUSE_START or low in PAST_IRREGULAR
    if not listed and not (i or verb[0].islower()):
        return  # "Fødselsnummeret mitt er ...": a capitalised noun of a participle's shape
    if words[i + 1].group(0).lower() in _SHORT_TURN_NOT_OBJECT:
        return
    end = _clause_end(text, words[i].end())
    yield fact("tried", text, words[i].start(), end, squash(text[words[i].start() : end]).lower(), 0.6)


def _step_spans(
    text: str, found: ExtractedFact, english: bool, *, whole: bool = False
) -> list[tuple[int, int]]:
    """The spans of the steps of a reported clause, without who did them and without what came of them
    (``whole``: also the parts that are no step but no outcome either, "og sett han inn att")."""
    words = [(found.start + m.start(), found.start + m.end()) for m in _STEP_WORD.finditer(found.value)]
    if not words:
        return []
    low = [text[a:b].lower() for a, b in words]
    out: list[tuple[int, int]] = []
    for n, (a, b) in enumerate(_step_bounds(text, found, words, low, english)):
        verb = text[a:b].split()[0] if text[a:b].split() else ""
        if n and not _past_verb(verb, subject=True, have=True, english=verb.lower().endswith("ed")):
            if not whole or verb.lower() in _HAPPENED:
                continue  # "og fått referansen ...": what happened, not a step
        if verb.endswith(":"):
            continue  # "Customer called: berth B-17 ...": a note's heading, not a step
        if b - a >= 3:
            out.append((a, b))
    return out


def _steps(text: str, found: ExtractedFact, *, english: bool = False) -> Iterator[ExtractedFact]:
    """The clause as its steps say it: from the first step to the end of the last."""
    spans = _step_spans(text, found, english, whole=True)
    if not spans:
        return
    if spans[0][0] == found.start and spans[-1][1] == found.end:
        yield found
        return
    a, b = spans[0][0], spans[-1][1]
    yield fact("tried", text, a, b, squash(text[a:b]).lower(), found.confidence)


def _first_verb(low: list[str], english: bool) -> int:
    """Where a clause's first step starts: after its subject, "har/have" and adverbs (0 when none)."""
    i = 2 if low[:2] == ["the", "customer"] else 0
    while i < len(low) - 1 and low[i] in _STEP_LEADERS:
        i += 1
    return i if _past_form(low[i], english) else 0  # "new batteries didn't help": nothing to drop


def _step_bounds(
    text: str, found: ExtractedFact, words: list[tuple[int, int]], low: list[str], english: bool
) -> list[tuple[int, int]]:
    """The spans of a clause's steps: a coordinated past form starts the next one; a pronoun subject or a
    failed outcome after a comma ends the last."""
    i = _first_verb(low, english)
    bounds: list[tuple[int, int]] = []
    start = words[i][0]
    j = i + 1
    while j < len(words):
        conj = low[j] in _STEP_CONJ
        comma = "," in text[words[j - 1][1] : words[j][0]]
        if not (conj or comma):
            j += 1
            continue
        k = j + 1 if conj else j
        while k < len(words) - 1 and low[k] in _STEP_LEADERS and low[k] not in _STEP_CONJ:
            k += 1
        if (k < len(words) and low[k] in _STEP_PRONOUN) or (
            comma and _failed_start().match(text, words[j][0])
        ):
            return [*bounds, (start, words[j - 1][1])]  # "and it's fine", ", didn't help": no step
        refers = k + 1 < len(words) and low[k + 1] in _STEP_OBJECT_PRONOUNS
        if k < len(words) and _past_form(low[k], english) and not refers:
            bounds.append((start, words[j - 1][1]))
            start = words[k][0]
            j = k + 1
            continue
        j += 1
    return [*bounds, (start, found.end)]
